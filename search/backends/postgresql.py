"""PostgreSQL: one row of tsvectors per entry, GIN-indexed; weights mark the fields.

head: title A, aliases B. content: materials A, body B, internal C (left out of the query for
residents by asking for weights AB only). The tsvector and tsquery literals are built from the
analyzer's terms, never by PostgreSQL's parser, which cannot cut Chinese.
"""

from collections.abc import Sequence

from django.db import connection


class PostgreSQLIndex:
    table = "search_vector"

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")

    def delete(self, version_ids: Sequence[int]) -> None:
        if version_ids:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {self.table} WHERE version_id = ANY(%s)", [list(version_ids)]
                )

    def insert(self, rows: Sequence[tuple[int, dict[str, set[str]]]]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.table} (version_id, head, content)"
                " VALUES (%s, %s::tsvector, %s::tsvector)",
                [
                    (
                        pk,
                        _tsvector((t["title"], "A"), (t["aliases"], "B")),
                        _tsvector((t["materials"], "A"), (t["body"], "B"), (t["internal"], "C")),
                    )
                    for pk, t in rows
                ],
            )

    def count(
        self, anywhere: Sequence[str], in_names: Sequence[str]
    ) -> tuple[dict[str, int], dict[str, int]]:
        """Entries holding each term: among titles and aliases, and in the rest (`anywhere`)."""
        head: dict[str, int] = {}
        content: dict[str, int] = {}
        terms = [(term, True) for term in anywhere] + [(term, False) for term in in_names]
        if terms:
            select = " UNION ALL ".join(
                "SELECT %s, count(*) FILTER (WHERE head @@ q),"
                " count(*) FILTER (WHERE %s AND content @@ q)"
                f" FROM {self.table}, CAST(%s AS tsquery) q"
                " WHERE head @@ q OR (%s AND content @@ q)"
                for _ in terms
            )
            params = [
                value
                for term, everywhere in terms
                for value in (term, everywhere, _lexeme(term), everywhere)
            ]
            with connection.cursor() as cursor:
                cursor.execute(select, params)
                for term, in_head, in_content in cursor.fetchall():
                    head[term] = in_head
                    if in_content:
                        content[term] = in_content
        return head, content

    def top(
        self, clauses: Sequence[tuple[str, ...]], *, head: bool, internal: bool, limit: int
    ) -> list[int]:
        """The best-matching version ids by ts_rank (in force or not, as on SQLite)."""
        if not clauses:
            return []
        column = "head" if head else "content"
        restrict = "" if head or internal else ":AB"
        query = " | ".join(
            "(" + " & ".join(_lexeme(term) + restrict for term in clause) + ")"
            for clause in clauses
        )
        weights = "{0, 0, 0.9, 1}" if head else "{0, 0.3, 0.4, 1}"
        sql = (
            f"SELECT version_id FROM {self.table}, CAST(%s AS tsquery) q WHERE {column} @@ q"
            f" ORDER BY ts_rank(CAST(%s AS float4[]), {column}, q) DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [query, weights, limit])
            return [row[0] for row in cursor.fetchall()]


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsvector(*fields: tuple[set[str], str]) -> str:
    """A tsvector literal: each term once, at one position per field it is in, with its weight."""
    positions: dict[str, list[str]] = {}
    for number, (terms, weight) in enumerate(fields, start=1):
        for term in terms:
            positions.setdefault(term, []).append(f"{number}{weight}")
    return " ".join(f"{_lexeme(t)}:{','.join(marks)}" for t, marks in sorted(positions.items()))
