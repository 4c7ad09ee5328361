"""Sessions read from the shared `pages` cache, written to it and to the database (issue 15).

Django's cached_db store: a clerk's page reads the session from the cache (a file, or Redis or
memcached when configured) instead of a query; every write still goes to the database, so a
cache emptied or culled only costs a query. Its keys carry a generation that a restore renews,
as a restore empties the sessions table: whoever was signed in signs in again, as before.
"""

from django.contrib.sessions.backends import cached_db

from sopdesk import page_cache

GENERATION = "sessions:generation"


class SessionStore(cached_db.SessionStore):
    @property
    def cache_key_prefix(self) -> str:
        """Django's prefix and the generation: every key, read, written or deleted, has it."""
        return f"{cached_db.KEY_PREFIX}:{page_cache.generation(GENERATION)}:"


def forget_sessions() -> None:
    """Every session kept in the cache is forgotten (the table was emptied)."""
    page_cache.renew(GENERATION)
