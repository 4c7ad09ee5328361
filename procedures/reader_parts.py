"""Parts of a staff page made for one reader, kept between that reader's requests (issue 15).

A clerk's procedure page carries panels of its own (已读确认, 内容核对) that read the reader's
receipts and reports on every view, though they change only when one of those does. Each app
keeps its panel here under a key naming the reader, the generation of their permissions, and
the generations of what the panel reads (the app passes them); the pages' revision, generation
and day come with `page_cache.fragment_key`, so a publication, a new deployment or midnight
forget them too.

A kept part never holds a CSRF token: it is rendered with `TOKEN_MARK` in the token's place,
and the request's own token replaces the mark each time the part is shown.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from procedures import kept_permissions
from sopdesk import page_cache

TOKEN_MARK = "kept-part-csrf-token-mark"


def kept_for_reader(
    context: Context, name: str, parts: tuple[object, ...], render: Callable[[str], str]
) -> SafeString:
    """The part `name` for the reader of the page `context` renders: kept, or `render(token)`
    and kept; shown with the page's CSRF token (one token a page, as Django's tag gives).

    `parts` must name everything else the part depends on (objects' ids, the page's path,
    the generations of the rows it reads). Read it before rendering, as `page_cache` does.
    """
    request: HttpRequest = context["request"]
    user = request.user
    permissions = page_cache.generation(kept_permissions.GENERATION)
    key = page_cache.fragment_key(name, user.pk, permissions, *parts)
    html = page_cache.fragment(key)
    if not isinstance(html, str):
        html = str(render(TOKEN_MARK))
        page_cache.keep_fragment(key, html)
    return mark_safe(html.replace(TOKEN_MARK, token_of(context)))  # noqa: S308 - a template's


def token_of(context: Context) -> str:
    """The page's CSRF token: the one `{% csrf_token %}` puts on it, else a new one."""
    return str(context.get("csrf_token") or get_token(context["request"]))
