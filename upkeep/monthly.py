"""月度报告: what was checked, what was reported and how fast it closed, what keeps coming back
(一类事), and what is overdue. One month, as a page and as CSV rows."""

import csv
import dataclasses
import datetime
import io
import statistics
from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from procedures.models import Material, Procedure, ProcedureVersion
from upkeep.models import PageFeedback, Report, ReviewCheck
from upkeep.ownership import standings
from upkeep.working_days import working_days_between

RECURRING_AT_LEAST = 2


@dataclasses.dataclass
class LineRow:
    category: str
    confirmed: int = 0  # 已复核，无需修改
    republished: int = 0  # new versions published
    opened: int = 0
    closed: int = 0
    overdue: int = 0


@dataclasses.dataclass
class Monthly:
    first: datetime.date
    lines: list[LineRow]
    causes: list[tuple[str, int, int]]  # label, opened, closed
    closed: int
    on_time: int
    median_days: float | None
    mean_days: float | None
    recurring: list[tuple[str, int, list[str]]]  # what, reports, procedures
    overdue_reports: list[Report]
    overdue_reviews: list[tuple[Procedure, datetime.date]]
    helpful: int
    unhelpful: int
    feedback_reasons: list[tuple[str, int]]
    reports: list[Report]

    @property
    def label(self) -> str:
        return f"{self.first.year}年{self.first.month}月"

    @property
    def reviewed(self) -> int:
        return sum(row.confirmed + row.republished for row in self.lines)

    @property
    def opened(self) -> int:
        return sum(row.opened for row in self.lines)


def month_bounds(
    first: datetime.date,
) -> tuple[datetime.datetime, datetime.datetime, datetime.date]:
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(following, datetime.time.min, tzinfo=tz)
    return start, end, following


def build(first: datetime.date, today: datetime.date | None = None) -> Monthly:
    today = today or timezone.localdate()
    start, end, following = month_bounds(first)
    # Overdue as of the month's end, or today for the month under way.
    as_of = min(today, following - datetime.timedelta(days=1))
    lines: dict[str, LineRow] = {}

    def line(name: str) -> LineRow:
        return lines.setdefault(name, LineRow(name))

    for name in ReviewCheck.objects.filter(at__gte=start, at__lt=end).values_list(
        "procedure__category__name", flat=True
    ):
        line(name).confirmed += 1
    for name in (
        ProcedureVersion.objects.enacted()
        .filter(published_at__gte=start, published_at__lt=end)
        .values_list("procedure__category__name", flat=True)
    ):
        line(name).republished += 1

    opened = list(
        Report.objects.filter(created_at__gte=start, created_at__lt=end)
        .select_related(
            "procedure__category",
            "procedure__latest_version",
            "version",
            "reporter",
            "closed_by",
            "fix_version",
        )
        .order_by("created_at")
    )
    for report in opened:
        row = line(report.procedure.category.name)
        row.opened += 1
        if not report.is_open and report.closed_at is not None and report.closed_at < end:
            row.closed += 1
    closed_in_month = list(
        Report.objects.filter(closed_at__gte=start, closed_at__lt=end).only(
            "created_at", "closed_at", "due_on"
        )
    )
    days = [
        working_days_between(
            timezone.localtime(r.created_at).date(), timezone.localtime(r.closed_at).date()
        )
        for r in closed_in_month
        if r.closed_at is not None
    ]
    on_time = sum(
        1
        for r in closed_in_month
        if r.closed_at is not None and timezone.localtime(r.closed_at).date() <= r.due_on
    )
    overdue_reports = list(
        Report.objects.filter(created_at__lt=end, due_on__lt=as_of)
        .filter(Q(status=Report.Status.OPEN) | Q(closed_at__gte=end))
        .select_related("procedure__category", "procedure__latest_version", "version")
        .order_by("due_on")
    )
    for report in overdue_reports:
        line(report.procedure.category.name).overdue += 1

    by_cause = Counter(r.cause for r in opened)
    closed_by_cause = Counter(r.cause for r in opened if not r.is_open)
    causes = [
        (label, by_cause[value], closed_by_cause[value]) for value, label in Report.Cause.choices
    ]

    public = list(Procedure.objects.public())
    found = standings(public)
    overdue_reviews = sorted(
        (
            (p, found[p.pk].due_on)
            for p in public
            if found[p.pk].due_on is not None and found[p.pk].due_on < as_of  # type: ignore[operator]
        ),
        key=lambda pair: pair[1],  # type: ignore[arg-type, return-value]
    )

    feedback = PageFeedback.objects.filter(created_at__gte=start, created_at__lt=end)
    totals = feedback.aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    reasons = Counter(
        feedback.filter(helpful=False).exclude(reason="").values_list("reason", flat=True)
    )
    return Monthly(
        first=first,
        lines=sorted(lines.values(), key=lambda row: row.category),
        causes=causes,
        closed=len(closed_in_month),
        on_time=on_time,
        median_days=statistics.median(days) if days else None,
        mean_days=round(statistics.mean(days), 1) if days else None,
        recurring=_recurring(opened),
        overdue_reports=overdue_reports,
        overdue_reviews=overdue_reviews,  # type: ignore[arg-type]
        helpful=totals["yes"],
        unhelpful=totals["no"],
        feedback_reasons=[(PageFeedback.Reason(r).label, n) for r, n in reasons.most_common()],
        reports=opened,
    )


def _recurring(reports: list[Report]) -> list[tuple[str, int, list[str]]]:
    """一类事: one kind of material reported more than once (in any procedures), or one cause
    reported more than once about one procedure."""
    material_ids = [r.part_id for r in reports if r.part == Report.Part.MATERIAL and r.part_id]
    kinds = dict(
        Material.objects.filter(pk__in=material_ids, kind__isnull=False).values_list(
            "pk", "kind__name"
        )
    )
    groups: dict[str, list[Report]] = defaultdict(list)
    for report in reports:
        kind = kinds.get(report.part_id) if report.part == Report.Part.MATERIAL else None
        if kind:
            groups[f"材料「{kind}」"].append(report)
        groups[f"{report.procedure}：{report.get_cause_display()}"].append(report)
    found = [
        (what, len(items), sorted({str(r.procedure) for r in items}))
        for what, items in groups.items()
        if len(items) >= RECURRING_AT_LEAST
    ]
    return sorted(found, key=lambda item: (-item[1], item[0]))


def as_csv(monthly: Monthly) -> str:
    """The report as rows a spreadsheet opens: section, item, figures."""
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 with its mark
    writer = csv.writer(out)
    writer.writerow(["月份", monthly.label])
    writer.writerow([])
    writer.writerow(
        ["按条线", "条线", "已复核无需修改", "发布新版本", "新报错", "已关闭", "逾期未办结"]
    )
    for row in monthly.lines:
        writer.writerow(
            [
                "按条线",
                row.category,
                row.confirmed,
                row.republished,
                row.opened,
                row.closed,
                row.overdue,
            ]
        )
    writer.writerow([])
    writer.writerow(["按原因", "原因", "新报错", "已关闭"])
    for label, opened, closed in monthly.causes:
        writer.writerow(["按原因", label, opened, closed])
    writer.writerow([])
    writer.writerow(["办结", "本月关闭", "按期关闭", "工作日中位数", "工作日平均"])
    writer.writerow(
        [
            "办结",
            monthly.closed,
            monthly.on_time,
            monthly.median_days or "",
            monthly.mean_days or "",
        ]
    )
    writer.writerow([])
    writer.writerow(["一类事", "问题", "报错次数", "涉及事项"])
    for what, count, procedures in monthly.recurring:
        writer.writerow(["一类事", what, count, "、".join(procedures)])
    writer.writerow([])
    writer.writerow(["逾期报错", "事项", "位置", "原因", "期限"])
    for report in monthly.overdue_reports:
        writer.writerow(
            [
                "逾期报错",
                str(report.procedure),
                report.where,
                report.get_cause_display(),
                report.due_on,
            ]
        )
    writer.writerow([])
    writer.writerow(["逾期复核", "事项", "复核日期"])
    for procedure, due in monthly.overdue_reviews:
        writer.writerow(["逾期复核", str(procedure), due])
    writer.writerow([])
    writer.writerow(["居民反馈", "有帮助", "没帮到"])
    writer.writerow(["居民反馈", monthly.helpful, monthly.unhelpful])
    for label, count in monthly.feedback_reasons:
        writer.writerow(["没帮到的原因", label, count])
    writer.writerow([])
    writer.writerow(
        [
            "报错明细",
            "报告时间",
            "事项",
            "条线",
            "位置",
            "原因",
            "描述",
            "办件编号",
            "状态",
            "处理结果",
        ]
    )
    for report in monthly.reports:
        writer.writerow(
            [
                "报错明细",
                timezone.localtime(report.created_at).strftime("%Y-%m-%d %H:%M"),
                str(report.procedure),
                report.procedure.category.name,
                report.where,
                report.get_cause_display(),
                report.description,
                report.case_number,
                report.get_status_display(),
                report.resolution,
            ]
        )
    return out.getvalue()
