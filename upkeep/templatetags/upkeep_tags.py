"""What upkeep adds to pages it does not own: the procedure page (who owns it, when it was
last checked, the reader's reports), the home page (what waits for the reader), and the
review pages (the reports a draft will close).

Each tag decides on its own whom it shows anything to.
"""

from typing import Any

from django import template
from django.db.models import Q
from django.template.context import Context
from django.template.loader import render_to_string

from procedures.models import Procedure, ProcedureVersion
from procedures.reader_parts import kept_for_reader
from sopdesk import page_cache
from upkeep import queue, roles
from upkeep.models import Report, ReviewCheck
from upkeep.ownership import GENERATION, kept_standing
from upkeep.queue import WAITING

register = template.Library()
MY_REPORTS_SHOWN = 5
CHECKS_SHOWN = 50
PANEL_FIELDS = ("reporter", "part", "part_label", "cause", "status", "resolution", "created_at")


@register.simple_tag(takes_context=True)
def upkeep_on_procedure(context: Context) -> str:
    """内容核对 on a staff page: kept for the reader until owners, checks or reports change."""
    request = context.get("request")
    version: ProcedureVersion | None = context.get("version")
    procedure: Procedure | None = context.get("procedure")
    if request is None or version is None or procedure is None:
        return ""
    if version.is_draft or not context.get("in_force") or not roles.can_report(request.user):
        return ""
    path = request.get_full_path()
    generations = (page_cache.generation(GENERATION), page_cache.generation(WAITING))

    def render(token: str) -> str:
        return render_to_string(
            "upkeep/_procedure_panel.html", _panel(request.user, procedure, version, path, token)
        )

    return kept_for_reader(
        context, "upkeep-panel", (procedure.pk, version.pk, path, generations), render
    )


def _panel(
    user: Any, procedure: Procedure, version: ProcedureVersion, path: str, token: str
) -> dict[str, Any]:
    kept = kept_standing(procedure)
    stewards = kept.standing.stewards
    handles = roles.handles(user, procedure, stewards)
    # One query: the reader's own reports on it, and (for whoever handles it) the open ones.
    wanted = Q(reporter=user) | Q(status=Report.Status.OPEN) if handles else Q(reporter=user)
    # Only what the panel prints: compiling the version's columns for a join no row needs was
    # most of the query's cost.
    rows = list(
        Report.objects.filter(wanted, procedure=procedure)
        .only(*PANEL_FIELDS)
        .order_by("-created_at")
    )
    mine = [report for report in rows if report.reporter_id == user.pk][:MY_REPORTS_SHOWN]
    open_reports = sum(1 for report in rows if report.is_open) if handles else 0
    return {
        "shown": True,
        "procedure": procedure,
        "version": version,
        "standing": kept.standing,
        "overdue": kept.standing.overdue(),
        "owner_name": kept.owner_name,
        "backup_name": kept.backup_name,
        "handles": handles,
        "mine": mine,
        "open_reports": open_reports,
        "csrf_token": token,
        "next": path,
    }


@register.inclusion_tag("upkeep/_home_panel.html", takes_context=True)
def upkeep_home(context: Context) -> dict[str, Any]:
    """待我处理 (owners, 审核发布) and 我的报错 (everyone who reports)."""
    request = context.get("request")
    user = request.user if request is not None else None
    if user is None or not roles.can_report(user):
        return {"shown": False}
    waiting = None
    overdue_everyone = 0
    if roles.sees_queue(user):
        waiting = queue.waiting_for(user)
        if roles.handles_all(user):
            overdue_everyone = queue.overdue_report_count()
    mine = Report.objects.filter(reporter=user)
    return {
        "shown": True,
        "waiting": waiting,
        "overdue_everyone": overdue_everyone,
        "mine_open": mine.filter(status=Report.Status.OPEN).count(),
        "mine_closed": list(
            mine.exclude(status=Report.Status.OPEN)
            .select_related("procedure__latest_version", "fix_version")
            .order_by("-closed_at")[:3]
        ),
    }


@register.inclusion_tag("upkeep/_checks_list.html", takes_context=True)
def upkeep_checks(context: Context) -> dict[str, Any]:
    """复核记录 under a procedure's history, for staff: each 已复核，无需修改 and its note."""
    request = context.get("request")
    procedure: Procedure | None = context.get("procedure")
    if request is None or procedure is None or not roles.can_report(request.user):
        return {"shown": False}
    checks = ReviewCheck.objects.filter(procedure=procedure).select_related("version", "by")
    return {"shown": True, "checks": list(checks[:CHECKS_SHOWN])}


@register.inclusion_tag("upkeep/_fixes.html")
def upkeep_fixes(draft: ProcedureVersion) -> dict[str, Any]:
    """The open reports this draft will close when it is published."""
    return {
        "reports": list(
            Report.objects.filter(fix_version=draft, status=Report.Status.OPEN).order_by(
                "created_at"
            )
        )
    }
