"""Login throttling (django-axes): password guessing is slowed down, everyone else logs in.

A hall's windows reach SOPDesk through one reverse proxy: the client's address is read from
X-Forwarded-For behind TRUSTED_PROXY_COUNT proxies, so one clerk's typos lock out no one else.
Past a limit the waits grow: 1 minute, then doubling with each failure after a wait, up to an
hour. Time passes in these tests by moving the recorded failures into the past.
(Simultaneous attempts: test_lockout_concurrency.py.)
"""

import datetime
import runpy
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import F, Sum
from django.urls import reverse

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


def pass_time(**delta):
    """Move every recorded failure into the past, as if that much time had gone by."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(**delta))


def names_the_wait(response, minutes: int) -> bool:
    return response.status_code == 429 and f"请 {minutes} 分钟后再试" in response.content.decode()


def remembered_failures() -> int:
    return AccessAttempt.objects.aggregate(total=Sum("failures_since_start"))["total"] or 0


@pytest.fixture
def password_checks(monkeypatch):
    checks = []
    check_password = AbstractBaseUser.check_password

    def counted(user, raw_password):
        checks.append(user.get_username())
        return check_password(user, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counted)
    return checks


def test_the_policy_is_five_per_username_and_twenty_per_address():
    assert (PER_USERNAME, PER_ADDRESS) == (5, 20)


def test_the_waits_start_at_a_minute_and_end_at_an_hour_remembered_for_a_day():
    configured = (settings.AXES_FIRST_DELAY, settings.AXES_MAX_DELAY, settings.AXES_COOLOFF_TIME)
    hour = datetime.timedelta(hours=1)
    assert configured == (hour / 60, hour, 24 * hour)


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


def test_the_failure_that_reaches_the_limit_names_a_one_minute_wait(client):
    make_user("window")
    for _ in range(PER_USERNAME - 1):
        attempt(client, "window", "wrong")
    response = attempt(client, "window", "wrong")
    assert names_the_wait(response, 1)
    assert 55 <= int(response["Retry-After"]) <= 60


def test_the_first_wait_ends_after_a_minute(client):
    make_user("window")
    for _ in range(PER_USERNAME):
        attempt(client, "window", "wrong")
    pass_time(seconds=50)
    assert names_the_wait(attempt(client, "window", "pw-for-tests"), 1)
    assert not logged_in(client)
    pass_time(seconds=11)
    attempt(client, "window", "pw-for-tests")
    assert logged_in(client)


def test_each_failure_after_a_wait_doubles_the_next_up_to_an_hour(client):
    make_user("window")
    for _ in range(PER_USERNAME - 1):
        attempt(client, "window", "wrong")
    waits = [1, 2, 4, 8, 16, 32, 60, 60]
    for number, minutes in enumerate(waits):
        if number:
            previous = waits[number - 1]
            # Not a second early: the right password is refused, and the page says how long is left.
            pass_time(minutes=previous, seconds=-5)
            assert names_the_wait(attempt(client, "window", "pw-for-tests"), 1)
            pass_time(seconds=6)
        assert names_the_wait(attempt(client, "window", "wrong"), minutes)
    assert remembered_failures() == PER_USERNAME + len(waits) - 1


def test_the_page_names_what_is_left_of_the_wait(client):
    make_user("window")
    for _ in range(PER_USERNAME + 4):  # the 9th failure, an hour after the 8th: 16 minutes
        pass_time(hours=1)
        attempt(client, "window", "wrong")
    pass_time(minutes=2, seconds=30)
    response = attempt(client, "window", "pw-for-tests")
    assert names_the_wait(response, 14)
    assert 14 * 60 - 35 <= int(response["Retry-After"]) <= 14 * 60 - 29


def test_refused_attempts_are_neither_checked_nor_counted(client, password_checks):
    make_user("window")
    for _ in range(PER_USERNAME):
        attempt(client, "window", "wrong")
    assert len(password_checks) == PER_USERNAME
    for _ in range(10):
        assert names_the_wait(attempt(client, "window", "wrong"), 1)
    assert len(password_checks) == PER_USERNAME
    assert remembered_failures() == PER_USERNAME
    pass_time(seconds=61)
    attempt(client, "window", "pw-for-tests")
    assert logged_in(client)


def test_the_address_waits_grow_too(client):
    for n in range(PER_ADDRESS - 1):
        attempt(client, f"guess{n}", "wrong", address="10.6.6.6")
    assert names_the_wait(attempt(client, "guess-last", "wrong", address="10.6.6.6"), 1)
    assert names_the_wait(attempt(client, "guess-more", "wrong", address="10.6.6.6"), 1)
    pass_time(seconds=61)
    assert names_the_wait(attempt(client, "guess-more", "wrong", address="10.6.6.6"), 2)


def test_failures_are_remembered_for_a_day_after_the_last(client):
    make_user("window")
    for _ in range(PER_USERNAME):
        attempt(client, "window", "wrong")
    pass_time(hours=23)
    assert names_the_wait(attempt(client, "window", "wrong"), 2)


def test_failures_a_day_old_are_forgotten(client):
    make_user("window")
    for _ in range(PER_USERNAME + 2):
        attempt(client, "window", "wrong")
        pass_time(hours=1)
    pass_time(hours=23)
    response = attempt(client, "window", "wrong")
    assert "用户名或密码不对" in response.content.decode()
    assert remembered_failures() == 1


def test_old_failures_are_pruned_at_the_next_failure(client):
    make_user("window")
    attempt(client, "window", "wrong", address="10.0.0.7")
    pass_time(hours=24, seconds=1)
    attempt(client, "someone", "wrong", address="10.0.0.8")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["someone"]


def test_old_failures_are_pruned_at_the_next_login(client):
    make_user("window")
    attempt(client, "someone", "wrong", address="10.0.0.7")
    pass_time(hours=24, seconds=1)
    attempt(client, "window", "pw-for-tests", address="10.0.0.8")
    assert logged_in(client)
    assert not AccessAttempt.objects.exists()


def test_a_success_clears_the_failures(client):
    make_user("window")
    for _ in range(PER_USERNAME - 1):
        attempt(client, "window", "wrong")
    attempt(client, "window", "pw-for-tests")
    assert logged_in(client)
    assert not AccessAttempt.objects.filter(username="window").exists()


def test_after_a_success_the_waits_start_over(client):
    make_user("window")
    for _ in range(PER_USERNAME + 1):  # a 2-minute wait
        attempt(client, "window", "wrong")
        pass_time(minutes=5)
    attempt(client, "window", "pw-for-tests")
    assert logged_in(client)
    client.logout()
    for _ in range(PER_USERNAME - 1):
        assert "用户名或密码不对" in attempt(client, "window", "wrong").content.decode()
    assert names_the_wait(attempt(client, "window", "wrong"), 1)


def test_a_success_clears_only_that_usernames_failures(client):
    # Otherwise anyone with an account could log in between guesses at a colleague's password.
    make_user("colleague")
    make_user("guesser")
    for _ in range(PER_USERNAME - 1):
        attempt(client, "colleague", "wrong", address="10.6.6.6")
    attempt(client, "guesser", "pw-for-tests", address="10.6.6.6")
    assert logged_in(client)
    client.logout()
    assert names_the_wait(attempt(client, "colleague", "wrong", address="10.6.6.6"), 1)


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
