"""历史版本 in a real browser: a resident on a phone reads what changed in each version and
compares two of them; a window clerk's wide screen keeps the table."""

import datetime

import pytest
from django.utils import timezone

from procedures import publishing
from tests.factories import make_published, publish_change

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
LONG = (
    "照片改为窗口现场采集电子照片，不再提交 3 张纸质二寸照片；户口簿改为通过电子证照库核验，"
    "不再收取复印件（未满 16 周岁无身份证的除外）；申请表更名为《残疾人证申办表》；"
    "承诺时限由 15 个工作日缩短为 10 个工作日。"
)


@pytest.fixture
def versions():
    """残疾人证 with five versions: first, a long change, one withdrawn before it took effect,
    a 文字修订 in force, and one 待施行."""
    today = timezone.localdate()
    later = today + datetime.timedelta(days=30)
    first = make_published("残疾人证", slug="can-ji-ren-zheng")
    publish_change(first, effective_from=today - datetime.timedelta(days=90), change_summary=LONG)
    publish_change(first, effective_from=later, change_summary="承诺时限缩短为 7 个工作日。")
    fix = publishing.create_draft(first.procedure, by=None)
    fix = publishing.save_draft(
        fix, content={"phone": "021-2222"}, expected_revision=fix.revision, by=None
    )
    in_force = publishing.publish_version(
        fix,
        by=None,
        change_summary="更正咨询电话",
        effective_from=today,
        scheduled="withdraw",
        withdraw_reason="上级通知暂缓执行",
        change_kind="editorial",
    )
    publish_change(in_force, effective_from=later, change_summary="承诺时限缩短为 7 个工作日。")
    return first.procedure


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_on_a_phone_each_version_reads_across_the_screen(page, screenshot, versions):
    page.set_viewport_size(PHONE)
    page.goto("/procedures/can-ji-ren-zheng/versions/")
    assert page_width(page) <= PHONE["width"]  # no sideways scroll
    row = page.locator(".history tr", has_text="第 2 版")
    note = row.locator(".history__note")
    assert LONG in note.inner_text()
    box = note.bounding_box()
    assert box is not None and box["width"] >= 0.75 * PHONE["width"]
    assert "起施行" in row.locator(".history__date").inner_text()  # no heading 施行日期 here
    assert "已撤回" in page.locator(".history tr", has_text="第 3 版").inner_text()
    screenshot("history-phone", full_page=True)
    # The circles say what they pick, as the column heading 比较 does on a wide screen.
    page.locator(".history tr", has_text="第 1 版").get_by_text("选作旧版").click()
    page.locator(".history tr", has_text="第 4 版").get_by_text("选作新版").click()
    with page.expect_navigation():
        page.get_by_role("button", name="比较所选的两个版本").click()
    page.get_by_role("heading", name="第 1 版 → 第 4 版").wait_for()
    assert page_width(page) <= PHONE["width"]
    screenshot("history-compare-phone", full_page=True)


def test_on_a_wide_screen_the_versions_stay_a_table(page, screenshot, versions):
    page.goto("/procedures/can-ji-ren-zheng/versions/")
    headings = page.locator(".history thead th").all_inner_texts()
    assert headings == ["比较", "版本", "施行日期", "修改说明", "发布", "状态"]
    row = page.locator(".history tr", has_text="第 2 版")
    cells = [row.locator(f".history__{name}").bounding_box() for name in ("number", "note")]
    assert cells[0] is not None and cells[1] is not None
    assert cells[0]["y"] == cells[1]["y"]  # side by side, in one row
    words = row.get_by_text("选作旧版").bounding_box()
    assert words is not None and words["width"] <= 1  # the heading 比较 says it
    assert page_width(page) <= 1366
    screenshot("history-desk", full_page=True)
