"""Real-browser tests: Playwright drives Debian's chromium against Django's live_server.

The `browser`, `page` and `screenshot` fixtures are in tests/conftest.py.
"""

import re

import pytest
from django.utils import timezone

from procedures.models import ReviewRules
from procedures.roles import PUBLISHERS
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _groups_again(roles):
    """The groups 窗口人员 / 编辑 / 审核发布, after live_server's flush of the last test."""


@pytest.fixture
def single_administrator(transactional_db):
    """A hall with a single administrator, who edits and publishes on their own: the review rule
    允许发布自己编写的草稿 is on, as such a hall sets it in the admin (审核规则).

    For tests of editing and publishing, not of review: with the default rules nobody publishes a
    draft they wrote (tests/browser/test_review_workflow.py covers that). live_server flushes the
    database after each test, so every test that needs the rule asks for this fixture.
    """
    ReviewRules.objects.update_or_create(pk=1, defaults={"allow_self_approval": True})


def log_in(page, username: str, password: str = "pw-for-tests") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def log_out(page) -> None:
    """Press 注销 (admin pages) or 退出 (public pages) and wait until it has logged out."""
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^(注销|退出)$")).click()


def switch_user(page, username: str) -> None:
    """Log out whoever is logged in on this page, and log in as `username`."""
    log_out(page)
    log_in(page, username)


def open_new_draft(page, version, username: str = "chief") -> None:
    """Log in as a publisher and press 新建草稿 on the version's procedure."""
    make_user(username, PUBLISHERS, is_staff=True)
    log_in(page, username)
    page.goto(f"/admin/procedures/procedure/{version.procedure_id}/change/")
    page.get_by_role("button", name="新建草稿").click()
    page.get_by_text("复制出草稿").wait_for()


def save_draft(page) -> None:
    """Press 保存并继续编辑 in the draft editor and wait until it saved without an error."""
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()
    assert page.locator(".errornote").count() == 0


def open_review(page) -> None:
    """From the draft editor: 审核发布… (a publisher's link to the review page)."""
    page.get_by_role("link", name="审核发布…").click()
    page.get_by_role("heading", name=re.compile(r"^审核“")).wait_for()


def publish_draft(page, change_summary: str, *, number: int) -> None:
    """From the draft editor: 审核发布…, a change summary, effective today, 确认发布, and wait.

    The person publishing wrote the draft: the test needs `single_administrator` (or its own
    second person)."""
    open_review(page)
    confirm_publish(page, change_summary, number=number)


def choose_change_kind(page, kind: str = "substantive") -> None:
    """On a review page of a procedure's second version or later: 实质变更 or 文字修订."""
    choice = page.locator(f"input[name=change_kind][value={kind}]")
    if choice.count():
        choice.check()


def confirm_publish(page, change_summary: str, *, number: int) -> None:
    """On the review page: a change summary, effective today, 确认发布, and wait for it."""
    page.fill("#id_change_summary", change_summary)
    page.fill("#id_effective_from", timezone.localdate().isoformat())
    choose_change_kind(page)
    page.get_by_role("button", name="确认发布").click()
    page.get_by_text(f"已发布第 {number} 版").wait_for()


@pytest.fixture
def phone(browser, live_server):
    """A page on a phone (390 × 844, touch), as a resident opens a QR code."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    yield context.new_page()
    context.close()
