"""A staff procedure page keeps the version's part (sopdesk/page_cache.py fragments) and renders
the reader's parts around it: never stale, never someone else's."""

import datetime
import re
from pathlib import Path

import pytest
from django.db import connection
from django.middleware.csrf import get_token
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hall.models import HallSettings
from procedures.roles import EDITORS, WINDOW_STAFF
from tests.factories import make_flow_published, make_published, make_user, publish_change
from training.receipts import confirm_reading

pytestmark = pytest.mark.django_db


def detail_url(version):
    return reverse("procedures:detail", args=[version.procedure.slug])


def unmasked(html):
    """The page with its CSRF tokens left out: masked anew on each render."""
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", html)


def without_pager(html):
    return re.sub(r'<nav class="pager".*?</nav>\s*', "", html, flags=re.S)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def clerk(client):
    client.force_login(make_user("window", WINDOW_STAFF))
    return client


def test_the_second_staff_page_reads_neither_the_procedure_nor_its_parts(clerk):
    version = make_published()
    page(clerk, detail_url(version))
    with CaptureQueriesContext(connection) as queries:
        page(clerk, detail_url(version))
    tables = ('FROM "procedures_procedure"', "procedures_material", "procedures_step")
    assert not any(table in query["sql"] for query in queries for table in tables)


def test_the_kept_page_is_the_page_rendered_without_keeping(clerk):
    version = make_flow_published()
    # The version's own page renders the same template whole, keeping nothing; it has no pager.
    whole = page(clerk, reverse("procedures:version", args=[version.procedure.slug, 1]))
    rendered, kept = (without_pager(page(clerk, detail_url(version))) for _ in range(2))
    whole, rendered, kept = (
        re.sub(r"\s+", " ", unmasked(html)) for html in (whole, rendered, kept)
    )
    assert whole == rendered == kept


def test_the_kept_part_holds_nothing_of_its_reader(clerk, settings):
    version = make_published()
    response = clerk.get(detail_url(version))
    token = get_token(response.wsgi_request)
    kept = list(Path(settings.CACHES["pages"]["LOCATION"]).glob("*.djcache"))
    assert kept
    for path in kept:
        content = path.read_bytes()
        assert b"window" not in content and token.encode() not in content


def test_each_reader_sees_their_own_name_token_and_reading(client):
    version = make_published()
    first, second = make_user("window", WINDOW_STAFF), make_user("other", WINDOW_STAFF)
    confirm_reading(user=second, version=version)
    client.force_login(first)
    mine = page(client, detail_url(version))
    client.force_login(second)
    theirs = page(client, detail_url(version))
    assert "window" in mine and "window" not in theirs
    assert "我已读完第 1 版" in mine and "我已读完第 1 版" not in theirs
    assert "已读现版" in theirs


def test_a_clerk_and_an_editor_see_their_own_buttons(client):
    version = make_published()
    edit = reverse("admin:procedures_procedure_change", args=[version.procedure.pk])
    client.force_login(make_user("editor", EDITORS, WINDOW_STAFF))
    assert edit in page(client, detail_url(version))
    client.force_login(make_user("window", WINDOW_STAFF))
    clerk_page = page(client, detail_url(version))
    assert edit not in clerk_page and "先查系统" in clerk_page
    client.logout()
    assert "先查系统" not in page(client, detail_url(version))


def test_call_mode_is_kept_apart_from_the_full_page(clerk):
    version = make_published()
    full = page(clerk, detail_url(version))
    call = page(clerk, f"{detail_url(version)}?view=call")
    assert "通话模式" in full and "完整页面" in call


def test_the_staff_page_is_never_public(clerk):
    version = make_published()
    for _ in range(2):
        control = clerk.get(detail_url(version)).headers["Cache-Control"]
        assert "private" in control and "public" not in control


def test_no_staff_page_is_stale_after_a_new_version_is_published(clerk, today):
    version = make_published()
    page(clerk, detail_url(version))
    publish_change(version, effective_from=today, summary="新的概述")
    assert "新的概述" in page(clerk, detail_url(version))


def test_a_scheduled_version_reaches_the_staff_page_on_its_day(clerk, today, monkeypatch):
    version = make_published()
    tomorrow = today + datetime.timedelta(days=1)
    publish_change(version, effective_from=tomorrow, summary="明天起的新规定")
    assert "明天起的新规定" not in page(clerk, detail_url(version))
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    assert "明天起的新规定" in page(clerk, detail_url(version))


def test_no_staff_page_is_stale_after_the_hall_settings_change(clerk):
    version = make_published()
    page(clerk, detail_url(version))
    hall = HallSettings.load()
    hall.address = "团结路 8 号"
    hall.save()
    assert "团结路 8 号" in page(clerk, detail_url(version))


def test_a_new_deployment_renders_the_version_again(clerk, settings):
    version = make_published()
    settings.PAGE_CACHE_REVISION = "before"
    page(clerk, detail_url(version))
    settings.PAGE_CACHE_REVISION = "after"
    with CaptureQueriesContext(connection) as queries:
        page(clerk, detail_url(version))
    assert any("procedures_material" in query["sql"] for query in queries)
