"""Who owns a procedure and when it is due: its own settings win over its 条线's."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import make_category, make_published, publish_change
from upkeep import rechecks, stewardship
from upkeep.exceptions import Refused
from upkeep.models import CategoryUpkeep, ProcedureUpkeep, ReviewCheck
from upkeep.ownership import NOBODY, standing_of, stewards_of

pytestmark = pytest.mark.django_db


def test_a_procedure_follows_its_category_unless_it_has_its_own(
    births, owner, publisher, other_editor
):
    assert stewards_of(births.procedure) == stewards_of(births.procedure).__class__(
        owner.pk, publisher.pk, 180, "条线"
    )
    ProcedureUpkeep.objects.create(procedure=births.procedure, owner=other_editor, interval_days=30)
    found = stewards_of(births.procedure)
    assert (found.owner_id, found.backup_id, found.interval_days, found.source) == (
        other_editor.pk,
        publisher.pk,  # the backup still comes from the 条线
        30,
        "事项",
    )


def test_without_any_setting_nobody_owns_it_and_it_is_checked_every_180_days():
    version = make_published("独生子女证", category=make_category("其他"))
    assert stewards_of(version.procedure) == NOBODY
    assert NOBODY.interval_days == 180


def test_the_review_date_runs_from_the_latest_publication_or_check(births, owner):
    CategoryUpkeep.objects.filter(category=births.procedure.category).update(interval_days=90)
    published = timezone.localtime(births.published_at).date()
    later = published + datetime.timedelta(days=91)
    standing = standing_of(births.procedure)
    assert standing.due_on == published + datetime.timedelta(days=90)
    assert standing.last_check == "发布第 1 版"
    assert not standing.overdue(published + datetime.timedelta(days=90))
    assert standing.overdue(later)

    check = rechecks.confirm_unchanged(births.procedure, by=owner, note="已核对")
    ReviewCheck.objects.update(at=check.at + datetime.timedelta(days=91))
    standing = standing_of(births.procedure)
    assert standing.last_check == "已复核，无需修改"
    assert standing.due_on == later + datetime.timedelta(days=90)
    assert not standing.overdue(later)
    assert ReviewCheck.objects.get().version == births


def test_a_new_version_counts_as_a_check(births, owner):
    rechecks.confirm_unchanged(births.procedure, by=owner)
    ReviewCheck.objects.update(at=timezone.now() - datetime.timedelta(days=1))
    publish_change(births, effective_from=datetime.date(2024, 6, 1))
    assert standing_of(births.procedure).last_check == "发布第 2 版"


def test_a_retired_procedure_cannot_be_checked(births, owner):
    from procedures import publishing

    publishing.retire_procedure(births.procedure, by=owner, reason="并入")
    births.procedure.refresh_from_db()
    with pytest.raises(Refused, match="没有施行中的版本"):
        rechecks.confirm_unchanged(births.procedure, by=owner)


def test_owners_are_editors_or_publishers_and_not_their_own_backup(births, owner, clerk):
    category = births.procedure.category
    with pytest.raises(Refused, match="负责人须是编辑或审核发布人员：clerk 不是"):
        stewardship.assign_category(category, owner=clerk, backup=None, interval=180)
    with pytest.raises(Refused, match="备份负责人不能和负责人是同一个人"):
        stewardship.assign_category(category, owner=owner, backup=owner, interval=180)
    with pytest.raises(Refused, match="复核周期须在 7 到 1095 天之间"):
        stewardship.assign_category(category, owner=owner, backup=None, interval=3)


def test_clearing_a_procedures_own_settings_returns_it_to_its_category(births, other_editor):
    procedure = births.procedure
    stewardship.assign_procedure(procedure, owner=other_editor, backup=None, interval=None)
    assert stewards_of(procedure).owner_id == other_editor.pk
    assert stewardship.assign_procedure(procedure, owner=None, backup=None, interval=None) is None
    assert not ProcedureUpkeep.objects.exists()
    assert stewards_of(procedure).source == "条线"
