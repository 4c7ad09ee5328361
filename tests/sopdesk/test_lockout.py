"""Login throttling (django-axes): password guessing is slowed down, everyone else logs in.

A hall's windows reach SOPDesk through one reverse proxy: the client's address is read from
X-Forwarded-For behind TRUSTED_PROXY_COUNT proxies, so one clerk's typos lock out no one else.
"""

import datetime
import runpy
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")
PROXY = "10.0.0.1"
PER_USERNAME = settings.AXES_FAILURE_LIMIT
PER_ADDRESS = settings.AXES_IP_FAILURE_LIMIT


@pytest.fixture
def behind_one_proxy(settings, monkeypatch):
    """The settings a deployment gets from TRUSTED_PROXY_COUNT=1 (nginx in front)."""
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "1")
    configured = runpy.run_path(str(Path(settings.BASE_DIR) / "sopdesk" / "settings.py"))
    for name in ("AXES_IPWARE_PROXY_COUNT", "AXES_IPWARE_META_PRECEDENCE_ORDER", "IPWARE_STRICT"):
        setattr(settings, name, configured[name])


def attempt(client, username, password, address="10.0.0.1", forwarded_for=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded_for:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_policy_is_five_per_username_and_twenty_per_address():
    assert (PER_USERNAME, PER_ADDRESS) == (5, 20)


def test_the_right_password_is_refused_after_too_many_failures(client):
    make_user("window")
    for _ in range(PER_USERNAME):
        attempt(client, "window", "wrong")
    response = attempt(client, "window", "pw-for-tests")
    assert not logged_in(client)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_failures_below_the_limit_only_say_the_password_is_wrong(client):
    make_user("window")
    for _ in range(PER_USERNAME - 1):
        response = attempt(client, "window", "wrong")
    assert "用户名或密码不对" in response.content.decode()


def test_the_lock_ends_when_the_failures_are_old(client):
    make_user("window")
    for _ in range(PER_USERNAME):
        attempt(client, "window", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    attempt(client, "window", "pw-for-tests")
    assert logged_in(client)


def test_old_failures_are_pruned_at_the_next_failure(client):
    make_user("window")
    attempt(client, "window", "wrong", address="10.0.0.7")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    attempt(client, "someone", "wrong", address="10.0.0.8")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["someone"]


def test_a_success_clears_the_failures(client):
    make_user("window")
    for _ in range(PER_USERNAME - 1):
        attempt(client, "window", "wrong")
    attempt(client, "window", "pw-for-tests")
    assert logged_in(client)
    assert not AccessAttempt.objects.filter(username="window").exists()


def test_one_guessed_username_does_not_lock_out_another(client):
    make_user("window")
    make_user("other")
    for _ in range(PER_USERNAME):
        attempt(client, "window", "wrong", address="10.0.0.9")
    attempt(client, "other", "pw-for-tests", address="10.0.0.9")
    assert logged_in(client)


def test_a_guesser_elsewhere_does_not_lock_a_clerk_out_at_their_window(client):
    make_user("window")
    for _ in range(PER_USERNAME):
        attempt(client, "window", "wrong", address="198.51.100.7")
    attempt(client, "window", "pw-for-tests", address="10.0.0.9")
    assert logged_in(client)


def test_an_address_guessing_many_usernames_is_stopped(client):
    make_user("victim")
    for n in range(PER_ADDRESS):
        attempt(client, f"guess{n}", "wrong", address="10.6.6.6")
    attempt(client, "victim", "pw-for-tests", address="10.6.6.6")
    assert not logged_in(client)


def test_an_address_below_its_limit_is_not_locked(client):
    make_user("victim")
    for n in range(PER_ADDRESS - 1):
        attempt(client, f"guess{n}", "wrong", address="10.6.6.6")
    attempt(client, "victim", "pw-for-tests", address="10.6.6.6")
    assert logged_in(client)


@pytest.mark.usefixtures("behind_one_proxy")
def test_behind_a_proxy_one_clerks_failures_do_not_lock_out_the_hall(client):
    make_user("colleague")
    for n in range(PER_ADDRESS):
        attempt(client, f"typo{n}", "wrong", address=PROXY, forwarded_for="192.0.2.10")
    attempt(client, "colleague", "pw-for-tests", address=PROXY, forwarded_for="192.0.2.11")
    assert logged_in(client)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.10"}


@pytest.mark.usefixtures("behind_one_proxy")
def test_behind_a_proxy_a_forged_forwarded_address_is_not_believed(client):
    # The proxy appends the address it saw; what the client wrote before it is not trusted.
    for n in range(3):
        attempt(client, f"x{n}", "wrong", address=PROXY, forwarded_for=f"203.0.113.{n}, 192.0.2.66")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.66"}


def test_without_a_configured_proxy_the_forwarded_header_is_ignored(client):
    attempt(client, "x", "wrong", address="10.0.0.3", forwarded_for="192.0.2.99")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.3"]


def test_the_admin_login_is_throttled_too(client):
    make_user("chief", is_staff=True)
    for _ in range(PER_USERNAME):
        client.post(reverse("admin:login"), {"username": "chief", "password": "wrong"})
    client.post(reverse("admin:login"), {"username": "chief", "password": "pw-for-tests"})
    assert not logged_in(client)
