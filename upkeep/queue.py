"""One queue of what waits for a person, each entry saying why it is there.

For everyone who edits: their drafts a reviewer sent back, and (审核发布) the drafts waiting for
a review they may give (`procedures.reviews` says which). For an editor: the items they own or
back up — open reports (overdue first, then by due date), reviews past their date (most viewed
first), items residents often found unhelpful since the last check. For 审核发布
(everyone=True): every item's, those nobody owns, and the searches that found nothing or only
weak matches.
"""

import dataclasses
import datetime
import re
from collections import Counter

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from hall.models import DailyViews
from procedures import kept_permissions, reviews
from procedures.models import Procedure, ProcedureVersion
from procedures.roles import Visitor
from search.models import SearchMiss
from sopdesk import page_cache
from upkeep.models import PageFeedback, Report
from upkeep.ownership import GENERATION, Standing, among, names, standings

VIEWS_DAYS = 30
# An item enters the queue when residents said 没帮到 at least this often since its last check,
# and more often than 有帮助.
UNHELPFUL_AT_LEAST = 3
SEARCH_AT_LEAST = 2
SEARCH_DAYS = 30
SEARCH_SHOWN = 20
# A reviewer's comment as the queue and the digest quote it; the draft shows it whole.
COMMENT_QUOTED = 200


@dataclasses.dataclass
class Entry:
    kind: str  # "returned", "to_review", "report", "review", "feedback", "search"
    why: str
    title: str
    procedure: Procedure | None = None
    standing: Standing | None = None
    report: Report | None = None
    draft: ProcedureVersion | None = None
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
        *_returned(user),
        *_to_review(user),
        *_reports(by_id, standing, today, everyone=everyone),
        *_reviews(procedures, standing, views, today),
        *_feedback(by_id, standing, views),
    ]
    if everyone:
        entries += _searches(today)
    return Queue(entries, today)


def _returned(user: Visitor) -> list[Entry]:
    """Drafts sent back to `user`, with the reviewer's comment, each leading to the draft to fix
    (a batch's: to the batch, submitted again as one)."""
    drafts = reviews.returned_to(user)
    people = names(draft.returned_by_id for draft in drafts)
    return [
        Entry(
            kind="returned",
            why=f"{people.get(first.returned_by_id or 0, '审核人')} 退回修改："
            f"{_quoted(first.review_comment)}",
            title=_title(first, count),
            procedure=first.procedure,
            draft=first,
            address=first.batch.get_absolute_url()
            if first.batch
            else reverse("admin:procedures_procedureversion_change", args=[first.pk]),
        )
        for first, count in _by_batch(drafts)
    ]


def _to_review(user: Visitor) -> list[Entry]:
    """Drafts waiting for a review `user` may give, the longest-waiting first, each leading to
    where it is reviewed (a batch's: the batch, reviewed as one)."""
    drafts = reviews.to_review(user)
    people = names(draft.submitted_by_id for draft in drafts)
    return [
        Entry(
            kind="to_review",
            why=f"{people.get(first.submitted_by_id or 0, '编辑')} 提交审核："
            f"{first.batch.change_summary if first.batch else first.change_summary}",
            title=_title(first, count),
            procedure=first.procedure,
            draft=first,
            address=first.batch.get_absolute_url()
            if first.batch
            else reverse("procedures:publish", args=[first.pk]),
        )
        for first, count in _by_batch(drafts)
    ]


def _by_batch(drafts: list[ProcedureVersion]) -> list[tuple[ProcedureVersion, int]]:
    """Each draft on its own, and a batch's drafts as one (its first), with how many they are."""
    groups: dict[tuple[str, int], list[ProcedureVersion]] = {}
    for draft in drafts:
        key = ("batch", draft.batch_id) if draft.batch_id else ("draft", draft.pk)
        groups.setdefault(key, []).append(draft)
    return [(group[0], len(group)) for group in groups.values()]


def _title(draft: ProcedureVersion, count: int) -> str:
    return f"批量修订：{draft.batch}（{count} 个事项）" if draft.batch else draft.title


def _quoted(comment: str) -> str:
    """A comment on one line, cut short where it is long."""
    return Truncator(re.sub(r"\s+", " ", comment).strip()).chars(COMMENT_QUOTED)


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
    returned: int
    to_review: int


def waiting_for(user: Visitor) -> Waiting:
    """The size of `user`'s own queue, kept between requests under the pages' generation (a
    publication), the standings' (owners, checks, users), WAITING (reports, residents' answers,
    drafts entering or leaving review, the review rules), each renewed by `upkeep.receivers`,
    and the permissions' (who may review)."""
    generations = (
        page_cache.generation(GENERATION),
        page_cache.generation(WAITING),
        page_cache.generation(kept_permissions.GENERATION),
    )
    key = page_cache.fragment_key("upkeep-waiting", user.pk, generations)
    kept = page_cache.fragment(key)
    if isinstance(kept, Waiting):
        return kept
    found = build(user, everyone=False)
    waiting = Waiting(
        len(found.entries),
        found.overdue_reports,
        returned=len(found.of_kind("returned")),
        to_review=len(found.of_kind("to_review")),
    )
    page_cache.keep_fragment(key, waiting)
    return waiting
