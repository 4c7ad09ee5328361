"""What the team gets right and wrong: the trainer's figures, from the answer log."""

import datetime
from typing import Any

from django.db.models import Count, Q

from practice.models import Answer, Question
from practice.question_bank import generator_of
from procedures.models import Procedure

PERIOD = datetime.timedelta(days=30)
TOP = 10
WRONG = Count("pk", filter=Q(correct=False))


def accuracy_by_category(*, since: datetime.datetime) -> list[dict[str, Any]]:
    rows = (
        Answer.objects.filter(answered_at__gte=since)
        .values("question__category__name", "question__category__position")
        .annotate(total=Count("pk"), right=Count("pk", filter=Q(correct=True)))
        .order_by("question__category__position", "question__category__name")
    )
    return [
        {
            "name": row["question__category__name"] or "未分条线",
            "total": row["total"],
            "right": row["right"],
            "percent": round(100 * row["right"] / row["total"]),
        }
        for row in rows
    ]


def most_missed_questions(*, since: datetime.datetime) -> list[dict[str, Any]]:
    rows = (
        Answer.objects.filter(answered_at__gte=since)
        .values("question")
        .annotate(total=Count("pk"), wrong=WRONG)
        .filter(wrong__gt=0)
        .order_by("-wrong", "question")[:TOP]
    )
    questions = Question.objects.select_related("procedure").in_bulk(r["question"] for r in rows)
    return [{**row, "question": questions[row["question"]]} for row in rows]


def most_missed_procedures(*, since: datetime.datetime) -> list[dict[str, Any]]:
    rows = (
        Answer.objects.filter(answered_at__gte=since, question__procedure__isnull=False)
        .values("question__procedure", "question__procedure__slug")
        .annotate(total=Count("pk"), wrong=WRONG)
        .filter(wrong__gt=0)
        .order_by("-wrong", "question__procedure")[:TOP]
    )
    titles = dict(
        Procedure.objects.with_current_version()
        .filter(pk__in=[row["question__procedure"] for row in rows])
        .values_list("pk", "current_title")  # type: ignore[misc]
    )
    return [
        {
            "slug": row["question__procedure__slug"],
            "title": titles.get(row["question__procedure"]) or row["question__procedure__slug"],
            "total": row["total"],
            "wrong": row["wrong"],
        }
        for row in rows
    ]


def generated_counts() -> dict[str, int]:
    """Live generated questions per generator."""
    keys = Question.objects.live().filter(generated=True).values_list("source_key", flat=True)
    counts: dict[str, int] = {}
    for key in keys:
        counts[generator_of(key)] = counts.get(generator_of(key), 0) + 1
    return counts
