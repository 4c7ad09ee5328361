"""Spaced repetition with FSRS: which question a clerk sees next, and what an answer does.

One card per (clerk, question). A right answer is rated Good and a wrong one Again: clerks
answer with one tap and never grade themselves, so the rating is the answer itself. A new card
answered right is due again in days; answered wrong, in ten minutes, within the same session.
"""

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from fsrs import Card as MemoryCard
from fsrs import Rating, Scheduler

from practice.models import Answer, Card, Question, QuestionQuerySet
from procedures.models import Category

if TYPE_CHECKING:
    from django.contrib.auth.models import User

NEW_PER_DAY = 10
STEPS = (datetime.timedelta(minutes=10),)
SCHEDULER = Scheduler(learning_steps=STEPS, relearning_steps=STEPS)


def record_answer(
    *, user: "User", question: Question, chosen: str, now: datetime.datetime | None = None
) -> Answer:
    """Grade `chosen` (letters, e.g. "AC"), reschedule the clerk's card, log the answer."""
    now = now or timezone.now()
    correct = chosen == question.answer
    rating = Rating.Good if correct else Rating.Again
    with transaction.atomic():
        card, created = Card.objects.select_for_update().get_or_create(
            user=user, question=question, defaults={"state": {"new": True}, "due": now}
        )
        memory = MemoryCard(card_id=question.pk) if created else MemoryCard.from_dict(card.state)
        memory, _ = SCHEDULER.review_card(memory, rating, review_datetime=now)
        card.state = dict(memory.to_dict())
        card.due = memory.due
        card.reps += 1
        card.lapses += 0 if correct else 1
        card.save()
        return Answer.objects.create(
            user=user, question=question, chosen=chosen, correct=correct, rating=rating.value
        )


def questions_for(category: Category | None) -> QuestionQuerySet:
    questions = Question.objects.live()
    return questions.filter(category=category) if category else questions


def next_question(
    user: "User", *, category: Category | None = None, now: datetime.datetime | None = None
) -> Question | None:
    """The most overdue review, else a new question while today's new ones last."""
    now = now or timezone.now()
    questions = questions_for(category)
    due = (
        Card.objects.filter(user=user, due__lte=now, question__in=questions)
        .select_related("question")
        .order_by("due", "pk")
        .first()
    )
    if due is not None:
        return due.question
    if new_today(user, now=now) >= NEW_PER_DAY:
        return None
    return (
        questions.exclude(cards__user=user)
        .order_by("procedure__category__position", "procedure__position", "procedure_id", "pk")
        .first()
    )


def new_today(user: "User", *, now: datetime.datetime | None = None) -> int:
    start = start_of_day(now or timezone.now())
    return Card.objects.filter(user=user, created_at__gte=start).count()


def due_count(
    user: "User", *, category: Category | None = None, now: datetime.datetime | None = None
) -> int:
    questions = questions_for(category)
    return Card.objects.filter(
        user=user, due__lte=now or timezone.now(), question__in=questions
    ).count()


def next_due(user: "User", *, category: Category | None = None) -> Card | None:
    questions = questions_for(category)
    return Card.objects.filter(user=user, question__in=questions).order_by("due").first()


def start_of_day(moment: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(moment)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)
