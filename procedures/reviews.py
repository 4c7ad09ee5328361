"""Review before publishing (second pair of eyes): submit a draft, send it back, or publish it.

An editor submits a draft with its change summary; someone with 审核发布 publishes it, or sends
it back with a comment the editor sees on the draft. Nobody publishes a draft they wrote
(created, saved or submitted) unless the hall's review rules allow it. Changing a submitted
draft takes it out of review (`publishing.save_draft`): what is published is what was
reviewed. Every step is an audit event of the draft.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from procedures import publishing, signals
from procedures.exceptions import ReviewRefused
from procedures.models import AuditEvent, BatchChange, ProcedureVersion, ReviewRules
from procedures.publishing import User, account
from procedures.roles import can_publish

Review = ProcedureVersion.Review
Status = ProcedureVersion.Status
# What makes someone an author of a draft.
AUTHORING = (
    AuditEvent.Action.CREATED,
    AuditEvent.Action.DRAFT_CREATED,
    AuditEvent.Action.DRAFT_SAVED,
    AuditEvent.Action.SUBMITTED,
)


def authors(draft: ProcedureVersion) -> set[int]:
    """The accounts that created, saved or submitted the draft."""
    ids = set(
        AuditEvent.objects.filter(version=draft, action__in=AUTHORING, user__isnull=False)
        .values_list("user_id", flat=True)
        .distinct()
    )
    # Drafts older than the audit trail's link to versions know only who created them.
    ids.update(i for i in (draft.created_by_id, draft.submitted_by_id) if i is not None)
    return ids


def refusal(draft: ProcedureVersion, by: User) -> str:
    """Why `by` may not publish the draft now, or "" if they may."""
    person = account(by)
    wrote_it = person is not None and person.pk in authors(draft)
    if wrote_it and not ReviewRules.load().allow_self_approval:
        return (
            "这份草稿由您编写或修改过。按本中心的审核规则，需要另一位有“审核发布”权限的同事"
            "审核后发布。"
        )
    if draft.review_state != Review.SUBMITTED and not wrote_it:
        return f"这份草稿{draft.get_review_state_display()}，还没有提交审核：请等编辑提交后再发布。"
    return ""


@transaction.atomic
def submit_for_review(
    draft: ProcedureVersion,
    *,
    by: User,
    change_summary: str,
    effective_from: datetime.date | None = None,
) -> ProcedureVersion:
    """Ask a reviewer to publish the draft; the summary says what changed, the date is proposed."""
    publishing.lock(draft.procedure_id)
    fresh = publishing.fresh_draft(draft)
    if fresh.review_state == Review.SUBMITTED:
        raise ReviewRefused("这份草稿已经提交审核，正在等待审核。")
    if not change_summary.strip():
        raise ReviewRefused("提交审核前请填写修改说明：这一版改了什么。")
    publishing.check_changed(
        fresh, fresh.based_on or fresh.procedure.latest_version, doing="提交审核"
    )
    publishing.check_flow(fresh)
    fresh.change_summary = change_summary.strip()
    if effective_from is not None:
        fresh.effective_from = effective_from
    fresh.review_state = Review.SUBMITTED
    fresh.submitted_at = timezone.now()
    fresh.submitted_by = account(by)
    fresh.revision += 1  # an editor's form opened before still holds the old summary
    fresh.full_clean(validate_constraints=False)
    fresh.save()
    publishing.record(AuditEvent.Action.SUBMITTED, fresh.procedure, fresh, by, fresh.change_summary)
    signals.review_changed.send(sender=ProcedureVersion, version=fresh)
    return fresh


@transaction.atomic
def send_back(draft: ProcedureVersion, *, by: User, comment: str) -> ProcedureVersion:
    """Return a submitted draft to its editor with what to change."""
    publishing.lock(draft.procedure_id)
    fresh = publishing.fresh_draft(draft)
    if fresh.review_state != Review.SUBMITTED:
        raise ReviewRefused(f"这份草稿{fresh.get_review_state_display()}，不在待审核中，不能退回。")
    if not comment.strip():
        raise ReviewRefused("退回时请写明意见：编辑需要改什么。")
    fresh.review_state = Review.RETURNED
    fresh.review_comment = comment.strip().replace("\r\n", "\n")
    fresh.returned_at = timezone.now()
    fresh.returned_by = account(by)
    fresh.save()
    publishing.record(AuditEvent.Action.RETURNED, fresh.procedure, fresh, by, fresh.review_comment)
    signals.review_changed.send(sender=ProcedureVersion, version=fresh)
    return fresh


@transaction.atomic
def publish_reviewed(
    draft: ProcedureVersion,
    *,
    by: User,
    change_summary: str | None = None,
    effective_from: datetime.date | None = None,
    scheduled: str | None = None,
    withdraw_reason: str = "",
    change_kind: str = ProcedureVersion.ChangeKind.SUBSTANTIVE,
) -> ProcedureVersion:
    """Publish a draft as its reviewer (see `publishing.publish_version` for `scheduled` and
    `change_kind`)."""
    publishing.lock(draft.procedure_id)
    fresh = publishing.fresh_draft(draft)
    reason = refusal(fresh, by)
    if reason:
        raise ReviewRefused(reason)
    return publishing.publish_version(
        fresh,
        by=by,
        change_summary=change_summary,
        effective_from=effective_from,
        scheduled=scheduled,
        withdraw_reason=withdraw_reason,
        change_kind=change_kind,
    )


@dataclass
class Desk:
    """The open drafts as one person sees them: what waits for review, their own, the rest."""

    waiting: list[ProcedureVersion]
    batches: list[tuple[BatchChange, list[ProcedureVersion]]]
    mine: list[ProcedureVersion]
    others: list[ProcedureVersion]
    written_by_me: set[int]

    @property
    def queue_size(self) -> int:
        return len(self.waiting) + len(self.batches)


def desk(user: User) -> Desk:
    """Submitted drafts the longest-waiting first (a batch as one entry); then the rest."""
    drafts = list(
        ProcedureVersion.objects.filter(status=Status.DRAFT)
        .select_related("procedure__category", "based_on", "submitted_by", "returned_by", "batch")
        .order_by("submitted_at", "updated_at")
    )
    mine = _written_by(user, drafts)
    submitted = [d for d in drafts if d.review_state == Review.SUBMITTED]
    batches: dict[int, tuple[BatchChange, list[ProcedureVersion]]] = {}
    for draft in submitted:
        if draft.batch is not None:
            batches.setdefault(draft.batch.pk, (draft.batch, []))[1].append(draft)
    rest = sorted(
        (d for d in drafts if d.review_state != Review.SUBMITTED),
        key=lambda d: d.updated_at,
        reverse=True,
    )
    return Desk(
        waiting=[d for d in submitted if d.batch is None],
        batches=list(batches.values()),
        mine=[d for d in rest if d.pk in mine],
        others=[d for d in rest if d.pk not in mine],
        written_by_me=mine,
    )


def to_review(user: User) -> list[ProcedureVersion]:
    """The submitted drafts `user` may publish, the longest-waiting first: none for someone
    without 审核发布, and none they wrote unless the review rules allow it (as `refusal`)."""
    if user is None or not can_publish(user):
        return []
    drafts = list(
        ProcedureVersion.objects.filter(status=Status.DRAFT, review_state=Review.SUBMITTED)
        .select_related("procedure", "submitted_by", "batch")
        .order_by("submitted_at", "pk")
    )
    if ReviewRules.load().allow_self_approval:
        return drafts
    wrote = _written_by(user, drafts)
    return [draft for draft in drafts if draft.pk not in wrote]


def returned_to(user: User) -> list[ProcedureVersion]:
    """The drafts a reviewer sent back to the person who submitted them, the longest-waiting
    first."""
    person = account(user)
    if person is None:
        return []
    return list(
        ProcedureVersion.objects.filter(
            status=Status.DRAFT, review_state=Review.RETURNED, submitted_by=person
        )
        .select_related("procedure", "returned_by", "batch")
        .order_by("returned_at", "pk")
    )


def _written_by(user: User, drafts: Iterable[ProcedureVersion]) -> set[int]:
    """Which of these drafts `user` created, saved or submitted (`authors`, in one query)."""
    person = account(user)
    if person is None:
        return set()
    return set(
        AuditEvent.objects.filter(
            version__status=Status.DRAFT, action__in=AUTHORING, user=person
        ).values_list("version_id", flat=True)
    ) | {d.pk for d in drafts if person.pk in (d.created_by_id, d.submitted_by_id)}
