"""Sessions read from the shared cache (sopdesk/sessions.py): a signed-in page reads no session
row, and signing out or a restore ends the session in the cache as in the database."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backups.archive import create_backup, restore_backup
from procedures.roles import WINDOW_STAFF
from tests.factories import make_published, make_user

pytestmark = pytest.mark.django_db


def signed_in_as(client, page) -> bool:
    return "工作人员登录" not in client.get(page).content.decode()


def test_a_signed_in_page_reads_no_session_row():
    version = make_published()
    client = Client()
    client.force_login(make_user("clerk", WINDOW_STAFF))
    page = version.procedure.get_absolute_url()
    assert signed_in_as(client, page)
    with CaptureQueriesContext(connection) as queries:
        assert signed_in_as(client, page)
    assert "django_session" not in " ".join(query["sql"] for query in queries)


def test_a_session_the_cache_lost_is_read_from_the_database():
    client = Client()
    client.force_login(make_user("clerk", WINDOW_STAFF))
    caches["pages"].clear()
    assert signed_in_as(client, reverse("hall:home"))


def test_signing_out_ends_the_session_kept_in_the_cache():
    client = Client()
    client.force_login(make_user("clerk", WINDOW_STAFF))
    home = reverse("hall:home")
    assert signed_in_as(client, home)
    cookie = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    again = Client()
    again.cookies["sessionid"] = cookie
    assert not signed_in_as(again, home)
    assert not Session.objects.filter(session_key=cookie).exists()


def test_a_restore_signs_everyone_out(tmp_path):
    clerk = make_user("clerk", WINDOW_STAFF)
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    client = Client()
    client.force_login(clerk)
    home = reverse("hall:home")
    assert signed_in_as(client, home)
    try:
        restore_backup(archive, replace=True)
        assert not signed_in_as(client, home)
    finally:
        ContentType.objects.clear_cache()  # the restore's ids, which the rollback takes back
