"""Login throttling on django-axes: growing waits per username at an address and per address.

Axes counts failures per username at a client address (the pair) and per client address (read
behind the configured number of trusted proxies). A clerk mistyping at one window must not lock
the window's colleagues out, and a guesser elsewhere must not lock the clerk out, so a username
is never locked for everyone:

- The pair may fail AXES_FAILURE_LIMIT (5) times, the address AXES_IP_FAILURE_LIMIT (20) times
  for any usernames, before anything is refused.
- The failure that reaches a limit starts a wait of AXES_FIRST_DELAY (1 minute), counted from
  that failure. Until it is over, the pair (or the address) is refused without its password
  being checked, and the refused attempts are not counted. Each further failure, which can only
  be made once the wait is over, doubles the wait, up to AXES_MAX_DELAY (60 minutes): after the
  5th, 6th, 7th … failure of a pair the waits are 1, 2, 4, 8, 16, 32, 60, 60 … minutes.
- Failures are remembered for AXES_COOLOFF_TIME (24 hours) after the pair's last one (axes counts
  only newer ones and deletes older rows at every login attempt), so waiting out the
  longest wait does not start the guesser over at 1 minute.
- A successful login deletes the pair's failures (AXES_RESET_ON_SUCCESS): the next mistake
  starts over. Only the pair's: axes would delete every failure from the address, and whoever
  has an account could then log in between guesses at a colleague's password and never reach a
  limit.

Why these numbers: 5 tries cover the usual mistakes (caps lock, the input method still on
Chinese, a colleague's password) and 1 minute is shorter than finding the administrator, so a
clerk who mistypes barely notices. A clerk rarely gets past 2 or 4 minutes; a guesser gets 10
tries in the first hour and then one an hour: about 33 a day for one username from one
address, against 480 a day with the old flat 15-minute lock. The cap is an hour because a clerk
who forgot the password and kept trying must not be kept out for a whole shift (an
administrator can clear the lock sooner), and because past an hour the guesser's rate hardly
changes any more. A day of memory is far longer than the longest wait and ends with the working
day: yesterday's typos never count.

Why not axes' cool-off alone: AXES_COOLOFF_TIME (which may be a callable) is at once how long
failures are remembered and how long a lock lasts; a growing wait needs the memory to outlast
the wait. So the cool-off is the memory (axes filters and prunes with it) and is_locked here
decides the wait from the number of failures and the time of the last one.

The count is atomic: is_allowed (called by AxesStandaloneBackend before the password is checked)
counts the attempt as a failure in the same transaction in which it asks whether the pair or the
address is locked, and no other attempt from that address runs that transaction at the same
time. Requests sent together therefore get AXES_FAILURE_LIMIT password checks, not one each. A
failed check leaves the count as it is; a successful login deletes it. A right password that the
login form still refuses (a non-staff account at the admin's login) stays counted as a failure.
"""

import datetime
import hashlib
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.conf import settings  # Django's settings, with axes' defaults filled in
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_query_str
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.db import connections, router, transaction
from django.db.models import Case, F, Max, QuerySet, Sum, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

NO_WAIT = datetime.timedelta(0)
# Set on a request whose attempt is_allowed has already counted as a failure.
COUNTED = "sopdesk_attempt_counted"


def delay(beyond_limit: int) -> datetime.timedelta:
    """The wait after the failure that reached a limit (0), or the nth failure beyond it."""
    wait: datetime.timedelta = settings.AXES_FIRST_DELAY
    longest: datetime.timedelta = settings.AXES_MAX_DELAY
    for _ in range(beyond_limit):
        if wait >= longest:
            break
        wait *= 2
    return min(wait, longest)


@dataclass(frozen=True)
class Tally:
    """The failures remembered for a pair or an address, and the time of the last one."""

    failures: int
    last: datetime.datetime | None

    def wait(self, limit: int, now: datetime.datetime) -> datetime.timedelta:
        if self.failures < limit or self.last is None:
            return NO_WAIT
        return max(self.last + delay(self.failures - limit) - now, NO_WAIT)


class AxesRequest(HttpRequest):
    """A request as axes' proxy handler has annotated it before calling the handler (types only)."""

    axes_ip_address: str | None
    axes_user_agent: str
    axes_path_info: str
    axes_http_accept: str
    axes_locked_out: bool
    axes_credentials: dict[str, Any] | None
    axes_failures_since_start: int | None


class HallLockoutHandler(AxesDatabaseHandler):
    def is_allowed(self, request: AxesRequest, credentials: dict[str, Any] | None = None) -> bool:
        """Axes' checks; then refuse a locked pair or address, or count the attempt, atomically."""
        if settings.AXES_ONLY_ADMIN_SITE and not self.is_admin_request(request):
            return True
        if self.is_blacklisted(request, credentials):
            return False
        if self.is_whitelisted(request, credentials):
            return True
        with one_at_a_time(request.axes_ip_address):
            if self.is_locked(request, credentials):
                return False
            self.count_failure(request, credentials)
        setattr(request, COUNTED, True)
        return True

    def is_locked(self, request: AxesRequest, credentials: dict[str, Any] | None = None) -> bool:
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        return self.get_wait(request, credentials) > NO_WAIT

    def get_wait(
        self, request: AxesRequest, credentials: dict[str, Any] | None = None
    ) -> datetime.timedelta:
        """How long the username at the address must still wait: the pair's or the address's."""
        pair, address = (tally(each) for each in self.get_user_attempts(request, credentials))
        now = timezone.now()
        return max(
            pair.wait(settings.AXES_FAILURE_LIMIT, now),
            address.wait(settings.AXES_IP_FAILURE_LIMIT, now),
        )

    def get_failures(self, request: AxesRequest, credentials: dict[str, Any] | None = None) -> int:
        """The pair's remembered failures (for axes' API; is_locked decides from the waits)."""
        pair, _address = self.get_user_attempts(request, credentials)
        return tally(pair).failures

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: AxesRequest | None = None,
        **kwargs: Any,
    ) -> None:
        """Lock out once this failure, counted by is_allowed, makes the pair or address wait."""
        if request is None or request.axes_locked_out or self.is_whitelisted(request, credentials):
            # Axes logs the missing request, and counts neither a refused nor a whitelisted attempt.
            super().user_login_failed(sender, credentials, request, **kwargs)
            return
        # Pruned as axes does at every attempt, and outside one_at_a_time: two transactions that
        # each hold one address's rows and delete the other's old ones could deadlock.
        self.clean_expired_user_attempts(request, credentials)
        if not getattr(request, COUNTED, False):
            # A failure that did not pass is_allowed first (a login path without the backend).
            with one_at_a_time(request.axes_ip_address):
                self.count_failure(request, credentials)
        request.axes_failures_since_start = self.get_failures(request, credentials)
        if self.is_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def reset_user_attempts(
        self, request: AxesRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """After a successful login: the pair's failures, not the address's other usernames'."""
        pair, _address = self.filter_user_attempts(request, credentials)
        count, _ = pair.delete()
        return int(count)

    def count_failure(self, request: AxesRequest, credentials: dict[str, Any] | None) -> None:
        """Add one failure to the pair's row for this user agent; call inside one_at_a_time."""
        details = {
            # As axes records them: passwords masked, no NUL characters.
            "get_data": get_query_str(request.GET).replace("\0", "0x00"),
            "post_data": get_query_str(request.POST).replace("\0", "0x00"),
            "http_accept": request.axes_http_accept,
            "path_info": request.axes_path_info,
        }
        row = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
            user_agent=request.axes_user_agent,
        )
        updated = row.update(
            # A row whose failures are forgotten but not yet pruned starts over.
            failures_since_start=Case(
                When(attempt_time__lt=get_cool_off_threshold(request), then=Value(1)),
                default=F("failures_since_start") + 1,
            ),
            attempt_time=timezone.now(),
            **details,
        )
        if not updated:
            AccessAttempt.objects.create(
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
                user_agent=request.axes_user_agent,
                failures_since_start=1,
                **details,
            )


def tally(attempts: "QuerySet[AccessAttempt]") -> Tally:
    totals = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    return Tally(failures=totals["failures"] or 0, last=totals["last"])


@contextmanager
def one_at_a_time(ip_address: str | None) -> Iterator[None]:
    """A transaction that no other login attempt from the address runs at the same time.

    PostgreSQL: a transaction-level advisory lock on the address, released at commit. Row locks
    would not do: the first failures have no row yet, and a pair's or an address's failures are
    spread over several rows (one per username and user agent). SQLite: settings begin every
    transaction with BEGIN IMMEDIATE, which takes the database's one write lock, so such
    transactions run one at a time anyway. Every attempt of a pair comes from its address, so
    one lock covers both counts.
    """
    using = router.db_for_write(AccessAttempt)
    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s::bigint)", [lock_key(ip_address)])
        yield


def lock_key(ip_address: str | None) -> int:
    digest = hashlib.sha256(f"sopdesk login {ip_address}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lockout_response(
    request: AxesRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The lock page (AXES_LOCKOUT_CALLABLE): the wait in whole minutes, Retry-After in seconds."""
    wait = HallLockoutHandler().get_wait(request, credentials)
    seconds = max(math.ceil(wait.total_seconds()), 1)
    response = render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {"wait_minutes": math.ceil(seconds / 60)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(seconds)
    return response
