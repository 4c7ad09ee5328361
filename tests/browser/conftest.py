"""Real-browser tests: Playwright drives Debian's chromium against Django's live_server.

The `browser`, `page` and `screenshot` fixtures are in tests/conftest.py.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db.models import Q


@pytest.fixture(scope="session")
def migrated_roles(django_db_setup, django_db_blocker) -> dict[str, list[tuple[str, str]]]:
    """Each group's permissions as the migrations left them, before any test flushed them."""
    with django_db_blocker.unblock():
        return {
            group.name: list(group.permissions.values_list("content_type__app_label", "codename"))
            for group in Group.objects.all()
        }


@pytest.fixture(autouse=True)
def roles(transactional_db, migrated_roles):
    """live_server's flushes remove the groups between tests: make them again, as migrated."""
    if Group.objects.exists():
        return
    for name, permissions in migrated_roles.items():
        wanted = Q(pk__in=[])
        for app_label, codename in permissions:
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        Group.objects.create(name=name).permissions.set(Permission.objects.filter(wanted))


def log_in(page, username: str, password: str = "pw-for-tests") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
