"""The page for a request that failed: busy (503) when SQLite's write lock was not free in time.

On SQLite every write waits up to 20 s for the one write lock (settings), and an import lets
writers in every second. A restore, which must replace the library in one transaction, can
hold it longer: a request that had to write then fails with "database is locked". It is told
the system is busy and to try again in a moment (503 with Retry-After), not that the system
is broken (500).
"""

import sys

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
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
