"""SQLite: FTS5 tables of terms (one column per field), fts5vocab for document frequencies.

The terms are the analyzer's, joined by spaces for FTS5's default tokenizer to split again:
SQLite's own tokenizers cannot cut Chinese (unicode61 takes a run of it as one word, trigram
misses two-character words).
"""

from collections.abc import Iterable, Sequence

from django.db import connection

# Version ids per DELETE, under SQLite's limit on the parameters of one statement.
CHUNK = 500


class SQLiteIndex:
    head = "search_head"
    content = "search_content"

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.head}")
            cursor.execute(f"DELETE FROM {self.content}")

    def delete(self, version_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(version_ids), CHUNK):
                chunk = list(version_ids[start : start + CHUNK])
                marks = ", ".join(["%s"] * len(chunk))
                for table in (self.head, self.content):
                    cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", chunk)

    def insert(self, rows: Sequence[tuple[int, dict[str, set[str]]]]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.head} (rowid, title, aliases) VALUES (%s, %s, %s)",
                [(pk, _joined(t["title"]), _joined(t["aliases"])) for pk, t in rows],
            )
            cursor.executemany(
                f"INSERT INTO {self.content} (rowid, materials, body, internal)"
                " VALUES (%s, %s, %s, %s)",
                [
                    (pk, _joined(t["materials"]), _joined(t["body"]), _joined(t["internal"]))
                    for pk, t in rows
                ],
            )

    def count(
        self, anywhere: Sequence[str], in_names: Sequence[str]
    ) -> tuple[dict[str, int], dict[str, int]]:
        """Entries holding each term: among titles and aliases, and in the rest (`anywhere`)."""
        head = self._count(self.head, [*anywhere, *in_names])
        return head, self._count(self.content, anywhere)

    def _count(self, table: str, terms: Sequence[str]) -> dict[str, int]:
        if not terms:
            return {}
        marks = ", ".join(["%s"] * len(terms))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT term, doc FROM {table}_vocab WHERE term IN ({marks})", terms)
            return dict(cursor.fetchall())

    def top(
        self, clauses: Sequence[tuple[str, ...]], *, head: bool, internal: bool, limit: int
    ) -> list[int]:
        """The best-matching version ids by BM25 (in force or not: a join would cost double)."""
        if not clauses:
            return []
        table = self.head if head else self.content
        columns = "" if head or internal else "{materials body} : "
        weights = "1.0, 0.9" if head else "1.0, 0.4, 0.3"
        groups = ("(" + " AND ".join(f'"{t}"' for t in clause) + ")" for clause in clauses)
        match = columns + "(" + " OR ".join(groups) + ")"
        sql = (
            f"SELECT rowid FROM {table} WHERE {table} MATCH %s"
            f" ORDER BY bm25({table}, {weights}) LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, limit])
            return [row[0] for row in cursor.fetchall()]


def _joined(terms: Iterable[str]) -> str:
    return " ".join(sorted(terms))
