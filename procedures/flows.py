"""情形引导: questions about a resident's case, conditions over the answers, the editor's checks.

A version may ask a few questions (`Question`: a short label such as 户籍, and options such as
本地户籍 / 外地户籍). A 按情形 material, and a member of a family or bundle, may carry a
condition (`when`): a list of clauses, all of which must hold, each naming a question and the
options it must be one of (`any`) or must not be (`none`):

    [{"question": "户籍", "op": "any", "options": ["外地户籍"]}]

Answers are a mapping of question label to option. A clause over an unanswered question is
undecided, so a condition is true, false, or not yet known (None): the page shows needed,
left out, and 待确认 materials accordingly.

This module works on plain data (`Flow`), built from a version on record, a draft, or a record
of an import file, so that the same checks run on save, before review and publishing, and on
import. `procedures.bundles` resolves members and merges their materials.
"""

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from procedures.library_format import derive_slug

ANY = "any"
NONE = "none"
OPS = {ANY: "是", NONE: "不是"}
MAX_QUESTIONS = 8
MAX_OPTIONS = 10
# Answer sets enumerated by the editor's checks; a larger flow is checked by its cases only.
MAX_ANSWER_SETS = 4096
# Query parameters a page already uses: a question may not take their name.
RESERVED_PARAMS = frozenset({"q", "as", "page", "print", "size", "from", "next", "v", "case"})

NEEDED = "needed"
MAYBE = "maybe"
LEFT_OUT = "left_out"

Answers = dict[str, str]
Condition = list[dict[str, Any]]


@dataclasses.dataclass(frozen=True)
class FlowQuestion:
    label: str
    text: str
    options: tuple[str, ...]
    help: str = ""

    @property
    def param(self) -> str:
        return param_name(self.label)


@dataclasses.dataclass(frozen=True)
class FlowMaterial:
    name: str
    kind: str  # the catalogue's name: one material across a bundle's procedures
    form: str = "original"
    copies: int = 1
    required: bool = True
    condition: str = ""
    when: tuple[Mapping[str, Any], ...] = ()
    note: str = ""
    electronic: bool = False


@dataclasses.dataclass(frozen=True)
class FlowMember:
    slug: str
    title: str
    when: tuple[Mapping[str, Any], ...] = ()
    note: str = ""


@dataclasses.dataclass(frozen=True)
class FlowCase:
    name: str
    answers: tuple[tuple[str, str], ...]
    variant: str = ""
    materials: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Flow:
    """What a version says about cases: its questions, what depends on them, its test cases."""

    kind: str  # Procedure.Kind: item, family or bundle
    title: str
    questions: tuple[FlowQuestion, ...] = ()
    materials: tuple[FlowMaterial, ...] = ()
    members: tuple[FlowMember, ...] = ()
    cases: tuple[FlowCase, ...] = ()

    def question(self, label: str) -> FlowQuestion | None:
        return next((q for q in self.questions if q.label == label), None)


# A member's flow by its slug (its version in force, or its record in the same import).
Resolver = Callable[[str], "Flow | None"]


@dataclasses.dataclass(frozen=True)
class Problem:
    message: str
    blocking: bool = True  # False: a warning shown to the editor, publishing goes ahead


# ---------------------------------------------------------------------------- answers


def param_name(text: str) -> str:
    """How a question or option appears in a URL: its pinyin, e.g. 外地户籍 → wai-di-hu-ji."""
    return derive_slug(text, max_length=60) or "x"


def answers_from_query(questions: Sequence[FlowQuestion], query: Mapping[str, Any]) -> Answers:
    """The answers a URL carries; unknown questions and options are ignored, not errors."""
    answers: Answers = {}
    for question in questions:
        value = query.get(question.param)
        if not isinstance(value, str):
            continue
        option = next((o for o in question.options if param_name(o) == value), None)
        if option is not None:
            answers[question.label] = option
    return answers


def query_items(questions: Sequence[FlowQuestion], answers: Answers) -> list[tuple[str, str]]:
    """The URL parameters for answers, in the questions' order."""
    return [
        (question.param, param_name(answers[question.label]))
        for question in questions
        if question.label in answers
    ]


def case_label(questions: Sequence[FlowQuestion], answers: Answers) -> str:
    """The case named by its answers, as the 一次性告知单 prints it: 外地户籍 · 委托他人代办."""
    return " · ".join(answers[q.label] for q in questions if q.label in answers)


# ---------------------------------------------------------------------------- conditions


def evaluate(when: Iterable[Mapping[str, Any]], answers: Answers) -> bool | None:
    """True when every clause holds, False when one fails, None while one is unanswered."""
    result: bool | None = True
    for clause in when:
        chosen = answers.get(clause.get("question", ""))
        if chosen is None:
            result = None
            continue
        inside = chosen in clause.get("options", ())
        if inside != (clause.get("op", ANY) == ANY):
            return False
    return result


def describe(when: Iterable[Mapping[str, Any]]) -> str:
    """A condition in words: 户籍是外地户籍，且代办不是本人办理."""
    parts = [
        f"{clause.get('question')}{OPS.get(clause.get('op', ANY), '是')}"
        f"{'或'.join(clause.get('options', ()))}"
        for clause in when
    ]
    return "，且".join(parts)


# Options that say nothing without their question (代办：是): named with the question.
BARE_OPTIONS = frozenset({"是", "否", "不是", "有", "无", "没有", "要", "不要", "需要", "不需要"})


def in_words(when: Iterable[Mapping[str, Any]]) -> str:
    """A condition as a resident says it, by the options chosen: 未婚、随父落户.

    `describe` names each question for editors; residents see only their own answers.
    """
    parts = [_clause_in_words(clause) for clause in when]
    joiner = "，且" if any("或" in part for part in parts) else "、"
    return joiner.join(parts)


def _clause_in_words(clause: Mapping[str, Any]) -> str:
    options = [
        f"{clause.get('question')}“{option}”" if option in BARE_OPTIONS else option
        for option in clause.get("options", ())
    ]
    said = "或".join(options)
    return said if clause.get("op", ANY) == ANY else f"不是{said}"


def needed_when(when: Iterable[Mapping[str, Any]]) -> str:
    """Why a material or member is asked for: 已婚时需要."""
    return f"{in_words(when)}时需要"


@dataclasses.dataclass(frozen=True)
class Narrowed:
    """A material (or member) for one case: needed, left out, or still 待确认, and why."""

    item: Any
    state: str
    reason: str = ""


def narrow(
    items: Sequence[Any], answers: Answers, *, required: Callable[[Any], bool] = lambda _: False
) -> list[Narrowed]:
    """Each item (with `when` and, for materials, `condition`) for the answers given so far."""
    narrowed = []
    for item in items:
        when = tuple(item.when or ())
        if required(item):
            narrowed.append(Narrowed(item, NEEDED))
            continue
        if not when:  # a 按情形 material with only a written condition: staff judge it
            narrowed.append(Narrowed(item, MAYBE, getattr(item, "condition", "") or "视情况提供"))
            continue
        decided = evaluate(when, answers)
        if decided is True:
            narrowed.append(Narrowed(item, NEEDED, needed_when(when)))
        elif decided is False:
            narrowed.append(Narrowed(item, LEFT_OUT, f"{in_words(when)}时才需要"))
        else:
            narrowed.append(Narrowed(item, MAYBE, needed_when(when)))
    return narrowed


def narrow_materials(materials: Sequence[Any], answers: Answers) -> list[Narrowed]:
    """Materials (model rows or FlowMaterial) for a case: required ones are always needed."""
    return narrow(materials, answers, required=lambda material: bool(material.required))


def narrow_members(members: Sequence[Any], answers: Answers) -> list[Narrowed]:
    """Members (rows or FlowMember): one without a condition always applies."""
    return narrow(members, answers, required=lambda member: not member.when)


# ---------------------------------------------------------------------------- checks


def check(flow: Flow, resolve: Resolver | None = None) -> list[Problem]:
    """Everything wrong with a flow (blocking) and everything an editor should look at."""
    problems = list(_question_problems(flow))
    problems += _condition_problems(flow)
    problems += _member_problems(flow, resolve)
    problems += _case_answer_problems(flow, resolve)
    if any(p.blocking for p in problems):
        return problems  # cases and lints would only repeat a broken reference
    for case in flow.cases:
        problems += [Problem(message) for message in run_case(flow, case, resolve)]
    problems += [Problem(message, blocking=False) for message in lints(flow, resolve)]
    return problems


def blocking_messages(flow: Flow, resolve: Resolver | None = None) -> list[str]:
    return [problem.message for problem in check(flow, resolve) if problem.blocking]


def _question_problems(flow: Flow) -> Iterator[Problem]:
    if len(flow.questions) > MAX_QUESTIONS:
        yield Problem(f"情形问题最多 {MAX_QUESTIONS} 个，现有 {len(flow.questions)} 个。")
    labels: dict[str, str] = {}
    for question in flow.questions:
        name = f"情形问题「{question.label}」"
        if not question.label.strip():
            yield Problem("有情形问题没有简称。")
            continue
        if question.param in labels:
            yield Problem(
                f"{name}与「{labels[question.param]}」的简称重复（拼音相同也算），请换一个简称。"
            )
        labels[question.param] = question.label
        if question.param in RESERVED_PARAMS:
            yield Problem(f"{name}的简称与页面已用的参数重名，请换一个简称。")
        if len(question.options) < 2:
            yield Problem(f"{name}至少要有两个选项。")
        if len(question.options) > MAX_OPTIONS:
            yield Problem(f"{name}最多 {MAX_OPTIONS} 个选项。")
        seen: set[str] = set()
        for option in question.options:
            if param_name(option) in seen:
                yield Problem(f"{name}的选项「{option}」重复（拼音相同也算）。")
            seen.add(param_name(option))


def _conditions(flow: Flow) -> Iterator[tuple[str, Sequence[Mapping[str, Any]]]]:
    for material in flow.materials:
        yield f"材料「{material.name}」", material.when
    for member in flow.members:
        yield f"事项「{member.title or member.slug}」", member.when


def _condition_problems(flow: Flow) -> Iterator[Problem]:
    for material in flow.materials:
        if material.when and material.required:
            yield Problem(
                f"材料「{material.name}」设了情形条件，应为按情形提交：请取消“是否必需”。"
            )
    for name, when in _conditions(flow):
        yield from _clause_problems(flow, name, when)


def all_questions(flow: Flow, resolve: Resolver | None = None) -> list[FlowQuestion]:
    """A flow's questions, then those of its members not asked already (their materials')."""
    questions = list(flow.questions)
    asked = {q.label for q in questions}
    for member in flow.members:
        target = resolve(member.slug) if resolve else None
        for question in target.questions if target else ():
            if question.label not in asked:
                questions.append(question)
                asked.add(question.label)
    return questions


def _case_answer_problems(flow: Flow, resolve: Resolver | None) -> Iterator[Problem]:
    questions = {q.label: q for q in all_questions(flow, resolve)}
    for case in flow.cases:
        for label, option in case.answers:
            question = questions.get(label)
            if question is None:
                yield Problem(f"测试用例「{case.name}」回答的问题「{label}」已不存在。")
            elif option not in question.options:
                yield Problem(
                    f"测试用例「{case.name}」的回答「{label}：{option}」不是这个问题的选项。"
                )


def _clause_problems(flow: Flow, name: str, when: Sequence[Mapping[str, Any]]) -> Iterator[Problem]:
    used: set[str] = set()
    for clause in when:
        label = clause.get("question", "")
        question = flow.question(label)
        if question is None:
            yield Problem(f"{name}的条件用到的情形问题「{label}」已不存在。")
            continue
        if label in used:
            yield Problem(f"{name}的条件对问题「{label}」写了两次，请合并成一条。")
        used.add(label)
        if clause.get("op") not in OPS:
            yield Problem(f"{name}的条件应写“是”或“不是”。")
        options = clause.get("options") or []
        if not options:
            yield Problem(f"{name}的条件「{label}」没有选择选项。")
        for option in options:
            if option not in question.options:
                yield Problem(f"{name}的条件用到的选项「{label}：{option}」已不存在。")


def _member_problems(flow: Flow, resolve: Resolver | None) -> Iterator[Problem]:
    if flow.kind == "item":
        if flow.members:
            yield Problem("普通事项不能包含其他事项；请把它建成“一件事”或“同类事项引导”。")
        return
    kind_name = "一件事" if flow.kind == "bundle" else "同类事项引导"
    if flow.materials:
        yield Problem(f"{kind_name}的材料来自它包含的事项，自己不列材料。")
    if len(flow.members) < 2:
        yield Problem(f"{kind_name}至少要包含两个事项。")
    seen: set[str] = set()
    for member in flow.members:
        if member.slug in seen:
            yield Problem(f"事项「{member.title or member.slug}」包含了两次。")
        seen.add(member.slug)
        if resolve is None:
            continue
        target = resolve(member.slug)
        if target is None:
            yield Problem(
                f"包含的事项「{member.title or member.slug}」不存在、已停办或还没有施行的版本。"
            )
        elif target.kind != "item":
            what = "一件事" if target.kind == "bundle" else "同类事项引导"
            yield Problem(f"「{target.title}」本身是{what}，不能再被包含。")


# ---------------------------------------------------------------------------- cases


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a flow gives for some answers: its variant (a family's), and its materials."""

    variants: tuple[str, ...]  # slugs of the members that apply (a family should have one)
    needed: tuple[str, ...]  # names of the materials needed for certain
    undecided: tuple[str, ...]  # names whose need waits for an unanswered question
    covered: tuple[str, ...] = ()  # choices a needed material already is (居民身份证或户口簿)


def outcome(flow: Flow, answers: Answers, resolve: Resolver | None = None) -> Outcome:
    if flow.kind == "item":
        narrowed = narrow_materials(flow.materials, answers)
        return Outcome((), *_needed_and_undecided(narrowed, name=lambda m: m.name))
    members = [n for n in narrow_members(flow.members, answers) if n.state == NEEDED]
    variants = tuple(n.item.slug for n in members)
    if resolve is None:
        return Outcome(variants, (), ())
    from procedures.bundles import merge  # the merged list needs the members' materials

    chosen = [(resolve(slug), slug) for slug in variants]
    flows = [(member_flow, slug) for member_flow, slug in chosen if member_flow is not None]
    merged = merge(
        [(member_flow.title, member_flow.materials) for member_flow, _ in flows], answers
    )
    needed = tuple(m.name for m in merged if m.state == NEEDED)
    undecided = tuple(m.name for m in merged if m.state == MAYBE and m.waits)
    covered = tuple(kind for m in merged if m.state == NEEDED for kind in m.covers)
    return Outcome(variants, needed, undecided, covered)


def _needed_and_undecided(
    narrowed: Sequence[Narrowed], *, name: Callable[[Any], str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    needed = tuple(name(n.item) for n in narrowed if n.state == NEEDED)
    undecided = tuple(name(n.item) for n in narrowed if n.state == MAYBE and n.item.when)
    return needed, undecided


def run_case(flow: Flow, case: FlowCase, resolve: Resolver | None = None) -> list[str]:
    """What a case finds wrong, in words; an empty list when it passes."""
    name = f"测试用例「{case.name}」"
    questions = {q.label: q for q in all_questions(flow, resolve)}
    invalid = [
        f"{label}：{option}"
        for label, option in case.answers
        if label not in questions or option not in questions[label].options
    ]
    if invalid:  # a question or option removed since the case was written
        return [f"{name}的回答「{'、'.join(invalid)}」已不是现有的问题或选项，请重新选择。"]
    answers = dict(case.answers)
    result = outcome(flow, answers, resolve)
    failures = []
    if flow.kind == "family" and case.variant and result.variants != (case.variant,):
        titles = {member.slug: member.title or member.slug for member in flow.members}
        got = "、".join(f"「{titles[slug]}」" for slug in result.variants) or "没有事项"
        wanted = titles.get(case.variant, case.variant)
        failures.append(f"{name}应指向「{wanted}」，实际是：{got}。")
    if flow.kind == "item" or case.materials:
        expected = list(dict.fromkeys(case.materials))
        found = {*result.needed, *result.undecided, *result.covered}
        missing = [m for m in expected if m not in found]
        extra = [m for m in result.needed if m not in expected]
        if missing:
            failures.append(f"{name}缺少应提交的材料：{'、'.join(missing)}。")
        if extra:
            failures.append(f"{name}多出了不应要求的材料：{'、'.join(extra)}。")
        if result.undecided:
            failures.append(
                f"{name}没有回答足够的问题，这些材料还定不下来：{'、'.join(result.undecided)}。"
            )
    return failures


# ---------------------------------------------------------------------------- lints


def answer_sets(questions: Sequence[FlowQuestion]) -> Iterator[Answers] | None:
    """Every combination of answers to every question; None when there are too many to try."""
    total = 1
    for question in questions:
        total *= max(len(question.options), 1)
    if total > MAX_ANSWER_SETS:
        return None
    labels = [q.label for q in questions]
    return (
        dict(zip(labels, chosen, strict=True))
        for chosen in itertools.product(*(q.options for q in questions))
    )


def referenced_questions(flow: Flow, resolve: Resolver | None = None) -> set[str]:
    used = {c.get("question") for _, when in _conditions(flow) for c in when}
    if resolve is not None:  # a family's or bundle's answers also reach its members' materials
        for member in flow.members:
            if (target := resolve(member.slug)) is not None:
                used |= {c.get("question") for m in target.materials for c in m.when}
    return {label for label in used if isinstance(label, str)}


def lints(flow: Flow, resolve: Resolver | None = None) -> list[str]:
    """Warnings: questions nothing depends on, conditions never met, options leading nowhere."""
    warnings = []
    used = referenced_questions(flow, resolve)
    for question in flow.questions:
        if question.label not in used:
            warnings.append(
                f"问题「{question.label}」不影响任何材料或事项：可以删掉它，或给材料加上条件。"
            )
    sets = answer_sets(flow.questions)
    if sets is None:
        warnings.append("问题和选项组合太多，只按测试用例检查。")
        return warnings
    combos = list(sets)
    for name, when in _conditions(flow):
        if when and not any(evaluate(when, answers) for answers in combos):
            warnings.append(f"{name}在任何回答下都不会出现，请检查它的条件。")
    if flow.kind == "item":
        return warnings
    for question in flow.questions:
        for option in question.options:
            matching = [a for a in combos if a[question.label] == option]
            if matching and not any(_applying(flow, a) for a in matching):
                warnings.append(f"选「{question.label}：{option}」时没有任何事项适用。")
    if flow.kind == "family":
        for answers in combos:
            applying = _applying(flow, answers)
            if len(applying) > 1:
                warnings.append(
                    f"回答「{case_label(flow.questions, answers)}」同时指向"
                    f"{'、'.join(f'「{m.title or m.slug}」' for m in applying)}，应只指向一个。"
                )
                break
    return warnings


def _applying(flow: Flow, answers: Answers) -> list[FlowMember]:
    return [m for m in flow.members if evaluate(m.when, answers) is True]


# ---------------------------------------------------------------------------- building flows


def condition_from_data(value: Any) -> tuple[Mapping[str, Any], ...]:
    """A stored condition as clauses; anything malformed is kept for the checks to name."""
    if not isinstance(value, list):
        return ()
    return tuple(clause for clause in value if isinstance(clause, Mapping))


def stored_answers(value: Any) -> tuple[tuple[str, str], ...]:
    """A case's answers as stored ([{question, option}, …]) as (label, option) pairs."""
    return tuple(
        (str(a.get("question", "")), str(a.get("option", "")))
        for a in value or ()
        if isinstance(a, Mapping)
    )


def flow_of_version(version: Any, *, kind: str | None = None) -> Flow:
    """The flow of a version (a model row with its parts prefetched, or not)."""
    procedure_kind = kind or version.procedure.kind
    return Flow(
        kind=procedure_kind,
        title=version.title,
        questions=tuple(
            FlowQuestion(q.label, q.text, tuple(str(o) for o in q.options or ()), q.help)
            for q in version.questions.all()
        ),
        materials=tuple(
            FlowMaterial(
                name=m.name,
                kind=m.kind.name if m.kind_id else m.name,
                form=m.form,
                copies=m.copies,
                required=m.required,
                condition=m.condition,
                when=condition_from_data(m.when),
                note=m.note,
                electronic=bool(m.kind_id and m.kind.electronic),
            )
            for m in version.materials.all()
        ),
        members=tuple(
            FlowMember(
                slug=member.target.slug,
                title=str(member.target),
                when=condition_from_data(member.when),
                note=member.note,
            )
            for member in version.members.all()
        ),
        cases=tuple(
            FlowCase(
                name=case.name,
                answers=stored_answers(case.answers),
                variant=case.variant,
                materials=tuple(str(m) for m in case.materials or ()),
            )
            for case in version.cases.all()
        ),
    )
