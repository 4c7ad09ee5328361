import pytest

from procedures.roles import EDITORS, PUBLISHERS, WINDOW_STAFF
from tests.factories import make_category, make_published, make_user
from upkeep.models import CategoryUpkeep


@pytest.fixture
def clerk(db):
    return make_user("clerk", WINDOW_STAFF, last_name="王", first_name="小雨")


@pytest.fixture
def owner(db):
    return make_user("owner", EDITORS, is_staff=True, last_name="李", first_name="编")


@pytest.fixture
def other_editor(db):
    return make_user("other", EDITORS, is_staff=True)


@pytest.fixture
def publisher(db):
    return make_user("chief", PUBLISHERS, is_staff=True)


@pytest.fixture
def births(db, owner, publisher):
    """生育服务手册 in force, its 条线 owned by `owner` with `publisher` as backup."""
    category = make_category("计划生育")
    CategoryUpkeep.objects.create(category=category, owner=owner, backup=publisher)
    return make_published("生育服务手册", category=category)
