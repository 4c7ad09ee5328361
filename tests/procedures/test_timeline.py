"""Where a version stands on a day, and the one line a printout must carry about it."""

import datetime

import pytest
from django.utils import timezone

from procedures.models import Procedure, ProcedureVersion
from procedures.timeline import standing, state, with_in_force_id
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


def _states(on):
    versions = with_in_force_id(ProcedureVersion.objects.order_by("pk"), on=on)
    return [state(version, version.in_force_id, on) for version in versions]


def test_a_list_tells_in_force_from_scheduled_without_a_query_a_row(django_assert_num_queries):
    first = make_published(effective_from=datetime.date(2026, 1, 1))
    publish_change(first, effective_from=NEW_YEAR)
    with django_assert_num_queries(1):
        assert _states(TODAY) == ["in_force", "upcoming"]
    assert _states(NEW_YEAR) == ["superseded", "in_force"]


def test_a_list_agrees_with_each_versions_standing():
    first = make_published(effective_from=datetime.date(2025, 1, 1))
    second = publish_change(first, effective_from=datetime.date(2026, 3, 1))
    publish_change(second, effective_from=NEW_YEAR)
    make_draft(title="另一个事项")
    expected = [standing(v, on=TODAY).state for v in ProcedureVersion.objects.order_by("pk")]
    assert _states(TODAY) == expected == ["superseded", "in_force", "upcoming", "draft"]


def test_no_version_of_a_procedure_no_longer_handled_is_in_force():
    current = make_published(effective_from=datetime.date(2026, 1, 1))
    Procedure.objects.filter(pk=current.procedure_id).update(retired_at=timezone.now())
    assert _states(TODAY) == ["superseded"]
