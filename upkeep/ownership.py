"""Who answers for each procedure, and when it is next due for review.

A procedure's own owner, backup and interval (`ProcedureUpkeep`) win over its 条线's
(`CategoryUpkeep`); without either, nobody owns it and the interval is 180 days. The last check
is the later of its latest published version and its latest 已复核，无需修改 record.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Max, QuerySet
from django.utils import timezone

from procedures.models import Procedure
from sopdesk import page_cache
from upkeep.models import DEFAULT_INTERVAL_DAYS, CategoryUpkeep, ProcedureUpkeep, ReviewCheck


@dataclasses.dataclass(frozen=True)
class Stewards:
    owner_id: int | None
    backup_id: int | None
    interval_days: int
    # Where the owner comes from: "事项" (its own), "条线", or "" (nobody).
    source: str


NOBODY = Stewards(None, None, DEFAULT_INTERVAL_DAYS, "")


@dataclasses.dataclass(frozen=True)
class Standing:
    """Where a procedure stands for review today."""

    procedure_id: int
    stewards: Stewards
    last_checked: datetime.datetime | None
    # "已复核，无需修改" or "发布第 N 版"
    last_check: str
    due_on: datetime.date | None

    def overdue(self, today: datetime.date | None = None) -> bool:
        return self.due_on is not None and (today or timezone.localdate()) > self.due_on


def _merge(own: ProcedureUpkeep | None, line: CategoryUpkeep | None) -> Stewards:
    if own is None and line is None:
        return NOBODY
    owner_id = own.owner_id if own and own.owner_id else (line.owner_id if line else None)
    backup_id = own.backup_id if own and own.backup_id else (line.backup_id if line else None)
    interval = (
        own.interval_days
        if own and own.interval_days
        else (line.interval_days if line else DEFAULT_INTERVAL_DAYS)
    )
    source = "事项" if own and own.owner_id else ("条线" if line and line.owner_id else "")
    return Stewards(owner_id, backup_id, interval, source)


def stewards_of(procedure: Procedure) -> Stewards:
    own = ProcedureUpkeep.objects.filter(procedure_id=procedure.pk).first()
    line = CategoryUpkeep.objects.filter(category_id=procedure.category_id).first()
    return _merge(own, line)


# Above this many procedures, rows are read for all of them rather than listed by id: building
# and running a query with a thousand ids costs more than reading every row of small tables.
LISTED_AT_MOST = 100


def among(rows: QuerySet[Any], field: str, ids: list[int]) -> QuerySet[Any]:
    """`rows` of the procedures `ids`, or of all when they are many (then filter in Python)."""
    return rows.filter(**{f"{field}__in": ids}) if len(ids) <= LISTED_AT_MOST else rows


def all_stewards(procedures: Iterable[Procedure]) -> dict[int, Stewards]:
    """Each procedure's stewards, in two queries."""
    wanted = list(procedures)
    ids = [p.pk for p in wanted]
    own = {row.procedure_id: row for row in among(ProcedureUpkeep.objects.all(), "procedure", ids)}
    lines = {row.category_id: row for row in CategoryUpkeep.objects.all()}
    return {p.pk: _merge(own.get(p.pk), lines.get(p.category_id)) for p in wanted}


def standings(procedures: Iterable[Procedure]) -> dict[int, Standing]:
    """Each procedure's review standing, in four queries whatever their number."""
    wanted = list(procedures)
    ids = [p.pk for p in wanted]
    stewards = all_stewards(wanted)
    latest = {
        pk: (at, number)
        for pk, at, number in among(Procedure.objects.all(), "pk", ids).values_list(
            "pk", "latest_version__published_at", "latest_version__number"
        )
    }
    checked = dict(
        among(ReviewCheck.objects.all(), "procedure_id", ids)
        .values("procedure_id")
        .annotate(last=Max("at"))
        .values_list("procedure_id", "last")
    )
    found = {}
    for procedure in wanted:
        by_version, number = latest.get(procedure.pk, (None, None))
        by_check = checked.get(procedure.pk)
        if by_check is not None and (by_version is None or by_check >= by_version):
            last, how = by_check, "已复核，无需修改"
        elif by_version is not None:
            last, how = by_version, f"发布第 {number} 版"
        else:
            last, how = None, ""
        interval = stewards[procedure.pk].interval_days
        due = timezone.localtime(last).date() + datetime.timedelta(days=interval) if last else None
        found[procedure.pk] = Standing(procedure.pk, stewards[procedure.pk], last, how, due)
    return found


def standing_of(procedure: Procedure) -> Standing:
    return standings([procedure])[procedure.pk]


def names(user_ids: Iterable[int | None]) -> dict[int, str]:
    """Names as the hall writes them (姓名, else the username) of the given users, in one query."""
    ids = {pk for pk in user_ids if pk}
    users = get_user_model().objects.filter(pk__in=ids)
    return {user.pk: f"{user.last_name}{user.first_name}" or user.get_username() for user in users}


GENERATION = "upkeep:generation"


@dataclasses.dataclass(frozen=True)
class KeptStanding:
    standing: Standing
    owner_name: str
    backup_name: str


def kept_standing(procedure: Procedure) -> KeptStanding:
    """The standing and stewards' names shown on a staff page, kept between requests.

    Kept under the pages' generation (a publication renews it) and this app's, which any change
    to owners, intervals, checks or users renews (`upkeep.receivers`).
    """
    key = page_cache.fragment_key(
        "upkeep-standing", procedure.pk, page_cache.generation(GENERATION)
    )
    kept = page_cache.fragment(key)
    if isinstance(kept, KeptStanding):
        return kept
    standing = standing_of(procedure)
    stewards = standing.stewards
    found = names([stewards.owner_id, stewards.backup_id])
    kept = KeptStanding(
        standing, found.get(stewards.owner_id or 0, ""), found.get(stewards.backup_id or 0, "")
    )
    page_cache.keep_fragment(key, kept)
    return kept
