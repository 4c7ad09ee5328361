"""A resident's case on a page (情形引导): the answers its URL carries, and what they narrow.

Pages, the 复制清单 text and the handout read a case the same way, so the three always agree:
`case_of(version, request.GET)`. Answers live in the URL (`?hu-ji=wai-di-hu-ji`), so a narrowed
page can be shared; anything a URL carries that is not an answer to one of the page's questions
is ignored.
"""

import dataclasses
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from procedures.bundles import Guide, MemberView, MergedMaterial, candidate_questions, guide
from procedures.flows import (
    LEFT_OUT,
    MAYBE,
    NEEDED,
    Answers,
    FlowQuestion,
    Narrowed,
    answers_from_query,
    case_label,
    in_words,
    narrow_materials,
    param_name,
    query_items,
)
from procedures.models import ProcedureVersion

# Parameters a page keeps when the resident answers: 通话模式 and the draft preview's view.
KEPT_PARAMS = {"view": "call", "as": "staff"}


@dataclasses.dataclass(frozen=True)
class Choice:
    """A question as the form shows it: each option with its URL value, and whether chosen."""

    question: FlowQuestion
    options: list[tuple[str, str, bool]]


@dataclasses.dataclass(frozen=True)
class Stage:
    """A member of a family or bundle on its page: where it leads, carrying the answers."""

    view: MemberView
    url: str
    condition: str  # when it applies, as a resident says it: 首次申领时办理 (or empty)

    @property
    def steps(self) -> list[Any]:
        return list(self.view.version.steps.all()) if self.view.version else []


@dataclasses.dataclass
class Case:
    version: ProcedureVersion
    questions: list[FlowQuestion]
    answers: Answers
    kept: list[tuple[str, str]]
    materials: list[Narrowed]  # an item's material rows (a family: its chosen variant's)
    guide: Guide | None = None  # a family's or bundle's members and merged materials

    @property
    def label(self) -> str:
        return case_label(self.questions, self.answers)

    @property
    def query(self) -> str:
        """The answers as URL parameters, in the questions' order."""
        return urlencode(query_items(self.questions, self.answers))

    @property
    def cache_key(self) -> str:
        """The answers sorted, for a stored handout: only valid answers ever reach it."""
        return urlencode(sorted(query_items(self.questions, self.answers)))

    @property
    def reset_query(self) -> str:
        return urlencode(self.kept)

    @property
    def page_query(self) -> str:
        return urlencode(self.kept + query_items(self.questions, self.answers))

    @property
    def choices(self) -> list[Choice]:
        return [
            Choice(
                question,
                [
                    (option, value, self.answers.get(question.label) == option)
                    for option in question.options
                    for value in [param_name(option)]
                ],
            )
            for question in self.questions
        ]

    @property
    def needed(self) -> list[Narrowed]:
        return [n for n in self.materials if n.state == NEEDED]

    @property
    def maybe(self) -> list[Narrowed]:
        return [n for n in self.materials if n.state == MAYBE]

    @property
    def waiting(self) -> list[Narrowed]:
        """Materials an unanswered question still decides."""
        return [n for n in self.maybe if n.item.when]

    @property
    def conditional(self) -> list[Narrowed]:
        """按情形 materials with only a written condition: staff ask the resident."""
        return [n for n in self.maybe if not n.item.when]

    @property
    def left_out(self) -> list[Narrowed]:
        return [n for n in self.materials if n.state == LEFT_OUT]

    @property
    def stages(self) -> list[Stage]:
        if self.guide is None:
            return []
        return [self._stage(view) for view in self.guide.members]

    @property
    def variant(self) -> Stage | None:
        """A family's chosen variant, once the answers pick exactly one."""
        if self.guide is None or self.guide.variant is None:
            return None
        return self._stage(self.guide.variant)

    @property
    def merged(self) -> list[MergedMaterial]:
        return self.guide.merged if self.guide else []

    @property
    def merged_needed(self) -> list[MergedMaterial]:
        return [m for m in self.merged if m.state == NEEDED]

    @property
    def merged_maybe(self) -> list[MergedMaterial]:
        return [m for m in self.merged if m.state != NEEDED]

    @property
    def merged_rows(self) -> int:
        """Material rows of the procedures merged, before merging (X of “共 X 项，合并后 Y 项”)."""
        return sum(m.rows for m in self.merged)

    @property
    def merged_members(self) -> int:
        return len({title for m in self.merged for title in m.used_for})

    def _stage(self, view: MemberView) -> Stage:
        url = view.procedure.get_absolute_url()
        if view.flow is not None and (
            query := urlencode(query_items(view.flow.questions, self.answers))
        ):
            url = f"{url}?{query}"
        when = view.member.when or ()
        return Stage(view, url, f"{in_words(when)}时办理" if when else "")


def case_of(version: ProcedureVersion, query: Mapping[str, Any]) -> Case:
    """The case a URL names on `version`'s page; answers to unknown questions are dropped."""
    kept = [(name, value) for name, value in KEPT_PARAMS.items() if query.get(name) == value]
    if not version.procedure.is_composite:
        questions = [
            FlowQuestion(q.label, q.text, tuple(str(o) for o in q.options or ()), q.help)
            for q in version.questions.all()
        ]
        answers = answers_from_query(questions, query)
        return Case(
            version,
            questions,
            answers,
            kept,
            narrow_materials(list(version.materials.all()), answers),
        )
    # Which questions a family or bundle asks depends on which members still apply (a
    # family's variant's questions once it is chosen): answers to the others are dropped.
    answers = answers_from_query(candidate_questions(version), query)
    found = guide(version, answers)
    asked = {q.label for q in found.questions}
    answers = {label: option for label, option in answers.items() if label in asked}
    materials: list[Narrowed] = []
    if found.variant is not None and found.variant.version is not None:
        materials = narrow_materials(list(found.variant.version.materials.all()), answers)
    return Case(version, found.questions, answers, kept, materials, found)
