"""我最近查看: a clerk's last opened procedures, in a cookie signed for that clerk alone."""

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.urls import reverse

from hall import recent
from procedures.publishing import retire_procedure
from procedures.roles import WINDOW_STAFF
from tests.factories import make_published, make_user

pytestmark = pytest.mark.django_db


def open_page(client, version):
    return client.get(reverse("procedures:detail", args=[version.procedure.slug]))


def listed(client) -> list[str]:
    return [p.slug for p in client.get("/").context["recent"]]


def test_the_newest_comes_first_and_the_list_is_kept_short(client):
    client.force_login(make_user("window", WINDOW_STAFF))
    versions = [make_published(f"事项{n}", slug=f"shi-xiang-{n}") for n in range(10)]
    for version in versions:
        open_page(client, version)
    open_page(client, versions[3])
    expected = ["shi-xiang-3", "shi-xiang-9", "shi-xiang-8", "shi-xiang-7", "shi-xiang-6"]
    assert listed(client)[:5] == expected
    assert len(listed(client)) == recent.LENGTH


def test_a_reload_sends_no_new_cookie(client):
    client.force_login(make_user("window", WINDOW_STAFF))
    version = make_published()
    assert recent.COOKIE in open_page(client, version).cookies
    assert recent.COOKIE not in open_page(client, version).cookies
    assert listed(client) == [version.procedure.slug]


def test_opening_a_page_leaves_the_session_unsaved(client):
    client.force_login(make_user("window", WINDOW_STAFF))
    row = Session.objects.get()
    open_page(client, make_published())
    assert Session.objects.get().session_data == row.session_data
    assert Session.objects.get().expire_date == row.expire_date


def test_the_next_clerk_on_the_same_pc_does_not_see_the_list(client):
    client.force_login(make_user("first", WINDOW_STAFF))
    kept = open_page(client, make_published()).cookies[recent.COOKIE].value
    client.logout()  # the test client forgets every cookie; a browser keeps this one
    client.force_login(make_user("second", WINDOW_STAFF))
    client.cookies[recent.COOKIE] = kept  # signed for "first"
    assert listed(client) == []


@pytest.mark.parametrize(
    "value", ["forged", "a.b:c", "", "%E4%B8%AD", signing.dumps("not-a-list", salt="hall.recent.1")]
)
def test_a_tampered_cookie_is_an_empty_list_not_an_error(client, value):
    client.force_login(make_user("window", WINDOW_STAFF))
    make_published()
    client.cookies[recent.COOKIE] = value
    assert listed(client) == []


def test_a_list_kept_in_the_session_by_an_earlier_release_is_still_shown(client):
    client.force_login(make_user("window", WINDOW_STAFF))
    old = make_published("旧事项", slug="jiu-shi-xiang")
    session = client.session
    session[recent.SESSION_KEY] = [old.procedure.slug]
    session.save()
    assert listed(client) == ["jiu-shi-xiang"]
    new = make_published("新事项", slug="xin-shi-xiang")
    open_page(client, new)
    assert listed(client) == ["xin-shi-xiang", "jiu-shi-xiang"]


def test_residents_get_no_list_and_no_cookie(client):
    response = open_page(client, make_published())
    assert recent.COOKIE not in response.cookies
    assert client.get("/").context["recent"] == []


def test_a_retired_procedure_drops_out_of_the_list(client):
    client.force_login(make_user("window", WINDOW_STAFF))
    kept, gone = make_published("留下", slug="liu-xia"), make_published("撤下", slug="che-xia")
    open_page(client, kept)
    open_page(client, gone)
    retire_procedure(gone.procedure, by=make_user("editor"), reason="并入其他事项")
    assert listed(client) == ["liu-xia"]
