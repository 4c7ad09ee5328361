"""Spaced repetition with FSRS: which question a clerk sees next, and what an answer does.

One card per (clerk, question). A right answer is rated Good and a wrong one Again: clerks
answer with one tap and never grade themselves, so the rating is the answer itself. A new card
answered right is due again in days; answered wrong, in ten minutes, within the same session.
"""

import dataclasses
import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from fsrs import Card as MemoryCard
from fsrs import Rating, Scheduler

from practice import question_bank
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
    return next_new_question(user, questions, now=now)


@dataclasses.dataclass(frozen=True)
class Topic:
    """What a question is about, for mixing a day's new questions."""

    pk: int
    kind: str  # the generator (`form`, `next`…), or "own" for a trainer's question
    procedure: int | None
    subject: tuple[int | None, str]  # (procedure, material or key): asked at most once a day


def topic_of(pk: int, generated: bool, key: str, procedure: int | None) -> Topic:
    if not generated:
        return Topic(pk, "own", None, (None, f"own:{pk}"))
    head, _, rest = key.partition(":")
    # material:<kind id>:form → the material; any other key is its own subject.
    subject = f"material:{rest.partition(':')[0]}" if head == "material" else key
    return Topic(pk, question_bank.generator_of(key), procedure, (procedure, subject))


def next_new_question(
    user: "User", questions: QuestionQuerySet, *, now: datetime.datetime
) -> Question | None:
    """A new question that mixes the day: the kinds take turns (required, form, copies… own),
    each kind in 条线 and procedure order; a procedure's material is asked about at most once a
    day and two questions in a row come from different procedures, while others are left."""
    fields = ("pk", "generated", "source_key", "procedure_id")
    unseen = [
        topic_of(*row)
        for row in questions.exclude(cards__user=user)
        .order_by("procedure__category__position", "procedure__position", "procedure_id", "pk")
        .values_list(*fields)
    ]
    if not unseen:
        return None
    today = [
        topic_of(*row)
        for row in Card.objects.filter(user=user, created_at__gte=start_of_day(now))
        .order_by("created_at", "pk")
        .values_list(*(f"question__{field}" for field in fields))
    ]
    asked = {topic.subject for topic in today}
    last = today[-1] if today else None
    turns = [*question_bank.GENERATORS, "own"]
    start = turns.index(last.kind) + 1 if last else 0
    rotation = turns[start:] + turns[:start]

    def fresh(topic: Topic) -> bool:
        return topic.subject not in asked

    def elsewhere(topic: Topic) -> bool:
        return fresh(topic) and (
            last is None or topic.procedure is None or topic.procedure != last.procedure
        )

    for allowed in (elsewhere, fresh):
        for kind in rotation:
            chosen = next((t for t in unseen if t.kind == kind and allowed(t)), None)
            if chosen is not None:
                return Question.objects.get(pk=chosen.pk)
    return Question.objects.get(pk=unseen[0].pk)


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
