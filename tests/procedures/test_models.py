"""Published versions are a record: no path through the ORM or SQL changes them."""

import datetime

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from procedures.exceptions import VersionLocked
from procedures.models import FAQ, Material, ProcedureVersion, Step
from tests.factories import make_draft, make_published, publish_change

pytestmark = pytest.mark.django_db


def test_it_refuses_to_save_a_published_version():
    version = make_published()
    version.title = "改过的名称"
    with pytest.raises(VersionLocked, match="已发布"):
        version.save()
    assert ProcedureVersion.objects.get(pk=version.pk).title == "生育服务手册"


def test_it_refuses_to_save_a_superseded_version():
    first = make_published()
    publish_change(first, effective_from=datetime.date(2025, 1, 1), fee="10 元")
    first.refresh_from_db()
    assert first.status == ProcedureVersion.Status.SUPERSEDED
    first.fee = "不收费"
    with pytest.raises(VersionLocked):
        first.save()


def test_it_refuses_to_delete_a_published_version():
    version = make_published()
    with pytest.raises(VersionLocked):
        version.delete()
    with pytest.raises(VersionLocked):
        ProcedureVersion.objects.filter(pk=version.pk).delete()
    assert ProcedureVersion.objects.filter(pk=version.pk).exists()


@pytest.mark.parametrize("related_name", ["steps", "materials", "faqs"])
def test_it_refuses_to_change_or_delete_parts_of_a_published_version(related_name):
    version = make_published()
    part = getattr(version, related_name).first()
    with pytest.raises(VersionLocked):
        part.save()
    with pytest.raises(VersionLocked):
        part.delete()
    with pytest.raises(VersionLocked):
        getattr(version, related_name).all().delete()
    assert (
        getattr(version, related_name).count()
        == getattr(ProcedureVersion.objects.get(pk=version.pk), related_name).count()
    )


def test_it_refuses_to_add_a_part_to_a_published_version():
    version = make_published()
    with pytest.raises(VersionLocked):
        Material.objects.create(version=version, name="新增材料")


def test_it_refuses_to_move_a_part_of_a_draft_into_a_published_version():
    published = make_published("残疾人证")
    draft = make_draft("最低生活保障")
    step = draft.steps.first()
    step.version = published
    with pytest.raises(VersionLocked):
        step.save()


def test_the_database_refuses_an_update_of_published_content():
    version = make_published()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ProcedureVersion.objects.filter(pk=version.pk).update(title="绕过模型")
    assert ProcedureVersion.objects.get(pk=version.pk).title == "生育服务手册"


@pytest.mark.parametrize("model", [Step, Material, FAQ])
def test_the_database_refuses_an_update_of_published_parts(model):
    version = make_published()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        model.objects.filter(version=version).update(position=99)
    assert not model.objects.filter(version=version, position=99).exists()


def test_the_database_refuses_a_published_version_without_number():
    version = make_published()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ProcedureVersion.objects.filter(pk=version.pk).update(number=None)


def test_drafts_stay_editable():
    draft = make_draft()
    draft.title = "生育登记"
    draft.save()
    step = draft.steps.first()
    step.title = "网上申请"
    step.save()
    draft.materials.first().delete()
    draft.refresh_from_db()
    assert (draft.title, draft.steps.first().title, draft.materials.count()) == (
        "生育登记",
        "网上申请",
        2,
    )


def test_a_draft_can_be_deleted_with_its_parts():
    draft = make_draft()
    draft_id = draft.pk
    draft.delete()
    assert not Step.objects.filter(version_id=draft_id).exists()


def test_material_copies_must_be_positive_in_the_database():
    draft = make_draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        Material.objects.filter(version=draft).update(copies=0)
