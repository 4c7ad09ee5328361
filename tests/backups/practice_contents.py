"""Rows of every practice model for the backup tests: per-user practice state is backed up."""

from django.contrib.auth import get_user_model

from practice import question_bank, scheduling
from practice.models import Question
from procedures.models import Category


def add_practice_rows() -> None:
    """A trainer's question, generated questions with their source versions, a card, an answer."""
    question_bank.refresh_all()
    staff = get_user_model().objects.get(username="staff")
    own = Question.objects.create(
        kind=Question.Kind.JUDGE,
        stem="委托他人代办的，需要授权委托书。",
        options=["正确", "错误"],
        answer="A",
        explanation="见各事项的按情形材料。",
        category=Category.objects.first(),
        created_by=get_user_model().objects.get(username="publisher"),
    )
    scheduling.record_answer(user=staff, question=own, chosen="B")
    generated = Question.objects.live().filter(generated=True).first()
    scheduling.record_answer(user=staff, question=generated, chosen=generated.answer)
