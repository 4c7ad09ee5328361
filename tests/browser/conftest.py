"""Real-browser tests: Playwright drives Debian's chromium against Django's live_server.

The `browser`, `page` and `screenshot` fixtures are in tests/conftest.py.
"""

import pytest
from django.utils import timezone

from procedures.roles import PUBLISHERS
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _groups_again(roles):
    """The groups 窗口人员 / 编辑 / 审核发布, after live_server's flush of the last test."""


def log_in(page, username: str, password: str = "pw-for-tests") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


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


def publish_draft(page, change_summary: str, *, number: int) -> None:
    """From the draft editor: 发布…, a change summary, effective today, and wait for it."""
    page.get_by_role("link", name="发布…").click()
    page.fill("#id_change_summary", change_summary)
    page.fill("#id_effective_from", timezone.localdate().isoformat())
    page.click("input[type=submit]")
    page.get_by_text(f"已发布第 {number} 版").wait_for()
