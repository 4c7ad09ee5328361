import contextlib
import datetime
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.db.models import Q
from django.utils import timezone

from hall import tracking

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there are still synchronous, so Django's async-safety check would refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"


@pytest.fixture
def today() -> datetime.date:
    """The local date (Asia/Shanghai), taken when the test starts.

    Never compute it at import time (a module-level `TODAY = timezone.localdate()`): a run that
    crosses local midnight (16:00 UTC) would then test yesterday's date against today's code.
    """
    return timezone.localdate()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session", autouse=True)
def _page_cache_of_this_run(tmp_path_factory):
    """Stored pages in a folder of this run's: two runs on one machine never share them."""
    settings.CACHES["pages"]["LOCATION"] = str(tmp_path_factory.mktemp("page-cache"))
    with contextlib.suppress(AttributeError):  # not opened yet in this thread
        del caches["pages"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Quotas, cached renderings and stored pages live in the caches: each test starts without
    them, and without page views counted but not written by an earlier test."""
    for alias in ("default", "renderings", "pages"):
        caches[alias].clear()
    yield
    tracking.unwritten.take()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Slow hashing guards real passwords; in tests it only costs time (a third of the suite)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    """Pages name static files as they are, not by the hashed names collectstatic writes."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# The real-browser fixtures live here, once: a session fixture defined in two conftests would
# start two Playwright loops in one process, and the second refuses to run.
@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium as root")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 768}, locale="zh-CN"
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """Save a screenshot to var/screenshots/NAME.png, to look at after the run."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, *, full_page: bool = False) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


# Each group's permissions as the migrations left them, noted before any test flushed them.
MIGRATED_ROLES: dict[str, list[tuple[str, str]]] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for group in Group.objects.all():
            permissions = group.permissions.values_list("content_type__app_label", "codename")
            MIGRATED_ROLES[group.name] = list(permissions)


@pytest.fixture
def roles(transactional_db):
    """Transactional tests (live_server's) flush the groups: make them again, as migrated."""
    if Group.objects.exists():
        return
    for name, permissions in MIGRATED_ROLES.items():
        wanted = Q(pk__in=[])
        for app_label, codename in permissions:
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        Group.objects.create(name=name).permissions.set(Permission.objects.filter(wanted))
