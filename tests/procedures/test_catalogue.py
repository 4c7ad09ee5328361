"""The material catalogue: every material row is one kind of document, shared by all procedures."""

import datetime

import pytest
from django.db.models import ProtectedError

from procedures import catalogue, publishing
from procedures.library import export_library, import_library
from procedures.models import Material, MaterialKind
from tests.factories import make_draft, make_published, publish_change

pytestmark = pytest.mark.django_db


def kinds_of(version) -> list[str]:
    return [m.kind.name for m in version.materials.select_related("kind")]


def test_the_same_name_in_two_procedures_is_one_kind():
    a = make_published("生育服务手册", materials=[{"name": "居民身份证"}])
    b = make_published("失业登记", materials=[{"name": "居民身份证"}, {"name": "劳动手册"}])
    assert MaterialKind.objects.count() == 2
    assert a.materials.get().kind_id == b.materials.get(name="居民身份证").kind_id


def test_a_name_matching_an_alias_joins_that_kind_and_keeps_its_wording():
    kind = MaterialKind.objects.create(name="居民身份证", aliases=["身份证"])
    version = make_published(materials=[{"name": "身份证"}])
    material = version.materials.get()
    assert (material.kind, material.name) == (kind, "身份证")


def test_outer_and_repeated_spaces_do_not_make_another_kind():
    make_published("甲", materials=[{"name": "户口簿"}])
    make_published("乙", materials=[{"name": " 户口簿  "}])
    assert list(MaterialKind.objects.values_list("name", flat=True)) == ["户口簿"]


def test_a_kind_picked_without_a_name_lends_its_name():
    kind = MaterialKind.objects.create(name="结婚证")
    draft = make_draft(materials=[{"kind": kind, "name": ""}])
    assert [(m.kind, m.name) for m in draft.materials.all()] == [(kind, "结婚证")]


def test_a_new_draft_keeps_each_rows_kind():
    kind = MaterialKind.objects.create(name="居民身份证", aliases=["身份证"])
    version = make_published(materials=[{"name": "身份证"}])
    draft = publishing.create_draft(version.procedure, by=None)
    assert [(m.kind, m.name) for m in draft.materials.all()] == [(kind, "身份证")]


def test_renaming_a_kind_leaves_what_a_published_version_printed():
    version = make_published(materials=[{"name": "户口本"}])
    MaterialKind.objects.filter(name="户口本").update(name="居民户口簿")
    assert list(version.materials.values_list("name", flat=True)) == ["户口本"]


def test_a_kind_in_use_cannot_be_deleted():
    make_published(materials=[{"name": "户口簿"}])
    with pytest.raises(ProtectedError):
        MaterialKind.objects.get(name="户口簿").delete()


def test_usage_lists_only_procedures_whose_version_in_force_asks_for_the_kind():
    today = datetime.date.today()
    current = make_published("生育服务手册", materials=[{"name": "结婚证"}])
    make_published("失业登记", materials=[{"name": "劳动手册"}])
    publish_change(  # a later version drops it, but not before next year
        current,
        effective_from=today + datetime.timedelta(days=400),
    )
    retired = make_published("独生子女证", materials=[{"name": "结婚证"}])
    publishing.retire_procedure(retired.procedure, by=None, reason="事项取消")
    make_draft("收养登记", materials=[{"name": "结婚证"}])
    kind = MaterialKind.objects.get(name="结婚证")
    rows = catalogue.usage([kind.pk])[kind.pk]
    assert [(p.slug, m.name) for p, m in rows] == [(current.procedure.slug, "结婚证")]


YAML = """\
slug: hun-yin-deng-ji
title: 婚姻登记
category: 民政
materials:
  - name: 户口本
    kind: 居民户口簿
  - 身份证
"""


def test_import_maps_names_and_the_optional_kind_key_and_export_writes_it_back(tmp_path):
    MaterialKind.objects.create(name="居民身份证", aliases=["身份证"])
    source = tmp_path / "in.yaml"
    source.write_text(YAML, encoding="utf-8")
    import_library([source], publish=True)
    rows = Material.objects.select_related("kind").order_by("position")
    assert [(m.name, m.kind.name) for m in rows] == [
        ("户口本", "居民户口簿"),
        ("身份证", "居民身份证"),
    ]
    export_library(tmp_path / "out")
    exported = tmp_path / "out" / "hun-yin-deng-ji.yaml"
    written = exported.read_text(encoding="utf-8")
    assert "  kind: 居民户口簿\n" in written
    assert "kind: 居民身份证" in written  # the alias spelling names its kind too


def test_a_material_whose_name_is_its_kind_exports_without_a_kind_key(tmp_path):
    make_published(slug="sheng-yu", materials=[{"name": "居民身份证"}])
    export_library(tmp_path)
    assert "kind:" not in (tmp_path / "sheng-yu.yaml").read_text(encoding="utf-8")
