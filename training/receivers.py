"""What training does when the library changes: a new 条线 gets its reading path; and when a
receipt changes: the reader's kept 已读确认 panels are forgotten."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from procedures.models import Category
from procedures.signals import procedures_changed
from sopdesk import page_cache
from training.models import ReadReceipt
from training.paths import ensure_category_paths
from training.receipts import receipts_generation


@receiver(procedures_changed)
def path_for_every_category(sender: Any, procedure_ids: list[int], **kwargs: Any) -> None:
    ensure_category_paths(Category.objects.filter(procedures__in=procedure_ids).distinct())


@receiver(post_save, sender=ReadReceipt, dispatch_uid="training.receipt_saved")
@receiver(post_delete, sender=ReadReceipt, dispatch_uid="training.receipt_deleted")
def forget_reader_panels(sender: Any, instance: ReadReceipt, **kwargs: Any) -> None:
    page_cache.renew(receipts_generation(instance.user_id))
