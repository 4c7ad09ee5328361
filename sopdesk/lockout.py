"""Login throttling on django-axes, with a lower limit per username than per address.

Axes counts failures per username and per client address (read behind the configured number of
trusted proxies) and compares the larger count with one limit. A hall has many windows behind
one proxy but each clerk has one username, so the two need different limits: a username is
locked after AXES_FAILURE_LIMIT failures, an address only after AXES_IP_FAILURE_LIMIT.
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
        """The username's failures, or the lockout limit once the address reached its own."""
        by_username, by_address = (
            _failures(attempts) for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.AXES_IP_FAILURE_LIMIT:
            return max(by_username, settings.AXES_FAILURE_LIMIT)
        return by_username


def _failures(attempts: "QuerySet[AccessAttempt]") -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
