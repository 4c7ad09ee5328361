"""PostgreSQL's planner statistics, brought up to date while an import fills the tables.

PostgreSQL plans each query from the row counts VACUUM and ANALYZE last recorded. Neither
counts rows another transaction has not committed yet: an autovacuum that passes while an
import is still open (a restore, a test, a batch) records its tables as holding no rows, and
on that belief the planner finds one version by its key by walking every procedure (a nested
loop over an index), 0.1-0.8 s a lookup: importing the 1,141-item catalogue in one transaction
went from 46 s to more than 10 minutes when a VACUUM passed after its first batch.

So an import runs ANALYZE itself after the batch that brings its count of written procedures
to 50, and again each time that count doubles: a dozen times for 100,000. ANALYZE, unlike
autovacuum, counts the rows its own transaction wrote; a role that does not own a table is
only warned. SQLite plans without such statistics and needs nothing.
"""

from django.db import connection

FIRST = 50


class Statistics:
    """One import's record of when it last ran ANALYZE."""

    def __init__(self) -> None:
        self.analyzed_at = 0

    def after_batch(self, written: int) -> bool:
        """`written`: procedures written so far. True when ANALYZE ran."""
        if connection.vendor != "postgresql" or written < max(FIRST, 2 * self.analyzed_at):
            return False
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.analyzed_at = written
        return True
