from typing import Any

from django.http import HttpRequest

from hall.models import HallSettings


def hall(request: HttpRequest) -> dict[str, Any]:
    """The hall's name and contact details, for every page's header and footer."""
    return {"hall": HallSettings.load()}
