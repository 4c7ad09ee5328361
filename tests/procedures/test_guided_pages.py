"""情形引导 on public pages: an item narrowed by the URL's answers, a family's chosen variant,
and a bundle's (一件事) stages and merged materials list."""

import re

import pytest
from django.urls import reverse

from handouts.checklists import checklist_text
from procedures import publishing
from procedures.models import MaterialKind
from procedures.roles import EDITORS, WINDOW_STAFF
from procedures.views.guides import case_of
from tests.factories import (
    FLOW_CASES,
    FLOW_MATERIALS,
    FLOW_QUESTIONS,
    make_category,
    make_flow_published,
    make_published,
    make_user,
    when,
)

pytestmark = pytest.mark.django_db

OUTSIDER_BY_PROXY = "?hu-ji=wai-di-hu-ji&dai-ban=wei-tuo-ta-ren-dai-ban"
LOCAL_IN_PERSON = "?hu-ji=ben-qu-hu-ji&dai-ban=ben-ren-ban-li"


def page(client, version, query=""):
    response = client.get(reverse("procedures:detail", args=[version.procedure.slug]) + query)
    assert response.status_code == 200
    return response.content.decode()


def visible(html: str) -> str:
    """The page's text without tags, the copy-checklist textarea, or runs of whitespace."""
    html = re.sub(r'<textarea id="checklist-text".*?</textarea>', "", html, flags=re.S)
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


# ---------------------------------------------------------------------------- an item


def test_without_answers_the_page_lists_every_material_and_asks_the_questions(client):
    html = page(client, make_flow_published())
    assert "按情形查看材料" in html
    assert "户籍在本区吗？" in html and 'name="hu-ji" value="wai-di-hu-ji"' in html
    for name in ("居民身份证", "户口簿", "居住证", "授权委托书"):
        assert name in html
    assert "您的情形" not in html and "本情形不需要" not in html


def test_answers_in_the_url_name_the_case_and_give_each_conditional_material_its_reason(client):
    text = visible(page(client, make_flow_published(), OUTSIDER_BY_PROXY))
    assert "您的情形：外地户籍·委托他人代办" in text
    assert "居住证" in text and "外地户籍时需要" in text
    assert "不是本人办理时需要" in text
    assert "本情形不需要" not in text


def test_materials_the_case_does_not_need_are_left_out_with_why(client):
    html = page(client, make_flow_published(), LOCAL_IN_PERSON)
    needed = section(html, 'id="materials"', "本情形不需要")
    assert "居民身份证" in needed and "户口簿" in needed
    assert "居住证" not in needed and "授权委托书" not in needed
    left_out = visible(section(html, "本情形不需要", "</details>"))
    assert "本情形不需要（2项）" in left_out
    assert "居住证：外地户籍时才需要" in left_out


def test_a_material_waits_for_the_question_that_decides_it(client):
    text = visible(page(client, make_flow_published(), "?hu-ji=ben-qu-hu-ji"))
    assert "待确认" in text
    assert "授权委托书" in text and "不是本人办理时需要" in text
    assert "您的情形：本区户籍" in text


def test_answers_can_be_given_in_any_order_and_are_checked_in_the_form(client):
    html = page(client, make_flow_published(), "?dai-ban=wei-tuo-ta-ren-dai-ban&hu-ji=wai-di-hu-ji")
    assert 'value="wai-di-hu-ji" checked' in html
    assert 'value="wei-tuo-ta-ren-dai-ban" checked' in html
    assert "外地户籍 · 委托他人代办" in html


@pytest.mark.parametrize(
    "query",
    [
        "?hu-ji=mars",
        "?nonsense=1&hu-ji=",
        "?hu-ji=%00%ff&dai-ban[]=x",
        "?" + "&".join(f"x{i}=y" for i in range(200)),
    ],
)
def test_garbage_parameters_are_ignored(client, query):
    html = page(client, make_flow_published(), query)
    assert "您的情形" not in html and "居住证" in html


def test_reset_and_handout_links_carry_the_case(client):
    version = make_flow_published()
    html = page(client, version, OUTSIDER_BY_PROXY)
    handout = reverse("handouts:current", args=[version.procedure.slug])
    assert f'href="{handout}?hu-ji=wai-di-hu-ji&amp;dai-ban=wei-tuo-ta-ren-dai-ban"' in html
    assert 'href="?#case">重新选择' in html


def test_call_mode_keeps_its_view_when_answering(client):
    version = make_flow_published()
    client.force_login(make_user("window", WINDOW_STAFF))
    html = page(client, version, "?view=call&hu-ji=wai-di-hu-ji")
    assert '<input type="hidden" name="view" value="call">' in html
    assert html.index("按情形查看材料") < html.index("您需要的材料")
    assert 'href="?view=call#case">重新选择' in html


def test_staff_get_a_copy_link_and_a_checklist_of_the_case(client):
    version = make_flow_published()
    client.force_login(make_user("window", WINDOW_STAFF))
    html = page(client, version, OUTSIDER_BY_PROXY)
    assert "复制链接" in html and "data-copy-link" in html
    checklist = section(html, 'id="checklist-text"', "</textarea>")
    assert "情形：外地户籍 · 委托他人代办" in checklist
    assert (
        "sheng-yu-fu-wu-shou-ce/?hu-ji=wai-di-hu-ji&amp;dai-ban=wei-tuo-ta-ren-dai-ban" in checklist
    )


def test_residents_get_no_copy_buttons(client):
    html = page(client, make_flow_published(), OUTSIDER_BY_PROXY)
    assert "复制链接" not in html and "复制清单" not in html


def test_the_case_checklist_lists_only_what_the_case_needs():
    version = make_flow_published()
    text = checklist_text(version, case_of(version, {"hu-ji": "ben-qu-hu-ji"}))
    assert "情形：本区户籍" in text
    assert "居住证" not in text
    waiting = "☐ 授权委托书（原件，1 份，待确认：不是本人办理时需要）"
    assert f"以下按情形，符合的才需要带：\n{waiting}" in text
    assert text.count("委托他人代办的") == 0  # the condition is said once, as the page says it
    assert text.endswith("?hu-ji=ben-qu-hu-ji")


def test_an_item_without_questions_looks_as_before(client):
    html = page(client, make_published(), "?hu-ji=wai-di-hu-ji")
    assert "按情形查看材料" not in html and "guides.css" not in html
    assert "授权委托书" in html


def test_the_draft_preview_asks_the_questions_too(client):
    version = make_flow_published()
    editor = make_user("editor", EDITORS)
    draft = publishing.create_draft(version.procedure, by=editor)
    client.force_login(editor)
    url = reverse("procedures:preview", args=[draft.pk]) + "?as=staff&hu-ji=wai-di-hu-ji"
    html = client.get(url).content.decode()
    assert "您的情形" in html and '<input type="hidden" name="as" value="staff">' in html


# ---------------------------------------------------------------------------- a family

FAMILY_QUESTIONS = (
    {"label": "情形", "text": "您是第一次办身份证吗？", "options": ["首次申领", "到期换领"]},
)


@pytest.fixture
def family():
    category = make_category("户籍")
    first = make_flow_published("居民身份证首次申领", slug="shou-ci", category=category)
    renew = make_published(
        "居民身份证到期换领",
        slug="huan-ling",
        category=category,
        materials=({"name": "原居民身份证"}, {"name": "户口簿"}),
    )
    return make_published(
        "居民身份证",
        slug="shen-fen-zheng",
        category=category,
        kind="family",
        questions=FAMILY_QUESTIONS,
        members=(
            {"target": first.procedure, "when": when("情形", "首次申领"), "note": "年满十六周岁"},
            {"target": renew.procedure, "when": when("情形", "到期换领"), "note": ""},
        ),
    )


def test_a_family_lists_its_variants_with_their_conditions_in_words(client, family):
    text = visible(page(client, family))
    assert "居民身份证首次申领" in text and "首次申领时办理" in text
    assert "居民身份证到期换领" in text and "到期换领时办理" in text
    assert "情形是" not in text and "适用于" not in text
    assert "应办理" not in text


def test_a_familys_answers_pick_the_variant_with_its_narrowed_materials(client, family):
    html = page(client, family, "?qing-xing=shou-ci-shen-ling&hu-ji=ben-qu-hu-ji")
    text = visible(html)
    assert "应办理：居民身份证首次申领" in text
    assert 'href="/procedures/shou-ci/?hu-ji=ben-qu-hu-ji"' in html
    assert "户籍在本区吗？" in text  # the variant's own questions are asked too
    chosen = visible(section(html, 'id="variant"', 'id="variants"'))
    assert "居民身份证" in chosen and "居住证" not in chosen.split("本情形不需要")[0]
    assert "原居民身份证" not in chosen


def test_a_familys_checklist_names_the_chosen_variant(family):
    text = checklist_text(family, case_of(family, {"qing-xing": "dao-qi-huan-ling"}))
    assert text.startswith("【居民身份证】应办理：居民身份证到期换领")
    assert "☐ 原居民身份证" in text


# ---------------------------------------------------------------------------- a bundle

BUNDLE_QUESTIONS = (
    {"label": "面积", "text": "经营场所有多大？", "options": ["500平方米以下", "500平方米以上"]},
)


@pytest.fixture
def bundle():
    category = make_category("开办企业")
    licence = make_published(
        "营业执照",
        slug="ying-ye-zhi-zhao",
        category=category,
        materials=(
            {"name": "居民身份证", "form": "original"},
            {"name": "经营场所证明", "form": "copy"},
        ),
        location="一楼 3 号窗口",
        phone="021-1111 0000",
    )
    food = make_published(
        "食品经营许可",
        slug="shi-pin-xu-ke",
        category=category,
        materials=(
            {"name": "居民身份证", "form": "copy", "copies": 2},
            {"name": "健康证明", "note": "从业人员的"},
        ),
        steps=({"title": "现场核查", "body": "", "staff_note": "内部：核查暗号"},),
    )
    fire = make_published(
        "消防安全检查",
        slug="xiao-fang",
        category=category,
        materials=({"name": "消防设计图纸"},),
    )
    MaterialKind.objects.filter(name="居民身份证").update(electronic=True)
    return make_published(
        "开饭店",
        slug="kai-fan-dian",
        category=category,
        kind="bundle",
        questions=BUNDLE_QUESTIONS,
        members=(
            {"target": licence.procedure, "when": [], "note": ""},
            {"target": food.procedure, "when": [], "note": ""},
            {
                "target": fire.procedure,
                "when": when("面积", "500平方米以上"),
                "note": "面积 500 ㎡ 以下不需要办理",
            },
        ),
    )


def test_a_bundle_lists_its_procedures_as_numbered_stages(client, bundle):
    html = page(client, bundle)
    text = visible(html)
    positions = [text.index(t) for t in ("营业执照", "食品经营许可", "消防安全检查")]
    assert positions == sorted(positions)
    assert "一楼3号窗口" in text and "021-11110000" in text
    assert "需要办理" in text and "待确认500平方米以上时需要" in text
    assert "现场核查" in text


def test_a_bundle_merges_each_material_once_with_the_most_copies_and_strictest_form(client, bundle):
    html = page(client, bundle, "?mian-ji=500-ping-fang-mi-yi-xia")
    merged = section(html, 'id="materials"', "</section>")
    assert merged.count('class="checklist__name">居民身份证<') == 1
    item = visible(section(merged, ">居民身份证<", "</li>"))
    assert "原件及复印件" in item and "2份" in item and "可电子核验" in item
    assert "用于：营业执照、食品经营许可" in item
    assert "2个事项共4项材料，合并后3项" in visible(merged)
    assert "消防设计图纸" not in merged


def test_a_bundle_leaves_out_a_stage_the_case_does_not_need_with_why(client, bundle):
    html = page(client, bundle, "?mian-ji=500-ping-fang-mi-yi-xia")
    skipped = visible(section(html, "stage--left_out", "</li>"))
    assert "消防安全检查" in skipped and "本情形不需办理" in skipped
    assert "500平方米以上时才需要" in skipped


def test_anonymous_residents_see_no_internal_notes_on_a_bundle(client, bundle):
    html = page(client, bundle)
    assert "内部：核查暗号" not in html and "内部：先查系统" not in html
    client.force_login(make_user("window", WINDOW_STAFF))
    assert "内部：核查暗号" in page(client, bundle)


def test_a_bundles_checklist_lists_the_merged_materials_and_the_order(bundle):
    text = checklist_text(bundle, case_of(bundle, {"mian-ji": "500-ping-fang-mi-yi-shang"}))
    assert text.count("☐ 居民身份证") == 1
    assert "☐ 居民身份证（原件及复印件，2 份，用于：营业执照、食品经营许可）" in text
    assert "3. 消防安全检查" in text and "情形：500平方米以上" in text


def test_the_category_page_marks_bundles_and_families(client, bundle):
    html = client.get(reverse("procedures:category", args=["kai-ban-qi-ye"])).content.decode()
    assert "一件事" in html


def test_a_version_page_narrows_by_the_same_answers(client):
    version = make_flow_published()
    url = reverse("procedures:version", args=[version.procedure.slug, 1]) + "?hu-ji=wai-di-hu-ji"
    html = client.get(url).content.decode()
    assert "您的情形" in html and "外地户籍时需要" in html
    handout = reverse("handouts:current", args=[version.procedure.slug])  # v1 is in force
    assert f'href="{handout}?hu-ji=wai-di-hu-ji"' in html


def test_a_material_with_only_written_words_is_not_said_to_wait_for_the_questions(client):
    version = make_published(
        materials=(*FLOW_MATERIALS, {"name": "离婚证", "required": False, "condition": "再婚的"}),
        questions=FLOW_QUESTIONS,
        cases=FLOW_CASES,
    )
    html = visible(page(client, version, LOCAL_IN_PERSON))
    assert "按情形1项：符合下面情形的才需要带" in html
    assert "回答上面的问题" not in html  # every question is answered


def test_residents_are_told_what_to_bring_and_staff_what_to_ask(client):
    version = make_published(
        materials=(*FLOW_MATERIALS, {"name": "离婚证", "required": False, "condition": "再婚的"}),
        questions=FLOW_QUESTIONS,
    )
    assert "请向居民确认" not in visible(page(client, version, LOCAL_IN_PERSON))
    client.force_login(make_user("window", WINDOW_STAFF))
    assert "符合下面情形的才需要，请向居民确认" in visible(page(client, version, LOCAL_IN_PERSON))
