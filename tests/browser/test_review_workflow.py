"""Review before publishing, in the browser: an editor submits a draft, a second person sends it
back or publishes it, and nobody publishes what they wrote unless the hall's rules allow it."""

import pytest
from django.utils import timezone

from procedures.roles import EDITORS, PUBLISHERS
from tests.browser.conftest import (
    confirm_publish,
    log_in,
    open_review,
    save_draft,
    switch_user,
)
from tests.factories import make_published, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OLD_PHONE = "021-5555 1234"
TYPO = "021-6666 888"
NEW_PHONE = "021-6666 8888"


@pytest.fixture
def handbook():
    """生育服务手册 in force since 2024, an editor 小李 and a reviewer 老张."""
    version = make_published("生育服务手册", slug="sheng-yu", phone=OLD_PHONE)
    make_user("xiaoli", EDITORS, is_staff=True, first_name="小李")
    make_user("laozhang", PUBLISHERS, is_staff=True, first_name="老张")
    return version


def open_procedure_and_new_draft(page, version) -> None:
    page.goto(f"/admin/procedures/procedure/{version.procedure_id}/change/")
    page.get_by_role("button", name="新建草稿").click()
    page.get_by_text("复制出草稿").wait_for()


def submit(page, change_summary: str) -> None:
    """From the draft editor: 提交审核…, the change summary, 提交审核; lands on 草稿与审核."""
    page.get_by_role("link", name="提交审核…").click()
    page.get_by_role("heading", name="提交审核：“生育服务手册”").wait_for()
    page.fill("#id_change_summary", change_summary)
    page.get_by_role("button", name="提交审核", exact=True).click()
    page.get_by_text("已提交审核：“生育服务手册”").wait_for()


def open_drafts_desk(page) -> None:
    """The 草稿与审核 link every admin page has at the top."""
    page.goto("/admin/")
    page.get_by_role("link", name="草稿与审核").click()
    page.get_by_role("heading", name="待审核").wait_for()


def copies_field(page, material: str):
    row = page.locator(
        "#materials-group .inline-related", has=page.locator(f"input[value='{material}']")
    )
    return row.locator("input[name$='-copies']")


def test_a_draft_is_sent_back_fixed_resubmitted_and_published_by_a_second_person(
    page, screenshot, handbook
):
    # 小李 changes two things, one of them wrongly, and submits.
    log_in(page, "xiaoli")
    open_procedure_and_new_draft(page, handbook)
    page.fill("#id_phone", TYPO)
    copies_field(page, "户口簿").fill("2")
    save_draft(page)
    assert page.get_by_role("link", name="审核发布…").count() == 0  # an editor only submits
    screenshot("review-a1-editor-saved")
    page.get_by_role("link", name="提交审核…").click()
    diff = page.locator(".publish-diff").inner_text()
    assert "咨询电话" in diff and "户口簿" in diff and "份数" in diff
    page.fill("#id_change_summary", "咨询电话更换；户口簿复印件改为 2 份")
    screenshot("review-a2-submit-form", full_page=True)
    page.get_by_role("button", name="提交审核", exact=True).click()
    page.get_by_text("已提交审核：“生育服务手册”").wait_for()
    waiting = page.locator("#waiting")
    assert "生育服务手册" in waiting.inner_text() and "我编写的" in waiting.inner_text()
    assert "咨询电话更换" in waiting.inner_text()
    assert waiting.get_by_role("link", name="审核…").count() == 0
    screenshot("review-a3-submitted-desk", full_page=True)

    # 老张 finds it waiting, checks the changes and sends it back.
    switch_user(page, "laozhang")
    open_drafts_desk(page)
    page.locator("#waiting tr", has_text="生育服务手册").get_by_role("link", name="审核…").click()
    page.get_by_role("heading", name="审核“生育服务手册”").wait_for()
    assert "待审核" in page.locator(".review-state").inner_text()
    assert "咨询电话" in page.locator(".publish-diff").inner_text()
    assert page.get_by_role("button", name="确认发布").is_enabled()
    page.fill("#id_comment", "咨询电话少了一位，应为 021-6666 8888，请核对后重新提交。")
    screenshot("review-a4-review-page", full_page=True)
    page.get_by_role("button", name="退回给编辑").click()
    page.get_by_text("已退回“生育服务手册”").wait_for()
    assert "没有等待审核的草稿" in page.locator("#waiting").inner_text()
    assert "已退回" in page.locator("#others").inner_text()
    screenshot("review-a5-sent-back-desk", full_page=True)

    # 小李 sees why, in the list and on the draft, fixes it and submits again.
    switch_user(page, "xiaoli")
    open_drafts_desk(page)
    mine = page.locator("#mine tr", has_text="生育服务手册")
    assert "已退回" in mine.locator(".review-state").inner_text()
    comment = mine.locator(".review-comment").inner_text()
    assert "老张" in comment and "咨询电话少了一位" in comment
    screenshot("review-a6-returned-desk", full_page=True)
    mine.get_by_role("link", name="编辑").click()
    banner = page.locator(".review-note.returned")
    assert "审核退回（老张" in banner.inner_text() and "咨询电话少了一位" in banner.inner_text()
    screenshot("review-a7-returned-banner")
    page.fill("#id_phone", NEW_PHONE)
    save_draft(page)
    page.get_by_role("link", name="提交审核…").click()
    assert "咨询电话少了一位" in page.locator(".review-note.returned").inner_text()
    assert page.input_value("#id_change_summary") == "咨询电话更换；户口簿复印件改为 2 份"
    screenshot("review-a8-resubmit-form", full_page=True)
    page.get_by_role("button", name="提交审核", exact=True).click()
    page.get_by_text("已提交审核：“生育服务手册”").wait_for()

    # 老张 publishes it today; residents see the change and the history the new version.
    switch_user(page, "laozhang")
    open_drafts_desk(page)
    page.locator("#waiting tr", has_text="生育服务手册").get_by_role("link", name="审核…").click()
    history = page.locator(".review-history li").all_inner_texts()
    assert len(history) == 3
    assert "小李 提交审核" in history[0] and "老张 退回修改：咨询电话少了一位" in history[1]
    assert "小李 提交审核" in history[2]
    assert page.input_value("#id_change_summary") == "咨询电话更换；户口簿复印件改为 2 份"
    page.fill("#id_effective_from", timezone.localdate().isoformat())
    page.get_by_role("button", name="确认发布").click()  # without saying what kind of change
    # The browser holds the form back and points at the unanswered question.
    assert page.locator("input[name=change_kind]:invalid").count() == 2
    assert page.get_by_text("已发布第 2 版").count() == 0
    page.get_by_label("实质变更：", exact=False).check()
    screenshot("review-a9-publish", full_page=True)
    page.get_by_role("button", name="确认发布").click()
    page.get_by_text("已发布第 2 版").wait_for()

    page.goto("/procedures/sheng-yu/")
    assert NEW_PHONE in page.locator(".facts").inner_text()
    assert "2 份" in page.locator(".checklist__item", has_text="户口簿").inner_text()
    screenshot("review-a10-public-page")
    page.goto("/procedures/sheng-yu/versions/")
    row = page.locator(".history tr", has_text="第 2 版")
    assert "咨询电话更换；户口簿复印件改为 2 份" in row.inner_text()
    assert timezone.localdate().strftime("%Y") in row.inner_text()
    screenshot("review-a11-history", full_page=True)


def test_nobody_publishes_their_own_draft_unless_the_hall_allows_it(page, screenshot, handbook):
    make_user("admin", is_staff=True, is_superuser=True)
    log_in(page, "laozhang")
    open_procedure_and_new_draft(page, handbook)
    page.fill("#id_phone", NEW_PHONE)
    save_draft(page)
    open_review(page)
    refusal = page.locator(".review-note.refused").inner_text()
    assert "这份草稿由您编写或修改过" in refusal and "按本中心的审核规则" in refusal
    assert page.get_by_role("button", name="确认发布").is_disabled()
    assert page.locator(".send-back-form").count() == 0  # not submitted: nothing to send back
    screenshot("review-b1-refused", full_page=True)

    # The hall has one administrator after all: the superuser allows it in the admin. A new
    # hall has never saved its rules: the list is empty and offers to add them.
    switch_user(page, "admin")
    page.goto("/admin/")
    page.locator("#content-main").get_by_role("link", name="审核规则", exact=True).click()
    page.get_by_role("link", name="增加 审核规则").click()
    assert not page.get_by_label("允许发布自己编写的草稿").is_checked()  # the default
    page.get_by_label("允许发布自己编写的草稿").check()
    screenshot("review-b2-rules")
    page.get_by_role("button", name="保存", exact=True).click()
    page.locator(".messagelist .success").wait_for()
    assert page.locator("#result_list .field-allow_self_approval img[alt=True]").count() == 1

    switch_user(page, "laozhang")
    open_drafts_desk(page)
    page.locator("#mine tr", has_text="生育服务手册").get_by_role("link", name="编辑").click()
    open_review(page)
    assert page.locator(".review-note.refused").count() == 0
    screenshot("review-b3-allowed", full_page=True)
    confirm_publish(page, "咨询电话更换", number=2)
    page.goto("/procedures/sheng-yu/")
    assert NEW_PHONE in page.locator(".facts").inner_text()


def test_saving_a_submitted_draft_takes_it_out_of_review(page, screenshot, handbook):
    log_in(page, "xiaoli")
    open_procedure_and_new_draft(page, handbook)
    page.fill("#id_phone", TYPO)
    save_draft(page)
    submit(page, "咨询电话更换")
    assert "生育服务手册" in page.locator("#waiting").inner_text()

    page.locator("#waiting").get_by_role("link", name="生育服务手册").click()
    assert "已提交审核" in page.locator(".review-note").first.inner_text()
    assert page.get_by_role("link", name="提交审核…").count() == 0  # already submitted
    screenshot("review-c1-submitted-draft")
    page.fill("#id_phone", NEW_PHONE)
    save_draft(page)
    warning = page.locator(".messagelist .warning").inner_text()
    assert "原已提交审核" in warning and "退出了审核" in warning
    assert page.get_by_role("link", name="提交审核…").is_visible()
    screenshot("review-c2-out-of-review")

    open_drafts_desk(page)
    assert "没有等待审核的草稿" in page.locator("#waiting").inner_text()
    mine = page.locator("#mine tr", has_text="生育服务手册")
    assert mine.locator(".review-state").inner_text() == "编辑中"
    screenshot("review-c3-desk", full_page=True)


def home_panel(page) -> str:
    """The 待处理 block on the home page, as one line."""
    page.goto("/")
    return page.locator(".upkeep-home").inner_text().replace("\n", " ")


def open_waiting_entry(page, section: str, title: str = "生育服务手册"):
    """From the home page: 待我处理, then the entry's title under `section` (its heading)."""
    page.locator(".upkeep-home").get_by_role("link", name="待我处理").click()
    page.get_by_role("heading", name="待处理").wait_for()
    entry = page.locator(".upkeep-section", has=page.get_by_role("heading", name=section))
    return entry.locator(".upkeep-entry", has_text=title)


def test_what_waits_for_each_person_in_a_review_round_is_counted_and_listed(
    page, screenshot, handbook
):
    # 小李 opens a draft and presses 提交审核 before changing anything: told what she did.
    log_in(page, "xiaoli")
    open_procedure_and_new_draft(page, handbook)
    page.get_by_role("link", name="提交审核…").click()
    page.fill("#id_change_summary", "咨询电话更换")
    page.get_by_role("button", name="提交审核", exact=True).click()
    refusal = page.locator(".errornote, .errorlist").first.inner_text()
    assert "没有可以提交审核的修改" in refusal and "再提交审核" in refusal
    assert "发布" not in refusal.replace("提交审核", "")
    screenshot("waiting-a0-unchanged-submit-refused")
    page.get_by_role("link", name="返回草稿").click()
    page.fill("#id_phone", TYPO)
    save_draft(page)
    submit(page, "咨询电话更换")
    assert "待我处理 0 项" in home_panel(page)  # nothing waits on her while it is reviewed

    # 老张 sees it counted on his home page and listed on 待处理, leading to the review.
    switch_user(page, "laozhang")
    panel = home_panel(page)
    assert "待我处理 1 项" in panel and "等我审核 1 项" in panel
    page.locator(".upkeep-home").screenshot(path="var/screenshots/waiting-a1-reviewer-home.png")
    entry = open_waiting_entry(page, "等我审核")
    assert "小李 提交审核：咨询电话更换" in entry.inner_text()
    screenshot("waiting-a2-reviewer-queue", full_page=True)
    entry.get_by_role("link", name="去审核").click()
    page.get_by_role("heading", name="审核“生育服务手册”").wait_for()
    page.fill("#id_comment", "咨询电话少了一位，应为 021-6666 8888，请核对后重新提交。")
    page.get_by_role("button", name="退回给编辑").click()
    page.get_by_text("已退回“生育服务手册”").wait_for()
    assert "待我处理 0 项" in home_panel(page)

    # 小李 sees it counted and listed with the comment, opens the draft from there and fixes it.
    switch_user(page, "xiaoli")
    panel = home_panel(page)
    assert "待我处理 1 项" in panel and "退回给我修改 1 项" in panel
    page.locator(".upkeep-home").screenshot(path="var/screenshots/waiting-a3-editor-home.png")
    entry = open_waiting_entry(page, "退回给我修改")
    assert "老张 退回修改：咨询电话少了一位，应为 021-6666 8888" in entry.inner_text()
    screenshot("waiting-a4-editor-queue", full_page=True)
    entry.get_by_role("link", name="打开草稿修改").click()
    assert "咨询电话少了一位" in page.locator(".review-note.returned").inner_text()
    page.fill("#id_phone", NEW_PHONE)
    save_draft(page)
    submit(page, "咨询电话更换")
    assert "待我处理 0 项" in home_panel(page)

    # 老张 publishes it from his list; then nothing waits on either of them.
    switch_user(page, "laozhang")
    assert "待我处理 1 项" in home_panel(page)
    open_waiting_entry(page, "等我审核").get_by_role("link", name="生育服务手册").click()
    confirm_publish(page, "咨询电话更换", number=2)
    assert "待我处理 0 项" in home_panel(page)
    page.locator(".upkeep-home").get_by_role("link", name="待我处理").click()
    assert "没有" in page.locator(".upkeep-section", has_text="等我审核").inner_text()
    screenshot("waiting-a5-reviewer-queue-empty", full_page=True)
    switch_user(page, "xiaoli")
    assert "待我处理 0 项" in home_panel(page)
    page.locator(".upkeep-home").get_by_role("link", name="待我处理").click()
    assert "没有" in page.locator(".upkeep-section", has_text="退回给我修改").inner_text()
    assert page.locator(".upkeep-section", has_text="等我审核").count() == 0
    screenshot("waiting-a6-editor-queue-empty", full_page=True)
