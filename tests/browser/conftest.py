"""Real-browser tests: Playwright drives Debian's chromium against Django's live_server.

The `browser`, `page` and `screenshot` fixtures are in tests/conftest.py.
"""

import pytest


@pytest.fixture(autouse=True)
def _groups_again(roles):
    """The groups 窗口人员 / 编辑 / 审核发布, after live_server's flush of the last test."""


def log_in(page, username: str, password: str = "pw-for-tests") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
