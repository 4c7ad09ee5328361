"""A signed-in person's account row is kept between requests (procedures/kept_permissions.py):
a clerk's next page reads no account, and every change to the account is seen at once."""

import pickle
import zlib

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procedures.roles import WINDOW_STAFF
from tests.factories import make_published, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "窗口-Passw0rd-2026"


def shows_staff(client, url) -> bool:
    return "工作人员登录" not in client.get(url).content.decode()


def logged_in(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def clerk():
    user = make_user("window", WINDOW_STAFF, first_name="小雨")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_the_next_page_reads_no_account_and_the_password_is_not_kept(clerk):
    url = make_published().procedure.get_absolute_url()
    client = logged_in(clerk)
    assert shows_staff(client, url)
    with CaptureQueriesContext(connection) as queries:
        assert shows_staff(client, url)
    assert "auth_user" not in " ".join(query["sql"] for query in queries)
    kept = [
        value
        for key in caches["pages"]._list_cache_files()
        if (value := _read(key)) is not None and type(value).__name__ == "KeptAccount"
    ]
    assert len(kept) == 1 and "password" not in kept[0].fields
    assert clerk.password not in repr(kept[0])


def _read(path):
    with open(path, "rb") as stored:
        try:
            pickle.load(stored)  # the expiry
            return pickle.loads(zlib.decompress(stored.read()))
        except Exception:  # noqa: BLE001 - a file of another kind
            return None


def test_a_deactivated_account_is_signed_out_at_the_next_request(clerk):
    url = make_published().procedure.get_absolute_url()
    client = logged_in(clerk)
    assert shows_staff(client, url)
    clerk.is_active = False
    clerk.save()
    assert not shows_staff(client, url)


def test_a_renamed_account_shows_its_new_name_at_the_next_request(clerk):
    home = reverse("hall:home")
    client = logged_in(clerk)
    assert "window" in client.get(home).content.decode()
    clerk.username = "window-2"
    clerk.save()
    assert "window-2" in client.get(home).content.decode()


def test_a_new_password_signs_out_the_other_sessions_but_not_the_one_that_set_it(clerk):
    url = make_published().procedure.get_absolute_url()
    here, elsewhere = logged_in(clerk), logged_in(clerk)
    assert shows_staff(here, url) and shows_staff(elsewhere, url)
    new = "另一个-Passw0rd-2027"
    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(pk=clerk.pk).check_password(new)
    assert shows_staff(here, url)
    assert not shows_staff(elsewhere, url)


def test_a_password_set_elsewhere_signs_everyone_out(clerk):
    url = make_published().procedure.get_absolute_url()
    client = logged_in(clerk)
    assert shows_staff(client, url)
    clerk.set_password("管理员重设-Passw0rd")
    clerk.save()
    assert not shows_staff(client, url)


def test_a_new_secret_key_does_not_accept_the_kept_session_hash(clerk, settings):
    url = make_published().procedure.get_absolute_url()
    client = logged_in(clerk)
    assert shows_staff(client, url)
    settings.SECRET_KEY = "another-secret-key-" * 3
    assert not shows_staff(client, url)


def test_an_old_session_of_modelbackend_is_still_read(clerk):
    url = make_published().procedure.get_absolute_url()
    client = Client()
    client.force_login(clerk, backend="django.contrib.auth.backends.ModelBackend")
    assert shows_staff(client, url) and shows_staff(client, url)
