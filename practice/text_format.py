"""The common Chinese 题库 text format: read (every problem named by line), write, import.

    1. 【单选】办理生育服务手册，身份证应提交哪种形式？
    A. 原件
    B. 复印件
    【答案】A
    【解析】见第 2 版申请材料。
    【条线】计划生育

Questions are separated by blank lines or by the next numbered 【单选】/【多选】/【判断】 line;
judge questions have no options and answer 正确 or 错误. docs/practice.md has every rule.
"""

import dataclasses
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from django.db import transaction

from practice.models import LETTERS, Question
from procedures.models import Category

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_BYTES = 1024 * 1024
MAX_QUESTIONS = 2000
KINDS = {"单选": Question.Kind.SINGLE, "多选": Question.Kind.MULTIPLE, "判断": Question.Kind.JUDGE}
KIND_NAMES: dict[str, str] = {str(kind): name for name, kind in KINDS.items()}
JUDGE_OPTIONS = ["正确", "错误"]
JUDGE_ANSWERS = {"正确": "A", "对": "A", "√": "A", "错误": "B", "错": "B", "×": "B"}

HEADER = re.compile(r"^(?:\d+\s*[.．、)）]\s*)?【(单选|多选|判断)题?】\s*(.*)$")
OPTION = re.compile(r"^([A-Fa-f])\s*[.．、:：)）]\s*(.*)$")
TAG = re.compile(r"^【(答案|解析|条线)】\s*(.*)$")
# A section heading such as “一、单选题”, which many files have: skipped.
SECTION = re.compile(r"^[一二三四五六七八九十]+\s*[、.．]\s*(单选|多选|判断)题?\s*$")


class FormatError(ValueError):
    """The file is not a 题库 text: every problem, one a line, each naming its line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclasses.dataclass
class Parsed:
    line: int
    kind: str
    stem: str
    options: list[str] = dataclasses.field(default_factory=list)
    answer: str = ""
    explanation: str = ""
    category: str = ""
    answer_line: int = 0
    # Where continuation lines go: "stem", "options", "explanation" or "" (after other tags).
    part: str = "stem"


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 as Chinese Windows Notepad saves it."""
    if len(data) > MAX_BYTES:
        raise FormatError([f"文件太大（{len(data) // 1024} KB）：一次最多导入 1 MB。"])
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FormatError(["无法识别文件编码：请另存为 UTF-8 编码的 .txt 文件。"])


def parse(text: str) -> list[Parsed]:
    problems: list[str] = []
    questions: list[Parsed] = []
    current: Parsed | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip().replace("\u3000", " ")
        header = HEADER.match(line)
        if header:
            current = Parsed(number, KINDS[header[1]], header[2].strip())
            questions.append(current)
        elif SECTION.match(line):
            current = None
        elif not line:
            current = None if current and current.answer_line else current
        elif current is None:
            problems.append(f"第 {number} 行：题目应以“1. 【单选】”“【多选】”或“【判断】”开头。")
        else:
            problems += read_line(current, number, line)
    for question in questions:
        problems += check(question)
    if not questions and not problems:
        problems.append("文件里没有题目：每道题以“1. 【单选】题干”这样的一行开始。")
    if len(questions) > MAX_QUESTIONS:
        problems.append(f"题目太多（{len(questions)} 道）：一次最多导入 {MAX_QUESTIONS} 道。")
    if problems:
        raise FormatError(problems)
    return questions


def read_line(question: Parsed, number: int, line: str) -> list[str]:
    tag = TAG.match(line)
    option = OPTION.match(line)
    if tag:
        return read_tag(question, number, tag[1], tag[2].strip())
    if option and question.part in ("stem", "options"):
        return read_option(question, number, option[1].upper(), option[2].strip())
    if question.part == "stem":
        question.stem = f"{question.stem}\n{line}".strip()
    elif question.part == "explanation":
        question.explanation = f"{question.explanation}\n{line}"
    elif question.part == "options":
        letter = next_letter(question)
        return [f"第 {number} 行：选项之后应是【答案】；这一行不是选项（应以“{letter}.”开头）。"]
    else:
        return [f"第 {number} 行：【答案】之后只能有【解析】和【条线】。"]
    return []


def read_option(question: Parsed, number: int, letter: str, text: str) -> list[str]:
    if question.kind == Question.Kind.JUDGE:
        return [f"第 {number} 行：判断题不写选项，答案写“正确”或“错误”。"]
    expected = next_letter(question)
    if letter != expected:
        return [f"第 {number} 行：这里应是选项 {expected}，却是 {letter}。"]
    if not text:
        return [f"第 {number} 行：选项 {letter} 是空的。"]
    question.options.append(text)
    question.part = "options"
    return []


def next_letter(question: Parsed) -> str:
    count = len(question.options)
    return LETTERS[count] if count < len(LETTERS) else "（没有了，最多 6 个选项）"


def read_tag(question: Parsed, number: int, tag: str, value: str) -> list[str]:
    if tag == "答案":
        if question.answer_line:
            return [f"第 {number} 行：这道题已经在第 {question.answer_line} 行写了【答案】。"]
        question.answer_line = number
        question.answer = value
        question.part = ""
    elif not question.answer_line:
        return [f"第 {number} 行：【{tag}】应写在【答案】之后。"]
    elif tag == "解析":
        question.explanation = value
        question.part = "explanation"
    else:
        question.category = value
        question.part = ""
    return []


def check(question: Parsed) -> list[str]:
    where = f"第 {question.line} 行的题目"
    question.explanation = question.explanation.strip()
    if not question.stem:
        return [f"{where}：题干是空的。"]
    if not question.answer_line:
        return [f"{where}：缺少【答案】一行。"]
    if question.kind == Question.Kind.JUDGE:
        question.options = list(JUDGE_OPTIONS)
        if question.answer not in JUDGE_ANSWERS:
            return [
                f"第 {question.answer_line} 行：判断题的答案应是“正确”或“错误”，"
                f"却是“{question.answer}”。"
            ]
        question.answer = JUDGE_ANSWERS[question.answer]
        return []
    if len(question.options) < 2:
        return [f"{where}：{KIND_NAMES[question.kind]}题至少要有 A、B 两个选项。"]
    letters = re.sub(r"[\s,，、]", "", question.answer).upper()
    offered = LETTERS[: len(question.options)]
    if not letters or any(letter not in offered for letter in letters):
        return [
            f"第 {question.answer_line} 行：答案“{question.answer}”不在选项 "
            f"{offered[0]}–{offered[-1]} 中。"
        ]
    if len(set(letters)) != len(letters):
        return [f"第 {question.answer_line} 行：答案“{question.answer}”有重复的字母。"]
    if question.kind == Question.Kind.SINGLE and len(letters) != 1:
        return [f"第 {question.answer_line} 行：单选题只能有一个答案，却是“{question.answer}”。"]
    question.answer = "".join(sorted(letters))
    return []


class Imported(NamedTuple):
    added: list[Question]
    skipped: int  # questions identical to a live one already in the bank (or earlier in the file)


def sameness(kind: str, stem: str, options: Iterable[str], answer: str) -> tuple[str, ...]:
    """What makes two questions the same one: kind, stem, options and answer (as the file
    writes them: the export's stem has no blank lines, its options no outer spaces)."""
    return (kind, one_block(stem), *(str(option).strip() for option in options), "|", answer)


def import_questions(text: str, *, by: "User") -> Imported:
    """Every new question of `text` as a trainer's question, or nothing at all (FormatError).

    A question identical to a live one in the bank is skipped, so that importing an export back
    (generated questions included) adds nothing."""
    parsed = parse(text)
    categories = dict(Category.objects.values_list("name", "pk"))
    unknown = [
        f"第 {q.line} 行的题目：没有名为“{q.category}”的业务条线。"
        for q in parsed
        if q.category and q.category not in categories
    ]
    if unknown:
        raise FormatError(unknown)
    with transaction.atomic():
        known = {
            sameness(*row)
            for row in Question.objects.live().values_list("kind", "stem", "options", "answer")
        }
        added: list[Question] = []
        for q in parsed:
            same = sameness(q.kind, q.stem, q.options, q.answer)
            if same in known:
                continue
            known.add(same)
            added.append(
                Question.objects.create(
                    kind=q.kind,
                    stem=q.stem,
                    options=q.options,
                    answer=q.answer,
                    explanation=q.explanation,
                    category_id=categories.get(q.category),
                    created_by=by,
                )
            )
        return Imported(added, len(parsed) - len(added))


def format_questions(questions: Iterable[Question]) -> str:
    return "\n".join(format_question(n, q) for n, q in enumerate(questions, 1))


def format_question(number: int, question: Question) -> str:
    lines = [f"{number}. 【{KIND_NAMES[question.kind]}】{one_block(question.stem)}"]
    if question.kind == Question.Kind.JUDGE:
        lines.append(f"【答案】{JUDGE_OPTIONS[LETTERS.index(question.answer)]}")
    else:
        lines += [f"{letter}. {text}" for letter, text in question.lettered_options()]
        lines.append(f"【答案】{question.answer}")
    if question.explanation:
        lines.append(f"【解析】{one_block(question.explanation)}")
    if question.category:
        lines.append(f"【条线】{question.category.name}")
    return "\n".join(lines) + "\n"


def one_block(text: str) -> str:
    """Lines without blank ones between them: a blank line ends a question."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
