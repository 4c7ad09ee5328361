"""The people a trainer assigns paths to, and their names as the hall writes them (姓名)."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from procedures.roles import Visitor
from training.roles import STAFF_GROUPS


def staff_members() -> QuerySet:
    """People in a staff group, or with admin access, who can still sign in."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=STAFF_GROUPS) | Q(is_staff=True) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


def name_of(user: Visitor) -> str:
    """姓 before 名, no space; the username when no name is on record."""
    name = f"{getattr(user, 'last_name', '')}{getattr(user, 'first_name', '')}".strip()
    return f"{name}（{user.get_username()}）" if name else user.get_username()
