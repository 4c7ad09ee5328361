"""Search keeps its index in step with the library by listening to what publishing sends."""

from django.dispatch import receiver

from procedures import signals
from search import indexing


@receiver(signals.procedures_changed, dispatch_uid="search.index_changed")
def index_changed(sender: object, *, procedure_ids: list[int], **kwargs: object) -> None:
    indexing.index_procedures(procedure_ids)


@receiver(signals.library_replaced, dispatch_uid="search.rebuild_after_replace")
def rebuild_after_replace(sender: object, **kwargs: object) -> None:
    indexing.rebuild_index()
