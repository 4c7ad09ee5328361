"""Where a version stands on a day, and the one line a printout must carry about it."""

import datetime

import pytest

from procedures.timeline import standing
from tests.factories import make_draft, make_published, publish_change

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 28)
NEW_YEAR = datetime.date(2027, 1, 1)


def test_the_version_in_force_announces_a_scheduled_change():
    current = make_published(effective_from=datetime.date(2026, 1, 1))
    publish_change(current, effective_from=NEW_YEAR, change_summary="户口簿改为系统核验")
    assert standing(current, on=TODAY).notice() == "自 2027年1月1日起：户口簿改为系统核验"


def test_the_version_in_force_without_a_scheduled_change_says_nothing():
    current = make_published(effective_from=datetime.date(2026, 1, 1))
    assert standing(current, on=TODAY).state == "in_force"
    assert standing(current, on=TODAY).notice() == ""


def test_a_version_not_yet_in_force_says_from_when():
    current = make_published(effective_from=datetime.date(2026, 1, 1))
    upcoming = publish_change(current, effective_from=NEW_YEAR)
    assert standing(upcoming, on=TODAY).notice().startswith("尚未施行：自 2027年1月1日起施行")


def test_a_superseded_version_says_since_when():
    first = make_published(effective_from=datetime.date(2025, 1, 1))
    publish_change(first, effective_from=datetime.date(2026, 3, 1))
    notice = standing(first, on=TODAY).notice()
    assert notice.startswith("已废止：自 2026年3月1日起不再施行")


def test_on_the_day_a_change_takes_effect_the_old_version_is_superseded():
    current = make_published(effective_from=datetime.date(2026, 1, 1))
    publish_change(current, effective_from=NEW_YEAR)
    assert standing(current, on=NEW_YEAR).state == "superseded"


def test_a_draft_is_neither():
    assert standing(make_draft(), on=TODAY).notice() == ""
