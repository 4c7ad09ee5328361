"""变更提醒: substantive changes to the procedures someone follows, since they last looked.

Someone follows the procedures of the paths assigned to them and every procedure they have
confirmed reading. Editorial versions (文字修订) never remind anyone: that is their point.
"""

import datetime
from functools import partial

from django.db.models import QuerySet
from django.utils import timezone

from procedures.models import ProcedureVersion
from sopdesk.bookkeeping import best_effort
from training.models import InboxVisit, ReadReceipt
from training.paths import Shelf, paths_of
from training.roles import Account

# Older changes are no longer news: the 需重读 list still shows what they left unread.
WINDOW = datetime.timedelta(days=90)


def followed(user: Account, shelf: Shelf) -> set[int]:
    assignments, _ = paths_of(user)
    ids = {p.pk for a in assignments for p in shelf.procedures_of(a.path)}
    ids |= set(ReadReceipt.objects.filter(user_id=user.pk).values_list("procedure_id", flat=True))
    return ids & set(shelf.procedures)


def last_visit(user: Account) -> datetime.datetime | None:
    return InboxVisit.objects.filter(user_id=user.pk).values_list("visited_at", flat=True).first()


def changes(user: Account, shelf: Shelf) -> QuerySet[ProcedureVersion]:
    """Substantive versions of followed procedures published in the window, newest first."""
    return (
        ProcedureVersion.objects.enacted()
        .filter(
            procedure_id__in=followed(user, shelf),
            number__gt=1,
            change_kind=ProcedureVersion.ChangeKind.SUBSTANTIVE,
            published_at__gt=timezone.now() - WINDOW,
        )
        .select_related("procedure")
        .order_by("-published_at", "-pk")
    )


def unseen_count(user: Account, shelf: Shelf) -> int:
    since = last_visit(user)
    found = changes(user, shelf)
    return (found.filter(published_at__gt=since) if since else found).count()


def record_visit(user: Account) -> None:
    """Bookkeeping of a read page: never its failure (see sopdesk.bookkeeping)."""
    best_effort("change inbox visit", partial(_store_visit, user.pk))


def _store_visit(user_id: int) -> None:
    InboxVisit.objects.update_or_create(user_id=user_id, defaults={"visited_at": timezone.now()})
