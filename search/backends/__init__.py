"""The database's own full-text engine, one module per vendor, chosen for the connection.

Both hold the analyzer's terms keyed by version id, take the same writes and answer the same two
questions (how many entries hold each term, which entries match best), so indexing and ranking
never look at the vendor themselves.
"""

from collections.abc import Sequence
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from search.backends.postgresql import PostgreSQLIndex
from search.backends.sqlite import SQLiteIndex

# An entry's terms by column: title, aliases, materials, body, internal.
Terms = dict[str, set[str]]


class FullTextIndex(Protocol):
    def clear(self) -> None: ...

    def delete(self, version_ids: Sequence[int]) -> None: ...

    def insert(self, rows: Sequence[tuple[int, Terms]]) -> None: ...

    def count(
        self, anywhere: Sequence[str], in_names: Sequence[str]
    ) -> tuple[dict[str, int], dict[str, int]]: ...

    def top(
        self, clauses: Sequence[tuple[str, ...]], *, head: bool, internal: bool, limit: int
    ) -> list[int]: ...


def for_connection() -> FullTextIndex:
    """The full-text index of the default connection's database."""
    vendor = connection.vendor
    if vendor == "sqlite":
        return SQLiteIndex()
    if vendor == "postgresql":
        return PostgreSQLIndex()
    raise ImproperlyConfigured(f"Search supports SQLite and PostgreSQL, not {vendor}.")
