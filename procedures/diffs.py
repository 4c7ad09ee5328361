"""What changed between two versions of a procedure, in a shape a template can render.

A text is compared line by line, as a person marks up a revised text: unchanged lines stay
plain, a removed line is struck out whole and an added line written in whole, and only a removed
and an added line that are clearly one line edited show what changed inside them. Within such a
line the text is compared per character, never per word: Chinese has no spaces, so a word-level
diff would mark a whole sentence as changed when one clause was added. Materials, steps and FAQs
are matched by their kind in the material catalogue, title and question, and a slightly reworded
one (“户口本” → “户口簿”) counts as the same item changed, because that is how staff read a
revised guide.

Questions about the case, a family's or bundle's members, and (for editors reviewing a draft)
test cases are listed as 情形引导 lines: added, removed, or changed with what changed.

Nothing here writes or queries beyond the versions' related lists; prefetch them
(`materials`, `steps`, `faqs`, `questions`, `members__target`, `cases`) and a comparison runs
no queries at all.
"""

import bisect
import dataclasses
import os
import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any, Literal, NamedTuple

from django.db.models import Model

from procedures.flows import describe
from procedures.library_format import MARKDOWN_FIELDS
from procedures.models import (
    FAQ,
    STEP_FIELDS,
    VERSION_CONTENT_FIELDS,
    Material,
    ProcedureVersion,
    Step,
    field_label,
)

# Below this similarity two names are different items, not one item renamed.
SAME_ITEM_RATIO = 0.6
# Below this similarity a removed and an added line are two lines, struck and written whole:
# marking the few characters two rewritten sentences share leaves fragments nobody can read.
SAME_LINE_RATIO = 0.6
# Lines of one rewritten passage compared pairwise at most: beyond it they are struck and
# written whole, so that a page never waits on a text rewritten from top to bottom.
MOST_LINE_COMPARISONS = 2500
# An equal run this short between two changes is coincidence, not kept text: 周<del>五</del>
# <ins>六</ins><del>上</del><ins>下</ins>午 reads worse than 周<del>五上</del><ins>六下</ins>午.
LONGEST_ABSORBED_ISLAND = 2
INTERNAL_FIELDS = frozenset({"staff_notes"})
INTERNAL_STEP_FIELDS = frozenset({"staff_note"})
NOTHING = "（无）"


class Segment(NamedTuple):
    op: Literal["equal", "insert", "delete"]
    text: str


class Line(NamedTuple):
    """One line of a compared text: kept, removed, added, or one line edited (`change`)."""

    op: Literal["equal", "delete", "insert", "change"]
    segments: list[Segment]


@dataclasses.dataclass(frozen=True)
class TextChange:
    """One text that differs: a version field, or a step's or FAQ's title, body or answer."""

    name: str
    label: str
    lines: list[Line]
    internal: bool = False


@dataclasses.dataclass(frozen=True)
class AttributeChange:
    label: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.label}：{self.old} → {self.new}"


@dataclasses.dataclass(frozen=True)
class MaterialSummary:
    name: str
    description: str


@dataclasses.dataclass(frozen=True)
class MaterialChange:
    name: str
    changes: list[AttributeChange]


@dataclasses.dataclass(frozen=True)
class MaterialsDiff:
    added: list[MaterialSummary]
    removed: list[MaterialSummary]
    changed: list[MaterialChange]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclasses.dataclass(frozen=True)
class StepSummary:
    position: int
    title: str
    body: str
    staff_note: str = ""


@dataclasses.dataclass(frozen=True)
class StepMove:
    title: str
    old_position: int
    new_position: int


@dataclasses.dataclass(frozen=True)
class StepChange:
    position: int
    title: str
    texts: list[TextChange]


@dataclasses.dataclass(frozen=True)
class StepsDiff:
    added: list[StepSummary]
    removed: list[StepSummary]
    moved: list[StepMove]
    changed: list[StepChange]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.moved or self.changed)


@dataclasses.dataclass(frozen=True)
class FAQSummary:
    question: str
    answer: str


@dataclasses.dataclass(frozen=True)
class FAQChange:
    question: str
    texts: list[TextChange]


@dataclasses.dataclass(frozen=True)
class FAQsDiff:
    added: list[FAQSummary]
    removed: list[FAQSummary]
    changed: list[FAQChange]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclasses.dataclass(frozen=True)
class GuideDiff:
    """情形引导: questions, members (of a family or bundle) and test cases, one line each."""

    added: list[str]
    removed: list[str]
    changed: list[MaterialChange]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclasses.dataclass(frozen=True)
class VersionDiff:
    old: ProcedureVersion
    new: ProcedureVersion
    fields: list[TextChange]
    materials: MaterialsDiff
    steps: StepsDiff
    faqs: FAQsDiff
    guide: GuideDiff = GuideDiff([], [], [])

    @property
    def is_empty(self) -> bool:
        return (
            not self.fields
            and self.materials.is_empty
            and self.steps.is_empty
            and self.faqs.is_empty
            and self.guide.is_empty
        )


def compare_versions(
    old: ProcedureVersion,
    new: ProcedureVersion,
    *,
    include_internal: bool,
    include_test_cases: bool = False,
) -> VersionDiff:
    """Everything that differs from `old` to `new`.

    Internal notes only if `include_internal` (staff), the flow's test cases only if
    `include_test_cases` (editors reviewing a draft: they are an editor's tool, not content).
    """
    return VersionDiff(
        old=old,
        new=new,
        fields=_field_changes(old, new, include_internal=include_internal),
        materials=_materials_diff(list(old.materials.all()), list(new.materials.all())),
        steps=_steps_diff(
            list(old.steps.all()), list(new.steps.all()), include_internal=include_internal
        ),
        faqs=_faqs_diff(list(old.faqs.all()), list(new.faqs.all())),
        guide=_guide_diff(old, new, include_test_cases=include_test_cases),
    )


def diff_lines(old: str, new: str) -> list[Line]:
    """Lines turning `old` into `new`: whole lines kept, removed and added, or one line edited.

    Lines equal in both are kept; between them, a removed and an added line at least
    SAME_LINE_RATIO alike (or one the other with text added in one place), in the same order,
    are one line edited, its changes marked inside it (`diff_text`). Blank lines and trailing
    spaces are not compared: a reader does not see them.
    """
    before, after = _lines(old), _lines(new)
    lines = []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [Line("equal", [Segment("equal", line)]) for line in before[i1:i2]]
        else:
            lines += _rewritten(before[i1:i2], after[j1:j2])
    return lines


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def _rewritten(removed: list[str], added: list[str]) -> list[Line]:
    """One passage rewritten: each edited line in place, the lines around it removed then added."""
    lines = []
    i = j = 0
    # The end of the passage closes the last run of lines removed and added.
    for edited_i, edited_j in [*_edited_pairs(removed, added), (len(removed), len(added))]:
        lines += [Line("delete", [Segment("delete", line)]) for line in removed[i:edited_i]]
        lines += [Line("insert", [Segment("insert", line)]) for line in added[j:edited_j]]
        if edited_i < len(removed):
            lines.append(Line("change", diff_text(removed[edited_i], added[edited_j])))
        i, j = edited_i + 1, edited_j + 1
    return lines


def _edited_pairs(removed: list[str], added: list[str]) -> list[tuple[int, int]]:
    """(removed, added) indexes of lines that are one line edited: alike, in order, most alike."""
    if len(removed) * len(added) > MOST_LINE_COMPARISONS:
        return []
    alike = {
        (i, j): ratio
        for i, a in enumerate(removed)
        for j, b in enumerate(added)
        if (ratio := _line_similarity(a, b)) > 0
    }
    # best[i][j]: the highest total likeness of pairs drawn from removed[i:] and added[j:].
    best = [[0.0] * (len(added) + 1) for _ in range(len(removed) + 1)]
    for i in reversed(range(len(removed))):
        for j in reversed(range(len(added))):
            paired = alike[i, j] + best[i + 1][j + 1] if (i, j) in alike else 0.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], paired)
    pairs = []
    i = j = 0
    while i < len(removed) and j < len(added):
        if (i, j) in alike and best[i][j] == alike[i, j] + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


# A list item's mark: “- ” or “1. ” begins most lines of a note and makes any two look alike.
LIST_MARK = re.compile(r"^\s*(?:[-*+]\s+|[0-9]+\.\s+|[0-9]+、)")


def _line_similarity(a: str, b: str) -> float:
    """How alike two lines are, or 0 when they are two lines rather than one line edited."""
    a, b = LIST_MARK.sub("", a), LIST_MARK.sub("", b)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if _one_insertion_apart(a, b):  # 不收费 → 不收费（已核实）: the old line is all still there
        return matcher.ratio()
    if matcher.real_quick_ratio() < SAME_LINE_RATIO or matcher.quick_ratio() < SAME_LINE_RATIO:
        return 0.0  # cheap upper bounds of the ratio, enough to tell most lines apart
    ratio = matcher.ratio()
    return ratio if ratio >= SAME_LINE_RATIO else 0.0


def _one_insertion_apart(a: str, b: str) -> bool:
    """Whether the longer line is the shorter one with text added in one place."""
    short, long = sorted((a, b), key=len)
    kept_start = len(os.path.commonprefix([short, long]))
    kept_end = len(os.path.commonprefix([short[kept_start:][::-1], long[::-1]]))
    return bool(short) and kept_start + kept_end == len(short)


def diff_text(old: str, new: str) -> list[Segment]:
    """Segments turning `old` into `new`, with tiny equal islands absorbed.

    Chinese text is compared character by character, but a number (15, 9:00, 1.5) or a Latin
    word is one unit: 15 → 10 shows as 15 replaced by 10, never as 1, 5 struck and 0 added,
    which reads as 150.
    """
    before, after = _units(old), _units(new)
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    segments = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", "".join(before[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", "".join(after[j1:j2])))
    return _coalesce(_absorb_islands(segments))


UNIT = re.compile(r"[0-9０-９]+(?:[.:：,，][0-9０-９]+)*|[A-Za-z]+|.", re.DOTALL)


def _units(text: str) -> list[str]:
    return UNIT.findall(text)


# Bold and code marks in Markdown: the page shows bold text, not the asterisks around it.
MARKS = re.compile(r"\*\*|__|`")


def _readable(text: str) -> str:
    return MARKS.sub("", text)


def _absorb_islands(segments: list[Segment]) -> list[Segment]:
    last = len(segments) - 1
    absorbed = []
    for index, segment in enumerate(segments):
        # Opcodes never put two equal runs side by side, so an inner one sits between changes.
        is_island = segment.op == "equal" and len(segment.text) <= LONGEST_ABSORBED_ISLAND
        if is_island and 0 < index < last:
            absorbed += [Segment("delete", segment.text), Segment("insert", segment.text)]
        else:
            absorbed.append(segment)
    return absorbed


def _coalesce(segments: list[Segment]) -> list[Segment]:
    """Each run of changes as one deletion then one insertion."""
    result: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            result.append(Segment("delete", "".join(deleted)))
        if inserted:
            result.append(Segment("insert", "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for segment in segments:
        if segment.op == "equal":
            flush()
            result.append(segment)
        else:
            (deleted if segment.op == "delete" else inserted).append(segment.text)
    flush()
    return result


def _text_change(
    model: type[Model], name: str, old: str, new: str, *, internal: bool = False
) -> TextChange | None:
    if old == new:
        return None
    if (model, name) in MARKDOWN_FIELDS and _readable(old) != _readable(new):
        old, new = _readable(old), _readable(new)  # what a reader of the page sees changed
    lines = diff_lines(old, new)
    if all(line.op == "equal" for line in lines):
        return None  # only blank lines or trailing spaces differ
    return TextChange(name=name, label=field_label(model, name), lines=lines, internal=internal)


def _text_changes(
    model: type[Model], old: Model, new: Model, names: Sequence[str], internal: frozenset[str]
) -> list[TextChange]:
    changes = (
        _text_change(model, name, getattr(old, name), getattr(new, name), internal=name in internal)
        for name in names
    )
    return [change for change in changes if change]


def _field_changes(
    old: ProcedureVersion, new: ProcedureVersion, *, include_internal: bool
) -> list[TextChange]:
    names = [
        name for name in VERSION_CONTENT_FIELDS if include_internal or name not in INTERNAL_FIELDS
    ]
    return _text_changes(ProcedureVersion, old, new, names, INTERNAL_FIELDS)


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _pair(old: Sequence[Any], new: Sequence[Any], *, similar: bool = True) -> list[tuple[int, int]]:
    """(old index, new index) of items that are the same: equal keys first, then most similar."""
    pairs = []
    unmatched_old = list(range(len(old)))
    unmatched_new = []
    for j, key in enumerate(new):
        i = next((i for i in unmatched_old if old[i] == key), None)
        if i is None:
            unmatched_new.append(j)
        else:
            unmatched_old.remove(i)
            pairs.append((i, j))
    if not similar:
        return sorted(pairs)
    candidates = sorted(
        ((_similarity(old[i], new[j]), i, j) for i in unmatched_old for j in unmatched_new),
        key=lambda candidate: -candidate[0],
    )
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    for ratio, i, j in candidates:
        if ratio < SAME_ITEM_RATIO:
            break
        if i not in taken_old and j not in taken_new:
            taken_old.add(i)
            taken_new.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """Indexes into `values` of one longest strictly increasing subsequence."""
    tails: list[int] = []  # value at the end of the best run of each length
    tail_indexes: list[int] = []
    previous: list[int | None] = []
    for index, value in enumerate(values):
        length = bisect.bisect_left(tails, value)
        previous.append(tail_indexes[length - 1] if length else None)
        if length == len(tails):
            tails.append(value)
            tail_indexes.append(index)
        else:
            tails[length] = value
            tail_indexes[length] = index
    kept: set[int] = set()
    cursor = tail_indexes[-1] if tail_indexes else None
    while cursor is not None:
        kept.add(cursor)
        cursor = previous[cursor]
    return kept


def _describe_material(material: Material) -> MaterialSummary:
    parts = [f"{material.get_form_display()} {material.copies} 份", material.requirement()]
    if material.when:
        parts.append(f"情形条件：{describe(material.when)}")
    if material.note:
        parts.append(f"备注：{material.note}")
    return MaterialSummary(name=material.name, description="，".join(parts))


def _material_attribute_changes(old: Material, new: Material) -> list[AttributeChange]:
    compared = (
        ("name", old.name, new.name),
        ("form", old.get_form_display(), new.get_form_display()),
        ("copies", f"{old.copies} 份", f"{new.copies} 份"),
        ("required", old.requirement(), new.requirement()),
        ("when", describe(old.when) or NOTHING, describe(new.when) or NOTHING),
        ("note", old.note or NOTHING, new.note or NOTHING),
    )
    return [AttributeChange(field_label(Material, name), a, b) for name, a, b in compared if a != b]


def _pair_materials(old: list[Material], new: list[Material]) -> list[tuple[int, int]]:
    """The same kind in the catalogue is the same material; others are paired by name."""
    pairs = _pair([m.kind_id for m in old], [m.kind_id for m in new], similar=False)
    rest_old = [i for i in range(len(old)) if i not in {i for i, _ in pairs}]
    rest_new = [j for j in range(len(new)) if j not in {j for _, j in pairs}]
    by_name = _pair([old[i].name for i in rest_old], [new[j].name for j in rest_new])
    return sorted([*pairs, *((rest_old[i], rest_new[j]) for i, j in by_name)])


def _materials_diff(old: list[Material], new: list[Material]) -> MaterialsDiff:
    pairs = _pair_materials(old, new)
    changed = []
    for i, j in pairs:
        attributes = _material_attribute_changes(old[i], new[j])
        if attributes:
            changed.append(MaterialChange(name=new[j].name, changes=attributes))
    matched_old = {i for i, _ in pairs}
    matched_new = {j for _, j in pairs}
    return MaterialsDiff(
        added=[_describe_material(m) for j, m in enumerate(new) if j not in matched_new],
        removed=[_describe_material(m) for i, m in enumerate(old) if i not in matched_old],
        changed=changed,
    )


def _summarise_step(step: Step, position: int, *, include_internal: bool) -> StepSummary:
    return StepSummary(
        position=position,
        title=step.title,
        body=step.body,
        staff_note=step.staff_note if include_internal else "",
    )


def _steps_diff(old: list[Step], new: list[Step], *, include_internal: bool) -> StepsDiff:
    pairs = _pair([s.title for s in old], [s.title for s in new])
    # Steps outside one longest run kept in order are the ones that moved: inserting a step
    # shifts every later step's number, but none of them moved relative to each other.
    in_order = _longest_increasing([j for _, j in pairs])
    moved = [
        StepMove(title=new[j].title, old_position=i + 1, new_position=j + 1)
        for index, (i, j) in enumerate(pairs)
        if index not in in_order
    ]
    compared = [f for f in STEP_FIELDS if include_internal or f not in INTERNAL_STEP_FIELDS]
    changed = []
    for i, j in pairs:
        texts = _text_changes(Step, old[i], new[j], compared, INTERNAL_STEP_FIELDS)
        if texts:
            changed.append(StepChange(position=j + 1, title=new[j].title, texts=texts))
    matched_old = {i for i, _ in pairs}
    matched_new = {j for _, j in pairs}
    return StepsDiff(
        added=[
            _summarise_step(step, j + 1, include_internal=include_internal)
            for j, step in enumerate(new)
            if j not in matched_new
        ],
        removed=[
            _summarise_step(step, i + 1, include_internal=include_internal)
            for i, step in enumerate(old)
            if i not in matched_old
        ],
        moved=moved,
        changed=sorted(changed, key=lambda change: change.position),
    )


def _faqs_diff(old: list[FAQ], new: list[FAQ]) -> FAQsDiff:
    pairs = _pair([f.question for f in old], [f.question for f in new])
    changed = []
    for i, j in pairs:
        texts = _text_changes(FAQ, old[i], new[j], ("question", "answer"), frozenset())
        if texts:
            changed.append(FAQChange(question=new[j].question, texts=texts))
    matched_old = {i for i, _ in pairs}
    matched_new = {j for _, j in pairs}
    return FAQsDiff(
        added=[FAQSummary(f.question, f.answer) for j, f in enumerate(new) if j not in matched_new],
        removed=[
            FAQSummary(f.question, f.answer) for i, f in enumerate(old) if i not in matched_old
        ],
        changed=changed,
    )


# ---------------------------------------------------------------------------- 情形引导

# Each part of a flow: its related name, its word, how one is named, and its compared attributes.
_Line = tuple[str, dict[str, str]]


def _guide_lines(version: ProcedureVersion, *, include_test_cases: bool) -> list[tuple[str, _Line]]:
    lines: list[tuple[str, _Line]] = []
    for question in version.questions.all():
        attributes = {
            "问法": question.text,
            "选项": " / ".join(map(str, question.options)),
            "提示": question.help or NOTHING,
        }
        lines.append((f"q:{question.label}", (f"问题「{question.label}」", attributes)))
    for member in version.members.all():
        attributes = {"条件": describe(member.when) or "都适用", "说明": member.note or NOTHING}
        lines.append((f"m:{member.target_id}", (f"包含事项「{member.target}」", attributes)))
    if include_test_cases:
        for case in version.cases.all():
            answers = " · ".join(str(a.get("option", "")) for a in case.answers or ())
            attributes = {
                "回答": answers or NOTHING,
                "应提交": "、".join(map(str, case.materials or ())) or NOTHING,
                "应指向": case.variant or NOTHING,
            }
            lines.append((f"c:{case.name}", (f"测试用例「{case.name}」", attributes)))
    return lines


def _guide_diff(
    old: ProcedureVersion, new: ProcedureVersion, *, include_test_cases: bool
) -> GuideDiff:
    before = dict(_guide_lines(old, include_test_cases=include_test_cases))
    after = dict(_guide_lines(new, include_test_cases=include_test_cases))

    def line(name: str, attributes: dict[str, str]) -> str:
        return f"{name}：" + "；".join(f"{k} {v}" for k, v in attributes.items() if v != NOTHING)

    changed = []
    for key in after.keys() & before.keys():
        name, attributes = after[key]
        changes = [
            AttributeChange(label, before[key][1][label], value)
            for label, value in attributes.items()
            if before[key][1][label] != value
        ]
        if changes:
            changed.append(MaterialChange(name=name, changes=changes))
    order = list(after)
    changed.sort(
        key=lambda change: next(i for i, k in enumerate(order) if after[k][0] == change.name)
    )
    return GuideDiff(
        added=[line(*after[key]) for key in after if key not in before],
        removed=[line(*before[key]) for key in before if key not in after],
        changed=changed,
    )
