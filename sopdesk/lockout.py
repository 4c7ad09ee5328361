"""Login throttling on django-axes, with a lower limit per username at an address than per address.

Axes counts failures per username at a client address and per client address (read behind the
configured number of trusted proxies) and compares the larger count with one limit. A clerk
mistyping at one window must not lock the window's colleagues out, and a guesser elsewhere must
not lock the clerk out: a username is locked at an address after AXES_FAILURE_LIMIT failures
there, an address after AXES_IP_FAILURE_LIMIT failures for any usernames.
"""

from typing import TYPE_CHECKING, Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest

if TYPE_CHECKING:
    from axes.models import AccessAttempt


class HallLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """The username's failures at the address, or the limit once the address reached its own."""
        by_username, by_address = (
            _failures(attempts) for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.AXES_IP_FAILURE_LIMIT:
            return max(by_username, settings.AXES_FAILURE_LIMIT)
        return by_username


def _failures(attempts: "QuerySet[AccessAttempt]") -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
