"""月度报告: checks, reports by cause and 条线, time to close, 一类事, overdue; page and CSV."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_category, make_published, publish_change
from tests.upkeep.factories import report_on, report_on_material
from upkeep import monthly, rechecks, reports
from upkeep.models import PageFeedback, Report

pytestmark = pytest.mark.django_db


def file(version, by, cause="material_changed", part="material"):
    if part == "page":
        return report_on(version, by, cause=cause, description="窗口已不收复印件")
    return report_on_material(version, by, cause=cause, description="窗口已不收复印件")


@pytest.fixture
def month(births, clerk, owner):
    """This month: births checked once and republished, three reports (two on one kind of
    material in two procedures, one closed), feedback."""
    other = make_published("独生子女证", category=make_category("社区事务"))
    rechecks.confirm_unchanged(births.procedure, by=owner)
    first = file(births, clerk)
    file(other, clerk)  # the same default material kind, another procedure
    page = file(births, clerk, cause="outdated", part="page")
    reports.close_unchanged(page, reason="电话无误", by=owner)
    second = publish_change(births, effective_from=timezone.localdate(), change_summary="原件核验")
    reports.close_fixed_by(first, version=second, by=owner)
    PageFeedback.objects.create(procedure=births.procedure, version=second, helpful=True)
    PageFeedback.objects.create(
        procedure=births.procedure, version=second, helpful=False, reason="differs"
    )
    return timezone.localdate().replace(day=1)


def test_the_month_counts_checks_reports_closing_and_feedback(month):
    found = monthly.build(month)
    lines = {row.category: row for row in found.lines}
    # versions 1 and 2 were both published this month (the first one by the fixture)
    assert (lines["计划生育"].confirmed, lines["计划生育"].republished) == (1, 2)
    assert lines["社区事务"].republished == 1
    assert (lines["计划生育"].opened, lines["计划生育"].closed) == (2, 2)
    assert (lines["社区事务"].opened, lines["社区事务"].closed) == (1, 0)
    causes = {label: (opened, closed) for label, opened, closed in found.causes}
    assert causes["材料要求已变"] == (2, 1) and causes["信息过时"] == (1, 1)
    assert (found.closed, found.on_time, found.median_days) == (2, 2, 0)
    assert (found.helpful, found.unhelpful) == (1, 1)
    assert found.feedback_reasons == [("和窗口说的不一样", 1)]


def test_a_kind_of_material_reported_in_two_procedures_is_one_recurring_cause(month):
    recurring = monthly.build(month).recurring
    kinds = [item for item in recurring if item[0].startswith("材料「")]
    assert len(kinds) == 1
    what, count, procedures = kinds[0]
    assert count == 2 and procedures == ["独生子女证", "生育服务手册"]


def test_reports_past_due_at_the_months_end_are_overdue(births, clerk):
    report = file(births, clerk, part="page", cause="outdated")
    Report.objects.filter(pk=report.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    first = timezone.localdate().replace(day=1)
    found = monthly.build(first)
    if timezone.localdate().day > 1:
        assert [r.pk for r in found.overdue_reports] == [report.pk]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    assert monthly.build(previous).overdue_reports == []


def test_the_page_and_csv_show_the_same_month(month, owner, clerk):
    client = Client()
    client.force_login(owner)
    page = client.get(reverse("upkeep:monthly"), {"month": f"{month:%Y-%m}"}).content.decode()
    assert f"月度报告：{month.year}年{month.month}月" in page
    assert "材料「" in page and "涉及 独生子女证、生育服务手册" in page
    response = client.get(reverse("upkeep:monthly_csv"), {"month": f"{month:%Y-%m}"})
    assert response["Content-Disposition"] == f'attachment; filename="upkeep-{month:%Y-%m}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["按原因", "材料要求已变", "2", "1"] in rows
    assert ["按条线", "计划生育", "1", "2", "2", "2", "0"] in rows
    details = [row for row in rows if row[:1] == ["报错明细"]]
    assert len(details) == 4  # the heading and three reports


def test_a_month_that_is_not_one_shows_this_month_and_says_so(owner):
    client = Client()
    client.force_login(owner)
    page = client.get(reverse("upkeep:monthly"), {"month": "2026-13"}).content.decode()
    assert "“2026-13”不是月份（格式如 2026-11），显示本月。" in page
    today = timezone.localdate()
    assert f"月度报告：{today.year}年{today.month}月" in page


def test_window_staff_do_not_see_the_monthly_report(clerk):
    client = Client()
    client.force_login(clerk)
    assert client.get(reverse("upkeep:monthly")).status_code == 403
