"""Who trains whom: a trainer (培训负责人) assigns reading paths and sees everyone's progress.

Every signed-in member of staff reads, confirms and practises for themselves; only a trainer
(a member of the group TRAINERS, which holds MANAGE) sees other people's progress.
"""

from typing import TYPE_CHECKING, TypeAlias

from procedures.kept_permissions import group_names
from procedures.roles import EDITORS, PUBLISHERS, WINDOW_STAFF, Visitor

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A signed-in person: every page here is behind login.
Account: TypeAlias = "User"

TRAINERS = "培训负责人"
MANAGE = "training.manage_training"
STAFF_GROUPS = (WINDOW_STAFF, EDITORS, PUBLISHERS, TRAINERS)


def is_trainer(user: Visitor) -> bool:
    return user.is_authenticated and user.has_perm(MANAGE)


def is_staff_member(user: Visitor) -> bool:
    """Signed in and working in the hall: reads, confirms and sees their own progress."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return not group_names(user).isdisjoint(STAFF_GROUPS)
