"""Real-browser tests: Playwright drives Debian's chromium against Django's live_server.

The `browser`, `page` and `screenshot` fixtures are in tests/conftest.py.
"""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group


@pytest.fixture(autouse=True)
def roles(transactional_db):
    """The groups the data migration makes: live_server's flushes remove them between tests."""
    if not Group.objects.exists():
        importlib.import_module("procedures.migrations.0002_roles").create_groups(apps, None)


def log_in(page, username: str, password: str = "pw-for-tests") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
