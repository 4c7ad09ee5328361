"""One queue of what keeps items true, each entry saying why it is there.

For an editor: the items they own or back up — open reports (overdue first, then by due date),
reviews past their date (most viewed first), items residents often found unhelpful since the
last check. For 审核发布 (everyone=True): every item's, those nobody owns, and the searches that
found nothing or only weak matches.
"""

import dataclasses
import datetime
from collections import Counter

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from hall.models import DailyViews
from procedures.models import Procedure
from procedures.roles import Visitor
from search.models import SearchMiss
from sopdesk import page_cache
from upkeep.models import PageFeedback, Report
from upkeep.ownership import GENERATION, Standing, among, standings

VIEWS_DAYS = 30
# An item enters the queue when residents said 没帮到 at least this often since its last check,
# and more often than 有帮助.
UNHELPFUL_AT_LEAST = 3
SEARCH_AT_LEAST = 2
SEARCH_DAYS = 30
SEARCH_SHOWN = 20


@dataclasses.dataclass
class Entry:
    kind: str  # "report", "review", "feedback", "search"
    why: str
    title: str
    procedure: Procedure | None = None
    standing: Standing | None = None
    report: Report | None = None
    due_on: datetime.date | None = None
    overdue: bool = False
    views: int = 0
    count: int = 0
    owner_name: str = ""
    # Where the entry leads; made when shown (a queue may hold thousands).
    address: str = ""

    @property
    def url(self) -> str:
        if self.address:
            return self.address
        if self.report is not None:
            return self.report.get_absolute_url()
        assert self.procedure is not None
        if self.kind == "feedback":
            return reverse("upkeep:feedback_list", args=[self.procedure.slug])
        return self.procedure.get_absolute_url() + "#upkeep-panel"


@dataclasses.dataclass
class Queue:
    entries: list[Entry]
    today: datetime.date

    def of_kind(self, kind: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.kind == kind]

    @property
    def overdue_reports(self) -> int:
        return sum(1 for e in self.entries if e.kind == "report" and e.overdue)


def mine(user: Visitor, standing: Standing) -> bool:
    return user.pk in (standing.stewards.owner_id, standing.stewards.backup_id)


def build(user: Visitor, *, everyone: bool, today: datetime.date | None = None) -> Queue:
    today = today or timezone.localdate()
    procedures = list(Procedure.objects.public())
    standing = standings(procedures)
    if not everyone:
        procedures = [p for p in procedures if mine(user, standing[p.pk])]
    ids = [p.pk for p in procedures]
    views = _views(ids, today)
    by_id = {p.pk: p for p in procedures}
    entries = [
        *_reports(by_id, standing, today, everyone=everyone),
        *_reviews(procedures, standing, views, today),
        *_feedback(by_id, standing, views),
    ]
    if everyone:
        entries += _searches(today)
    return Queue(entries, today)


def _views(ids: list[int], today: datetime.date) -> dict[int, int]:
    since = today - datetime.timedelta(days=VIEWS_DAYS)
    rows = (
        among(DailyViews.objects.filter(day__gt=since), "procedure_id", ids)
        .values("procedure_id")
        .annotate(total=Sum("count"))
    )
    return {row["procedure_id"]: row["total"] for row in rows}  # others' are never looked up


def _reports(
    by_id: dict[int, Procedure],
    standing: dict[int, Standing],
    today: datetime.date,
    *,
    everyone: bool,
) -> list[Entry]:
    """Open reports of these procedures; in everyone's queue also those of procedures retired
    (or with nothing in force) since they were made, which still need closing."""
    reports = Report.objects.filter(status=Report.Status.OPEN)
    if not everyone:
        reports = among(reports, "procedure_id", list(by_id))
    entries = []
    for report in reports.select_related(
        "version", "reporter", "fix_version", "procedure__latest_version"
    ).order_by("due_on", "created_at"):
        procedure = by_id.get(report.procedure_id)
        if procedure is None and not everyone:
            continue
        overdue = report.overdue(today)
        gone = "（已停办）" if report.procedure.retired_at else "（没有施行中的版本）"
        entries.append(
            Entry(
                kind="report",
                why=f"报错（{report.get_cause_display()}）：{report.where}",
                title=(procedure.current_title or str(procedure))
                if procedure
                else f"{report.procedure}{gone}",
                procedure=procedure or report.procedure,
                standing=standing[procedure.pk] if procedure else None,
                report=report,
                due_on=report.due_on,
                overdue=overdue,
            )
        )
    # Overdue first; then by due date (the query's order).
    return sorted(entries, key=lambda e: not e.overdue)


def _reviews(
    procedures: list[Procedure],
    standing: dict[int, Standing],
    views: dict[int, int],
    today: datetime.date,
) -> list[Entry]:
    entries = []
    for procedure in procedures:
        found = standing[procedure.pk]
        if not found.overdue(today):
            continue
        assert found.due_on is not None
        late = (today - found.due_on).days
        entries.append(
            Entry(
                kind="review",
                why=f"待复核：复核日期 {found.due_on:%Y-%m-%d} 已过 {late} 天",
                title=procedure.current_title or str(procedure),
                procedure=procedure,
                standing=found,
                due_on=found.due_on,
                overdue=True,
                views=views.get(procedure.pk, 0),
            )
        )
    return sorted(entries, key=lambda e: (-e.views, e.title))


def _feedback(
    by_id: dict[int, Procedure], standing: dict[int, Standing], views: dict[int, int]
) -> list[Entry]:
    rows = among(PageFeedback.objects.all(), "procedure_id", list(by_id)).values_list(
        "procedure_id", "helpful", "reason", "created_at"
    )
    helpful: Counter[int] = Counter()
    unhelpful: Counter[int] = Counter()
    reasons: dict[int, Counter[str]] = {}
    for procedure_id, was_helpful, reason, at in rows:
        if procedure_id not in by_id:
            continue
        last = standing[procedure_id].last_checked
        if last is not None and at < last:
            continue  # answered about what was there before the last check
        if was_helpful:
            helpful[procedure_id] += 1
        else:
            unhelpful[procedure_id] += 1
            reasons.setdefault(procedure_id, Counter())[reason] += 1
    entries = []
    for procedure_id, count in unhelpful.items():
        if count < UNHELPFUL_AT_LEAST or count <= helpful[procedure_id]:
            continue
        procedure = by_id[procedure_id]
        top = reasons[procedure_id].most_common(1)[0][0]
        label = PageFeedback.Reason(top).label if top else "未说原因"
        entries.append(
            Entry(
                kind="feedback",
                why=f"居民反馈没帮到 {count} 次（有帮助 {helpful[procedure_id]} 次），"
                f"最多的原因：{label}",
                title=procedure.current_title or str(procedure),
                procedure=procedure,
                standing=standing[procedure_id],
                views=views.get(procedure_id, 0),
                count=count,
            )
        )
    return sorted(entries, key=lambda e: -e.count)


def _searches(today: datetime.date) -> list[Entry]:
    since = timezone.now() - datetime.timedelta(days=SEARCH_DAYS)
    misses = SearchMiss.objects.filter(
        kind__in=[SearchMiss.Kind.MISS, SearchMiss.Kind.WEAK],
        count__gte=SEARCH_AT_LEAST,
        last_seen__gte=since,
    ).order_by("-count", "-last_seen")[:SEARCH_SHOWN]
    return [
        Entry(
            kind="search",
            why=f"搜索「{miss.query}」{miss.count} 次{miss.get_kind_display()}",
            title=miss.query,
            address=reverse("search:miss", args=[miss.pk]),
            count=miss.count,
        )
        for miss in misses
    ]


def overdue_report_count(today: datetime.date | None = None) -> int:
    """Every item's open reports past their due date: what 审核发布 watch."""
    return Report.objects.filter(
        status=Report.Status.OPEN, due_on__lt=today or timezone.localdate()
    ).count()


WAITING = "upkeep:waiting"


@dataclasses.dataclass(frozen=True)
class Waiting:
    """What the home page says of a person's queue."""

    entries: int
    overdue_reports: int


def waiting_for(user: Visitor) -> Waiting:
    """The size of `user`'s own queue, kept between requests under the pages' generation (a
    publication), the standings' (owners, checks, users) and WAITING (reports and residents'
    answers), each renewed by `upkeep.receivers`."""
    generations = (page_cache.generation(GENERATION), page_cache.generation(WAITING))
    key = page_cache.fragment_key("upkeep-waiting", user.pk, generations)
    kept = page_cache.fragment(key)
    if isinstance(kept, Waiting):
        return kept
    found = build(user, everyone=False)
    waiting = Waiting(len(found.entries), found.overdue_reports)
    page_cache.keep_fragment(key, waiting)
    return waiting
