"""Writes a read request makes on the side (page-view counts, search misses): never its failure.

A page must answer while an import or a restore holds SQLite's write lock. Such a write waits
a moment for the lock, then gives up and is logged: a lost count is better than a lost page.
Anonymous visitors cause these writes, so each client gets a quota: one client cannot grow
the tables or inflate the counts without bound.
"""

import logging
import time
from collections.abc import Callable

from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest

logger = logging.getLogger("sopdesk.bookkeeping")
# How long a bookkeeping write waits for SQLite's write lock before giving up.
SQLITE_WAIT_MS = 250


def best_effort(what: str, write: Callable[[], None]) -> None:
    """Run `write` in its own savepoint; on a database error, undo it, log it, carry on."""
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            (waited,) = cursor.fetchone()
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_WAIT_MS}")
    try:
        with transaction.atomic():
            write()
    except DatabaseError as error:
        logger.warning("%s skipped: %s", what, error)
    finally:
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(waited)}")


def within_quota(key: str, *, limit: int, seconds: int) -> bool:
    """True for the first `limit` calls with `key` in each window of `seconds` (per cache)."""
    window = int(time.time() // seconds)
    counter = f"quota:{key}:{window}"
    if cache.add(counter, 1, timeout=seconds):
        return True
    try:
        return cache.incr(counter) <= limit
    except ValueError:  # expired between add and incr: a new window has begun
        cache.add(counter, 1, timeout=seconds)
        return True


def client_of(request: HttpRequest) -> str:
    """Who is asking, as the login throttle sees them: the client's address behind the proxies."""
    return get_client_ip_address(request) or "unknown"
