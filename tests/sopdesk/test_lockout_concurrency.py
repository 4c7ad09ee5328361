"""Simultaneous wrong passwords: the limit holds even when every request arrives at once.

Each request reserves its attempt (counts it as a failure) before the password is checked, under
a lock per client address, so 30 requests sent together get AXES_FAILURE_LIMIT password checks,
not 30. The check is slowed down as real password hashing is (PBKDF2 takes a good part of a
second in production), which is what lets every request of the old code pass the "locked?"
question before any of them had recorded its failure.
"""

import threading
import time
from collections import Counter

import pytest
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connections
from django.test import Client
from django.urls import reverse

from tests.factories import make_user

# Threads use their own connections, so the rows must be committed. No serialized_rollback: its
# flush skips post_migrate, which would leave the transactional tests after these (live_server's,
# which make their groups again with the `roles` fixture) without any permissions.
pytestmark = pytest.mark.django_db(transaction=True)
LOGIN = reverse("login")
REQUESTS = 30
HASHING_TIME = 0.2


@pytest.fixture
def password_checks(monkeypatch):
    """Count the password checks, each taking as long as real hashing would."""
    checks = []
    check_password = AbstractBaseUser.check_password

    def counted(user, raw_password):
        checks.append(user.get_username())
        time.sleep(HASHING_TIME)
        return check_password(user, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counted)
    return checks


def post_together(posts):
    """POST each (data, extra) from its own thread and client, all released at once."""
    barrier = threading.Barrier(len(posts))
    statuses: list[int | Exception] = [0] * len(posts)

    def post(index, data, extra):
        try:
            client = Client()
            barrier.wait()
            statuses[index] = client.post(LOGIN, data, **extra).status_code
        except Exception as error:  # noqa: BLE001 - the outcome under test
            statuses[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(n, *item)) for n, item in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return Counter(statuses)


def assert_refused(statuses, at_least):
    """Every request got a page: the lock page for the refused ones, and for a failed check that
    finished after the limit was reached; "wrong password" for a check that finished before."""
    assert set(statuses) <= {200, 429}
    assert statuses[429] >= at_least


def test_thirty_simultaneous_wrong_passwords_get_five_checks(password_checks):
    make_user("window")
    # A different browser in each request: the pair's limit is for the username at the address,
    # however many user agents (and so rows) the guesser spreads the failures over.
    posts = [
        (
            {"username": "window", "password": f"guess{n}"},
            {"REMOTE_ADDR": "10.0.0.9", "HTTP_USER_AGENT": f"agent {n}"},
        )
        for n in range(REQUESTS)
    ]
    statuses = post_together(posts)
    assert len(password_checks) == settings.AXES_FAILURE_LIMIT
    assert_refused(statuses, REQUESTS - settings.AXES_FAILURE_LIMIT)


def test_simultaneous_guesses_at_many_usernames_stop_at_the_address_limit(password_checks):
    for n in range(REQUESTS):
        make_user(f"clerk{n}")
    posts = [
        ({"username": f"clerk{n}", "password": "wrong"}, {"REMOTE_ADDR": "10.6.6.6"})
        for n in range(REQUESTS)
    ]
    statuses = post_together(posts)
    assert len(password_checks) == settings.AXES_IP_FAILURE_LIMIT
    assert_refused(statuses, REQUESTS - settings.AXES_IP_FAILURE_LIMIT)
