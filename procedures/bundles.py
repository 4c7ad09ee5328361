"""一件事 and families of variants: members resolved to their versions in force, and one merged
materials list (each kind of material once, "用于：A、B", the most copies, the strictest form).

A bundle (开饭店) lists procedures done in order; a family (居民身份证：首次申领/换领/补领)
lists variants of which the answers pick one. Both are procedures whose versions carry
`Member` rows (see `procedures.flows` for conditions).
"""

import dataclasses
import datetime
import re
from collections.abc import Mapping, Sequence

from django.db import models
from django.db.models import Prefetch

from procedures.flows import (
    LEFT_OUT,
    MAYBE,
    NEEDED,
    Answers,
    Flow,
    FlowMaterial,
    FlowQuestion,
    Narrowed,
    Resolver,
    blocking_messages,
    flow_of_version,
    narrow_materials,
    narrow_members,
)
from procedures.models import Material, Member, Procedure, ProcedureVersion

# Which form asks more of the resident: an original and a copy cover an original or a copy.
FORM_RANK = {"electronic": 0, "copy": 1, "original": 2, "original_and_copy": 3}
FORM_LABELS = dict(Material.Form.choices)


def strictest(a: str, b: str) -> str:
    if {a, b} == {"original", "copy"}:
        return "original_and_copy"
    return max(a, b, key=lambda form: FORM_RANK.get(form, 0))


@dataclasses.dataclass
class MergedMaterial:
    """One kind of material across a bundle's procedures."""

    name: str
    form: str
    copies: int
    electronic: bool
    state: str = NEEDED
    used_for: list[str] = dataclasses.field(default_factory=list)
    reasons: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    # How each procedure words it, when not by the kind's name (父母双方居民身份证): what the
    # merged row must not lose.
    wordings: list[str] = dataclasses.field(default_factory=list)
    waits: bool = False  # 待确认 because a question is unanswered (not a written condition)
    rows: int = 0  # material rows of the procedures merged into this one
    # Kinds offering a choice this row already is (居民身份证或户口簿 in 居民身份证's row).
    covers: list[str] = dataclasses.field(default_factory=list)

    @property
    def form_label(self) -> str:
        return FORM_LABELS.get(self.form, self.form)

    def requirement(self) -> str:
        if self.state == NEEDED:
            return "必需"
        return "按情形：" + "；".join(dict.fromkeys(self.reasons))


def merge(
    members: Sequence[tuple[str, Sequence[FlowMaterial]]],
    answers: Answers,
    *,
    member_states: Mapping[str, Narrowed] | None = None,
) -> list[MergedMaterial]:
    """The materials of procedures (title, materials), each kind once, in first-asked order.

    A procedure still 待确认 for the case (`member_states`) makes its materials 待确认 too. A
    material offering a choice (居民身份证或户口簿) joins the row of a choice another procedure
    needs anyway. Copies are the most one procedure asks: its rows of a kind added up.
    """
    rows = [
        (title, _narrowed(title, materials, answers, member_states)) for title, materials in members
    ]
    needed = [r.material.kind for _, found in rows for r in found if r.state == NEEDED]
    merged: dict[str, MergedMaterial] = {}
    for title, found in rows:
        counted: dict[str, int] = {}
        for row in found:
            chosen = _chosen_instead(row.material.kind, needed) if len(members) > 1 else None
            key = chosen or row.material.kind
            entry = merged.get(key)
            if entry is None:
                entry = merged[key] = MergedMaterial(
                    name=key, form=row.material.form, copies=0, electronic=False, state=row.state
                )
            copies = row.material.copies
            if chosen:
                entry.covers.append(row.material.kind)
            elif row.state == NEEDED:  # two rows of a kind needed by one procedure: two documents
                copies = counted[key] = counted.get(key, 0) + copies
            _add(entry, row, title, copies=copies, of=len(members))
    return list(merged.values())


@dataclasses.dataclass(frozen=True)
class _Row:
    material: FlowMaterial
    state: str
    reason: str
    waits: bool


def _narrowed(
    title: str,
    materials: Sequence[FlowMaterial],
    answers: Answers,
    member_states: Mapping[str, Narrowed] | None,
) -> list[_Row]:
    """A procedure's materials the case may need (left-out ones dropped), with why."""
    member_state = member_states.get(title) if member_states else None
    found = []
    for narrowed in narrow_materials(materials, answers):
        material: FlowMaterial = narrowed.item
        if narrowed.state == LEFT_OUT:
            continue
        if member_state is not None and member_state.state == MAYBE:
            found.append(_Row(material, MAYBE, f"如需办理「{title}」", True))
        else:
            waits = narrowed.state == MAYBE and bool(material.when)
            found.append(_Row(material, narrowed.state, narrowed.reason, waits))
    return found


def choices(name: str) -> list[str]:
    """The documents a material offers a choice of: 居民身份证或户口簿 → 居民身份证, 户口簿.

    Words in brackets explain, and 及/和 ask for several documents: neither offers a choice.
    """
    plain = _unbracketed(name)
    if "或" not in plain or any(word in plain for word in ("及", "和", "并")):
        return []
    return [part for part in re.split("[或、]", plain) if len(part) >= 2]


def _chosen_instead(kind: str, needed: Sequence[str]) -> str | None:
    """A kind needed anyway that is one of `kind`'s choices (a 居民户口簿 is a 户口簿)."""
    offered = choices(kind)
    for other in needed:
        named = _unbracketed(other)
        if other != kind and not choices(other) and any(named.endswith(c) for c in offered):
            return other
    return None


def _unbracketed(name: str) -> str:
    return re.sub(r"（[^）]*）|\([^)]*\)", "", name)


def _add(entry: MergedMaterial, row: _Row, title: str, *, copies: int, of: int) -> None:
    """One procedure's row merged into the entry of its kind."""
    material = row.material
    if entry.rows:
        entry.form = strictest(entry.form, material.form)
    entry.copies = max(entry.copies, copies)
    entry.electronic = entry.electronic or material.electronic
    if row.state == NEEDED:
        entry.state = NEEDED
    entry.rows += 1
    entry.waits = entry.state == MAYBE and (entry.waits or row.waits)
    if title not in entry.used_for:
        entry.used_for.append(title)
    if row.state == MAYBE and row.reason:
        entry.reasons.append(row.reason if of == 1 else f"{title}：{row.reason}")
    if material.name != entry.name:
        wording = f"{title}：{material.name}" if of > 1 else material.name
        if wording not in entry.wordings:
            entry.wordings.append(wording)
    if material.note:
        note = f"{title}：{material.note}" if of > 1 else material.note
        if note not in entry.notes:
            entry.notes.append(note)


# ---------------------------------------------------------------------------- from the database


def in_force_versions(
    slugs: Sequence[str], on: datetime.date | None = None
) -> dict[str, ProcedureVersion]:
    """Each public procedure's version in force, with what a flow needs, by slug."""
    procedures = {p.slug: p for p in Procedure.objects.public(on).filter(slug__in=list(slugs))}
    ids = [p.current_version_id for p in procedures.values()]
    versions = (
        ProcedureVersion.objects.filter(pk__in=ids)
        .select_related("procedure__category")
        .prefetch_related(
            Prefetch("materials", queryset=Material.objects.select_related("kind")),
            "steps",
            "questions",
            "members__target__latest_version",
            "cases",
        )
    )
    return {version.procedure.slug: version for version in versions}


def database_resolver(
    on: datetime.date | None = None, *, substitute: Mapping[str, Flow] | None = None
) -> Resolver:
    """A resolver reading versions in force (cached per slug); `substitute` wins when given."""
    cache: dict[str, Flow | None] = dict(substitute or {})

    def resolve(slug: str) -> Flow | None:
        if slug not in cache:
            version = in_force_versions([slug], on).get(slug)
            cache[slug] = flow_of_version(version) if version else None
        return cache[slug]

    return resolve


@dataclasses.dataclass
class MemberView:
    """A member of a bundle or family as a page shows it."""

    member: Member
    procedure: Procedure
    version: ProcedureVersion | None  # None: retired or not in force (the page says so)
    state: str
    reason: str
    flow: Flow | None


@dataclasses.dataclass
class Guide:
    """A family's or bundle's page for one case."""

    members: list[MemberView]
    questions: list[FlowQuestion]  # its own questions, then its members' not already asked
    merged: list[MergedMaterial]

    @property
    def applying(self) -> list[MemberView]:
        return [m for m in self.members if m.state != LEFT_OUT]

    @property
    def variant(self) -> MemberView | None:
        """A family's chosen variant: the one member that applies for certain."""
        certain = [m for m in self.members if m.state == NEEDED]
        return certain[0] if len(certain) == 1 else None


def candidate_questions(version: ProcedureVersion) -> list[FlowQuestion]:
    """Every question a family's or bundle's page may ask: its own, then its members'."""
    questions = list(flow_of_version(version).questions)
    asked = {q.label for q in questions}
    slugs = [row.target.slug for row in version.members.select_related("target")]
    for member in in_force_versions(slugs).values():
        for question in flow_of_version(member).questions:
            if question.label not in asked:
                questions.append(question)
                asked.add(question.label)
    return questions


def guide(version: ProcedureVersion, answers: Answers, on: datetime.date | None = None) -> Guide:
    """Members of a family or bundle for the answers: which apply, and their merged materials."""
    own = flow_of_version(version)
    rows = list(version.members.select_related("target"))
    versions = in_force_versions([row.target.slug for row in rows], on)
    states = {n.item.pk: n for n in narrow_members(rows, answers)}
    views = []
    for row in rows:
        member_version = versions.get(row.target.slug)
        state = states[row.pk]
        views.append(
            MemberView(
                member=row,
                procedure=row.target,
                version=member_version,
                state=state.state,
                reason=state.reason,
                flow=flow_of_version(member_version) if member_version else None,
            )
        )
    questions = list(own.questions)
    asked = {q.label for q in questions}
    family = version.procedure.kind == Procedure.Kind.FAMILY
    certain = [v for v in views if v.state == NEEDED]
    for view in views:
        if view.flow is None or view.state == LEFT_OUT:
            continue
        if family and (len(certain) != 1 or view is not certain[0]):
            continue  # a variant's own questions come once the family's answers chose it
        for question in view.flow.questions:
            if question.label not in asked:
                questions.append(question)
                asked.add(question.label)
    applying = [v for v in views if v.state != LEFT_OUT and v.flow is not None]
    if version.procedure.kind == Procedure.Kind.FAMILY:
        chosen = [v for v in applying if v.state == NEEDED]
        applying = chosen if len(chosen) == 1 else []
    merged = merge(
        [(v.flow.title, v.flow.materials) for v in applying if v.flow],
        answers,
        member_states={
            v.flow.title: Narrowed(v.member, v.state, v.reason) for v in applying if v.flow
        },
    )
    return Guide(members=views, questions=questions, merged=merged)


def containers(procedure: Procedure, on: datetime.date | None = None) -> list[ProcedureVersion]:
    """The families and bundles in force (or scheduled) whose latest version includes it."""
    latest = ProcedureVersion.objects.filter(
        procedure__retired_at__isnull=True,
        procedure__latest_version=models.F("pk"),
        members__target=procedure,
    )
    return list(latest.distinct().order_by("title"))


def broken_by(procedure: Procedure) -> list[str]:
    """What a procedure's new version broke in the families and bundles that include it."""
    found = []
    for version in containers(procedure):
        flow = flow_of_version(version)
        for message in blocking_messages(flow, database_resolver()):
            found.append(f"「{version.title}」：{message}")
    return found
