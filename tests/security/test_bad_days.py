"""What a bad day did to a running instance (issue 11): locked databases, floods, double clicks."""

import sqlite3

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from hall import tracking
from hall.models import DailyViews
from procedures import publishing
from procedures.models import ProcedureVersion
from procedures.roles import EDITORS, PUBLISHERS, WINDOW_STAFF
from search import queries
from search.models import SearchMiss
from tests.factories import make_published, make_user, publish_change

pytestmark = pytest.mark.django_db


def detail_url(version):
    return reverse("procedures:detail", args=[version.procedure.slug])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single write lock")
def test_pages_and_searches_answer_while_an_import_holds_the_write_lock(client):
    version = make_published()
    holder = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.1)
    try:
        holder.execute("BEGIN IMMEDIATE")  # what an import or a restore does for minutes
        page = client.get(detail_url(version))
        tracking.write_views()  # gives up waiting for the lock: the counts are lost, not the page
        search = client.get(reverse("search:api"), {"q": "没有这个事项的词"})
    finally:
        holder.rollback()
        holder.close()
    assert (page.status_code, search.status_code) == (200, 200)
    assert not DailyViews.objects.exists() and not SearchMiss.objects.exists()


def test_one_client_notes_a_limited_number_of_misses(client):
    for n in range(queries.MISS_QUOTA + 10):
        client.get(reverse("search:api"), {"q": f"查无此事{n}号"})
    client.get(reverse("search:api"), {"q": "另一位居民的词"}, REMOTE_ADDR="10.0.0.8")
    assert SearchMiss.objects.count() == queries.MISS_QUOTA + 1


def test_the_misses_table_keeps_only_the_most_recent(monkeypatch):
    monkeypatch.setattr(queries, "MAX_MISSES", 3)
    for n in range(5):
        queries.note_miss(f"查无此事{n}号")
    kept = sorted(SearchMiss.objects.values_list("query", flat=True))
    assert kept == ["查无此事2号", "查无此事3号", "查无此事4号"]


def test_reloading_a_page_does_not_inflate_its_count(client):
    version = make_published()
    for _ in range(20):
        client.get(detail_url(version))
    tracking.write_views()
    assert DailyViews.objects.get().count == 1


def test_two_quick_clicks_on_new_draft_open_one_draft(client):
    version = make_published()
    client.force_login(make_user("chief", PUBLISHERS, is_staff=True))
    url = reverse("procedures:new_draft", args=[version.procedure_id])
    first, second = client.post(url), client.post(url)
    draft = ProcedureVersion.objects.get(status="draft")
    change_url = reverse("admin:procedures_procedureversion_change", args=[draft.pk])
    assert (first.url, second.url) == (change_url, change_url)


@pytest.mark.parametrize("numbers", [{"a": "-1", "b": "2"}, {"a": "0", "b": "1"}])
def test_comparing_a_version_number_below_one_goes_back_to_the_history(client, numbers):
    version = make_published()
    publish_change(version, effective_from=version.effective_from)
    response = client.get(reverse("procedures:compare", args=[version.procedure.slug]), numbers)
    assert response.url == reverse("procedures:history", args=[version.procedure.slug])


def test_without_a_mail_server_password_reset_says_whom_to_ask(client):
    make_user("xiaoli", email="xiaoli@example.cn")
    response = client.post(reverse("password_reset"), {"email": "xiaoli@example.cn"})
    assert "不能通过邮件找回密码" in response.content.decode()
    assert len(mail.outbox) == 0


def test_an_editor_may_discard_only_a_draft_they_wrote(client):
    version = make_published()
    draft = publishing.create_draft(version.procedure, by=make_user("chief", PUBLISHERS))
    editor = make_user("xiaoli", EDITORS, is_staff=True)
    client.force_login(editor)
    response = client.post(reverse("procedures:discard", args=[draft.pk]))
    assert response.status_code == 403
    assert "只有编写这份草稿的编辑" in response.content.decode()
    assert ProcedureVersion.objects.filter(pk=draft.pk).exists()


def test_an_editor_sees_the_unversioned_details_but_cannot_change_them(client):
    version = make_published(aliases=["准生证"])
    client.force_login(make_user("xiaoli", EDITORS, is_staff=True))
    url = reverse("admin:procedures_procedure_change", args=[version.procedure_id])
    form = client.get(url).context["adminform"].form
    client.post(url, {"aliases": "随便改", "code": "X", "position": 9})
    version.procedure.refresh_from_db()
    assert "aliases" not in form.fields and version.procedure.aliases == ["准生证"]


def test_the_history_names_people_by_their_names_and_only_to_staff(client):
    chief = make_user("chief", PUBLISHERS, first_name="张科长")
    version = make_published(by=chief)
    url = reverse("procedures:history", args=[version.procedure.slug])
    public = client.get(url).content.decode()
    client.force_login(make_user("window", WINDOW_STAFF))
    staff = client.get(url).content.decode()
    assert "chief" not in public + staff and "张科长" not in public and "张科长" in staff


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single write lock")
def test_a_write_that_cannot_get_the_lock_says_busy_not_broken(monkeypatch, settings):
    """A staff login during a restore: a 503 in Chinese with Retry-After, not a 500."""
    from django.test import Client

    make_user("clerk")  # groups come from migrations, which a transactional test flushes
    settings.DEBUG = False
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.1)
    connection.close()  # the next query opens a connection with the short timeout
    holder = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.1)
    client = Client(raise_request_exception=False)
    try:
        holder.execute("BEGIN IMMEDIATE")  # what a restore does while it replaces the library
        response = client.post(reverse("login"), {"username": "clerk", "password": "pw-for-tests"})
    finally:
        holder.rollback()
        holder.close()
        connection.close()
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "系统正忙" in response.content.decode()
