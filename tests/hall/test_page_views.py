"""Page views are counted without a write per view: added up per process, written together."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hall import tracking
from hall.models import DailyViews
from procedures.roles import WINDOW_STAFF
from tests.factories import make_published, make_user

pytestmark = pytest.mark.django_db


def detail_url(version):
    return reverse("procedures:detail", args=[version.procedure.slug])


def writes(queries):
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]


def test_a_counted_view_writes_nothing_until_the_counts_are_written(client, today):
    version = make_published()
    with CaptureQueriesContext(connection) as queries:
        client.get(detail_url(version))
    assert writes(queries) == []
    assert not DailyViews.objects.exists()
    tracking.write_views()
    assert DailyViews.objects.get(procedure=version.procedure, day=today).count == 1


def test_a_stored_page_shown_to_a_resident_is_counted(client, today):
    version = make_published()
    for n in range(5):
        client.get(detail_url(version), REMOTE_ADDR=f"10.0.0.{n}")
    tracking.write_views()
    assert DailyViews.objects.get(procedure=version.procedure, day=today).count == 5


def test_reloading_a_stored_page_is_counted_once_a_day(client, today):
    version = make_published()
    for _ in range(5):
        client.get(detail_url(version))
    tracking.write_views()
    assert DailyViews.objects.get(procedure=version.procedure, day=today).count == 1


def test_the_counts_are_written_together_every_so_many_views(client, today, monkeypatch):
    monkeypatch.setattr(tracking, "FLUSH_EVERY", 3)
    version = make_published()
    with CaptureQueriesContext(connection) as queries:
        for n in range(2):
            client.get(detail_url(version), REMOTE_ADDR=f"10.0.1.{n}")
    assert writes(queries) == []
    with CaptureQueriesContext(connection) as queries:
        client.get(detail_url(version), REMOTE_ADDR="10.0.1.9")
    # The day's row, looked for and then made, once, with all three views.
    assert [sql.split()[0] for sql in writes(queries)] == ["UPDATE", "INSERT"]
    assert DailyViews.objects.get(procedure=version.procedure, day=today).count == 3


def test_the_counts_are_written_after_a_quiet_while(client, today, monkeypatch):
    version = make_published()
    client.get(detail_url(version), REMOTE_ADDR="10.0.2.1")
    monkeypatch.setattr(tracking, "FLUSH_SECONDS", 0.0)
    client.get(detail_url(version), REMOTE_ADDR="10.0.2.2")
    assert DailyViews.objects.get(procedure=version.procedure, day=today).count == 2


def test_counts_add_to_the_days_row_already_written(client, today):
    version = make_published()
    DailyViews.objects.create(procedure=version.procedure, day=today, count=7)
    client.get(detail_url(version))
    tracking.write_views()
    assert DailyViews.objects.get(procedure=version.procedure, day=today).count == 8


def test_counts_of_a_procedure_gone_meanwhile_are_dropped(client, today):
    version = make_published()
    client.get(detail_url(version))
    tracking.unwritten.add(version.procedure_id + 1000, today)  # a restore emptied the tables
    tracking.write_views()
    assert list(DailyViews.objects.values_list("procedure", "count")) == [(version.procedure_id, 1)]


def test_a_clerks_view_writes_nothing_either(client, today):
    """Not the count, not the session: 我最近查看 travels in a cookie (hall.recent)."""
    version = make_published()
    client.force_login(make_user("window", WINDOW_STAFF))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail_url(version))
    assert response.status_code == 200
    assert writes(queries) == []
    assert "sopdesk_recent" in response.cookies
