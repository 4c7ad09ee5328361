"""What staff and residents open: daily view counts (高频事项). A clerk's own list: hall.recent.

A page view writes nothing: each process adds its counts up in memory and writes them in one
transaction every FLUSH_EVERY counted views or, at the first view after FLUSH_SECONDS, and when
it exits normally. A worker killed outright (SIGKILL, a power cut) loses what it had not written
yet: at most FLUSH_EVERY - 1 views. 高频事项 ranks 30 days of views: that is noise.
"""

import atexit
import datetime
import threading
import time
from collections import Counter
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from hall.models import DailyViews
from procedures.models import Procedure
from sopdesk.bookkeeping import best_effort, within_quota

DAY = 24 * 60 * 60
FLUSH_EVERY = 50
FLUSH_SECONDS = 30.0


class Tally:
    """Views counted in this process and not written yet, per procedure and day."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[tuple[int, datetime.date]] = Counter()
        self.since = time.monotonic()

    def add(self, procedure_id: int, day: datetime.date) -> bool:
        """Count one view; True when the counts are due to be written."""
        with self.lock:
            self.counts[procedure_id, day] += 1
            waited = time.monotonic() - self.since
            return self.counts.total() >= FLUSH_EVERY or waited >= FLUSH_SECONDS

    def take(self) -> dict[tuple[int, datetime.date], int]:
        with self.lock:
            counts, self.counts = dict(self.counts), Counter()
            self.since = time.monotonic()
            return counts


unwritten = Tally()


def record_view(procedure: Procedure, *, client: str = "") -> None:
    """Count one view today, once a day for each client.

    Counting is bookkeeping: it never fails the page (see sopdesk.bookkeeping), and it is
    written later, with other views (see above).
    """
    if client and not within_quota(f"view:{procedure.pk}:{client}", limit=1, seconds=DAY):
        return
    if unwritten.add(procedure.pk, timezone.localdate()):
        write_views()


def write_views() -> None:
    """Write the views counted in this process, in one transaction."""
    counts = unwritten.take()
    if counts:
        best_effort("page-view counts", partial(_write, counts))


def _write(counts: dict[tuple[int, datetime.date], int]) -> None:
    existing = set(Procedure.objects.filter(pk__in={pk for pk, _ in counts}).values_list("pk"))
    for (pk, day), views in counts.items():
        if (pk,) in existing:
            _add(pk, day, views)


def _add(procedure_id: int, day: datetime.date, views: int) -> None:
    rows = DailyViews.objects.filter(procedure_id=procedure_id, day=day)
    if not rows.update(count=F("count") + views):
        try:
            with transaction.atomic():
                DailyViews.objects.create(procedure_id=procedure_id, day=day, count=views)
        except IntegrityError:  # another process created the day's row first
            rows.update(count=F("count") + views)


atexit.register(write_views)


def most_viewed(*, days: int = 30, limit: int = 10) -> list[Procedure]:
    since = timezone.localdate() - datetime.timedelta(days=days)
    return list(
        Procedure.objects.public()
        .filter(daily_views__day__gt=since)
        .annotate(views=Sum("daily_views__count"))
        .order_by("-views", "slug")[:limit]
    )
