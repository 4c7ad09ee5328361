import pytest
from playwright.sync_api import expect

from procedures.roles import WINDOW_STAFF
from tests.browser.conftest import log_in, log_out, switch_user
from tests.factories import make_published, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_find_a_procedure_from_the_home_page_and_copy_its_checklist(page, screenshot):
    make_published("生育服务手册", aliases=["准生证"])
    make_published("独生子女父母光荣证")
    make_user("window", WINDOW_STAFF)
    log_in(page, "window")
    page.goto("/")
    screenshot("home-staff")
    page.get_by_role("link", name="计划生育").click()
    page.get_by_role("link", name="生育服务手册").click()
    assert page.locator("h1").inner_text() == "生育服务手册"
    assert page.get_by_text("内部：先查系统").is_visible()
    page.get_by_role("button", name="复制清单").click()
    page.get_by_text("已复制材料清单").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    screenshot("procedure-staff", full_page=True)
    assert copied.startswith("【生育服务手册】需带材料：")
    assert "☐ 居民身份证（原件，1 份，必需）" in copied
    assert "按情形：委托他人代办的" in copied
    assert "内部" not in copied


def test_staff_reach_a_procedure_with_the_keyboard_alone(page):
    make_published("生育服务手册")
    page.goto("/")
    assert page.evaluate("document.activeElement.id") == "home-q"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("计划生育")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/categories/ji-hua-sheng-yu/")


def test_a_clerks_recent_list_follows_them_and_not_the_next_clerk_on_the_pc(page, screenshot):
    """我最近查看 is kept in a cookie signed for the clerk (no session write per page)."""
    make_published("生育服务手册")
    make_published("独生子女父母光荣证")
    make_user("window", WINDOW_STAFF)
    make_user("other", WINDOW_STAFF)
    log_in(page, "window")
    for title in ("生育服务手册", "独生子女父母光荣证"):
        page.goto("/")
        page.get_by_role("link", name="计划生育").click()
        page.get_by_role("link", name=title).click()
        page.locator("h1").wait_for()
    page.goto("/")
    recent = page.locator("section", has=page.get_by_role("heading", name="我最近查看"))
    assert recent.get_by_role("link").all_inner_texts() == ["独生子女父母光荣证", "生育服务手册"]
    screenshot("home-recent-list")
    switch_user(page, "other")
    page.goto("/")
    assert page.get_by_role("heading", name="我最近查看").count() == 0
    screenshot("home-recent-list-next-clerk")
    switch_user(page, "window")
    page.goto("/")
    assert recent.get_by_role("link").all_inner_texts() == ["独生子女父母光荣证", "生育服务手册"]


def test_a_clerk_taken_off_the_window_stops_seeing_internal_notes_at_once(page, screenshot):
    """Permissions are kept between requests, and forgotten the moment they change."""
    version = make_published("生育服务手册")
    clerk = make_user("window", WINDOW_STAFF)
    log_in(page, "window")
    page.goto(version.procedure.get_absolute_url())
    assert page.get_by_text("内部：先查系统").is_visible()
    clerk.groups.clear()
    page.reload()
    assert page.locator("h1").inner_text() == "生育服务手册"
    assert page.get_by_text("内部：先查系统").count() == 0
    screenshot("procedure-after-leaving-the-window")


def test_a_clerks_kept_page_follows_their_reading_reports_and_signing_out(page, screenshot):
    """A clerk's page is kept for them between views (issue 15): what they do on it shows at
    once, the buttons of a kept page still work, and signing out ends the kept session."""
    version = make_published("生育服务手册")
    make_user("window", WINDOW_STAFF)
    log_in(page, "window")
    url = version.procedure.get_absolute_url()
    for _ in range(2):  # the second view is the kept one
        page.goto(url)
    training = page.locator("#training-confirm")
    assert "我已读完第 1 版" in training.inner_text()
    page.wait_for_load_state()
    page.locator("[data-read-end]").scroll_into_view_if_needed()
    button = training.get_by_role("button", name="我已读完第 1 版")
    expect(button).to_be_enabled()
    with page.expect_navigation():
        button.click()
    page.reload()
    assert "已读现版" in page.locator("#training-confirm").inner_text()

    page.locator("#upkeep-panel").get_by_role("link", name="报告问题 / 办不成").click()
    page.get_by_label("信息过时").check()
    page.get_by_label("问题描述").fill("咨询电话已换号")
    page.get_by_role("button", name="提交报错").click()
    page.get_by_text("已提交。负责人会在").wait_for()
    page.goto(url)
    panel = page.locator("#upkeep-panel")
    assert "我对本事项的报错" in panel.inner_text()
    panel.scroll_into_view_if_needed()
    screenshot("procedure-kept-panels-after-reading-and-reporting", full_page=True)

    log_out(page)
    page.goto(url)
    assert page.get_by_role("link", name="工作人员登录").is_visible()
    assert page.locator("#training-confirm").count() == 0
    assert page.get_by_text("内部：先查系统").count() == 0
