from typing import Any

from django.http import HttpRequest

from hall.models import HallSettings
from sopdesk import page_cache


def hall(request: HttpRequest) -> dict[str, Any]:
    """The hall's name and contact details, for every page's header and footer: kept with the
    stored pages, whose generation saving the settings (or a restore) renews."""
    key = page_cache.fragment_key("hall-settings")
    kept = page_cache.fragment(key)
    if not isinstance(kept, HallSettings):
        kept = HallSettings.load()
        page_cache.keep_fragment(key, kept)
    return {"hall": kept}
