"""我最近查看: the procedures a clerk opened last, kept in a signed cookie of theirs.

Opening a procedure page writes nothing to the database: a list kept in the session would
save the session (a write transaction, on SQLite behind the single write lock) on almost every
page a clerk opens during a call. The cookie is signed with a salt naming the user, so on a
shared window PC the next clerk to log in sees an empty list, never the previous one's; it
lives as long as a session does. Lists kept in sessions by earlier releases are still read
until the cookie replaces them.
"""

from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from procedures.models import Procedure

COOKIE = "sopdesk_recent"
LENGTH = 8
SESSION_KEY = "recently_viewed"  # where earlier releases kept the list
PENDING = "_sopdesk_recent"  # the request's attribute: the list to write with the response


def _salt(request: HttpRequest) -> str:
    return f"hall.recent.{request.user.pk}"


def listed(request: HttpRequest) -> list[str]:
    """The slugs the user opened last, newest first; [] for anyone not logged in."""
    if not request.user.is_authenticated:
        return []
    pending = getattr(request, PENDING, None)
    if pending is not None:
        return list(pending)
    value = request.COOKIES.get(COOKIE)
    if value is None:
        kept = request.session.get(SESSION_KEY, [])
        return [slug for slug in kept if isinstance(slug, str)][:LENGTH]
    try:
        slugs = signing.loads(value, salt=_salt(request), max_age=settings.SESSION_COOKIE_AGE)
    except signing.BadSignature:  # another user's list, an old one, or a forged one
        return []
    if not isinstance(slugs, list):
        return []
    return [slug for slug in slugs if isinstance(slug, str)][:LENGTH]


def remember(request: HttpRequest, procedure: Procedure) -> None:
    """Put `procedure` first in the user's list; the response carries the new cookie."""
    if not request.user.is_authenticated:
        return
    before = listed(request)
    recent = [procedure.slug, *(slug for slug in before if slug != procedure.slug)][:LENGTH]
    if recent != before or COOKIE not in request.COOKIES:  # a reload sends no cookie
        setattr(request, PENDING, recent)


def recently_viewed(request: HttpRequest) -> list[Procedure]:
    slugs = listed(request)
    found = {p.slug: p for p in Procedure.objects.public().filter(slug__in=slugs)}
    return [found[slug] for slug in slugs if slug in found]


class RecentCookieMiddleware:
    """Writes the list `remember` changed into the response's cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        recent = getattr(request, PENDING, None)
        if recent is not None and request.user.is_authenticated:
            response.set_cookie(
                COOKIE,
                signing.dumps(recent, salt=_salt(request), compress=True),
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
