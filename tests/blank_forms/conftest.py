import pytest

from procedures.roles import EDITORS, PUBLISHERS, WINDOW_STAFF
from tests.factories import make_user


@pytest.fixture
def editor(db):
    return make_user("editor", EDITORS, is_staff=True)


@pytest.fixture
def publisher(db):
    return make_user("chief", PUBLISHERS, is_staff=True)


@pytest.fixture
def clerk(db):
    return make_user("clerk", WINDOW_STAFF)
