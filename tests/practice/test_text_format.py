import pytest

from practice import text_format
from practice.models import Question
from practice.text_format import FormatError, format_questions, import_questions, parse
from procedures.models import Category

pytestmark = pytest.mark.django_db

GOOD = """一、单选题
1. 【单选】办理生育服务手册时，居民身份证应提交哪种形式？
A. 原件
B. 复印件
C. 原件及复印件
D. 电子版
【答案】A
【解析】见生育服务手册的申请材料。
第二行解析。
【条线】计划生育

2、【多选】哪些材料是必需的？
A、居民身份证
B．户口簿
C. 授权委托书
【答案】A、B

3. 【判断】委托他人代办的，需要授权委托书。
【答案】对
"""


def test_the_common_layout_is_read(trainer):
    single, multiple, judge = parse(GOOD)

    assert (single.kind, single.answer, single.category) == ("single", "A", "计划生育")
    assert single.options == ["原件", "复印件", "原件及复印件", "电子版"]
    assert single.explanation == "见生育服务手册的申请材料。\n第二行解析。"
    assert (multiple.kind, multiple.answer, multiple.options[1]) == ("multiple", "AB", "户口簿")
    assert (judge.kind, judge.options, judge.answer) == ("judge", ["正确", "错误"], "A")


def test_an_export_reads_back_as_the_same_questions(library):
    Question.objects.create(
        kind="judge", stem="跨行\n题干", options=["正确", "错误"], answer="B", explanation="说明"
    )
    questions = list(Question.objects.live().select_related("category"))

    read = parse(format_questions(questions))

    assert [(q.kind, q.stem, q.options, q.answer, q.explanation, q.category) for q in read] == [
        (q.kind, q.stem, q.options, q.answer, q.explanation, q.category.name if q.category else "")
        for q in questions
    ]


@pytest.mark.parametrize(
    "text, problem",
    [
        (
            "题干没有题型\nA. 甲\n【答案】A",
            "第 1 行：题目应以“1. 【单选】”“【多选】”或“【判断】”开头。",
        ),
        ("1. 【单选】题干\nA. 甲\nC. 丙\n【答案】A", "第 3 行：这里应是选项 B，却是 C。"),
        ("1. 【单选】题干\nA. 甲\nB.\n【答案】A", "第 3 行：选项 B 是空的。"),
        ("1. 【单选】题干\nA. 甲\nB. 乙\n【答案】E", "第 4 行：答案“E”不在选项 A–B 中。"),
        ("1. 【单选】题干\nA. 甲\nB. 乙\n【答案】AB", "第 4 行：单选题只能有一个答案，却是“AB”。"),
        ("1. 【多选】题干\nA. 甲\nB. 乙\n【答案】AA", "第 4 行：答案“AA”有重复的字母。"),
        ("1. 【单选】题干\nA. 甲\nB. 乙", "第 1 行的题目：缺少【答案】一行。"),
        ("1. 【单选】题干\nA. 甲\n【答案】A", "第 1 行的题目：单选题至少要有 A、B 两个选项。"),
        ("1. 【单选】\nA. 甲\nB. 乙\n【答案】A", "第 1 行的题目：题干是空的。"),
        ("1. 【判断】题干\nA. 甲\n【答案】正确", "第 2 行：判断题不写选项，答案写“正确”或“错误”。"),
        ("1. 【判断】题干\n【答案】也许", "第 2 行：判断题的答案应是“正确”或“错误”，却是“也许”。"),
        (
            "1. 【单选】题干\nA. 甲\nB. 乙\n多出的一行\n【答案】A",
            "第 4 行：选项之后应是【答案】；这一行不是选项（应以“C.”开头）。",
        ),
        (
            "1. 【单选】题干\nA. 甲\nB. 乙\n【解析】早了\n【答案】A",
            "第 4 行：【解析】应写在【答案】之后。",
        ),
        (
            "1. 【单选】题干\nA. 甲\nB. 乙\n【答案】A\n【答案】B",
            "第 5 行：这道题已经在第 4 行写了【答案】。",
        ),
        (
            "1. 【单选】题干\nA. 甲\nB. 乙\n【答案】A\n【条线】计划生育\n又一行",
            "第 6 行：【答案】之后只能有【解析】和【条线】。",
        ),
        ("\n\n", "文件里没有题目：每道题以“1. 【单选】题干”这样的一行开始。"),
    ],
)
def test_each_broken_line_is_named(text, problem):
    with pytest.raises(FormatError) as refused:
        parse(text)

    assert problem in refused.value.problems


def test_a_broken_file_imports_nothing(trainer):
    broken = GOOD + "\n4. 【单选】少了答案\nA. 甲\nB. 乙\n"

    with pytest.raises(FormatError, match="第 21 行的题目：缺少【答案】一行。"):
        import_questions(broken, by=trainer)

    assert not Question.objects.exists()


def test_an_unknown_category_imports_nothing(trainer):
    with pytest.raises(FormatError, match="第 2 行的题目：没有名为“计划生育”的业务条线。"):
        import_questions(GOOD, by=trainer)

    assert not Question.objects.exists()


def test_a_good_file_becomes_trainer_questions(trainer):
    Category.objects.create(name="计划生育", slug="jhsy")

    added, skipped = import_questions(GOOD, by=trainer)

    assert skipped == 0

    assert [(q.kind, q.generated, q.created_by) for q in added] == [
        ("single", False, trainer),
        ("multiple", False, trainer),
        ("judge", False, trainer),
    ]
    assert added[0].category.name == "计划生育"


def test_files_saved_by_windows_notepad_in_gbk_are_read():
    assert text_format.decode(GOOD.encode("gb18030")) == GOOD
    assert text_format.decode("\ufeff1. 【判断】题".encode()) == "1. 【判断】题"


def test_a_file_too_large_is_refused():
    with pytest.raises(FormatError, match="文件太大"):
        text_format.decode(b"x" * (text_format.MAX_BYTES + 1))
