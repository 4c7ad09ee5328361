"""月度报告, as a page and as CSV."""

import datetime
import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from upkeep import monthly as reports
from upkeep import roles

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _month(request: HttpRequest) -> tuple[datetime.date, str]:
    """The month asked for (this month if none), and a message when the value was not one."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    value = request.GET.get("month", "")
    if not value:
        return this_month, ""
    match = MONTH.match(value)
    if match and 2000 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12:
        return datetime.date(int(match[1]), int(match[2]), 1), ""
    return this_month, f"“{value[:20]}”不是月份（格式如 2026-11），显示本月。"


def _allowed_or_403(request: HttpRequest) -> None:
    if not roles.sees_queue(request.user):
        raise PermissionDenied("月度报告给编辑和审核发布人员看。")


@require_GET
@login_required
def monthly(request: HttpRequest) -> HttpResponse:
    _allowed_or_403(request)
    first, problem = _month(request)
    found = reports.build(first)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    context = {
        "monthly": found,
        "problem": problem,
        "previous": previous,
        "following": following if following <= timezone.localdate() else None,
        "month_value": f"{first:%Y-%m}",
    }
    return render(request, "upkeep/monthly.html", context)


@require_GET
@login_required
def monthly_csv(request: HttpRequest) -> HttpResponse:
    _allowed_or_403(request)
    first, _ = _month(request)
    response = HttpResponse(
        reports.as_csv(reports.build(first)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="upkeep-{first:%Y-%m}.csv"'
    return response
