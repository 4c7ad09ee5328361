from procedures.models import HallSettings
from procedures.roles import can_edit, sees_internal_notes


def hall(request) -> dict:
    """The hall's name for every page header, and what the visitor may see."""
    return {
        "hall": HallSettings.load(),
        "show_internal": sees_internal_notes(request.user),
        "can_edit": can_edit(request.user),
    }
