import io

import pytest
from django.core.management import call_command

from practice.models import Question

pytestmark = pytest.mark.django_db


def test_it_prints_the_count_per_kind_and_changes_nothing_the_second_time(library):
    Question.objects.all().delete()
    first, second = io.StringIO(), io.StringIO()

    call_command("generate_questions", stdout=first)
    rows = set(Question.objects.values_list("pk", "updated_at"))
    call_command("generate_questions", stdout=second)

    assert "步骤顺序：1 题" in first.getvalue()
    assert f"共 {Question.objects.count()} 题" in first.getvalue()
    assert second.getvalue() == first.getvalue()
    assert set(Question.objects.values_list("pk", "updated_at")) == rows
