import datetime
import re

import pytest
from django.template.loader import render_to_string

from procedures import publishing
from procedures.diffs import Line, Segment, compare_versions, diff_lines, diff_text
from procedures.models import MaterialKind, ProcedureVersion
from tests.factories import (
    DEFAULT_MATERIALS,
    DEFAULT_STEPS,
    FLOW_QUESTIONS,
    make_flow_published,
    make_published,
    publish_change,
    when,
)

pytestmark = pytest.mark.django_db
LATER = datetime.date(2024, 6, 1)

STEPS = (
    {"title": "提交申请", "body": "携带身份证到窗口办理"},
    {"title": "审核", "body": "窗口当场审核。"},
    {"title": "领取手册", "body": "审核通过后当场领取。"},
)


def publish_parts(
    version: ProcedureVersion, *, effective_from: datetime.date = LATER, **parts
) -> ProcedureVersion:
    """A new version of `version`'s procedure with whole part lists replaced."""
    draft = publishing.create_draft(version.procedure, by=None)
    draft = publishing.save_draft(
        draft, content={}, parts=parts, expected_revision=draft.revision, by=None
    )
    return publishing.publish_version(
        draft, by=None, change_summary="调整材料或流程", effective_from=effective_from
    )


def with_materials(*changes: dict, drop: str = "") -> list[dict]:
    """The default materials with `changes` merged in by name, minus the one named `drop`."""
    by_name = {change["name"]: change for change in changes}
    return [
        {**material, **by_name.get(material["name"], {})}
        for material in DEFAULT_MATERIALS
        if material["name"] != drop
    ]


def prefetched(version: ProcedureVersion) -> ProcedureVersion:
    parts = ("materials", "steps", "faqs", "questions", "members__target__latest_version", "cases")
    return ProcedureVersion.objects.prefetch_related(*parts).get(pk=version.pk)


def compare(old, new, *, include_internal=False, include_test_cases=False):
    return compare_versions(
        prefetched(old),
        prefetched(new),
        include_internal=include_internal,
        include_test_cases=include_test_cases,
    )


def material_change_texts(diff, name: str) -> list[str]:
    (change,) = [change for change in diff.materials.changed if change.name == name]
    return [str(attribute) for attribute in change.changes]


def test_identical_versions_give_an_empty_diff():
    version = make_published()
    diff = compare(version, version, include_internal=True)
    assert diff.is_empty
    assert diff.fields == [] and diff.materials.is_empty and diff.steps.is_empty


def test_a_comparison_of_prefetched_versions_runs_no_queries(django_assert_num_queries):
    first = make_published()
    second = publish_change(first, effective_from=LATER, fee="10 元")
    old, new = prefetched(first), prefetched(second)
    with django_assert_num_queries(0):
        compare_versions(old, new, include_internal=True)


def test_a_changed_field_is_labelled_and_diffed_per_character():
    first = make_published(time_limit="3个工作日")
    second = publish_change(first, effective_from=LATER, time_limit="5个工作日")
    (change,) = compare(first, second).fields
    assert (change.name, change.label) == ("time_limit", "办理时限")
    assert change.lines == [
        Line(
            "change", [Segment("delete", "3"), Segment("insert", "5"), Segment("equal", "个工作日")]
        )
    ]


def test_an_inserted_clause_leaves_the_unchanged_chinese_around_it_equal():
    assert diff_text("携带身份证到窗口办理", "携带身份证和户口簿到窗口办理") == [
        Segment("equal", "携带身份证"),
        Segment("insert", "和户口簿"),
        Segment("equal", "到窗口办理"),
    ]


def test_a_one_character_island_between_changes_joins_the_change():
    segments = diff_text("周一至周五上午", "周一至周六下午")
    assert segments == [
        Segment("equal", "周一至周"),
        Segment("delete", "五上"),
        Segment("insert", "六下"),
        Segment("equal", "午"),
    ]


NOTES_BEFORE = """- 登录“全员人口信息系统”查询夫妻双方婚育史，重点核对现有子女数。
- 系统里婚育史与申请表不一致的，先核实再受理，不要当场发手册。
- 居民常把“准生证”“生育证”“生育登记”混着说，指的都是本事项。"""


def whole(op, text):
    return Line(op, [Segment(op, text)])


def test_a_line_rewritten_is_struck_whole_and_its_replacement_added_whole():
    """Marking the few characters two different sentences share left “- 全员…中子女数” fragments."""
    after = NOTES_BEFORE.replace(
        "- 系统里婚育史与申请表不一致的，先核实再受理，不要当场发手册。",
        "- 全员人口信息系统中子女数与信息表不一致的，先核实再受理。",
    )
    before_lines, after_lines = NOTES_BEFORE.splitlines(), after.splitlines()
    assert diff_lines(NOTES_BEFORE, after) == [
        whole("equal", before_lines[0]),
        whole("delete", before_lines[1]),
        whole("insert", after_lines[1]),
        whole("equal", before_lines[2]),
    ]


def test_a_line_slightly_edited_shows_its_changes_inside_it_and_nowhere_else():
    after = NOTES_BEFORE.replace("不要当场发手册", "不要当场发放手册")
    lines = diff_lines(NOTES_BEFORE, after)
    assert [line.op for line in lines] == ["equal", "change", "equal"]
    assert Segment("insert", "放") in lines[1].segments
    assert (
        "".join(s.text for s in lines[1].segments if s.op != "insert")
        == (NOTES_BEFORE.splitlines()[1])
    )


def test_lines_removed_and_added_between_kept_ones_read_removed_first_then_added():
    before = "第一行不变\n旧的第二行\n旧的第三行\n最后一行不变"
    after = "第一行不变\n完全不同的新内容\n最后一行不变"
    assert [line.op for line in diff_lines(before, after)] == [
        "equal",
        "delete",
        "delete",
        "insert",
        "equal",
    ]


def test_an_edited_line_is_paired_with_the_most_alike_line_in_order():
    before = "- 手册遗失补发也在本窗口办，系统里选“补发”。\n- 居民常把几个叫法混着说。"
    after = "- 默认推送电子手册。\n- 手册遗失补发也在本窗口办，系统里选“补办”。\n- 另有新规定。"
    assert [line.op for line in diff_lines(before, after)] == [
        "insert",
        "change",
        "delete",
        "insert",
    ]


def test_a_short_text_rewritten_whole_is_one_line_removed_and_one_added():
    before = "即时办结（材料齐全、信息核验一致的当场发放手册；网上申请的即时推送电子手册）"
    after = "即时办结（网上申请、窗口申请均当场推送电子手册；需要纸质手册的当场打印）"
    assert diff_lines(before, after) == [whole("delete", before), whole("insert", after)]


@pytest.mark.parametrize(
    ("old", "new", "added"),
    [
        ("不收费", "不收费（已核实）", "（已核实）"),
        ("- 先查系统再受理", "- 先查系统，核实后再受理", "，核实后"),
    ],
)
def test_a_line_kept_whole_with_words_added_in_one_place_is_one_line_edited(old, new, added):
    """However little of the new line the old one is, all of it is still there."""
    ((op, segments),) = diff_lines(old, new)
    assert op == "change" and [s for s in segments if s.op != "equal"] == [Segment("insert", added)]


def test_a_change_of_blank_lines_alone_is_no_change():
    first = make_published(staff_notes="先查系统\n再受理")
    second = publish_change(first, effective_from=LATER, staff_notes="先查系统\n\n再受理  ")
    assert compare(first, second, include_internal=True).is_empty


def test_a_passage_rewritten_top_to_bottom_is_struck_and_added_without_pairing_lines():
    before = "\n".join(f"旧规定第 {n} 条：窗口核对原件后受理" for n in range(60))
    after = "\n".join(f"新规定第 {n} 条：窗口核对原件后受理" for n in range(60))
    assert {line.op for line in diff_lines(before, after)} == {"delete", "insert"}


@pytest.mark.parametrize(
    ("old", "new", "gone", "added"),
    [
        ("承诺 15 个工作日办结", "承诺 10 个工作日办结", "15", "10"),
        ("周一至周五 9:00—17:00", "周一至周五 8:30—17:00", "9:00", "8:30"),
        ("收费 1.5 元", "收费 2.5 元", "1.5", "2.5"),
        ("在 PDF 文件里", "在 OFD 文件里", "PDF", "OFD"),
    ],
)
def test_a_changed_number_or_word_is_replaced_whole_not_digit_by_digit(old, new, gone, added):
    """15 → 10 by digits would show 1, a struck 5 and a new 0: read at a glance as 150."""
    segments = diff_text(old, new)
    assert Segment("delete", gone) in segments and Segment("insert", added) in segments
    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new


def test_staff_notes_are_compared_only_for_staff():
    first = make_published()
    second = publish_change(first, effective_from=LATER, staff_notes="内部：先查系统再受理")
    assert compare(first, second, include_internal=False).is_empty
    (change,) = compare(first, second, include_internal=True).fields
    assert change.name == "staff_notes" and change.internal


def test_a_removed_material_is_named():
    first = make_published()
    second = publish_parts(first, materials=with_materials(drop="户口簿"))
    materials = compare(first, second).materials
    assert [m.name for m in materials.removed] == ["户口簿"]
    assert materials.added == [] and materials.changed == []


def test_more_copies_are_described_in_copies():
    first = make_published()
    second = publish_parts(first, materials=with_materials({"name": "户口簿", "copies": 2}))
    assert material_change_texts(compare(first, second), "户口簿") == ["份数：1 份 → 2 份"]


def test_a_changed_form_is_described_by_its_labels():
    first = make_published()
    second = publish_parts(
        first, materials=with_materials({"name": "居民身份证", "form": "original_and_copy"})
    )
    assert material_change_texts(compare(first, second), "居民身份证") == [
        "形式：原件 → 原件及复印件"
    ]


def test_a_required_material_becoming_conditional_names_the_condition():
    first = make_published()
    conditional = {"name": "户口簿", "required": False, "condition": "委托他人代办的"}
    second = publish_parts(first, materials=with_materials(conditional))
    assert material_change_texts(compare(first, second), "户口簿") == [
        "是否必需：必需 → 按情形：委托他人代办的"
    ]


def test_a_slightly_renamed_material_is_a_change_not_an_addition_and_a_removal():
    first = make_published()
    renamed = [*with_materials(drop="户口簿"), {"name": "户口本", "form": "original_and_copy"}]
    second = publish_parts(first, materials=renamed)
    diff = compare(first, second)
    assert diff.materials.added == [] and diff.materials.removed == []
    assert material_change_texts(diff, "户口本") == ["材料名称：户口簿 → 户口本"]


def test_a_material_renamed_within_its_kind_is_a_change_however_different_the_words():
    first = make_published()
    kind = MaterialKind.objects.get(name="授权委托书")
    renamed = [*with_materials(drop="授权委托书"), {"kind": kind, "name": "代办人委托材料"}]
    second = publish_parts(first, materials=renamed)
    diff = compare(first, second)
    assert diff.materials.added == [] and diff.materials.removed == []
    assert material_change_texts(diff, "代办人委托材料")[0].startswith("材料名称：授权委托书 → ")


def test_a_different_kind_with_a_dissimilar_name_is_an_addition_and_a_removal():
    first = make_published()
    replaced = [*with_materials(drop="户口簿"), {"name": "居住证"}]
    second = publish_parts(first, materials=replaced)
    diff = compare(first, second)
    assert [m.name for m in diff.materials.added] == ["居住证"]
    assert [m.name for m in diff.materials.removed] == ["户口簿"]


def test_a_step_inserted_in_the_middle_is_added_and_moves_nothing():
    first = make_published(steps=STEPS)
    inserted = [STEPS[0], {"title": "缴纳工本费", "body": "在自助机缴费。"}, *STEPS[1:]]
    steps = compare(first, publish_parts(first, steps=inserted)).steps
    assert [(s.position, s.title) for s in steps.added] == [(2, "缴纳工本费")]
    assert steps.moved == [] and steps.removed == [] and steps.changed == []


def test_two_swapped_steps_are_reported_as_moved():
    first = make_published(steps=STEPS)
    swapped = [STEPS[1], STEPS[0], STEPS[2]]
    steps = compare(first, publish_parts(first, steps=swapped)).steps
    (move,) = steps.moved
    assert move.title in {"提交申请", "审核"} and move.old_position != move.new_position
    assert steps.added == [] and steps.removed == []


def test_an_edited_step_body_keeps_its_unchanged_prefix_equal():
    first = make_published(steps=STEPS)
    edited = [{**STEPS[0], "body": "携带身份证和户口簿到窗口办理"}, *STEPS[1:]]
    (change,) = compare(first, publish_parts(first, steps=edited)).steps.changed
    (body,) = change.texts
    assert (change.position, change.title, body.label) == (1, "提交申请", "说明")
    ((op, segments),) = body.lines
    assert op == "change"
    assert segments[:2] == [Segment("equal", "携带身份证"), Segment("insert", "和户口簿")]


def test_a_step_staff_note_is_compared_only_for_staff():
    first = make_published()
    edited = [{**DEFAULT_STEPS[0], "staff_note": "核对户籍地和婚姻状况"}, DEFAULT_STEPS[1]]
    second = publish_parts(first, steps=edited)
    assert compare(first, second).steps.is_empty
    (change,) = compare(first, second, include_internal=True).steps.changed
    assert [(text.name, text.internal) for text in change.texts] == [("staff_note", True)]


def test_faqs_are_matched_by_question():
    first = make_published()
    faqs = [
        {"question": "外地户口可以办吗？", "answer": "可以，在现居住地办理。"},
        {"question": "可以网上办理吗？", "answer": "可以，通过一网通办。"},
    ]
    diff = compare(first, publish_parts(first, faqs=faqs))
    assert [faq.question for faq in diff.faqs.added] == ["可以网上办理吗？"]
    (change,) = diff.faqs.changed
    assert [text.name for text in change.texts] == ["answer"]


def test_versions_that_are_not_neighbours_can_be_compared_in_either_order():
    first = make_published(fee="不收费")
    second = publish_change(first, effective_from=LATER, fee="10 元")
    third = publish_parts(
        second, effective_from=datetime.date(2025, 1, 1), materials=with_materials(drop="户口簿")
    )
    diff = compare(first, third)
    assert [change.name for change in diff.fields] == ["fee"]
    assert [m.name for m in diff.materials.removed] == ["户口簿"]
    assert diff.new.effective_from == datetime.date(2025, 1, 1)
    backwards = compare(third, first)
    assert [m.name for m in backwards.materials.added] == ["户口簿"]


def test_the_fragment_lists_a_removed_material_in_the_removed_entries():
    first = make_published()
    second = publish_parts(first, materials=with_materials(drop="户口簿"))
    html = render_to_string("procedures/_diff.html", {"diff": compare(first, second)})
    removed = re.findall(r'<li class="diff-removed">(.*?)</li>', html, flags=re.DOTALL)
    assert len(removed) == 1 and "户口簿" in removed[0]
    assert "申请材料" in html


def test_the_fragment_escapes_a_script_in_a_material_name():
    first = make_published()
    hostile = [*DEFAULT_MATERIALS, {"name": "<script>alert(1)</script>证明"}]
    html = render_to_string(
        "procedures/_diff.html", {"diff": compare(first, publish_parts(first, materials=hostile))}
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;证明" in html


def test_the_fragment_marks_inserted_text():
    first = make_published(steps=STEPS)
    edited = [{**STEPS[0], "body": "携带身份证和户口簿到窗口办理"}, *STEPS[1:]]
    html = render_to_string(
        "procedures/_diff.html", {"diff": compare(first, publish_parts(first, steps=edited))}
    )
    assert "携带身份证<ins>和户口簿</ins>到窗口办理" in html


def test_the_fragment_labels_a_moved_step_in_words():
    first = make_published(steps=STEPS)
    swapped = [STEPS[1], STEPS[0], STEPS[2]]
    html = render_to_string(
        "procedures/_diff.html", {"diff": compare(first, publish_parts(first, steps=swapped))}
    )
    (moved,) = re.findall(r'<li class="diff-moved">(.*?)</li>', html, flags=re.DOTALL)
    assert "顺序调整" in moved and "原第 1 步 → 第 2 步" in moved


def test_a_step_shows_its_bold_words_changed_without_the_markdown_marks():
    steps = [{"title": "提交申请", "body": "到 **一楼 6 号窗口** 提交"}]
    first = make_published(steps=steps)
    draft = publishing.create_draft(first.procedure, by=None)
    changed = [{"title": "提交申请", "body": "到 **一楼 8 号窗口** 提交"}]
    draft = publishing.save_draft(
        draft, content={}, parts={"steps": changed}, expected_revision=draft.revision, by=None
    )
    second = publishing.publish_version(
        draft, by=None, change_summary="窗口调整", effective_from=LATER
    )
    (step,) = compare(first, second).steps.changed
    texts = "".join(
        segment.text for change in step.texts for line in change.lines for segment in line.segments
    )
    assert "6" in texts and "8" in texts and "**" not in texts


def test_a_changed_flow_is_listed_under_its_own_heading():
    old = make_flow_published()
    questions = [
        FLOW_QUESTIONS[0],
        {**FLOW_QUESTIONS[1], "options": ["本人办理", "委托亲属代办"], "help": "看谁到窗口"},
    ]
    materials = [
        {"name": "居民身份证"},
        {"name": "居住证", "required": False, "when": when("户籍", "外地户籍")},
        {
            "name": "授权委托书",
            "required": False,
            "condition": "委托他人代办的",
            "when": when("代办", "委托亲属代办"),
        },
    ]
    new = publish_parts(old, materials=materials, questions=questions, cases=[])
    diff = compare(old, new, include_internal=True, include_test_cases=True)
    assert [(c.name, [str(x) for x in c.changes]) for c in diff.guide.changed] == [
        (
            "问题「代办」",
            [
                "选项：本人办理 / 委托他人代办 → 本人办理 / 委托亲属代办",
                "提示：（无） → 看谁到窗口",
            ],
        )
    ]
    assert diff.guide.removed == [
        "测试用例「外地户籍委托代办」：回答 外地户籍 · 委托他人代办；"
        "应提交 居民身份证、户口簿、居住证、授权委托书"
    ]
    changed = {c.name: [str(x) for x in c.changes] for c in diff.materials.changed}
    assert changed["授权委托书"] == ["情形条件：代办不是本人办理 → 代办是委托亲属代办"]
    assert compare(old, new).guide.removed == []  # test cases are for editors only


def test_test_cases_are_left_out_for_staff_who_see_internal_notes():
    """A clerk reading what changed sees the questions, not the editors' checks of them."""
    old = make_flow_published()
    new = publish_parts(old, cases=[])
    assert compare(old, new, include_internal=True).guide.is_empty
    assert compare(old, new, include_internal=True, include_test_cases=True).guide.removed


def test_the_fragment_strikes_a_removed_line_whole_and_marks_it_in_words():
    first = make_published(staff_notes=NOTES_BEFORE)
    second = publish_change(
        first, effective_from=LATER, staff_notes="\n".join(NOTES_BEFORE.splitlines()[:2])
    )
    html = render_to_string(
        "procedures/_diff.html", {"diff": compare(first, second, include_internal=True)}
    )
    assert (
        '<div class="diff-line diff-line--delete">'
        '<span class="diff-line-mark diff-line-mark--delete">删</span>'
        '<span class="diff-line-text"><del>- 居民常把“准生证”“生育证”“生育登记”混着说，'
        "指的都是本事项。</del></span></div>"
    ) in html
    assert html.count("diff-line--equal") == 2
