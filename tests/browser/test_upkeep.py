"""Keeping items true, in the browser (issue 16): a clerk reports an outdated material, its
owner fixes it in a new version linked to the report, a reviewer publishes it and the clerk
sees the report closed; an item past its review date shows 待复核 and closes with
已复核，无需修改; a resident on a phone says a page did not help. The monthly report lists them.
"""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from procedures.roles import EDITORS, PUBLISHERS, WINDOW_STAFF
from tests.browser.conftest import confirm_publish, log_in, open_review, save_draft, switch_user
from tests.factories import make_category, make_published, make_user
from upkeep.models import CategoryUpkeep, PageFeedback, Report, ReviewCheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOTE = "须提供户口簿原件，窗口不再收复印件"


@pytest.fixture
def hall():
    """生育服务手册 in 计划生育, owned by the editor 小李 (backup: reviewer 老张); clerk 小王."""
    category = make_category("计划生育")
    version = make_published("生育服务手册", slug="sheng-yu", category=category)
    owner = make_user("xiaoli", EDITORS, is_staff=True, first_name="小李")
    reviewer = make_user("laozhang", PUBLISHERS, is_staff=True, first_name="老张")
    make_user("xiaowang", WINDOW_STAFF, first_name="小王")
    CategoryUpkeep.objects.create(category=category, owner=owner, backup=reviewer)
    return version


def material_row(page, name: str):
    return page.locator(".checklist__item", has=page.locator(".checklist__name", has_text=name))


def test_a_clerk_reports_an_outdated_material_and_sees_it_closed_by_the_fix(page, screenshot, hall):
    # 小王, at the window, reports that 户口簿 is no longer accepted as a copy.
    log_in(page, "xiaowang")
    page.goto("/procedures/sheng-yu/")
    page.locator("#materials").scroll_into_view_if_needed()
    screenshot("upkeep-a0-staff-page-report-links")
    row = material_row(page, "户口簿")
    row.get_by_role("link", name="报错").click()
    page.get_by_role("heading", name="报告问题").wait_for()
    assert "材料：户口簿" in page.locator(".lead").inner_text()
    page.get_by_label("材料要求已变").check()
    page.get_by_label("问题描述").fill("窗口已不收户口簿复印件，居民带了复印件被退回。")
    page.get_by_label("办件编号（可不填）").fill("SY-2026-1203-07")
    screenshot("upkeep-a1-clerk-reports-material")
    page.get_by_role("button", name="提交报错").click()
    page.get_by_text("已提交。负责人会在").wait_for()
    screenshot("upkeep-a2-report-filed")
    report = Report.objects.get()
    assert (report.part, report.part_label, report.version) == ("material", "户口簿", hall)

    # 小李, its owner, sees it first in her queue, and drafts the fix from it.
    switch_user(page, "xiaoli")
    page.goto("/")
    panel = page.locator(".upkeep-home")
    assert "待我处理 1 项" in panel.inner_text().replace("\n", " ")
    panel.screenshot(path="var/screenshots/upkeep-a2b-home-count.png")
    panel.get_by_role("link", name="待我处理").click()
    entry = page.locator(".upkeep-entry").first
    assert "报错（材料要求已变）：材料：户口簿" in entry.inner_text()
    screenshot("upkeep-a3-owner-queue", full_page=True)
    entry.get_by_role("link", name="生育服务手册").click()
    screenshot("upkeep-a3b-report-page-for-owner", full_page=True)
    page.get_by_role("button", name="起草修改").click()
    page.get_by_text("这条报错已关联到草稿").wait_for()
    hukou = page.locator(
        "#materials-group .inline-related", has=page.locator("input[value='户口簿']")
    )
    hukou.locator("select[name$='-form']").select_option("original")
    hukou.locator("input[name$='-note']").fill(NOTE)
    save_draft(page)
    page.get_by_role("link", name="提交审核…").click()
    assert "发布后将关闭的报错（1 条）" in page.locator(".upkeep-fixes").inner_text()
    page.fill("#id_change_summary", "户口簿改为只收原件")
    screenshot("upkeep-a4-submit-with-linked-report", full_page=True)
    page.get_by_role("button", name="提交审核", exact=True).click()
    page.get_by_text("已提交审核：“生育服务手册”").wait_for()

    # 老张 reviews and publishes: the review page names the report it closes.
    switch_user(page, "laozhang")
    page.goto(f"/admin/procedures/procedureversion/{report.procedure.draft().pk}/change/")
    open_review(page)
    assert "窗口已不收户口簿复印件" in page.locator(".upkeep-fixes").inner_text()
    confirm_publish(page, "户口簿改为只收原件", number=2)
    report.refresh_from_db()
    assert report.status == Report.Status.FIXED and report.fix_version.number == 2

    # 小王 sees what happened to her report, and the page as it is now.
    switch_user(page, "xiaowang")
    page.goto("/")
    page.locator(".upkeep-home").get_by_role("link", name="我的报错").click()
    mine = page.locator(".upkeep-table").inner_text()
    assert "已修改" in mine and "第 2 版已修改：户口簿改为只收原件" in mine
    screenshot("upkeep-a5-clerk-sees-closed")
    page.get_by_role("link", name="生育服务手册").click()
    page.get_by_role("link", name="看看第 2 版改了什么").click()
    assert NOTE in page.locator("main").inner_text()
    screenshot("upkeep-a6-what-changed", full_page=True)

    # The monthly report lists it, closed on time.
    switch_user(page, "laozhang")
    page.goto("/upkeep/monthly/")
    text = page.locator("main").inner_text()
    assert "材料：户口簿：材料要求已变" in text and "第 2 版已修改" in text
    screenshot("upkeep-a7-monthly", full_page=True)


@pytest.fixture
def overdue_item():
    """独生子女证, published 200 days ago in 社区事务, whose 条线 has no owner yet."""
    past = timezone.now() - datetime.timedelta(days=200)
    with mock.patch("django.utils.timezone.now", return_value=past):
        version = make_published(
            "独生子女证", slug="du-sheng", category=make_category("社区事务", slug="she-qu")
        )
    make_user("xiaoli", EDITORS, is_staff=True, first_name="小李")
    make_user("laozhang", PUBLISHERS, is_staff=True, first_name="老张")
    return version


def test_an_overdue_review_shows_as_due_and_closes_with_no_change_needed(
    page, screenshot, overdue_item
):
    # 老张 gives the 条线 an owner and a 180-day interval.
    log_in(page, "laozhang")
    page.goto("/upkeep/")
    page.get_by_role("link", name="负责人与复核周期").click()
    page.get_by_role("row", name="社区事务").get_by_role("link", name="设置").click()
    page.locator(".upkeep-line select[name=owner]").select_option(label="小李")
    page.locator(".upkeep-line select[name=backup]").select_option(label="老张")
    assert page.locator(".upkeep-table").get_by_text("待复核").count() == 1
    screenshot("upkeep-b1-assign-owner", full_page=True)
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存“社区事务”的负责人与复核周期。").wait_for()

    # 小李 sees it 待复核 in her queue and on the page.
    switch_user(page, "xiaoli")
    page.goto("/upkeep/?show=mine")
    entry = page.locator("#section-review ~ .upkeep-queue .upkeep-entry")
    assert "待复核：复核日期" in entry.inner_text()
    screenshot("upkeep-b2-review-due", full_page=True)
    entry.get_by_role("link", name="独生子女证").click()
    panel = page.locator("#upkeep-panel")
    assert "待复核" in panel.inner_text()
    screenshot("upkeep-b3-page-due")
    panel.get_by_label("复核说明（可不填）").fill("已与区卫健委核对，政策未变")
    panel.get_by_role("button", name="已复核，无需修改").click()
    page.get_by_text("已记录“已复核，无需修改”。下次复核日期：").wait_for()
    panel = page.locator("#upkeep-panel")
    assert "（已复核，无需修改）" in panel.inner_text() and "待复核" not in panel.inner_text()
    screenshot("upkeep-b4-checked")
    check = ReviewCheck.objects.get()
    assert (check.by.username, check.note) == ("xiaoli", "已与区卫健委核对，政策未变")
    page.goto("/upkeep/?show=mine")
    assert page.locator(".upkeep-entry").count() == 0

    page.goto("/upkeep/monthly/")
    lines = page.locator(".upkeep-table").first.inner_text()
    assert "社区事务" in lines
    screenshot("upkeep-b5-monthly", full_page=True)


def test_a_resident_on_a_phone_marks_a_page_as_unhelpful(phone, hall, live_server):
    phone.goto("/procedures/sheng-yu/")
    question = phone.get_by_role("heading", name="这个页面对您有帮助吗？")
    question.scroll_into_view_if_needed()
    phone.get_by_text("没帮到", exact=True).click()
    phone.get_by_label("和窗口说的不一样").check()
    phone.get_by_label("还想说的").fill("窗口说户口簿要原件")
    phone.locator(".feedback").screenshot(path="var/screenshots/upkeep-c1-phone-feedback.png")
    phone.get_by_role("button", name="提交").click()
    phone.get_by_role("heading", name="谢谢您的反馈").wait_for()
    phone.screenshot(path="var/screenshots/upkeep-c2-phone-thanks.png")
    row = PageFeedback.objects.get()
    assert (row.helpful, row.reason, row.comment) == (False, "differs", "窗口说户口簿要原件")
    thanks = phone.url
    phone.get_by_role("link", name="返回“生育服务手册”").click()
    assert phone.url.endswith("/procedures/sheng-yu/")
    # The thanks page's address, opened again from the history, leads back to the page.
    phone.goto(thanks)
    assert phone.url.endswith("/procedures/sheng-yu/")
    assert PageFeedback.objects.count() == 1

    # The owner finds it on the item's feedback page and in the monthly report.
    log_in(phone, "xiaoli")
    phone.goto("/upkeep/procedures/sheng-yu/feedback/")
    assert "窗口说户口簿要原件" in phone.locator(".upkeep-table").inner_text()
    phone.screenshot(path="var/screenshots/upkeep-c3-owner-feedback.png", full_page=True)
    phone.goto("/upkeep/monthly/")
    assert "和窗口说的不一样：1 次" in phone.locator("main").inner_text()
    phone.screenshot(path="var/screenshots/upkeep-c4-monthly-phone.png", full_page=True)
