"""Login throttling: password guessing is slowed down, everyone else logs in as usual."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.models import LoginFailure
from procedures.throttling import MAX_PER_ADDRESS, MAX_PER_USERNAME
from tests.factories import make_user

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_is_refused_after_too_many_failures(client):
    make_user("window")
    for _ in range(MAX_PER_USERNAME):
        attempt(client, "window", "wrong")
    response = attempt(client, "window", "pw-for-tests")
    assert not logged_in(client)
    assert "登录失败次数过多" in response.content.decode()


def test_the_lock_ends_when_the_failures_are_old(client):
    make_user("window")
    for _ in range(MAX_PER_USERNAME):
        attempt(client, "window", "wrong")
    LoginFailure.objects.update(at=timezone.now() - datetime.timedelta(minutes=16))
    attempt(client, "window", "pw-for-tests")
    assert logged_in(client)


def test_a_success_clears_the_failures(client):
    make_user("window")
    for _ in range(MAX_PER_USERNAME - 1):
        attempt(client, "window", "wrong")
    attempt(client, "window", "pw-for-tests")
    assert logged_in(client)
    assert not LoginFailure.objects.filter(username="window").exists()


def test_one_guessed_username_does_not_lock_out_another(client):
    make_user("window")
    make_user("other")
    for _ in range(MAX_PER_USERNAME):
        attempt(client, "window", "wrong", address="10.0.0.9")
    attempt(client, "other", "pw-for-tests", address="10.0.0.2")
    assert logged_in(client)


def test_an_address_guessing_many_usernames_is_stopped(client):
    make_user("victim")
    for n in range(MAX_PER_ADDRESS):
        attempt(client, f"guess{n}", "wrong", address="10.6.6.6")
    attempt(client, "victim", "pw-for-tests", address="10.6.6.6")
    assert not logged_in(client)


def test_the_admin_login_is_throttled_too(client):
    make_user("chief", is_staff=True)
    for _ in range(MAX_PER_USERNAME):
        client.post(reverse("admin:login"), {"username": "chief", "password": "wrong"})
    client.post(reverse("admin:login"), {"username": "chief", "password": "pw-for-tests"})
    assert not logged_in(client)
