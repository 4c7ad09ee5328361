"""A published draft closes the reports linked to it, in the publishing transaction; a change
to owners, intervals, checks, reports, feedback, drafts in review, the review rules or people
renews what staff pages keep of a procedure's standing and of a person's queue."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from procedures import signals
from procedures.models import ProcedureVersion, ReviewRules
from sopdesk import page_cache
from upkeep.models import CategoryUpkeep, PageFeedback, ProcedureUpkeep, Report, ReviewCheck
from upkeep.ownership import GENERATION
from upkeep.queue import WAITING
from upkeep.reports import close_with_published


@receiver(signals.version_published, dispatch_uid="upkeep.close_fixed_reports")
def close_fixed_reports(sender: Any, *, version: ProcedureVersion, **kwargs: Any) -> None:
    close_with_published(version)


def forget_standings(sender: Any, **kwargs: Any) -> None:
    page_cache.renew(GENERATION)


@receiver(signals.review_changed, dispatch_uid="upkeep.forget_waiting_reviews")
def forget_waiting(sender: Any, **kwargs: Any) -> None:
    page_cache.renew(WAITING)


for model, forget in (
    (CategoryUpkeep, forget_standings),
    (ProcedureUpkeep, forget_standings),
    (ReviewCheck, forget_standings),
    (get_user_model(), forget_standings),
    # A report or a resident's answer changes a queue, not a procedure's standing.
    (Report, forget_waiting),
    (PageFeedback, forget_waiting),
    # Whether a reviewer may review the drafts they wrote.
    (ReviewRules, forget_waiting),
):
    for signal, verb in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(forget, sender=model, dispatch_uid=f"upkeep.forget_{model.__name__}_{verb}")
