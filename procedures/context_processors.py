from django.http import HttpRequest

from procedures.roles import can_edit, sees_internal_notes


def roles(request: HttpRequest) -> dict[str, bool]:
    """What the visitor may see and do, for every page."""
    return {
        "show_internal": sees_internal_notes(request.user),
        "can_edit": can_edit(request.user),
    }
