"""Where a version stands in time on a day: the words a page, a handout or a checklist must say.

A resident handed a checklist on 28 December for rules that change on 1 January brings the
wrong materials; a handout of a superseded version looks like a current one. Everything that
prints a version asks here first.
"""

import dataclasses
import datetime

from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.utils import timezone

from procedures.models import ProcedureVersion


@dataclasses.dataclass(frozen=True)
class Standing:
    state: str  # "draft", "in_force", "upcoming" (not yet), "superseded" or "withdrawn"
    # For "superseded": the day it stopped being in force; for "upcoming": the day it starts.
    since: datetime.date | None = None
    # For the version in force: a published version that replaces it later, if any.
    next_change: ProcedureVersion | None = None

    def notice(self) -> str:
        """One line for a version that is not simply the one in force, or an empty string."""
        if self.state == "withdrawn":
            return "已撤回：这一版没有施行，请以现行版本为准。"
        if self.state == "superseded" and self.since:
            return f"已废止：自 {day_label(self.since)}起不再施行，请以现行版本为准。"
        if self.state == "upcoming" and self.since:
            return f"尚未施行：自 {day_label(self.since)}起施行，在此之前仍按现行版本办理。"
        if self.next_change is not None and self.next_change.effective_from:
            summary = self.next_change.change_summary
            return f"自 {day_label(self.next_change.effective_from)}起：{summary}"
        return ""


# What an editor's list calls each state. The stored status says only whether a newer version
# was published: a version still in force until its successor's day is "superseded" there.
STATE_LABELS = {
    "draft": "草稿",
    "in_force": "现行",
    "upcoming": "待施行",
    "superseded": "已废止",
    "withdrawn": "已撤回",
}


def state(version: ProcedureVersion, in_force_id: int | None, day: datetime.date) -> str:
    """The state of `version` on `day`, given the id of its procedure's version in force then."""
    if version.is_draft or version.effective_from is None:
        return "draft"
    if version.status == ProcedureVersion.Status.WITHDRAWN:
        return "withdrawn"
    if version.effective_from > day:
        return "upcoming"
    return "in_force" if version.pk == in_force_id else "superseded"


def with_in_force_id(
    versions: QuerySet[ProcedureVersion], *, on: datetime.date | None = None
) -> QuerySet[ProcedureVersion]:
    """`versions`, each annotated with `in_force_id`: its procedure's version in force on the
    day, by `VersionQuerySet.in_force` (none for a procedure no longer handled), so that a list
    tells each version's state without a query a row."""
    in_force = ProcedureVersion.objects.filter(
        procedure=OuterRef("procedure"), procedure__retired_at__isnull=True
    ).in_force(on)
    return versions.annotate(in_force_id=Subquery(in_force.values("pk")[:1]))


def standing(version: ProcedureVersion, *, on: datetime.date | None = None) -> Standing:
    day = on or timezone.localdate()
    procedure = version.procedure
    current = procedure.current_version(day) if not version.is_draft else None
    kind = state(version, current.pk if current else None, day)
    if kind in ("draft", "withdrawn"):
        return Standing(kind)
    if kind == "upcoming":
        return Standing(kind, since=version.effective_from)
    if kind == "in_force":
        return Standing(kind, next_change=procedure.upcoming_version(day))
    later = procedure.versions.on_record().filter(
        number__gt=version.number, effective_from__lte=day
    )
    return Standing("superseded", since=later.aggregate(day=Min("effective_from"))["day"])


def day_label(day: datetime.date) -> str:
    """2027年1月1日: how pages, handouts and messages write a date."""
    return f"{day.year}年{day.month}月{day.day}日"
