"""Batch changes (批量修订): one policy change to a kind of material across many procedures.

An editor picks a kind from the catalogue and a change (remove it, make it 按情形, change its
form or copies, rename it); each chosen procedure gets a draft of its version in force with
that change, submitted for review with one change summary. A reviewer publishes the batch with
one effective date, or sends it back. Every step is all or nothing: the publishing and review
verbs do the work, once per procedure, inside one transaction, and the first refusal undoes
the whole step and names the procedure it came from.
"""

import contextlib
import dataclasses
import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from procedures import catalogue, publishing, reviews
from procedures.exceptions import DraftExists, ProcedureError
from procedures.models import (
    MATERIAL_FIELDS,
    BatchChange,
    Material,
    MaterialKind,
    Procedure,
    ProcedureVersion,
)
from procedures.publishing import User, account

Operation = BatchChange.Operation
Review = ProcedureVersion.Review
Status = ProcedureVersion.Status
HAS_DRAFT = "已有草稿，请先发布或丢弃"
UNCHANGED = "这次修改对它的申请材料没有影响"
ON_RECORD = (Status.PUBLISHED, Status.SUPERSEDED, Status.WITHDRAWN)
# The parameters each operation uses, and their values when unused.
PARAMETERS: dict[str, tuple[str, ...]] = {
    Operation.CONDITIONAL: ("condition",),
    Operation.FORM: ("form", "copies"),
    Operation.RENAME: ("new_name",),
}
BLANK: dict[str, Any] = {"condition": "", "form": "", "copies": None, "new_name": ""}


class BatchRefused(ProcedureError):
    """A batch change cannot be made, published, sent back or resubmitted as asked."""


@dataclasses.dataclass(frozen=True)
class Change:
    """What a batch does to the rows of one kind; a BatchChange carries the same fields."""

    kind: MaterialKind
    operation: str
    condition: str = ""
    form: str = ""
    copies: int | None = None
    new_name: str = ""


@dataclasses.dataclass(frozen=True)
class Affected:
    """A public procedure whose version in force asks for the kind, before and after a change."""

    procedure: Procedure
    before: list[Material]
    after: list[Material] | None  # unsaved rows; None when no change was given
    refusal: str  # why it cannot take part, or ""

    @property
    def eligible(self) -> bool:
        return not self.refusal


@dataclasses.dataclass(frozen=True)
class Member:
    """One version a batch made: the kind's rows in the version it is based on, and in it."""

    version: ProcedureVersion
    before: list[Material]
    after: list[Material]


@dataclasses.dataclass(frozen=True)
class Overview:
    """A batch as its page shows it."""

    batch: BatchChange
    members: list[Member]
    scheduled: list[tuple[ProcedureVersion, ProcedureVersion]]  # open draft, version it overtakes

    @property
    def drafts(self) -> list[ProcedureVersion]:
        return [m.version for m in self.members if m.version.is_draft]

    @property
    def submitted(self) -> list[ProcedureVersion]:
        return [d for d in self.drafts if d.review_state == Review.SUBMITTED]

    @property
    def to_resubmit(self) -> list[ProcedureVersion]:
        return [d for d in self.drafts if d.review_state != Review.SUBMITTED]

    @property
    def state(self) -> str:
        drafts = self.drafts
        return state_label(
            editing=sum(d.review_state == Review.EDITING for d in drafts),
            submitted=len(self.submitted),
            returned=sum(d.review_state == Review.RETURNED for d in drafts),
            published=len(self.members) - len(drafts),
        )

    @property
    def comments(self) -> list[str]:
        """The reviewers' comments on the drafts sent back, each once."""
        returned = (d for d in self.drafts if d.review_state == Review.RETURNED)
        return list(dict.fromkeys(d.review_comment for d in returned if d.review_comment))

    @property
    def proposed_date(self) -> datetime.date | None:
        return next((d.effective_from for d in self.drafts if d.effective_from), None)


# ---------------------------------------------------------------------------- the change


def check(change: Change | BatchChange) -> None:
    """Refuse parameters the change cannot be made with, saying what is missing."""
    name = change.kind.name
    if change.operation not in Operation.values:
        raise BatchRefused("请选择修改方式。")
    if change.operation == Operation.CONDITIONAL and not change.condition.strip():
        raise BatchRefused(f"改为按情形提交时，请填写适用情形：什么情况下需要“{name}”。")
    if len(change.condition.strip()) > 300:
        raise BatchRefused("适用情形不能超过 300 字。")
    if change.operation == Operation.FORM:
        if not change.form and change.copies is None:
            raise BatchRefused("修改形式或份数时，请选择新的形式或填写份数（至少一项）。")
        if change.form and change.form not in Material.Form.values:
            raise BatchRefused(f"形式只能是：{'、'.join(Material.Form.labels)}。")
        if change.copies is not None and change.copies < 1:
            raise BatchRefused("份数至少为 1 份。")
    if change.operation == Operation.RENAME:
        new_name = catalogue.normalized(change.new_name)
        if not new_name:
            raise BatchRefused(f"改名时，请填写“{name}”的新名称。")
        if new_name == catalogue.normalized(name):
            raise BatchRefused(f"新名称与现在的名称“{name}”相同，请填写不同的名称。")
        if len(new_name) > 200:
            raise BatchRefused("新名称不能超过 200 字。")


def apply(rows: Sequence[Mapping[str, Any]], change: Change | BatchChange) -> list[dict[str, Any]]:
    """The materials list after the change: rows of its kind changed, the others as they were.

    Each row is a dict of MATERIAL_FIELDS with its `kind` (a MaterialKind) or `kind_id`, as
    `save_draft` takes it; a renamed row keeps its kind.
    """
    check(change)
    changed = []
    for given in rows:
        row = dict(given)
        if not _asks_for(row, change.kind):
            changed.append(row)
        elif change.operation != Operation.REMOVE:
            changed.append(row | _new_values(change))
    return changed


def _asks_for(row: Mapping[str, Any], kind: MaterialKind) -> bool:
    given = row.get("kind")
    kind_id = given.pk if isinstance(given, MaterialKind) else row.get("kind_id")
    return bool(kind_id == kind.pk)


def _new_values(change: Change | BatchChange) -> dict[str, Any]:
    if change.operation == Operation.CONDITIONAL:
        return {"required": False, "condition": change.condition.strip()}
    if change.operation == Operation.RENAME:
        return {"name": catalogue.normalized(change.new_name)}
    values: dict[str, Any] = {"form": change.form} if change.form else {}
    if change.copies is not None:
        values["copies"] = change.copies
    return values


def describe(change: Change | BatchChange) -> str:
    """The change in one line: “户口簿”改为按情形提交（…）."""
    name = change.kind.name
    if change.operation == Operation.REMOVE:
        return f"从申请材料中删除“{name}”"
    if change.operation == Operation.CONDITIONAL:
        return f"“{name}”改为按情形提交（{change.condition}）"
    if change.operation == Operation.RENAME:
        return f"“{name}”改名为“{change.new_name}”"
    parts = [f"形式改为{Material.Form(change.form).label}"] if change.form else []
    if change.copies is not None:
        parts.append(f"份数改为 {change.copies} 份")
    return f"“{name}”{'，'.join(parts)}"


def as_rows(materials: Iterable[Material]) -> list[dict[str, Any]]:
    """Material rows as `apply` and `save_draft` take them (load them with their kind)."""
    return [{**{f: getattr(m, f) for f in MATERIAL_FIELDS}, "kind": m.kind} for m in materials]


# ---------------------------------------------------------------------------- who it touches


def affected(kind: MaterialKind, *, change: Change | None = None) -> list[Affected]:
    """Every public procedure whose version in force asks for the kind, in catalogue order."""
    found: dict[int, tuple[Procedure, list[Material]]] = {}
    for procedure, material in catalogue.usage([kind.pk]).get(kind.pk, []):
        material.kind = kind
        found.setdefault(procedure.pk, (procedure, []))[1].append(material)
    with_draft = set(
        ProcedureVersion.objects.filter(status=Status.DRAFT, procedure_id__in=found).values_list(
            "procedure_id", flat=True
        )
    )
    entries = []
    for procedure, before in found.values():
        after = None if change is None else apply(as_rows(before), change)
        refusal = ""
        if procedure.pk in with_draft:
            refusal = HAS_DRAFT
        elif after == as_rows(before):
            refusal = UNCHANGED
        shown = None if after is None else [Material(**row) for row in after]
        entries.append(Affected(procedure, before, shown, refusal))
    return entries


# ---------------------------------------------------------------------------- the verbs


@transaction.atomic
def create_batch(
    kind: MaterialKind,
    *,
    operation: str,
    condition: str = "",
    form: str = "",
    copies: int | None = None,
    new_name: str = "",
    change_summary: str,
    procedures: Iterable[Procedure],
    effective_from: datetime.date | None = None,
    by: User,
) -> BatchChange:
    """A draft with the change in each procedure, each submitted for review; all or none."""
    change = _needed_only(
        Change(
            kind=kind,
            operation=operation,
            condition=condition.strip(),
            form=form,
            copies=copies,
            new_name=catalogue.normalized(new_name),
        )
    )
    check(change)
    summary = change_summary.strip()
    if not summary:
        raise BatchRefused("请填写修改说明：这次改了什么。每个事项的新版本都会写上它。")
    if len(summary) > 500:
        raise BatchRefused("修改说明不能超过 500 字。")
    chosen = list({procedure.pk: procedure for procedure in procedures}.values())
    if not chosen:
        raise BatchRefused("请至少选择一个事项。")
    batch = BatchChange(
        **{f: getattr(change, f) for f in ("kind", "operation", "condition", "form", "copies")},
        new_name=change.new_name,
        change_summary=summary,
        created_by=account(by),
    )
    batch.full_clean()
    batch.save()
    for procedure in chosen:
        with _naming(str(procedure), "这一批没有创建任何草稿。"):
            _revise(procedure, batch=batch, effective_from=effective_from, by=by)
    return batch


def _needed_only(change: Change) -> Change:
    """The change without parameters its operation does not use (typed, then another chosen)."""
    used = PARAMETERS.get(change.operation, ())
    unused = {name: blank for name, blank in BLANK.items() if name not in used}
    return dataclasses.replace(change, **unused)


def _revise(
    procedure: Procedure,
    *,
    batch: BatchChange,
    effective_from: datetime.date | None,
    by: User,
) -> ProcedureVersion:
    if procedure.current_version() is None:
        raise BatchRefused("没有施行中的版本。")
    try:
        draft = publishing.create_draft(procedure, by=by, batch=batch)
    except DraftExists as error:
        raise BatchRefused(f"{HAS_DRAFT}。") from error
    rows = as_rows(draft.materials.select_related("kind").order_by("position", "pk"))
    changed = apply(rows, batch)
    if changed == rows:
        raise BatchRefused(f"{UNCHANGED}。")
    draft = publishing.save_draft(
        draft, content={}, parts={"materials": changed}, expected_revision=draft.revision, by=by
    )
    return reviews.submit_for_review(
        draft, by=by, change_summary=batch.change_summary, effective_from=effective_from
    )


@transaction.atomic
def publish_batch(
    batch: BatchChange,
    *,
    by: User,
    effective_from: datetime.date,
    scheduled: str | None = None,
    withdraw_reason: str = "",
    change_kind: str = ProcedureVersion.ChangeKind.SUBSTANTIVE,
) -> list[ProcedureVersion]:
    """Publish every open draft of the batch, all on one effective date, or none of them.

    `scheduled` ("carry" or "withdraw", see `publishing.publish_version`) applies to each
    draft that would take effect before a version scheduled later.
    """
    drafts = _open_drafts(batch)
    if not drafts:
        raise BatchRefused("这一批没有待发布的草稿。")
    published = []
    for draft in drafts:
        with _naming(draft.title, "整批都没有发布。"):
            published.append(
                reviews.publish_reviewed(
                    draft,
                    by=by,
                    effective_from=effective_from,
                    scheduled=scheduled,
                    withdraw_reason=withdraw_reason,
                    change_kind=change_kind,
                )
            )
    return published


@transaction.atomic
def send_back_batch(batch: BatchChange, *, by: User, comment: str) -> list[ProcedureVersion]:
    """Return every submitted draft of the batch to its editor with one comment."""
    if not comment.strip():
        raise BatchRefused("退回时请写明意见：编辑需要改什么。")
    waiting = [d for d in _open_drafts(batch) if d.review_state == Review.SUBMITTED]
    if not waiting:
        raise BatchRefused("这一批没有待审核的草稿，不能退回。")
    returned = []
    for draft in waiting:
        with _naming(draft.title, "整批都没有退回。"):
            returned.append(reviews.send_back(draft, by=by, comment=comment))
    return returned


@transaction.atomic
def resubmit_batch(batch: BatchChange, *, by: User) -> list[ProcedureVersion]:
    """Submit again every open draft of the batch that is not waiting for review."""
    waiting = [d for d in _open_drafts(batch) if d.review_state != Review.SUBMITTED]
    if not waiting:
        raise BatchRefused("这一批的草稿都在等待审核，不需要重新提交。")
    submitted = []
    for draft in waiting:
        summary = draft.change_summary or batch.change_summary
        with _naming(draft.title, "整批都没有提交。"):
            submitted.append(reviews.submit_for_review(draft, by=by, change_summary=summary))
    return submitted


@contextlib.contextmanager
def _naming(title: str, outcome: str) -> Iterator[None]:
    """A refusal of one procedure's step, as the refusal of the whole batch step."""
    try:
        yield
    except ProcedureError as error:
        raise BatchRefused(f"“{title}”：{error}{outcome}") from error


def _open_drafts(batch: BatchChange) -> list[ProcedureVersion]:
    return list(
        batch.versions.filter(status=Status.DRAFT)
        .select_related("procedure__category")
        .order_by("procedure__category__position", "procedure__position", "pk")
    )


# ---------------------------------------------------------------------------- reading


def overview(batch: BatchChange) -> Overview:
    """The batch's versions, each with the kind's rows before and after, in catalogue order."""
    versions = list(
        batch.versions.select_related("procedure__category", "based_on").order_by(
            "procedure__category__position", "procedure__position", "pk"
        )
    )
    rows: dict[int, list[Material]] = {}
    ids = {v.pk for v in versions} | {v.based_on_id for v in versions if v.based_on_id}
    kind_rows = Material.objects.filter(version_id__in=ids, kind_id=batch.kind_id)
    for material in kind_rows.order_by("position", "pk"):
        rows.setdefault(material.version_id, []).append(material)
    members = [Member(v, rows.get(v.based_on_id or 0, []), rows.get(v.pk, [])) for v in versions]
    return Overview(batch, members, _scheduled_ahead([v for v in versions if v.is_draft]))


def _scheduled_ahead(
    drafts: list[ProcedureVersion],
) -> list[tuple[ProcedureVersion, ProcedureVersion]]:
    """Each draft with the version scheduled after today that it does not build on, if any."""
    upcoming = ProcedureVersion.objects.filter(
        status=Status.PUBLISHED,
        effective_from__gt=timezone.localdate(),
        procedure_id__in=[d.procedure_id for d in drafts],
    )
    by_procedure = {v.procedure_id: v for v in upcoming}
    return [
        (draft, by_procedure[draft.procedure_id])
        for draft in drafts
        if draft.procedure_id in by_procedure
        and by_procedure[draft.procedure_id].pk != draft.based_on_id
    ]


def state_label(*, editing: int, submitted: int, returned: int, published: int) -> str:
    """Where a batch stands, from how many of its versions are where."""
    if returned:
        return "已退回"
    if editing:
        return "编辑中"
    if submitted:
        return "待审核"
    if published:
        return "已发布"
    return "草稿已丢弃"


def recent(limit: int = 100) -> list[tuple[BatchChange, str, str]]:
    """The latest batches, each with its change in words and where it stands, in one query."""
    drafts = Q(versions__status=Status.DRAFT)
    batches = (
        BatchChange.objects.select_related("kind", "created_by")
        .annotate(
            editing=Count("versions", filter=drafts & Q(versions__review_state=Review.EDITING)),
            submitted=Count("versions", filter=drafts & Q(versions__review_state=Review.SUBMITTED)),
            returned=Count("versions", filter=drafts & Q(versions__review_state=Review.RETURNED)),
            published=Count("versions", filter=Q(versions__status__in=ON_RECORD)),
            procedures=Count("versions"),
        )
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        (
            batch,
            describe(batch),
            state_label(
                editing=batch.editing,
                submitted=batch.submitted,
                returned=batch.returned,
                published=batch.published,
            ),
        )
        for batch in batches
    ]
