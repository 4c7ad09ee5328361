"""The page for a request that failed: busy (503) when SQLite's write lock was not free in time,
and a page saying what a URL is for when it was opened with a method it does not take (405).

On SQLite every write waits up to 20 s for the one write lock (settings), and an import lets
writers in every second. A restore, which must replace the library in one transaction, can
hold it longer: a request that had to write then fails with "database is locked". It is told
the system is busy and to try again in a moment (503 with Retry-After), not that the system
is broken (500).
"""

import sys
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error

RETRY_AFTER_SECONDS = 10


@requires_csrf_token
def error_page(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it while handling the exception, so sys.exc_info() names it."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError) and "locked" in str(error):
        page = loader.get_template("503.html").render()
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return server_error(request)


class MethodNotAllowedPage:
    """A URL that only takes a form (require_POST), opened from the history or a bookmark, gets
    Django's 405 with nothing in it: a blank page. It gets a page saying so instead, with the
    same status and Allow header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or getattr(response, "streaming", False) or response.content:
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response.get("Allow", "")
        return page
