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
    FLOW_CASES,
    FLOW_MATERIALS,
    FLOW_QUESTIONS,
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


NOTES_READ = (
    "- 登录“全员人口信息系统”查询夫妻双方婚育史，重点核对现有子女数。\n"
    "- 系统里婚育史与申请表不一致的，先核实再受理，不要当场发手册。\n"
    "- 手册遗失补发也在本窗口办，系统里选“补发”。\n"
    "- 居民常把“准生证”“生育证”“生育登记”混着说，指的都是本事项。"
)
NOTES_NOW = (
    "- 2026 年 1 月 1 日起不审查婚姻状况，未婚生育的按“登记人”办理。\n"
    "- 全员人口信息系统中子女数与信息表不一致的，先核实再受理。\n"
    "- 手册遗失补发也在本窗口办，系统里选“补办”。\n"
    "- 居民常把“准生证”“生育证”“生育登记”混着说，指的都是本事项。"
)


def marked_lines(page, label: str) -> list[tuple[str, str]]:
    """Each line of a changed text as the reader sees it: its mark (删/增/改/none) and words."""
    text = page.locator(".diff-fields .diff-list > div").filter(has_text=label)
    return [
        (line.locator(".diff-line-mark").inner_text(), line.locator(".diff-line-text").inner_text())
        for line in text.locator(".diff-line").all()
    ]


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_staff_notes_rewritten_read_line_by_line_without_the_editors_test_cases(
    page, screenshot, new_hire, births, viewport
):
    """Rewritten lines are struck and written whole, a line edited shows its change inside it;
    compared character by character they had interleaved into “- 全员人口信息系统…中子女数”."""
    read = revise(births[0], staff_notes=NOTES_READ)
    receipt(new_hire, read)
    flow = {"questions": FLOW_QUESTIONS, "materials": FLOW_MATERIALS, "cases": FLOW_CASES}
    revise(read, staff_notes=NOTES_NOW, parts=flow)
    page.set_viewport_size(viewport)
    log_in(page, "xinren")
    page.goto("/training/")
    page.get_by_role("link", name="计划生育条线").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="只看改了什么").click()
    page.get_by_role("heading", name="生育服务手册：您读过之后改了什么").wait_for()
    before, after = NOTES_READ.splitlines(), NOTES_NOW.splitlines()
    assert marked_lines(page, "内部备注") == [
        ("删", before[0]),
        ("删", before[1]),
        ("增", after[0]),
        ("增", after[1]),
        ("改", after[2].replace("补办", "补发办")),  # 补<del>发</del><ins>办</ins>
        ("", before[3]),
    ]
    notes = page.locator(".diff-fields .diff-list > div").filter(has_text="内部备注")
    assert notes.locator(".diff-line--delete del").all_inner_texts() == before[:2]
    edited = notes.locator(".diff-line--change")
    assert (edited.locator("del").inner_text(), edited.locator("ins").inner_text()) == ("发", "办")
    guide = page.locator(".diff-guide")
    expect(guide).to_contain_text("问题「户籍」")
    expect(page.locator(".diff")).not_to_contain_text("测试用例")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(f"training-changes-notes-{viewport['width']}", full_page=True)
    notes.scroll_into_view_if_needed()
    screenshot(f"training-changes-notes-{viewport['width']}-screen")


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
