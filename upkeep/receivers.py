"""A published draft closes the reports linked to it, in the publishing transaction; a change
to owners, intervals, checks or people renews what staff pages keep of a procedure's standing."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from procedures import signals
from procedures.models import ProcedureVersion
from sopdesk import page_cache
from upkeep.models import CategoryUpkeep, ProcedureUpkeep, ReviewCheck
from upkeep.ownership import GENERATION
from upkeep.reports import close_with_published


@receiver(signals.version_published, dispatch_uid="upkeep.close_fixed_reports")
def close_fixed_reports(sender: Any, *, version: ProcedureVersion, **kwargs: Any) -> None:
    close_with_published(version)


def forget_standings(sender: Any, **kwargs: Any) -> None:
    page_cache.renew(GENERATION)


for model in (CategoryUpkeep, ProcedureUpkeep, ReviewCheck, get_user_model()):
    for signal, verb in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            forget_standings, sender=model, dispatch_uid=f"upkeep.forget_{model.__name__}_{verb}"
        )
