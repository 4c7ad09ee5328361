"""Read receipts (已读确认) and what they mean for the version in force.

The rule: a receipt for version N counts as 已读现版 for the version in force V when every
version after N up to V, of those on record (withdrawn ones never took effect and are skipped),
is a 文字修订 (editorial). Version 1 is substantive, so this is the same as: N is at least the
number of the last substantive version up to V.
"""

import dataclasses
from collections.abc import Collection, Mapping

from django.db import models, transaction
from django.db.models import F, Max

from procedures.models import ProcedureVersion
from sopdesk import page_cache
from training.models import Assignment, ReadReceipt
from training.roles import Account


class Status(models.TextChoices):
    UNREAD = "unread", "未读"
    OLD = "old", "已读旧版"
    CURRENT = "current", "已读现版"
    OVERDUE = "overdue", "到期未读"


class ReceiptRefused(Exception):
    """A confirmation that cannot be recorded; the message says why, in words for the reader."""


@dataclasses.dataclass(frozen=True)
class Reading:
    """Where one person stands with one procedure."""

    status: Status
    read_number: int | None = None  # the highest version number they confirmed

    def on(self, assignment: Assignment | None) -> Status:
        """The status as a trainer's deadline sees it: past due and not current is overdue."""
        if assignment is not None and assignment.is_overdue() and self.status != Status.CURRENT:
            return Status.OVERDUE
        return self.status


UNREAD = Reading(Status.UNREAD)


def receipts_generation(user_id: int) -> str:
    """The generation (sopdesk.page_cache) that a change to this person's receipts renews."""
    return f"training:receipts:{user_id}"


def last_substantive(in_force: Mapping[int, int]) -> dict[int, int]:
    """For each procedure id → number in force, the number of its last substantive version."""
    rows = (
        ProcedureVersion.objects.enacted()
        .filter(procedure_id__in=in_force, change_kind=ProcedureVersion.ChangeKind.SUBSTANTIVE)
        .values_list("procedure_id", "number")
    )
    found: dict[int, int] = {}
    for procedure_id, number in rows:
        if number is not None and found.get(procedure_id, 0) < number <= in_force[procedure_id]:
            found[procedure_id] = number
    return found


def readings(
    user_ids: Collection[int], in_force: Mapping[int, int]
) -> dict[tuple[int, int], Reading]:
    """(user id, procedure id) → Reading, for every pair with a receipt; the rest are unread."""
    must_have = last_substantive(in_force)
    read = (
        ReadReceipt.objects.filter(user_id__in=user_ids, procedure_id__in=in_force)
        .values("user_id", "procedure_id")
        .annotate(number=Max("version__number"))
    )
    result = {}
    for row in read:
        procedure_id, number = row["procedure_id"], row["number"]
        needed = must_have.get(procedure_id, in_force[procedure_id])
        result[(row["user_id"], procedure_id)] = _reading(number, needed)
    return result


def _reading(read_number: int, must_have: int) -> Reading:
    """The rule: a receipt counts when it is for the last substantive version or later."""
    return Reading(Status.CURRENT if read_number >= must_have else Status.OLD, read_number)


def reading_of(user: Account, version: ProcedureVersion) -> Reading:
    """Where the user stands with the procedure whose version in force is `version`."""
    found = readings([user.pk], {version.procedure_id: version.number or 0})
    return found.get((user.pk, version.procedure_id), UNREAD)


def reading_on_page(user: Account, version: ProcedureVersion) -> tuple[Reading, ReadReceipt | None]:
    """As reading_of, and the user's receipt of `version` itself: what a procedure page shows.

    One query a page: the version's last substantive number is the same for every reader and
    changes only when the record does, so it is kept with the page's parts (sopdesk.page_cache).
    """
    in_force = {version.procedure_id: version.number or 0}
    key = page_cache.fragment_key("training-substantive", version.pk)
    must_have = page_cache.fragment(key)
    if not isinstance(must_have, int):
        must_have = last_substantive(in_force).get(
            version.procedure_id, in_force[version.procedure_id]
        )
        page_cache.keep_fragment(key, must_have)
    receipts = list(
        ReadReceipt.objects.filter(user_id=user.pk, procedure_id=version.procedure_id).annotate(
            number=F("version__number")
        )
    )
    numbers = [receipt.number for receipt in receipts if receipt.number is not None]
    if not numbers:
        return UNREAD, None
    own = next((r for r in receipts if r.version_id == version.pk), None)
    return _reading(max(numbers), must_have), own


def version_read_before(user: Account, current: ProcedureVersion) -> ProcedureVersion | None:
    """The version the user last confirmed, when a substantive change came after it."""
    reading = reading_of(user, current)
    if reading.status != Status.OLD:
        return None
    return current.procedure.versions.on_record().get(number=reading.read_number)


@transaction.atomic
def confirm_reading(*, user: Account, version: ProcedureVersion) -> ReadReceipt:
    """Record that `user` read `version` to its end: only the version in force can be confirmed."""
    procedure = version.procedure
    current = procedure.current_version()
    if current is None:
        raise ReceiptRefused("这个事项目前没有施行中的版本，无需确认。")
    if version.pk != current.pk:
        raise ReceiptRefused(
            f"您读的是第 {version.number or '—'} 版，现行的是第 {current.number} 版："
            "请先阅读现行版本，再点“我已读完”。"
        )
    receipt, _ = ReadReceipt.objects.get_or_create(
        user=user, version=current, defaults={"procedure": procedure}
    )
    return receipt
