"""Search keeps its index in step with the library by listening to what publishing sends, and
forgets what it keeps between queries (`search.kept`) when editors change it."""

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from procedures import signals
from search import indexing, kept
from search.models import Referral, Synonym


@receiver(signals.procedures_changed, dispatch_uid="search.index_changed")
def index_changed(sender: object, *, procedure_ids: list[int], **kwargs: object) -> None:
    indexing.index_procedures(procedure_ids)


@receiver(signals.library_replaced, dispatch_uid="search.rebuild_after_replace")
def rebuild_after_replace(sender: object, **kwargs: object) -> None:
    indexing.rebuild_index()


@receiver(post_save, sender=Synonym, dispatch_uid="search.synonym_saved")
@receiver(post_delete, sender=Synonym, dispatch_uid="search.synonym_deleted")
@receiver(post_save, sender=Referral, dispatch_uid="search.referral_saved")
@receiver(post_delete, sender=Referral, dispatch_uid="search.referral_deleted")
@receiver(post_migrate, dispatch_uid="search.migrated")
def forget_kept(sender: object, **kwargs: object) -> None:
    kept.renew()
