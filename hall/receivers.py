"""The hall counts the procedure pages the library shows (高频事项, 我最近查看), and forgets the
stored pages when what they show changes."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest

from hall import recent
from hall.models import HallSettings
from hall.tracking import record_view
from procedures import signals
from procedures.models import Category, MaterialKind, Procedure
from sopdesk import page_cache
from sopdesk.bookkeeping import client_of


@receiver(signals.procedure_viewed, dispatch_uid="hall.count_view")
def count_view(
    sender: type[Procedure], *, procedure: Procedure, request: HttpRequest, **kwargs: Any
) -> None:
    # A stored page is served before authentication: its visitor is nobody's clerk.
    if getattr(request, "user", None) is not None:
        recent.remember(request, procedure)
    record_view(procedure, client=client_of(request))


@receiver(signals.procedures_changed, dispatch_uid="hall.forget_pages_changed")
@receiver(signals.library_replaced, dispatch_uid="hall.forget_pages_replaced")
def forget_pages(sender: Any, **kwargs: Any) -> None:
    if not kwargs.get("raw"):  # a restore's rows: `library_replaced` follows
        page_cache.forget_pages()


# Shown on every page (the hall in the header and footer, the 条线, the kinds of material),
# edited in the admin without a publishing verb.
for model in (HallSettings, Category, MaterialKind):
    post_save.connect(
        forget_pages, sender=model, dispatch_uid=f"hall.forget_pages_{model.__name__}_saved"
    )
    post_delete.connect(
        forget_pages, sender=model, dispatch_uid=f"hall.forget_pages_{model.__name__}_deleted"
    )
