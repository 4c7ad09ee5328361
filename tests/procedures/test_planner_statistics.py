"""An import keeps PostgreSQL's row counts true while its own transaction is still open."""

import pytest
from django.db import connection

from procedures import planner_statistics
from tests.factories import make_published

pytestmark = pytest.mark.django_db


def test_analyze_runs_at_fifty_written_and_each_time_the_count_doubles(monkeypatch):
    ran: list[int] = []
    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setattr(connection, "cursor", lambda: _Recorder(ran))
    statistics = planner_statistics.Statistics()
    for written in (10, 49, 50, 60, 99, 100, 150, 199, 200, 401, 500):
        if statistics.after_batch(written):
            ran.append(written)
    assert ran == [50, 100, 200, 401]


def test_sqlite_needs_nothing(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner")
    assert not planner_statistics.Statistics().after_batch(10_000)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_the_rows_of_the_open_transaction_are_counted():
    for n in range(planner_statistics.FIRST):
        make_published(f"事项{n}", slug=f"shi-xiang-{n}")
    assert planner_statistics.Statistics().after_batch(planner_statistics.FIRST)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'procedures_procedure'")
        (counted,) = cursor.fetchone()
    assert counted >= planner_statistics.FIRST


class _Recorder:
    def __init__(self, ran: list[int]) -> None:
        self.ran = ran

    def __enter__(self) -> "_Recorder":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute(self, sql: str) -> None:
        assert sql == "ANALYZE"
