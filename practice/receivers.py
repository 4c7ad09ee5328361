"""The question bank follows the library: a published change regenerates its questions."""

from django.dispatch import receiver

from practice import question_bank
from procedures import signals


@receiver(signals.procedures_changed, dispatch_uid="practice.regenerate_questions")
def regenerate_questions(sender: object, *, procedure_ids: list[int], **kwargs: object) -> None:
    question_bank.refresh_changed(procedure_ids)
