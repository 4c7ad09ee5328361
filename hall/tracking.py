"""What staff and residents open: daily view counts (高频事项) and a staff member's recent list."""

import datetime
from functools import partial

from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from hall.models import DailyViews
from procedures.models import Procedure
from sopdesk.bookkeeping import best_effort, within_quota

RECENT_KEY = "recently_viewed"
RECENT_LENGTH = 8
DAY = 24 * 60 * 60


def record_view(
    procedure: Procedure, session: SessionBase | None = None, *, client: str = ""
) -> None:
    """Count one view today, once a day for each client; remember it in the session's list.

    Counting is bookkeeping: it never fails the page (see sopdesk.bookkeeping).
    """
    if session is not None:
        recent = [slug for slug in session.get(RECENT_KEY, []) if slug != procedure.slug]
        session[RECENT_KEY] = [procedure.slug, *recent][:RECENT_LENGTH]
    if client and not within_quota(f"view:{procedure.pk}:{client}", limit=1, seconds=DAY):
        return
    best_effort("page-view count", partial(_count, procedure, timezone.localdate()))


def _count(procedure: Procedure, day: datetime.date) -> None:
    updated = DailyViews.objects.filter(procedure=procedure, day=day).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                DailyViews.objects.create(procedure=procedure, day=day, count=1)
        except IntegrityError:  # another request created the day's row first
            DailyViews.objects.filter(procedure=procedure, day=day).update(count=F("count") + 1)


def most_viewed(*, days: int = 30, limit: int = 10) -> list[Procedure]:
    since = timezone.localdate() - datetime.timedelta(days=days)
    return list(
        Procedure.objects.public()
        .filter(daily_views__day__gt=since)
        .annotate(views=Sum("daily_views__count"))
        .order_by("-views", "slug")[:limit]
    )


def recently_viewed(session: SessionBase) -> list[Procedure]:
    slugs = session.get(RECENT_KEY, [])
    found = {p.slug: p for p in Procedure.objects.public().filter(slug__in=slugs)}
    return [found[slug] for slug in slugs if slug in found]
