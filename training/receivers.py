"""What training does when the library changes: a new 条线 gets its reading path."""

from typing import Any

from django.dispatch import receiver

from procedures.models import Category
from procedures.signals import procedures_changed
from training.paths import ensure_category_paths


@receiver(procedures_changed)
def path_for_every_category(sender: Any, procedure_ids: list[int], **kwargs: Any) -> None:
    ensure_category_paths(Category.objects.filter(procedures__in=procedure_ids).distinct())
