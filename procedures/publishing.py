"""The verbs of the library: the only code that writes version state.

Admin, views, management commands and tests all call these functions, so that every path
behaves the same. Review (`procedures.reviews`) decides who may publish a draft, and then
calls `publish_version`; an import run by the operator publishes without review.
Each verb is one transaction that first locks the procedure row: two
publishes of one procedure queue behind each other instead of racing for a version number.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from procedures import bundles, catalogue, flows, signals
from procedures.exceptions import (
    DraftExists,
    NotADraft,
    PublishRefused,
    ScheduledVersionPending,
    StaleDraft,
)
from procedures.models import (
    PARTS,
    VERSION_CONTENT_FIELDS,
    AuditEvent,
    BatchChange,
    Category,
    Material,
    Procedure,
    ProcedureVersion,
    VersionPart,
)
from procedures.timeline import day_label

if TYPE_CHECKING:
    from django.contrib.auth.models import User as Account  # what AUTH_USER_MODEL names

# Who does it: a request's user (signed in or not), an importer's user, or nobody.
User: TypeAlias = "Account | AnonymousUser | None"
Status = ProcedureVersion.Status
ChangeKind = ProcedureVersion.ChangeKind


def lock(procedure_id: int) -> Procedure:
    return Procedure.objects.select_for_update().get(pk=procedure_id)


def record(
    action: str, procedure: Procedure, version: ProcedureVersion | None, by: User, detail: str = ""
) -> None:
    AuditEvent.objects.create(
        action=action,
        procedure=procedure,
        version_label=str(version) if version else "",
        version=version,
        user=account(by),
        detail=detail[:500],
    )


@transaction.atomic
def create_procedure(
    *,
    slug: str,
    category: Category,
    title: str,
    code: str = "",
    aliases: Sequence[str] = (),
    kind: str = Procedure.Kind.ITEM,
    catalogue_url: str = "",
    by: User,
) -> ProcedureVersion:
    """A new procedure (an item, a family or a bundle), appended to its category, with an empty
    draft to fill in."""
    last = Procedure.objects.filter(category=category).aggregate(Max("position"))
    procedure = Procedure(
        slug=slug,
        kind=kind,
        category=category,
        code=code,
        catalogue_url=catalogue_url,
        aliases=list(aliases),
        position=(last["position__max"] or 0) + 1,
    )
    procedure.full_clean()
    procedure.save()
    draft = ProcedureVersion(procedure=procedure, title=title, created_by=account(by))
    # A new procedure's only version cannot break a constraint: no query per constraint.
    draft.full_clean(validate_constraints=False)
    draft.save()
    record(AuditEvent.Action.CREATED, procedure, draft, by)
    return draft


@transaction.atomic
def create_draft(
    procedure: Procedure,
    *,
    by: User,
    from_version: ProcedureVersion | None = None,
    batch: BatchChange | None = None,
) -> ProcedureVersion:
    """A draft copying the version in force (or `from_version`, e.g. a scheduled one) and its parts.

    A fix starts from what residents are told today, never silently from a version scheduled
    for later; a procedure with nothing in force yet starts from its latest version. `batch`
    is the batch change (批量修订) the draft belongs to, if any.
    """
    procedure = lock(procedure.pk)
    if procedure.versions.filter(status=Status.DRAFT).exists():
        raise DraftExists(f"“{procedure}”已有一份草稿，请继续编辑或先丢弃它。")
    source = from_version or procedure.current_version() or procedure.latest_version
    if source is None:
        # A procedure whose only draft was discarded: start again from a blank page.
        draft = ProcedureVersion(
            procedure=procedure, title=procedure.slug, created_by=account(by), batch=batch
        )
        draft.save()
        record(AuditEvent.Action.DRAFT_CREATED, procedure, draft, by)
        return draft
    draft = ProcedureVersion(
        procedure=procedure,
        based_on=source,
        created_by=account(by),
        batch=batch,
        **{name: getattr(source, name) for name in VERSION_CONTENT_FIELDS},
    )
    draft.save()
    for related_name, model, fields in PARTS:
        copied = (*fields, *model.identity_fields)
        model.objects.bulk_create(
            # django-stubs checks the keywords against the abstract VersionPart, which has no
            # `version` field: each concrete part declares its own.
            model(  # type: ignore[misc]
                version=draft, position=part.position, **{f: getattr(part, f) for f in copied}
            )
            for part in getattr(source, related_name).all()
        )
    record(AuditEvent.Action.DRAFT_CREATED, procedure, draft, by, f"基于第 {source.number} 版")
    return draft


@transaction.atomic
def save_draft(
    draft: ProcedureVersion,
    *,
    content: Mapping[str, object],
    parts: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
    expected_revision: int,
    by: User,
) -> ProcedureVersion:
    """Write an editor's changes to a draft, refusing them if the draft changed meanwhile.

    `content` holds version fields (content fields, `change_summary`, `effective_from`);
    `parts` maps "materials" / "steps" / "faqs" to the complete new list, in order. A material
    row may name its `kind` (a MaterialKind, or a name); without one it is matched by name.
    """
    lock(draft.procedure_id)
    fresh = fresh_draft(draft)
    if fresh.revision != expected_revision:
        raise StaleDraft(
            f"草稿“{fresh.title}”在您打开之后已被他人保存（第 {fresh.revision} 次修订）。"
            "您的修改没有保存，请重新打开草稿后再改。"
        )
    allowed = set(VERSION_CONTENT_FIELDS) | {"change_summary", "effective_from"}
    unknown = set(content) - allowed
    if unknown:
        raise ValueError(f"unknown draft fields: {sorted(unknown)}")
    for name, value in content.items():
        setattr(fresh, name, lf(value))
    resubmit = fresh.review_state == ProcedureVersion.Review.SUBMITTED
    if resubmit:
        # A reviewer publishes what was submitted: a draft changed since is submitted anew.
        fresh.review_state = ProcedureVersion.Review.EDITING
    fresh.revision += 1
    fresh.full_clean(validate_constraints=False)
    fresh.save()
    for related_name, model, fields in PARTS:
        if parts is None or related_name not in parts:
            continue
        getattr(fresh, related_name).all().delete()
        given = parts[related_name]
        if model is Material:
            given = catalogue.attach_kinds(given)
        given = [_with_identity_ids(model, row) for row in given]
        written = (*fields, *model.identity_fields)
        rows = [
            # The stubs check `version` against the abstract VersionPart (see create_draft).
            model(  # type: ignore[misc]
                version=fresh, position=index, **{f: lf(row[f]) for f in written if f in row}
            )
            for index, row in enumerate(given, start=1)
        ]
        for row in rows:
            # Constraint and foreign key checks would cost a query per row; the database enforces
            # them anyway, and the catalogue has just found or made each kind.
            row.full_clean(exclude=["version", "kind"], validate_constraints=False)
        model.objects.bulk_create(rows)
    detail = "已提交审核的草稿有修改，需要重新提交审核" if resubmit else ""
    record(AuditEvent.Action.DRAFT_SAVED, fresh.procedure, fresh, by, detail)
    if resubmit:
        signals.review_changed.send(sender=ProcedureVersion, version=fresh)
    return fresh


@transaction.atomic
def publish_version(
    version: ProcedureVersion,
    *,
    by: User,
    change_summary: str | None = None,
    effective_from: datetime.date | None = None,
    scheduled: str | None = None,
    withdraw_reason: str = "",
    change_kind: str = ProcedureVersion.ChangeKind.SUBSTANTIVE,
) -> ProcedureVersion:
    """Put a draft on record: next number, previous version superseded, pointer moved.

    `change_kind` says whether staff who read the last version must read this one (实质变更)
    or not (文字修订); a procedure's first version is always substantive.

    A draft taking effect before a version scheduled later, and not based on it, would leave
    that version unable ever to take effect (the highest number in force wins). `scheduled`
    says what happens to it: "carry" (the scheduled version is withdrawn and a new draft of it
    carries this fix, to be reviewed and published for its date) or "withdraw" (with a reason).
    """
    procedure = lock(version.procedure_id)
    draft = fresh_draft(version)
    if change_summary is not None:
        draft.change_summary = change_summary.strip()
    if effective_from is not None:
        draft.effective_from = effective_from
    _check_publishable(draft)
    check_changed(draft, draft.based_on or procedure.latest_version)
    overtaken = overtaken_version(draft)
    if overtaken is not None:
        _withdraw(overtaken, scheduled=scheduled, reason=withdraw_reason, by=by)
    last_number = procedure.versions.aggregate(Max("number"))["number__max"] or 0
    procedure.versions.filter(status=Status.PUBLISHED).update(status=Status.SUPERSEDED)
    draft.number = last_number + 1
    draft.change_kind = (
        ProcedureVersion.ChangeKind(change_kind) if last_number else ChangeKind.SUBSTANTIVE
    )
    draft.status = Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.published_by = account(by)
    # The constraints are the database's to enforce: _check_publishable says in words what
    # version_state_consistent requires, and superseding above keeps one latest version.
    # Checking them here costs a query each (a third of an import's time).
    draft.full_clean(validate_constraints=False)
    draft.save()
    procedure.latest_version = draft
    procedure.save(update_fields=["latest_version"])
    signals.notify_changed([procedure.pk])
    signals.version_published.send(sender=ProcedureVersion, version=draft)
    if draft.review_state != ProcedureVersion.Review.EDITING:
        signals.review_changed.send(sender=ProcedureVersion, version=draft)
    record(AuditEvent.Action.PUBLISHED, procedure, draft, by, draft.change_summary)
    if overtaken is not None and scheduled == "carry":
        _carry_into_new_draft(overtaken, fix=draft, by=by)
    return draft


def overtaken_version(draft: ProcedureVersion) -> ProcedureVersion | None:
    """A version scheduled after the draft's date that the draft does not build on, if any."""
    if draft.effective_from is None:
        return None
    pending = draft.procedure.versions.filter(
        status=Status.PUBLISHED, effective_from__gt=draft.effective_from
    ).first()
    if pending is None or pending.pk == draft.based_on_id:
        return None
    return pending


def _withdraw(version: ProcedureVersion, *, scheduled: str | None, reason: str, by: User) -> None:
    number = version.number
    if scheduled not in ("carry", "withdraw"):
        day = day_label(version.effective_from) if version.effective_from else ""
        raise ScheduledVersionPending(
            f"第 {number} 版已定于 {day}施行。这份更正先施行后，第 {number} 版将永远不能施行："
            f"请选择把更正带入待施行的版本（生成一份新草稿，审核后按原日期发布），"
            f"或撤回第 {number} 版并写明原因。"
        )
    if scheduled == "withdraw" and not reason.strip():
        raise PublishRefused(f"撤回第 {number} 版需要写明原因。")
    carried = "已把更正带入新草稿，审核后按原日期重新发布"
    why = (reason.strip() if scheduled == "withdraw" else carried)[:300]
    # A version on record refuses save(); its status is publishing's to change, as superseding.
    ProcedureVersion.objects.filter(pk=version.pk).update(
        status=Status.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawn_by=account(by),
        withdrawn_reason=why,
    )
    record(AuditEvent.Action.WITHDRAWN, version.procedure, version, by, why)


def _carry_into_new_draft(
    scheduled: ProcedureVersion, *, fix: ProcedureVersion, by: User
) -> ProcedureVersion:
    """The scheduled content with the fix's changes on top: what changed from the fix's base.

    A list (materials, steps, FAQs) the scheduled version also changed keeps the scheduled
    version's wording, and the new draft's change summary says to check it.
    """
    base = fix.based_on
    draft = create_draft(fix.procedure, by=by, from_version=scheduled)
    content = {
        name: getattr(fix, name)
        for name in VERSION_CONTENT_FIELDS
        if base is None or getattr(fix, name) != getattr(base, name)
    }
    parts, to_check = {}, []
    for related_name, model, fields in PARTS:
        names = (*fields, *model.identity_fields)
        rows = {
            version.pk: [
                {n: getattr(p, n) for n in names} for p in getattr(version, related_name).all()
            ]
            for version in (v for v in (base, fix, scheduled) if v is not None)
        }
        if base is None or rows[fix.pk] == rows[base.pk]:
            continue
        if rows[scheduled.pk] == rows[base.pk]:
            parts[related_name] = rows[fix.pk]
        else:
            to_check.append(str(model._meta.verbose_name))
    summary = f"{scheduled.change_summary}；并带入第 {fix.number} 版的更正：{fix.change_summary}"
    if to_check:
        summary += f"（请核对{'、'.join(to_check)}：两版都有修改）"
    content.update(change_summary=summary[:500], effective_from=scheduled.effective_from)
    return save_draft(draft, content=content, parts=parts, expected_revision=draft.revision, by=by)


@transaction.atomic
def discard_draft(draft: ProcedureVersion, *, by: User) -> None:
    """Throw a draft away; published versions are never touched."""
    lock(draft.procedure_id)
    fresh = fresh_draft(draft)
    record(AuditEvent.Action.DISCARDED, fresh.procedure, fresh, by)
    fresh.delete()
    if fresh.review_state != ProcedureVersion.Review.EDITING:
        signals.review_changed.send(sender=ProcedureVersion, version=fresh)


@transaction.atomic
def update_procedure_details(
    procedure: Procedure,
    *,
    category: Category,
    code: str,
    aliases: Sequence[str],
    position: int | None = None,
    catalogue_url: str | None = None,
    by: User,
) -> bool:
    """Change what identifies a procedure but is not versioned content; True if anything changed.

    `position` and `catalogue_url` stay as they are when None."""
    procedure = lock(procedure.pk)
    new: dict[str, object] = {"category_id": category.pk, "code": code, "aliases": list(aliases)}
    if position is not None:
        new["position"] = position
    if catalogue_url is not None:
        new["catalogue_url"] = catalogue_url
    changed = [name for name, value in new.items() if getattr(procedure, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(procedure, name, new[name])
    procedure.full_clean()
    procedure.save(update_fields=[name.removesuffix("_id") for name in changed])
    signals.notify_changed([procedure.pk])
    record(AuditEvent.Action.DETAILS_CHANGED, procedure, None, by, "、".join(changed))
    return True


@transaction.atomic
def retire_procedure(procedure: Procedure, *, by: User, reason: str) -> Procedure:
    """Withdraw a procedure from the public library (事项取消); its versions stay on record."""
    procedure = lock(procedure.pk)
    if not reason.strip():
        raise PublishRefused("停办事项需要填写原因。")
    if containers := bundles.containers(procedure):
        names = "、".join(f"「{version.title}」" for version in containers)
        raise PublishRefused(
            f"{names}包含这个事项：请先发布不再包含它的新版本，再停办它，"
            "以免居民按引导来办一个已停办的事项。"
        )
    procedure.retired_at = timezone.now()
    procedure.retired_reason = reason.strip()
    procedure.save(update_fields=["retired_at", "retired_reason"])
    signals.notify_changed([procedure.pk])
    record(AuditEvent.Action.RETIRED, procedure, None, by, reason)
    return procedure


def fresh_draft(version: ProcedureVersion) -> ProcedureVersion:
    fresh = ProcedureVersion.objects.select_related("procedure").get(pk=version.pk)
    if not fresh.is_draft:
        raise NotADraft(f"{fresh} 已经发布，不能再修改或发布；请新建草稿。")
    return fresh


def _check_publishable(draft: ProcedureVersion) -> None:
    missing = [
        label
        for label, value in (
            ("事项名称", draft.title.strip()),
            ("修改说明", draft.change_summary.strip()),
            ("施行日期", draft.effective_from),
        )
        if not value
    ]
    if missing:
        raise PublishRefused(f"发布前请填写：{'、'.join(missing)}。")
    check_flow(draft)


def check_flow(draft: ProcedureVersion) -> None:
    """A version's questions, conditions, members and test cases must hold together.

    Run before review and before publishing: a new version that removes an option a condition
    uses, or whose test case no longer gives the expected materials, is refused naming it.
    """
    flow = flows.flow_of_version(draft)
    if not (flow.questions or flow.members or flow.cases or flow.kind != Procedure.Kind.ITEM):
        return
    if any(material.when for material in flow.materials) or flow.questions or flow.members:
        problems = flows.blocking_messages(flow, bundles.database_resolver())
    else:
        problems = flows.blocking_messages(flow)
    if problems:
        listed = "\n".join(f"· {problem}" for problem in problems)
        raise PublishRefused(f"情形引导有问题，请先在草稿里改正：\n{listed}")


def check_changed(
    draft: ProcedureVersion, latest: ProcedureVersion | None, *, doing: str = "发布"
) -> None:
    """An identical version would announce a change that does not exist: refuse it, naming
    what the person was doing (发布, or an editor's 提交审核)."""
    if latest is not None and draft.content_key() == latest.content_key():
        raise PublishRefused(
            f"草稿与第 {latest.number} 版的内容完全相同，没有可以{doing}的修改。"
            f"如果刚改过内容，请先在草稿里保存，再{doing}。"
        )


def _with_identity_ids(model: type[VersionPart], row: Mapping[str, object]) -> Mapping[str, object]:
    """A row naming a related object (a member's `target`) by the object: give its id too."""
    missing = [f for f in model.identity_fields if f not in row and f.removesuffix("_id") in row]
    if not missing:
        return row
    ids = {f: getattr(row[f.removesuffix("_id")], "pk", None) for f in missing}
    return {**row, **ids}


def lf(value: object) -> object:
    """Browsers send line breaks as CRLF: kept as LF, so that diffs show only real changes."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def account(by: User) -> "Account | None":
    """The account to record, if `by` is a saved one (not anonymous, not nobody)."""
    if by is None or isinstance(by, AnonymousUser) or not by.pk:
        return None
    return by
