"""Stored handouts served like static files: streamed, revalidated by ETag and Last-Modified,
or sent by the front server (X-Accel-Redirect, X-Sendfile)."""

import datetime
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from handouts import serving, views
from procedures import publishing
from tests.factories import make_user, publish_change
from tests.handouts.test_handouts import stored_key, typical

pytestmark = pytest.mark.django_db


def current_url(version) -> str:
    return reverse("handouts:current", args=[version.procedure.slug])


def test_the_streamed_body_is_the_stored_file(client):
    version = typical()

    response = client.get(current_url(version))

    assert response.streaming
    with default_storage.open(stored_key(version), "rb") as stored:
        assert response.getvalue() == stored.read()


def test_the_filename_and_headers_are_those_of_a_pdf_to_revalidate(client):
    version = typical()

    response = client.get(current_url(version))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="sheng-yu-fu-wu-shou-ce-v1.pdf"'
    assert response["Cache-Control"] == "public, no-cache"
    assert response["Last-Modified"]


def test_the_etag_is_the_same_on_every_request_and_names_the_stored_file(client):
    version = typical()

    first = client.get(current_url(version))
    second = client.get(current_url(version))

    assert first["ETag"] == second["ETag"]
    assert Path(stored_key(version)).stem in first["ETag"]


def test_large_print_has_its_own_etag(client):
    version = typical()

    standard = client.get(current_url(version))
    large = client.get(current_url(version), {"large": 1})

    assert large["ETag"] != standard["ETag"]
    assert large["Content-Disposition"] == 'inline; filename="sheng-yu-fu-wu-shou-ce-v1-large.pdf"'


def test_a_new_version_in_force_changes_the_current_handouts_etag(client):
    first = typical()
    before = client.get(current_url(first))["ETag"]

    publish_change(first, effective_from=datetime.date(2024, 6, 1))

    assert client.get(current_url(first))["ETag"] != before
    numbered = client.get(reverse("handouts:version", args=[first.procedure.slug, 1]))
    assert numbered["ETag"] != before  # now superseded: it says so


def test_it_answers_304_to_the_etag_it_gave(client):
    version = typical()
    etag = client.get(current_url(version))["ETag"]

    response = client.get(current_url(version), headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response["ETag"] == etag


def test_it_answers_304_to_the_date_it_gave(client):
    version = typical()
    modified = client.get(current_url(version))["Last-Modified"]

    response = client.get(current_url(version), headers={"If-Modified-Since": modified})

    assert response.status_code == 304


def test_a_stored_handout_costs_eight_queries(client, django_assert_num_queries):
    version = typical()
    client.get(current_url(version))
    caches["pages"].clear()  # what the URL named is forgotten; the file is still stored

    # The procedure, the version with its materials and questions (the case), the hall's
    # details, where the version stands (in force, a change announced) and the forms next to
    # its materials (可在窗口领取或扫码下载): the storage key.
    with django_assert_num_queries(8):
        assert client.get(current_url(version)).status_code == 200


def test_a_handout_asked_for_again_costs_no_query(client, django_assert_num_queries):
    version = typical()
    first = client.get(current_url(version))
    large = client.get(current_url(version) + "?large=1")

    with django_assert_num_queries(0):
        again = client.get(current_url(version))
        large_again = client.get(current_url(version) + "?large=1")
    assert again.getvalue() == first.getvalue() and again["ETag"] == first["ETag"]
    assert large_again["ETag"] == large["ETag"] != first["ETag"]
    assert again["Content-Disposition"] == first["Content-Disposition"]


def test_a_retired_procedures_kept_handout_is_not_served(client):
    version = typical()
    client.get(current_url(version))
    publishing.retire_procedure(version.procedure, by=make_user(), reason="停止办理")

    assert client.get(current_url(version)).status_code == 404


def test_with_x_accel_redirect_nginx_sends_the_file(client, settings):
    settings.HANDOUT_SENDFILE = "x-accel-redirect"
    settings.HANDOUT_SENDFILE_PREFIX = "/protected/handouts/"
    version = typical()

    response = client.get(current_url(version))

    relative = stored_key(version).removeprefix("handouts/")
    assert response["X-Accel-Redirect"] == f"/protected/handouts/{relative}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="sheng-yu-fu-wu-shou-ce-v1.pdf"'


def test_with_x_sendfile_the_server_is_given_the_absolute_path(client, settings):
    settings.HANDOUT_SENDFILE = "x-sendfile"
    version = typical()

    response = client.get(current_url(version))

    sent = Path(response["X-Sendfile"])
    assert sent.is_absolute()
    assert sent == Path(settings.MEDIA_ROOT, stored_key(version)).resolve()
    assert response.content == b""


def test_an_unknown_sendfile_setting_stops_the_startup_checks(settings):
    settings.HANDOUT_SENDFILE = "nginx"

    with pytest.raises(SystemCheckError, match="HANDOUT_SENDFILE='nginx' 无法识别"):
        call_command("check")


def test_a_file_removed_by_another_worker_meanwhile_is_printed_again(client, monkeypatch):
    """Just after midnight a worker may remove yesterday's file while another serves it."""
    url = current_url(typical())
    client.get(url)  # printed and stored
    real = serving.stored_file_response
    calls = []

    def vanished_once(request, key, *, filename):
        calls.append(key)
        if len(calls) == 1:
            default_storage.delete(key)
            raise FileNotFoundError(key)
        return real(request, key, filename=filename)

    monkeypatch.setattr(views, "stored_file_response", vanished_once)
    response = client.get(url)
    assert response.status_code == 200
    assert response.getvalue().startswith(b"%PDF")
    assert len(calls) == 2 and default_storage.exists(calls[1])
