"""What a reading path holds, and in which order."""

import pytest
from django.utils import timezone

from hall.models import DailyViews
from procedures import publishing
from tests.factories import make_category, make_published
from tests.training.factories import custom_path
from training.models import ReadingPath
from training.paths import Shelf, neighbours

pytestmark = pytest.mark.django_db


@pytest.fixture
def births():
    """Three procedures of one 条线 in their curated order (position 1, 2, 3)."""
    category = make_category("计划生育")
    return [make_published(title, category=category).procedure for title in ("甲", "乙", "丙")]


def titles(path):
    return [p.current_title for p in Shelf.load().procedures_of(path)]


def test_every_category_gets_its_path_when_it_first_publishes(births):
    path = ReadingPath.objects.get()
    assert (path.category.name, str(path)) == ("计划生育", "计划生育条线")


def test_a_category_path_follows_the_curated_order(births):
    assert titles(ReadingPath.objects.get()) == ["甲", "乙", "丙"]


def test_the_high_frequency_procedures_come_first(births):
    today = timezone.localdate()
    DailyViews.objects.create(procedure=births[2], day=today, count=9)
    DailyViews.objects.create(procedure=births[1], day=today, count=3)
    assert titles(ReadingPath.objects.get()) == ["丙", "乙", "甲"]


def test_a_custom_path_keeps_its_trainer_order_across_categories(births):
    other = make_published("临时救助", category=make_category("社会救助")).procedure
    path = custom_path("综窗新人第一周", births[2], other, births[0])
    assert titles(path) == ["丙", "临时救助", "甲"]


def test_retired_procedures_drop_out_of_every_path(births):
    path = custom_path("第一周", *births)
    publishing.retire_procedure(births[1], by=None, reason="并入")
    assert titles(path) == ["甲", "丙"]
    assert titles(ReadingPath.objects.get(category__isnull=False)) == ["甲", "丙"]


def test_neighbours_give_the_place_and_the_procedures_around_it(births):
    procedures = Shelf.load().procedures_of(ReadingPath.objects.get())
    assert neighbours(procedures, births[0]) == (1, None, procedures[1])
    assert neighbours(procedures, births[2]) == (3, procedures[1], None)
    other = make_published("临时救助", category=make_category("社会救助")).procedure
    assert neighbours(procedures, other) is None
