"""培训负责人, made by a migration, and who counts as staff here."""

import pytest
from django.contrib.auth.models import Group

from tests.factories import make_user
from training.roles import MANAGE, TRAINERS, is_staff_member, is_trainer

pytestmark = pytest.mark.django_db


def test_the_migration_makes_the_trainers_group_with_its_permission():
    group = Group.objects.get(name=TRAINERS)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"manage_training", "view_internal_notes"} <= codenames


@pytest.mark.parametrize("group", ["窗口人员", "编辑", "审核发布", TRAINERS])
def test_every_staff_group_counts_as_staff(group):
    assert is_staff_member(make_user("someone", group))


def test_admin_access_counts_as_staff_and_nothing_else_does():
    assert is_staff_member(make_user("boss", is_staff=True))
    assert not is_staff_member(make_user("resident"))


def test_only_trainers_and_superusers_manage_training():
    assert is_trainer(make_user("coach", TRAINERS))
    assert is_trainer(make_user("root", is_superuser=True))
    assert not is_trainer(make_user("clerk", "窗口人员"))
    assert MANAGE == "training.manage_training"
