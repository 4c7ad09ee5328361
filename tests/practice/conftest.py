import pytest

from practice import question_bank
from procedures.roles import WINDOW_STAFF
from tests.factories import make_user
from tests.practice.library import make_small_library
from training.roles import TRAINERS


@pytest.fixture
def library(db):
    """The small library, its bank complete as the practice page leaves it."""
    birth = make_small_library()
    question_bank.refresh_stale()
    return birth


@pytest.fixture
def clerk(db):
    return make_user("clerk", WINDOW_STAFF)


@pytest.fixture
def trainer(db):
    return make_user("trainer", TRAINERS)
