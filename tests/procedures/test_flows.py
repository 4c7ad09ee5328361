"""情形引导: conditions, narrowing, the editor's checks and test cases, merging for 一件事."""

import datetime

import pytest

from procedures import bundles, flows, publishing, reviews
from procedures.exceptions import PublishRefused
from procedures.models import Procedure
from tests import factories
from tests.factories import FLOW_QUESTIONS, when

HUJI = flows.FlowQuestion("户籍", "户籍在本区吗？", ("本区户籍", "外地户籍"))
DAIBAN = flows.FlowQuestion("代办", "谁来办？", ("本人办理", "委托他人代办"))


def material(name: str, *, kind: str = "", required: bool = True, cond=(), **fields):
    return flows.FlowMaterial(
        name=name, kind=kind or name, required=required, when=tuple(cond), **fields
    )


ITEM = flows.Flow(
    kind="item",
    title="生育服务手册",
    questions=(HUJI, DAIBAN),
    materials=(
        material("居民身份证"),
        material("居住证", required=False, cond=when("户籍", "外地户籍")),
        material("授权委托书", required=False, cond=when("代办", "本人办理", op="none")),
        material("婚育证明", required=False, condition="再婚的"),
    ),
)


# ---------------------------------------------------------------------------- conditions


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, None),
        ({"户籍": "外地户籍"}, None),  # 代办 still open
        ({"户籍": "本区户籍"}, False),  # one failing clause decides
        ({"户籍": "外地户籍", "代办": "委托他人代办"}, True),
        ({"户籍": "外地户籍", "代办": "本人办理"}, False),
    ],
)
def test_a_condition_is_true_false_or_still_open(answers, expected):
    condition = when("户籍", "外地户籍") + when("代办", "本人办理", op="none")
    assert flows.evaluate(condition, answers) is expected


def test_a_condition_reads_as_words():
    condition = when("户籍", "外地户籍") + when("代办", "本人办理", op="none")
    assert flows.describe(condition) == "户籍是外地户籍，且代办不是本人办理"


def test_a_condition_reads_to_a_resident_by_the_answers_alone():
    assert flows.in_words(when("婚姻", "未婚") + when("落户", "随父落户")) == "未婚、随父落户"
    assert flows.in_words(when("户籍", "外地户籍", "港澳台")) == "外地户籍或港澳台"
    either = when("婚姻", "已婚", "再婚") + when("代办", "本人办理", op="none")
    assert flows.in_words(either) == "已婚或再婚，且不是本人办理"
    assert flows.needed_when(when("代办", "是")) == "代办“是”时需要"


def test_materials_narrow_to_the_case_with_reasons():
    narrowed = {
        n.item.name: n for n in flows.narrow_materials(ITEM.materials, {"户籍": "外地户籍"})
    }
    assert narrowed["居民身份证"].state == flows.NEEDED
    assert narrowed["居住证"].state == flows.NEEDED
    assert narrowed["居住证"].reason == "外地户籍时需要"
    assert narrowed["授权委托书"].state == flows.MAYBE
    assert narrowed["授权委托书"].reason == "不是本人办理时需要"
    # A written condition alone is left to staff: it stays 按情形 whatever the answers.
    assert narrowed["婚育证明"].state == flows.MAYBE
    assert narrowed["婚育证明"].reason == "再婚的"
    local = {
        n.item.name: n.state for n in flows.narrow_materials(ITEM.materials, {"户籍": "本区户籍"})
    }
    assert local["居住证"] == flows.LEFT_OUT


def test_answers_travel_in_the_url_as_pinyin_and_garbage_is_ignored():
    answers = {"户籍": "外地户籍", "代办": "委托他人代办"}
    items = flows.query_items(ITEM.questions, answers)
    assert items == [("hu-ji", "wai-di-hu-ji"), ("dai-ban", "wei-tuo-ta-ren-dai-ban")]
    assert flows.answers_from_query(ITEM.questions, dict(items)) == answers
    hostile = {"hu-ji": "<script>", "dai-ban": ["list"], "other": "x"}
    assert flows.answers_from_query(ITEM.questions, hostile) == {}
    assert flows.case_label(ITEM.questions, answers) == "外地户籍 · 委托他人代办"


# ---------------------------------------------------------------------------- checks


def messages(flow, resolve=None, *, blocking=True):
    return [p.message for p in flows.check(flow, resolve) if p.blocking is blocking]


def test_a_sound_flow_has_no_problem():
    assert flows.check(ITEM) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"questions": (HUJI, HUJI)}, "简称重复"),
        (
            {"questions": (flows.FlowQuestion("户籍", "?", ("只有一个",)), DAIBAN)},
            "至少要有两个选项",
        ),
        ({"questions": (flows.FlowQuestion("Q", "?", ("a", "b")), DAIBAN)}, "页面已用的参数"),
        ({"questions": (DAIBAN,)}, "情形问题「户籍」已不存在"),
        (
            {"questions": (flows.FlowQuestion("户籍", "?", ("本区户籍", "非本区")), DAIBAN)},
            "选项「户籍：外地户籍」已不存在",
        ),
        ({"materials": (material("居住证", cond=when("户籍", "外地户籍")),)}, "应为按情形提交"),
        ({"materials": (material("居住证", required=False, cond=when("户籍")),)}, "没有选择选项"),
        ({"members": (flows.FlowMember("x", "某事项"),)}, "普通事项不能包含其他事项"),
    ],
)
def test_a_broken_flow_is_refused_naming_what_broke(change, expected):
    broken = flows.Flow(**{**ITEM.__dict__, **change})
    assert any(expected in message for message in messages(broken)), messages(broken)


def test_a_case_passes_only_with_exactly_the_expected_materials():
    case = flows.FlowCase(
        "外地代办",
        (("户籍", "外地户籍"), ("代办", "委托他人代办")),
        materials=("居民身份证", "居住证", "授权委托书"),
    )
    assert flows.run_case(ITEM, case) == []
    missing = flows.FlowCase(case.name, case.answers, materials=("居民身份证", "居住证"))
    assert flows.run_case(ITEM, missing) == [
        "测试用例「外地代办」多出了不应要求的材料：授权委托书。"
    ]
    too_many = flows.FlowCase(case.name, case.answers, materials=(*case.materials, "结婚证"))
    assert flows.run_case(ITEM, too_many) == ["测试用例「外地代办」缺少应提交的材料：结婚证。"]
    unanswered = flows.FlowCase(
        "只答户籍", (("户籍", "外地户籍"),), materials=("居民身份证", "居住证")
    )
    assert "定不下来：授权委托书" in flows.run_case(ITEM, unanswered)[0]


def test_warnings_name_questions_nothing_uses_and_conditions_never_met():
    unused = flows.FlowQuestion("年龄", "多大？", ("未满16周岁", "16周岁以上"))
    never = material(
        "证明",
        required=False,
        cond=when("户籍", "外地户籍") + when("户籍", "外地户籍", op="none"),
    )
    flow = flows.Flow(**{**ITEM.__dict__, "questions": (*ITEM.questions, unused)})
    assert messages(flow, blocking=False) == [
        "问题「年龄」不影响任何材料或事项：可以删掉它，或给材料加上条件。"
    ]
    contradictory = flows.Flow(**{**ITEM.__dict__, "materials": (*ITEM.materials, never)})
    assert any("写了两次" in m for m in messages(contradictory))


SITUATION = flows.FlowQuestion("情形", "?", ("首次", "补办", "换领"))


def family(*members: flows.FlowMember):
    return flows.Flow(kind="family", title="居民身份证", questions=(SITUATION,), members=members)


def test_a_family_warns_of_an_option_leading_nowhere_and_of_two_variants_at_once():
    first = flows.FlowMember("shou-ci", "首次申领", when("情形", "首次"))
    again = flows.FlowMember("bu-ling", "补领", when("情形", "补办", "首次"))
    warnings = messages(family(first, again), blocking=False)
    assert "选「情形：换领」时没有任何事项适用。" in warnings
    assert any("同时指向「首次申领」、「补领」" in w for w in warnings)


def test_a_family_case_checks_the_variant():
    first = flows.FlowMember("shou-ci", "首次申领", when("情形", "首次"))
    again = flows.FlowMember("bu-ling", "补领", when("情形", "补办", "换领"))
    case = flows.FlowCase("丢了", (("情形", "补办"),), variant="shou-ci")
    flow = flows.Flow(**{**family(first, again).__dict__, "cases": (case,)})
    assert messages(flow) == ["测试用例「丢了」应指向「首次申领」，实际是：「补领」。"]


# ---------------------------------------------------------------------------- merging


def test_merging_keeps_each_kind_once_with_most_copies_and_the_strictest_form():
    a = (material("居民身份证", form="copy", copies=1), material("营业执照", form="original"))
    b = (
        material("身份证", kind="居民身份证", form="original", copies=2),
        material("营业执照", form="original_and_copy", electronic=True),
    )
    merged = {m.name: m for m in bundles.merge([("A", a), ("B", b)], {})}
    assert list(merged) == ["居民身份证", "营业执照"]
    assert merged["居民身份证"].form == "original_and_copy"  # an original and a copy
    assert merged["居民身份证"].copies == 2
    assert merged["居民身份证"].used_for == ["A", "B"]
    assert merged["居民身份证"].rows == 2
    assert merged["营业执照"].form == "original_and_copy"
    assert merged["营业执照"].electronic is True


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("copy", "original", "original_and_copy"),
        ("electronic", "copy", "copy"),
        ("original", "original_and_copy", "original_and_copy"),
        ("original", "original", "original"),
    ],
)
def test_the_strictest_form_covers_both(a, b, expected):
    assert bundles.strictest(a, b) == expected == bundles.strictest(b, a)


# ---------------------------------------------------------------------------- with the database


@pytest.mark.django_db
def test_publishing_refuses_a_version_whose_case_fails_naming_it():
    version = factories.make_flow_published()
    draft = publishing.create_draft(version.procedure, by=None)
    rows = [
        {"name": "居民身份证"},
        {"name": "户口簿", "form": "original_and_copy"},
        {"name": "居住证", "required": False, "when": when("户籍", "外地户籍")},
    ]  # 授权委托书 removed: the case still expects it
    draft = publishing.save_draft(
        draft, content={}, parts={"materials": rows}, expected_revision=draft.revision, by=None
    )
    with pytest.raises(PublishRefused, match="缺少应提交的材料：授权委托书"):
        publishing.publish_version(
            draft, by=None, change_summary="删去委托书", effective_from=datetime.date(2025, 1, 1)
        )
    with pytest.raises(PublishRefused, match="测试用例「外地户籍委托代办」"):
        reviews.submit_for_review(draft, by=None, change_summary="删去委托书")


@pytest.mark.django_db
def test_a_question_removed_while_a_condition_uses_it_is_refused():
    version = factories.make_flow_published()
    draft = publishing.create_draft(version.procedure, by=None)
    draft = publishing.save_draft(
        draft,
        content={},
        parts={"questions": FLOW_QUESTIONS[1:], "cases": []},
        expected_revision=draft.revision,
        by=None,
    )
    with pytest.raises(PublishRefused, match="情形问题「户籍」已不存在"):
        publishing.publish_version(
            draft, by=None, change_summary="删问题", effective_from=datetime.date(2025, 1, 1)
        )


@pytest.mark.django_db
def test_a_draft_copies_its_flow():
    version = factories.make_flow_published()
    draft = publishing.create_draft(version.procedure, by=None)
    assert flows.flow_of_version(draft) == flows.flow_of_version(version)


def make_bundle():
    birth = factories.make_flow_published("出生登记", slug="chu-sheng")
    insurance = factories.make_published(
        "新生儿医保参保",
        slug="yi-bao",
        materials=({"name": "居民身份证", "copies": 2, "form": "copy"}, {"name": "照片"}),
    )
    bundle = factories.make_published(
        "新生儿出生一件事",
        slug="chu-sheng-yi-jian-shi",
        kind="bundle",
        questions=(FLOW_QUESTIONS[0],),
        members=(
            {"target": birth.procedure},
            {
                "target": insurance.procedure,
                "when": when("户籍", "本区户籍"),
                "note": "外地户籍回户籍地参保",
            },
        ),
    )
    return bundle, birth, insurance


@pytest.mark.django_db
def test_a_bundle_guides_to_the_procedures_that_apply_and_merges_their_materials():
    bundle, birth, insurance = make_bundle()
    guide = bundles.guide(bundle, {"户籍": "本区户籍", "代办": "本人办理"})
    assert [m.procedure for m in guide.applying] == [birth.procedure, insurance.procedure]
    merged = {m.name: m for m in guide.merged}
    assert merged["居民身份证"].used_for == ["出生登记", "新生儿医保参保"]
    assert merged["居民身份证"].copies == 2
    assert merged["居民身份证"].form == "original_and_copy"
    assert "授权委托书" not in merged and "居住证" not in merged
    assert [q.label for q in guide.questions] == ["户籍", "代办"]  # the member's own question too
    away = bundles.guide(bundle, {"户籍": "外地户籍"})
    assert [m.state for m in away.members] == [flows.NEEDED, flows.LEFT_OUT]
    assert "照片" not in {m.name for m in away.merged}


@pytest.mark.django_db
def test_a_bundle_cannot_include_a_bundle_or_a_missing_procedure():
    bundle, birth, _ = make_bundle()
    outer = factories.make_draft(
        "开饭店",
        slug="kai-fan-dian",
        kind="bundle",
        members=({"target": bundle.procedure}, {"target": birth.procedure}),
    )
    outer.change_summary, outer.effective_from = "首次发布", datetime.date(2025, 1, 1)
    with pytest.raises(PublishRefused, match="不能再被包含"):
        publishing.publish_version(
            outer, by=None, change_summary="首次发布", effective_from=datetime.date(2025, 1, 1)
        )


@pytest.mark.django_db
def test_a_procedure_in_a_bundle_cannot_be_retired_until_the_bundle_drops_it():
    bundle, _, insurance = make_bundle()
    with pytest.raises(PublishRefused, match="「新生儿出生一件事」包含这个事项"):
        publishing.retire_procedure(insurance.procedure, by=None, reason="合并")
    assert Procedure.objects.get(pk=insurance.procedure.pk).retired_at is None


@pytest.mark.django_db
def test_a_member_change_that_breaks_a_bundle_case_is_reported():
    bundle, _, insurance = make_bundle()
    draft = publishing.create_draft(bundle.procedure, by=None)
    case = {
        "name": "本区",
        "answers": [
            {"question": "户籍", "option": "本区户籍"},
            {"question": "代办", "option": "本人办理"},
        ],
        "materials": ["居民身份证", "户口簿", "照片"],
    }
    draft = publishing.save_draft(
        draft, content={}, parts={"cases": [case]}, expected_revision=draft.revision, by=None
    )
    publishing.publish_version(
        draft, by=None, change_summary="加用例", effective_from=datetime.date(2025, 1, 1)
    )
    assert bundles.broken_by(insurance.procedure) == []
    factories.publish_change(
        insurance, effective_from=datetime.date(2025, 2, 1), change_summary="不再要照片"
    )
    change = publishing.create_draft(insurance.procedure, by=None)
    change = publishing.save_draft(
        change,
        content={},
        parts={"materials": [{"name": "居民身份证", "copies": 2, "form": "copy"}]},
        expected_revision=change.revision,
        by=None,
    )
    publishing.publish_version(
        change, by=None, change_summary="不再要照片", effective_from=datetime.date(2025, 3, 1)
    )
    assert bundles.broken_by(insurance.procedure) == [
        "「新生儿出生一件事」：测试用例「本区」缺少应提交的材料：照片。"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "table", ["procedures_question", "procedures_member", "procedures_flowcase"]
)
def test_the_new_parts_of_a_version_on_record_cannot_be_changed_even_by_sql(table):
    from django.db import IntegrityError, connection, transaction

    bundle, _, _ = make_bundle()
    publishing_case = {"name": "例", "answers": [], "materials": []}
    draft = publishing.create_draft(bundle.procedure, by=None)
    draft = publishing.save_draft(
        draft,
        content={},
        parts={"cases": [publishing_case]},
        expected_revision=draft.revision,
        by=None,
    )
    on_record = publishing.publish_version(
        draft, by=None, change_summary="加用例", effective_from=datetime.date(2025, 1, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET position = position + 1 WHERE version_id = %s", [on_record.pk]
        )


@pytest.mark.django_db
def test_a_material_with_only_a_picked_condition_states_it_in_words():
    version = factories.make_published(
        materials=({"name": "居住证", "required": False, "when": when("户籍", "外地户籍")},),
        questions=FLOW_QUESTIONS,
    )
    assert version.materials.get().requirement() == "按情形：外地户籍时需要"


def test_a_case_answering_a_removed_option_fails_instead_of_passing():
    case = flows.FlowCase("外地", (("户籍", "外地户籍"),), materials=("居民身份证", "居住证"))
    renamed = flows.FlowQuestion("户籍", "?", ("本区户籍", "非本区户籍"))
    flow = flows.Flow(**{**ITEM.__dict__, "questions": (renamed, DAIBAN), "materials": ()})
    assert flows.run_case(flow, case) == [
        "测试用例「外地」的回答「户籍：外地户籍」已不是现有的问题或选项，请重新选择。"
    ]


def test_a_merged_row_keeps_each_procedures_own_wording():
    a = (material("父母双方居民身份证", kind="居民身份证"),)
    b = (material("居民身份证"), material("生育妇女本人的身份证", kind="居民身份证", note="本人"))
    merged = bundles.merge([("出生登记", a), ("生育保险", b)], {})
    assert [m.name for m in merged] == ["居民身份证"]
    assert merged[0].wordings == ["出生登记：父母双方居民身份证", "生育保险：生育妇女本人的身份证"]
    assert merged[0].notes == ["生育保险：本人"]


def test_a_choice_another_procedure_already_needs_is_not_listed_again():
    birth = (material("居民身份证"), material("居民户口簿"))
    insurance = (
        material("居民身份证或户口簿", note="参保人的"),
        material("居住证", required=False),
    )
    merged = {m.name: m for m in bundles.merge([("出生登记", birth), ("医保", insurance)], {})}
    assert list(merged) == ["居民身份证", "居民户口簿", "居住证"]
    card = merged["居民身份证"]
    assert card.used_for == ["出生登记", "医保"] and card.state == flows.NEEDED
    assert card.wordings == ["医保：居民身份证或户口簿"] and card.notes == ["医保：参保人的"]
    assert card.covers == ["居民身份证或户口簿"] and card.rows == 2


def test_a_choice_stays_its_own_row_when_nothing_needed_for_certain_is_one_of_them():
    first = (material("居民户口簿", required=False, cond=when("户籍", "本区户籍")),)
    second = (material("居民身份证或户口簿"), material("劳动合同或营业执照"))
    third = (material("营业执照及复印件"), material("解除或终止劳动合同证明"))
    merged = bundles.merge([("A", first), ("B", second), ("C", third)], {})
    assert [m.name for m in merged] == [
        "居民户口簿",
        "居民身份证或户口簿",
        "劳动合同或营业执照",
        "营业执照及复印件",
        "解除或终止劳动合同证明",
    ]


def test_merged_copies_never_fall_below_what_one_procedure_asks():
    birth = (
        material("父亲居民身份证", kind="居民身份证"),
        material("母亲居民身份证", kind="居民身份证"),
        material("代办人身份证", kind="居民身份证", required=False),
    )
    card = (material("居民身份证", copies=1),)
    merged = bundles.merge([("出生登记", birth), ("社保卡", card)], {})
    assert [(m.name, m.copies) for m in merged] == [("居民身份证", 2)]


def test_a_case_listing_a_choice_merged_into_a_needed_row_still_passes():
    flow = flows.Flow(
        kind="bundle",
        title="新生儿出生",
        members=(flows.FlowMember("a", "出生登记"), flows.FlowMember("b", "医保")),
        cases=(
            flows.FlowCase("旧的写法", (), materials=("居民身份证", "居民身份证或户口簿")),
            flows.FlowCase("新的写法", (), materials=("居民身份证",)),
        ),
    )
    members = {
        "a": flows.Flow(kind="item", title="出生登记", materials=(material("居民身份证"),)),
        "b": flows.Flow(kind="item", title="医保", materials=(material("居民身份证或户口簿"),)),
    }
    for case in flow.cases:
        assert flows.run_case(flow, case, members.get) == []


@pytest.mark.django_db
def test_a_family_asks_its_variants_questions_only_once_it_chose_one():
    from procedures.views.guides import case_of

    reason = {"label": "原因", "text": "丢了还是坏了？", "options": ["遗失", "损坏"]}
    first = factories.make_published("光荣证新办", slug="xin-ban")
    again = factories.make_published(
        "光荣证补办",
        slug="bu-ban",
        questions=(reason,),
        materials=(
            {"name": "居民身份证"},
            {"name": "遗失声明", "required": False, "when": when("原因", "遗失")},
        ),
    )
    situation = {"label": "情形", "text": "首次还是补办？", "options": ["首次申领", "补办"]}
    family = factories.make_published(
        "光荣证",
        slug="guang-rong-zheng",
        kind="family",
        questions=(situation,),
        members=(
            {"target": first.procedure, "when": when("情形", "首次申领")},
            {"target": again.procedure, "when": when("情形", "补办")},
        ),
    )
    assert [q.label for q in case_of(family, {}).questions] == ["情形"]
    chosen = case_of(family, {"qing-xing": "bu-ban", "yuan-yin": "yi-shi"})
    assert [q.label for q in chosen.questions] == ["情形", "原因"]
    assert [n.item.name for n in chosen.needed] == ["居民身份证", "遗失声明"]
    stale = case_of(family, {"qing-xing": "shou-ci-shen-ling", "yuan-yin": "yi-shi"})
    assert stale.answers == {"情形": "首次申领"}  # the variant's question is no longer asked
    assert "yuan-yin" not in stale.query
