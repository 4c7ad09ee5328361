"""What training adds to pages it does not own: the procedure page and the hall's home page.

Each tag decides on its own whom it shows anything to, so the page including it passes nothing.
"""

from typing import Any

from django import template
from django.http import HttpRequest
from django.template.context import Context
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from procedures.models import Procedure, ProcedureVersion
from procedures.reader_parts import kept_for_reader, token_of
from sopdesk import page_cache
from training import inbox, paths, progress
from training.people import name_of
from training.receipts import Status, reading_on_page, receipts_generation
from training.roles import is_staff_member

register = template.Library()


@register.simple_tag(takes_context=True)
def training_on_procedure(context: Context) -> str:
    """我已读完 at the end of a procedure's page, and the path's 上一项/下一项 when read in one.

    Kept for the reader until one of their receipts changes (or the library, as every kept
    part); a page read along a path is rendered each time, as paths change in the admin.
    """
    request = context.get("request")
    version: ProcedureVersion | None = context.get("version")
    procedure: Procedure | None = context.get("procedure")
    if request is None:
        return ""
    user = request.user
    if (
        not user.is_authenticated
        or version is None
        or procedure is None
        or version.is_draft
        or not context.get("in_force")
        or not is_staff_member(user)
    ):
        return ""

    def render(token: str) -> str:
        return render_to_string(
            "training/_procedure_panel.html", _panel(request, version, procedure, token)
        )

    if request.GET.get("path"):
        return mark_safe(render(token_of(context)))  # noqa: S308 - rendered by a template
    receipts = page_cache.generation(receipts_generation(user.pk))
    return kept_for_reader(context, "training-panel", (version.pk, receipts), render)


def _panel(
    request: HttpRequest, version: ProcedureVersion, procedure: Procedure, token: str
) -> dict[str, Any]:
    reading, receipt = reading_on_page(request.user, version)  # type: ignore[arg-type]
    return {
        "shown": True,
        "version": version,
        "procedure": procedure,
        "reading": reading,
        "receipt": receipt,
        "statuses": Status,
        "place": path_place(request.GET.get("path"), procedure),
        "csrf_token": token,
    }


def path_place(value: str | None, procedure: Procedure) -> dict[str, Any] | None:
    reading_path = paths.path_named(value)
    if reading_path is None:
        return None
    procedures = paths.Shelf.load().procedures_of(reading_path)
    found = paths.neighbours(procedures, procedure)
    if found is None:
        return None
    position, previous, following = found
    return {
        "path": reading_path,
        "position": position,
        "total": len(procedures),
        "previous": previous,
        "following": following,
    }


@register.inclusion_tag("training/_home_panel.html", takes_context=True)
def training_home(context: Context) -> dict[str, Any]:
    """The hall's home page, for staff: how many changes wait in 变更提醒, what to re-read."""
    request = context.get("request")
    user = request.user if request is not None else None
    if user is None or not user.is_authenticated or not is_staff_member(user):
        return {"shown": False}
    shelf = paths.Shelf.load()
    return {
        "shown": True,
        "unseen": inbox.unseen_count(user, shelf),
        "rereads": len(progress.to_reread(user, shelf)),
    }


register.filter("person", name_of)
