"""情形引导 in the draft editor: questions, conditions picked from dropdowns, test cases run on
every save, the check panel and its diagram, and procedures created as items, families or
bundles."""

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from procedures import flow_diagram, flows, publishing
from procedures.models import Procedure
from procedures.roles import EDITORS
from tests.factories import make_draft, make_flow_published, make_published, make_user, when
from tests.procedures.test_editing import admin_post_data, draft_admin_url

pytestmark = pytest.mark.django_db

# Index of each material of FLOW_MATERIALS in the posted formset.
ID_CARD, HOUSEHOLD, RESIDENCE, PROXY = range(4)


@pytest.fixture
def editor(client):
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    return client


@pytest.fixture
def flow_draft():
    version = make_flow_published()
    return publishing.create_draft(version.procedure, by=None)


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def save(client, draft, data):
    return client.post(draft_admin_url(draft), data)


def household_only_for_locals(data):
    """户口簿 made 按情形 (本区户籍 only): the stored case still expects it for 外地户籍."""
    condition = json.dumps(when("户籍", "本区户籍"), ensure_ascii=False)
    data.pop(f"materials-{HOUSEHOLD}-required", None)
    return dict(data, **{f"materials-{HOUSEHOLD}-when": condition})


def test_a_question_with_options_is_saved_one_option_a_line(editor):
    draft = publishing.create_draft(make_published().procedure, by=None)
    data = admin_post_data(editor, draft)
    data.update(
        {
            "questions-TOTAL_FORMS": 1,
            "questions-0-position": 1,
            "questions-0-label": "户籍",
            "questions-0-text": "户籍在本区吗？",
            "questions-0-options": "本区户籍\r\n\r\n 外地户籍 \r\n",
            "questions-0-help": "",
        }
    )
    response = save(editor, draft, data)
    assert response.status_code == 302
    question = draft.questions.get()
    assert (question.label, question.options) == ("户籍", ["本区户籍", "外地户籍"])


def test_a_duplicated_option_is_refused_and_named(editor, flow_draft):
    data = admin_post_data(editor, flow_draft)
    data["questions-0-options"] = "本区户籍\n外地户籍\n本区户籍"
    response = save(editor, flow_draft, data)
    assert response.status_code == 200
    assert "选项「本区户籍」写了两次" in response.content.decode()
    assert flow_draft.questions.get(label="户籍").options == ["本区户籍", "外地户籍"]


def test_a_material_condition_is_saved_from_the_widgets_json(editor, flow_draft):
    data = admin_post_data(editor, flow_draft)
    condition = when("代办", "委托他人代办")
    data[f"materials-{PROXY}-when"] = json.dumps(condition, ensure_ascii=False)
    response = save(editor, flow_draft, data)
    assert response.status_code == 302
    assert flow_draft.materials.get(name="授权委托书").when == condition
    assert "测试用例：1 个全部通过。" in texts(response)


def test_malformed_condition_json_is_refused_and_nothing_saved(editor, flow_draft):
    data = admin_post_data(editor, flow_draft)
    data.update({"fee": "改了收费", f"materials-{RESIDENCE}-when": '[{"question": "户籍"'})
    response = save(editor, flow_draft, data)
    assert response.status_code == 200
    assert "情形条件没能读懂" in response.content.decode()
    flow_draft.refresh_from_db()
    assert (flow_draft.revision, flow_draft.fee) == (0, "")


def test_a_clause_without_options_is_refused_in_chinese(editor, flow_draft):
    data = admin_post_data(editor, flow_draft)
    data[f"materials-{RESIDENCE}-when"] = json.dumps(when("户籍"), ensure_ascii=False)
    response = save(editor, flow_draft, data)
    assert "第 1 条条件（户籍）没有勾选任何选项" in response.content.decode()


def test_a_condition_on_a_required_material_is_refused(editor, flow_draft):
    data = household_only_for_locals(admin_post_data(editor, flow_draft))
    data[f"materials-{HOUSEHOLD}-required"] = "on"
    response = save(editor, flow_draft, data)
    assert response.status_code == 200
    assert "应为按情形提交：请取消勾选“是否必需”" in response.content.decode()
    assert flow_draft.materials.get(name="户口簿").when == []


def test_a_required_material_with_a_written_condition_is_refused(editor, flow_draft):
    """必需 shows no 适用情形: saved, the condition would vanish and everyone would bring it."""
    data = admin_post_data(editor, flow_draft)
    data[f"materials-{HOUSEHOLD}-required"] = "on"
    data[f"materials-{HOUSEHOLD}-condition"] = "网上申请且未上传照片的"
    response = save(editor, flow_draft, data)
    assert response.status_code == 200
    assert "写了适用情形，应为按情形提交：请取消勾选“是否必需”" in response.content.decode()
    assert flow_draft.materials.get(name="户口簿").condition == ""


def test_a_failing_case_is_reported_on_save_and_in_the_panel(editor, flow_draft):
    response = save(
        editor, flow_draft, household_only_for_locals(admin_post_data(editor, flow_draft))
    )
    assert response.status_code == 302
    failed = [t for t in texts(response) if t.startswith("测试用例未通过：")]
    assert failed and "缺少应提交的材料：户口簿" in failed[0]
    report = editor.get(draft_admin_url(flow_draft)).context["flow_report"]
    (case,) = report.cases
    assert case.failures and case.actual == "需要的材料：居民身份证、居住证、授权委托书"
    html = editor.get(draft_admin_url(flow_draft)).content.decode()
    assert (
        "flow-case-failed" in html
        and "实际结果：需要的材料：居民身份证、居住证、授权委托书" in html
    )


def test_a_fixed_case_passes(editor, flow_draft):
    save(editor, flow_draft, household_only_for_locals(admin_post_data(editor, flow_draft)))
    data = admin_post_data(editor, flow_draft)
    data["cases-0-materials"] = "居民身份证\n居住证\n授权委托书"
    response = save(editor, flow_draft, data)
    assert "测试用例：1 个全部通过。" in texts(response)
    html = editor.get(draft_admin_url(flow_draft)).content.decode()
    assert "flow-case-passed" in html and "flow-case-failed" not in html


def test_case_answers_are_saved_from_the_widgets_json(editor, flow_draft):
    data = admin_post_data(editor, flow_draft)
    data.update(
        {
            "cases-TOTAL_FORMS": 2,
            "cases-1-position": 2,
            "cases-1-name": "本区户籍本人办理",
            "cases-1-answers": json.dumps(
                [
                    {"question": "户籍", "option": "本区户籍"},
                    {"question": "代办", "option": "本人办理"},
                ],
                ensure_ascii=False,
            ),
            "cases-1-materials": "居民身份证\n户口簿",
        }
    )
    response = save(editor, flow_draft, data)
    assert "测试用例：2 个全部通过。" in texts(response)
    assert flow_draft.cases.get(name="本区户籍本人办理").materials == ["居民身份证", "户口簿"]


def test_blocking_problems_and_warnings_show_in_the_panel(editor, flow_draft):
    data = admin_post_data(editor, flow_draft)
    data.update(
        {
            "questions-TOTAL_FORMS": 3,
            "questions-2-position": 3,
            "questions-2-label": "年龄",
            "questions-2-text": "多大年纪？",
            "questions-2-options": "60岁以上",
        }
    )
    response = save(editor, flow_draft, data)
    assert any("提交审核和发布前必须改正" in t and "至少要有两个选项" in t for t in texts(response))
    html = editor.get(draft_admin_url(flow_draft)).content.decode()
    assert "flow-blocking" in html and "情形问题「年龄」至少要有两个选项" in html


def test_an_unused_question_is_a_warning(editor, flow_draft):
    data = admin_post_data(editor, flow_draft)
    data.update(
        {
            "questions-TOTAL_FORMS": 3,
            "questions-2-position": 3,
            "questions-2-label": "年龄",
            "questions-2-text": "多大年纪？",
            "questions-2-options": "60岁以下\n60岁以上",
        }
    )
    response = save(editor, flow_draft, data)
    assert any(
        t.startswith("情形引导提醒：") and "问题「年龄」不影响" in t for t in texts(response)
    )


def test_a_draft_without_a_flow_shows_no_panel(editor):
    draft = publishing.create_draft(make_published().procedure, by=None)
    response = editor.get(draft_admin_url(draft))
    assert response.context["flow_report"] is None
    assert "情形引导检查" not in response.content.decode()


def test_a_version_on_record_shows_its_panel(editor):
    version = make_flow_published()
    html = editor.get(draft_admin_url(version)).content.decode()
    assert "情形引导检查" in html and "flow-case-passed" in html and "<svg" in html


def test_a_version_on_record_shows_conditions_and_answers_in_words(editor):
    html = editor.get(draft_admin_url(make_flow_published())).content.decode()
    assert "代办不是本人办理" in html and "户籍：外地户籍 · 代办：委托他人代办" in html
    assert "本区户籍 / 外地户籍" in html and '"op"' not in html


# ---------------------------------------------------------------- kinds


def add_procedure(client, **fields):
    from tests.factories import make_category

    data = {
        "slug": "kai-fan-dian",
        "title": "开饭店",
        "code": "",
        "category": make_category().pk,
        "position": 0,
        "aliases": "",
        "versions-TOTAL_FORMS": 0,
        "versions-INITIAL_FORMS": 0,
        **fields,
    }
    return client.post(reverse("admin:procedures_procedure_add"), data)


def test_the_kind_is_chosen_when_a_procedure_is_created(editor):
    add_procedure(editor, kind="bundle")
    assert Procedure.objects.get(slug="kai-fan-dian").kind == "bundle"


def test_the_kind_is_read_only_afterwards(client):
    from procedures.roles import PUBLISHERS

    client.force_login(make_user("publisher", PUBLISHERS, is_staff=True))
    add_procedure(client, kind="bundle")
    procedure = Procedure.objects.get(slug="kai-fan-dian")
    url = reverse("admin:procedures_procedure_change", args=[procedure.pk])
    response = client.get(url)
    assert "kind" not in response.context["adminform"].form.fields
    assert "一件事" in response.content.decode()
    client.post(
        url,
        {
            "kind": "item",
            "code": "",
            "category": procedure.category_id,
            "position": 0,
            "aliases": "",
            "versions-TOTAL_FORMS": 0,
            "versions-INITIAL_FORMS": 0,
        },
    )
    procedure.refresh_from_db()
    assert procedure.kind == "bundle"


@pytest.fixture
def family():
    first = make_published("居民身份证首次申领", slug="shou-ci").procedure
    lost = make_published("居民身份证补领", slug="bu-ling").procedure
    return make_draft(
        "居民身份证",
        slug="shen-fen-zheng",
        kind="family",
        questions=[{"label": "情况", "text": "办过身份证吗？", "options": ["没办过", "丢了"]}],
        members=[
            {"target": first, "when": when("情况", "没办过")},
            {"target": lost, "when": when("情况", "丢了")},
        ],
        cases=[
            {
                "name": "丢了",
                "answers": [{"question": "情况", "option": "丢了"}],
                "variant": "bu-ling",
            }
        ],
    )


def test_a_composite_draft_shows_members_and_not_materials(editor, family):
    response = editor.get(draft_admin_url(family))
    prefixes = [f.formset.prefix for f in response.context["inline_admin_formsets"]]
    assert prefixes == ["questions", "members", "steps", "faqs", "cases"]
    html = response.content.decode()
    assert 'id="members-group"' in html and 'id="materials-group"' not in html


def test_a_familys_case_picks_its_item_from_a_select(editor, family):
    html = editor.get(draft_admin_url(family)).content.decode()
    lost = Procedure.objects.get(slug="bu-ling")
    assert f'data-pk="{lost.pk}"' in html and 'value="bu-ling"' in html


def test_a_familys_members_are_saved_with_their_conditions(editor, family):
    data = admin_post_data(editor, family)
    data["members-1-when"] = json.dumps(when("情况", "没办过", op="none"), ensure_ascii=False)
    response = save(editor, family, data)
    assert response.status_code == 302
    assert family.members.get(target__slug="bu-ling").when == when("情况", "没办过", op="none")
    assert "测试用例：1 个全部通过。" in texts(response)


def test_only_items_can_be_members(editor, family):
    bundle = make_draft("开饭店", slug="kai-fan-dian", kind="bundle").procedure
    data = admin_post_data(editor, family)
    data["members-1-target"] = bundle.pk
    response = save(editor, family, data)
    assert "只能包含普通事项" in response.content.decode()
    autocomplete = editor.get(
        reverse("admin:autocomplete"),
        {"app_label": "procedures", "model_name": "member", "field_name": "target", "term": ""},
    )
    slugs = {Procedure.objects.get(pk=r["id"]).slug for r in autocomplete.json()["results"]}
    assert "kai-fan-dian" not in slugs and "bu-ling" in slugs


# ---------------------------------------------------------------- the diagram


def test_the_diagram_escapes_hostile_labels():
    hostile = '<script>alert("x")</script>'
    flow = flows.Flow(
        kind="item",
        title=hostile,
        questions=(flows.FlowQuestion(hostile, hostile, (hostile, "&other")),),
        materials=(
            flows.FlowMaterial(
                name=hostile, kind=hostile, required=False, when=tuple(when(hostile, hostile))
            ),
        ),
    )
    svg = str(flow_diagram.render(flow))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp;other" in svg


def test_the_diagram_draws_yes_solid_and_not_dashed():
    flow = flows.flow_of_version(make_flow_published())
    svg = str(flow_diagram.render(flow))
    assert svg.count('class="flow-line"') == 1  # 外地户籍 → 居住证
    assert svg.count('class="flow-line flow-line-not"') == 1  # 不是本人办理 → 授权委托书
    assert "都需要" in svg and "居民身份证" in svg and 'viewBox="0 0 760' in svg


def test_a_flow_without_questions_has_no_diagram():
    assert flow_diagram.render(flows.Flow(kind="item", title="x")) == ""
