import datetime

import pytest
from django.utils import timezone

from practice import question_bank, scheduling
from practice.models import Answer, Card, Question
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def wrong_letter(question: Question) -> str:
    return next(
        letter for letter, _ in question.lettered_options() if letter not in question.answer
    )


def test_a_wrong_answer_makes_the_card_due_sooner_than_a_right_one(library, clerk):
    first, second = Question.objects.live()[:2]

    scheduling.record_answer(user=clerk, question=first, chosen=first.answer)
    scheduling.record_answer(user=clerk, question=second, chosen=wrong_letter(second))

    right, wrong = Card.objects.get(question=first), Card.objects.get(question=second)
    assert wrong.due < right.due
    assert right.due - timezone.now() > datetime.timedelta(hours=12)
    assert (wrong.lapses, right.lapses) == (1, 0)
    assert list(Answer.objects.order_by("pk").values_list("correct", "rating")) == [
        (True, 3),
        (False, 1),
    ]


def test_one_card_per_clerk_and_question(library, clerk):
    question = Question.objects.live().first()
    other = make_user("other")

    scheduling.record_answer(user=clerk, question=question, chosen=question.answer)
    scheduling.record_answer(user=clerk, question=question, chosen=wrong_letter(question))
    scheduling.record_answer(user=other, question=question, chosen=question.answer)

    assert Card.objects.get(user=clerk, question=question).reps == 2
    assert Card.objects.filter(question=question).count() == 2


def test_the_due_review_comes_before_new_questions(library, clerk):
    question = Question.objects.live().last()
    scheduling.record_answer(user=clerk, question=question, chosen=wrong_letter(question))
    later = timezone.now() + datetime.timedelta(minutes=11)

    assert scheduling.next_question(clerk, now=later) == question
    assert scheduling.next_question(clerk) != question  # not due yet: a new one


def test_new_questions_stop_after_the_days_ration(library, clerk):
    for _ in range(scheduling.NEW_PER_DAY):
        question = scheduling.next_question(clerk)
        scheduling.record_answer(user=clerk, question=question, chosen=question.answer)

    assert scheduling.next_question(clerk) is None
    assert scheduling.new_today(clerk) == scheduling.NEW_PER_DAY


def test_a_retired_questions_card_is_not_served(library, clerk):
    question = Question.objects.live().first()
    scheduling.record_answer(user=clerk, question=question, chosen=wrong_letter(question))
    question_bank.retire(question, timezone.now())

    later = timezone.now() + datetime.timedelta(days=1)
    assert scheduling.next_question(clerk, now=later) != question
    assert scheduling.due_count(clerk, now=later) == 0


def test_a_category_filter_serves_only_its_questions(library, clerk):
    relief = library.procedure.category.__class__.objects.get(name="社会救助")

    question = scheduling.next_question(clerk, category=relief)

    assert question.category == relief


def practise_new(clerk, category, count: int) -> list[Question]:
    served = []
    for _ in range(count):
        question = scheduling.next_question(clerk, category=category)
        scheduling.record_answer(user=clerk, question=question, chosen=question.answer)
        served.append(question)
    return served


def test_a_days_new_questions_take_turns_by_kind_procedure_and_material(library, clerk):
    served = practise_new(clerk, library.procedure.category, 8)

    kinds = [question_bank.generator_of(q.source_key) for q in served]
    assert len(set(kinds[:3])) == 3  # not three 「X」应提交哪种形式？ in a row
    for before, after in zip(served, served[1:], strict=False):
        assert question_bank.generator_of(before.source_key) != question_bank.generator_of(
            after.source_key
        )
        assert before.procedure_id != after.procedure_id
    materials = [
        (q.procedure_id, q.source_key.split(":")[1])
        for q in served
        if q.source_key.startswith("material:")
    ]
    assert len(materials) == len(set(materials))  # one question per material a day


def test_the_order_of_new_questions_is_the_same_for_everyone(library, clerk):
    other = make_user("other")
    category = library.procedure.category

    assert practise_new(clerk, category, 6) == practise_new(other, category, 6)


def test_a_material_is_asked_about_once_a_day(library, clerk):
    category = library.procedure.category
    rows = Question.objects.live().filter(category=category, source_key__startswith="material:")
    materials = [(q.procedure_id, q.source_key.rsplit(":", 1)[0]) for q in rows]
    twice = next(material for material in materials if materials.count(material) > 1)
    first = rows.filter(procedure_id=twice[0], source_key__startswith=f"{twice[1]}:").first()
    scheduling.record_answer(user=clerk, question=first, chosen=first.answer)

    served = practise_new(clerk, category, scheduling.NEW_PER_DAY - 1)

    assert twice not in [(q.procedure_id, q.source_key.rsplit(":", 1)[0]) for q in served]
