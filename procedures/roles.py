"""The people who use SOPDesk, as Django groups, and what each may do."""

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# Whoever made the request: request.user.
Visitor: TypeAlias = "User | AnonymousUser"

WINDOW_STAFF = "窗口人员"
EDITORS = "编辑"
PUBLISHERS = "审核发布"

VIEW_INTERNAL = "procedures.view_internal_notes"
PUBLISH = "procedures.publish_procedureversion"


def sees_internal_notes(user: Visitor) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_INTERNAL)


def can_edit(user: Visitor) -> bool:
    return user.is_authenticated and user.has_perm("procedures.change_procedureversion")


def can_publish(user: Visitor) -> bool:
    return user.is_authenticated and user.has_perm(PUBLISH)
