"""学习 in a real browser: a new hire walks a path, re-reads what changed, a trainer's matrix,
and reading and confirming on a phone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from procedures.roles import WINDOW_STAFF
from tests.browser.conftest import log_in
from tests.factories import (
    DEFAULT_MATERIALS,
    DEFAULT_STEPS,
    make_category,
    make_published,
    make_user,
)
from tests.training.factories import EDITORIAL, custom_path, receipt, revise
from tests.upkeep.factories import report_on, report_on_material
from training.models import Assignment, ReadingPath, ReadReceipt
from training.roles import TRAINERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 768}


@pytest.fixture
def births():
    category = make_category("计划生育")
    titles = ("生育服务手册", "独生子女父母光荣证", "独生子女父母奖励费")
    return [make_published(title, category=category) for title in titles]


@pytest.fixture
def new_hire(births):
    user = make_user("xinren", WINDOW_STAFF, last_name="李", first_name="思远")
    path = ReadingPath.objects.get(category__name="计划生育")
    Assignment.objects.create(
        user=user, path=path, due_date=timezone.localdate() + datetime.timedelta(days=7)
    )
    return user


def read_to_the_end_and_confirm(page):
    button = page.locator("#training-confirm button[type=submit]")
    # Not before the end of the page. The page may still be loading after the click that led
    # here (training.js runs at its end), so wait for the state rather than read it at once.
    page.wait_for_load_state()
    expect(button).to_be_disabled()
    page.locator("[data-read-end]").scroll_into_view_if_needed()
    expect(button).to_be_enabled()
    with page.expect_navigation():
        button.click()


def test_a_new_hire_walks_a_path_confirming_each_procedure(page, screenshot, new_hire, births):
    log_in(page, "xinren")
    page.goto("/training/")
    screenshot("training-home")
    page.get_by_role("link", name="计划生育条线").first.click()
    page.get_by_text("0 / 3 已读现版").wait_for()
    page.get_by_role("link", name="从第一项开始读").click()
    assert page.locator("h1").inner_text() == "生育服务手册"
    read_to_the_end_and_confirm(page)
    page.get_by_text("已记录：您已读完“生育服务手册”第 1 版。").wait_for()
    screenshot("training-confirmed", full_page=True)
    # Each click waits for the page it opens to load: a link clicked while the page is still
    # loading may be lost (seen on a loaded machine: the path page never came).
    with page.expect_navigation():
        page.locator(".training-path-nav").get_by_role("link", name="下一项").click()
    assert page.locator("h1").inner_text() == "独生子女父母光荣证"
    with page.expect_navigation():
        page.get_by_role("link", name="返回学习路径“计划生育条线”").click()
    page.get_by_text("1 / 3 已读现版").wait_for()
    screenshot("training-path", full_page=True)
    assert ReadReceipt.objects.get().version == births[0]


def test_a_substantive_change_brings_back_only_what_changed(page, screenshot, new_hire, births):
    receipt(new_hire, births[0])
    materials = [dict(DEFAULT_MATERIALS[0]), {**DEFAULT_MATERIALS[1], "copies": 2}]
    steps = [dict(DEFAULT_STEPS[0]), {"title": "审核", "body": "窗口当场审核，3 个工作日内办结。"}]
    second = revise(births[0], parts={"materials": materials, "steps": steps})
    log_in(page, "xinren")
    page.goto("/training/")
    page.locator("#rereads").get_by_role("link", name="生育服务手册").click()
    page.get_by_role("heading", name="生育服务手册：您读过之后改了什么").wait_for()
    diff = page.locator(".diff")
    assert "份数：1 份 → 2 份" in diff.inner_text()
    assert "删除 授权委托书" in diff.inner_text()
    assert "第 2 步 审核" in diff.inner_text()
    assert "提交申请" not in diff.inner_text()  # the unchanged step is not repeated
    screenshot("training-changes", full_page=True)
    read_to_the_end_and_confirm(page)
    page.get_by_text("已记录：您已读完“生育服务手册”第 2 版。").wait_for()
    assert ReadReceipt.objects.filter(user=new_hire, version=second).exists()
    page.goto("/training/")
    assert page.locator("#rereads").count() == 0


def test_an_editorial_change_does_not_bring_it_back(page, screenshot, new_hire, births):
    receipt(new_hire, births[0])
    revise(births[0], EDITORIAL, change_summary="错别字更正")
    log_in(page, "xinren")
    page.goto("/training/")
    assert page.locator("#rereads").count() == 0
    page.goto(f"/procedures/{births[0].procedure.slug}/")
    panel = page.locator("#training-confirm")
    assert "之后只有文字修订，不必重读" in panel.inner_text()
    assert panel.locator("button").count() == 0
    panel.scroll_into_view_if_needed()
    screenshot("training-editorial")


def test_a_trainer_sees_who_read_what(page, screenshot, births):
    make_user("coach", TRAINERS, WINDOW_STAFF)
    more = [make_published(f"事项{n}", category=births[0].procedure.category) for n in range(9)]
    path = custom_path("综窗新人第一周", *(v.procedure for v in births + more))
    for n, (last, first) in enumerate((("李", "思远"), ("陈", "佳怡"), ("王", "小雨"))):
        user = make_user(f"xinren{n}", WINDOW_STAFF, last_name=last, first_name=first)
        due = timezone.localdate() + datetime.timedelta(days=-2 if n == 2 else 7)
        Assignment.objects.create(user=user, path=path, due_date=due)
        for version in births[: 3 - n]:
            receipt(user, version)
    revise(births[0])  # the first procedure changed: old receipts are 已读旧版
    log_in(page, "coach")
    page.goto("/training/")
    page.get_by_role("link", name="管理学习路径与分配").click()
    page.get_by_role("row", name="综窗新人第一周").get_by_role("link", name="进度表").click()
    table = page.locator("table.matrix")
    table.wait_for()
    cells = {
        name: table.get_by_role("row", name=name).locator("td").all_inner_texts()[:3]
        for name in ("李思远（xinren0）", "王小雨（xinren2）")
    }
    assert cells["李思远（xinren0）"] == ["已读旧版", "已读现版", "已读现版"]
    assert cells["王小雨（xinren2）"] == ["到期未读"] * 3  # past due: even the old receipt
    assert "已读现版 3" in page.locator(".matrix-totals").inner_text()
    screenshot("training-matrix")
    scroller = page.locator(".matrix-scroll")
    assert scroller.evaluate("s => s.scrollWidth > s.clientWidth")  # 12 procedures: it scrolls
    name = table.get_by_role("rowheader", name="王小雨（xinren2）")
    left = name.bounding_box()["x"]
    scroller.evaluate("s => { s.scrollLeft = 600; }")
    assert name.bounding_box()["x"] == left  # the first column stays put
    screenshot("training-matrix-scrolled")
    # The page keeps the site's content width: the table's box lines up with the header's.
    header = page.locator(".site-header__inner").bounding_box()
    box = scroller.bounding_box()
    assert header is not None and box is not None
    assert abs(box["x"] - page.locator("h1").bounding_box()["x"]) < 1
    assert box["x"] + box["width"] <= header["x"] + header["width"]
    expect(page.get_by_text("左右滑动查看全部事项")).to_be_hidden()
    # On a phone: a hint above the table, and the names stay put while it scrolls.
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_text("左右滑动查看全部事项")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    left = name.bounding_box()["x"]
    scroller.evaluate("s => { s.scrollLeft = 300; }")
    assert name.bounding_box()["x"] == left
    scroller.evaluate("s => { s.scrollLeft = 0; }")
    screenshot("training-matrix-phone")


def test_a_new_hire_reads_and_confirms_on_a_phone(page, screenshot, new_hire, births):
    page.set_viewport_size(PHONE)
    log_in(page, "xinren")
    page.goto("/training/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("training-home-phone", full_page=True)
    # On the hall's home page, 学习 comes before the 条线, on the first screen.
    page.goto("/")
    block = page.locator(".training-home").bounding_box()
    categories = page.locator("#categories-heading").bounding_box()
    assert block is not None and categories is not None
    assert block["y"] < categories["y"] and block["y"] + block["height"] <= PHONE["height"]
    screenshot("hall-home-phone", full_page=True)
    page.goto("/training/")
    page.get_by_role("link", name="计划生育条线").first.click()
    page.get_by_role("link", name="从第一项开始读").click()
    read_to_the_end_and_confirm(page)
    page.get_by_text("已记录：您已读完").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#training-confirm").scroll_into_view_if_needed()
    screenshot("training-confirmed-phone")
    assert ReadReceipt.objects.filter(user=new_hire, version=births[0]).exists()


def test_without_javascript_the_button_works_at_once(browser, live_server, new_hire, births):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "xinren")
    page.goto(f"/procedures/{births[0].procedure.slug}/")
    with page.expect_navigation():
        page.get_by_role("button", name="我已读完第 1 版").click()
    assert ReadReceipt.objects.filter(user=new_hire, version=births[0]).exists()
    context.close()


def test_the_path_links_stay_put_when_the_reader_reaches_the_end(page, new_hire, births):
    """The hint above them goes when the button is ready, without moving them under the
    reader's pointer."""
    log_in(page, "xinren")
    page.goto("/training/")
    page.get_by_role("link", name="计划生育条线").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="从第一项开始读").click()
    back = page.get_by_role("link", name="返回学习路径“计划生育条线”")
    button = page.locator("#training-confirm button[type=submit]")
    expect(button).to_be_disabled()
    before = back.evaluate("link => link.getBoundingClientRect().top + window.scrollY")
    page.locator("[data-read-end]").scroll_into_view_if_needed()
    expect(button).to_be_enabled()
    after = back.evaluate("link => link.getBoundingClientRect().top + window.scrollY")
    assert after == before


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_a_jump_to_the_bottom_readies_the_button(page, screenshot, new_hire, births, viewport):
    """End, the scrollbar dragged down or a link: the page jumps, and the marker on top of the
    已读确认 box goes from below the screen to above it without ever being on it. Here the
    box and what follows are taller than the window, as on the demo's pages: the box says
    需重读, and 内容核对 lists the reader's own reports."""
    receipt(new_hire, births[0])
    second = revise(births[0])
    report_on(second, new_hire)
    report_on_material(second, new_hire)
    page.set_viewport_size(viewport)
    log_in(page, "xinren")
    path = ReadingPath.objects.get(category__name="计划生育")
    page.goto(f"/procedures/{births[0].procedure.slug}/?path={path.pk}")
    button = page.get_by_role("button", name="我已读完第 2 版")
    expect(button).to_be_disabled()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    marker = page.locator("[data-read-end]").evaluate("end => end.getBoundingClientRect().top")
    assert marker < 0  # jumped over: it was never on the screen
    expect(button).to_be_enabled()
    expect(page.get_by_text("请先读到页面底部")).to_be_hidden()
    screenshot(f"training-jumped-to-the-end-{viewport['width']}")
    with page.expect_navigation():
        button.click()
    page.get_by_text("已记录：您已读完“生育服务手册”第 2 版。").wait_for()
    assert ReadReceipt.objects.filter(user=new_hire, version=second).exists()


def test_halfway_down_the_button_still_waits(page, new_hire, births):
    log_in(page, "xinren")
    page.goto(f"/procedures/{births[0].procedure.slug}/")
    button = page.locator("#training-confirm button[type=submit]")
    expect(button).to_be_disabled()
    page.locator("[data-read-end]").evaluate(
        "end => window.scrollTo(0, end.getBoundingClientRect().top + scrollY - 2 * innerHeight)"
    )
    page.mouse.wheel(0, 100)
    page.wait_for_timeout(300)
    expect(button).to_be_disabled()
    expect(page.get_by_text("请先读到页面底部，再点“我已读完”。")).to_be_visible()


def test_a_page_shorter_than_the_window_readies_the_button_at_once(page, new_hire, births):
    page.set_viewport_size({"width": 1366, "height": 4000})
    log_in(page, "xinren")
    page.goto(f"/procedures/{births[0].procedure.slug}/")
    assert page.evaluate("document.documentElement.scrollHeight <= innerHeight")
    expect(page.locator("#training-confirm button[type=submit]")).to_be_enabled()
