import pytest

from procedures.roles import WINDOW_STAFF
from tests.factories import make_category, make_published, make_user
from training.roles import TRAINERS


@pytest.fixture
def clerk(db):
    return make_user("clerk", WINDOW_STAFF, last_name="王", first_name="小雨")


@pytest.fixture
def trainer(db):
    return make_user("coach", TRAINERS)


@pytest.fixture
def births(db):
    """Two procedures of 计划生育, in order, each with version 1 in force."""
    category = make_category("计划生育")
    return [make_published(title, category=category) for title in ("生育服务手册", "独生子女证")]
