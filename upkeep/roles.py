"""Who may do what with reports and reviews.

Anonymous residents only send page feedback. Staff (anyone with REPORT) report problems and see
reports. An item's owner and backup handle its reports and reviews; 审核发布 (HANDLE_ALL)
handle every item's, see the overdue ones, and assign owners.
"""

from typing import TYPE_CHECKING

from django.http import HttpRequest

from procedures.models import Procedure
from procedures.roles import Visitor, can_edit
from upkeep.ownership import Stewards, stewards_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REPORT = "upkeep.add_report"
HANDLE_ALL = "upkeep.handle_all"


def can_report(user: Visitor) -> bool:
    return user.is_authenticated and user.has_perm(REPORT)


def handles_all(user: Visitor) -> bool:
    return user.is_authenticated and user.has_perm(HANDLE_ALL)


def handles(user: Visitor, procedure: Procedure, stewards: Stewards | None = None) -> bool:
    """The owner or backup of the procedure (an editor), or 审核发布."""
    if handles_all(user):
        return True
    if not can_edit(user):
        return False
    found = stewards if stewards is not None else stewards_of(procedure)
    return user.pk in (found.owner_id, found.backup_id)


def sees_queue(user: Visitor) -> bool:
    """Editors (their own items) and 审核发布 (every item)."""
    return handles_all(user) or can_edit(user)


def account(request: HttpRequest) -> "User":
    """The signed-in person making the request (every page that writes is behind login)."""
    user = request.user
    assert user.is_authenticated
    return user
