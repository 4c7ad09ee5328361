"""The demo library that `make run` loads: what issue 2 promises newcomers will find."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from procedures.models import Category, Procedure, ProcedureVersion

pytestmark = pytest.mark.django_db

REQUIRED_TITLES = {
    "生育服务手册",
    "党组织关系转入",
    "党组织关系转出",
    "劳动手册",
    "独生子女父母光荣证",
    "独生子女父母奖励费",
    "最低生活保障",
    "残疾人证",
    "异地就医备案",
    "光荣牌悬挂",
    "失业登记",
}


@pytest.fixture
def demo():
    call_command("load_demo_library", stdout=io.StringIO())


def test_it_holds_at_least_30_procedures_in_8_categories(demo):
    assert Procedure.objects.public().count() >= 30
    assert Category.objects.filter(procedures__isnull=False).distinct().count() >= 8


def test_it_holds_the_procedures_named_in_the_brief(demo):
    titles = set(ProcedureVersion.objects.on_record().values_list("title", flat=True))
    assert titles >= REQUIRED_TITLES


def test_several_procedures_carry_real_version_histories(demo):
    histories = Procedure.objects.annotate(n=Count("versions")).filter(n__gte=2)
    assert histories.count() >= 5
    assert histories.filter(n__gte=3).exists()
    summaries = ProcedureVersion.objects.filter(number__gte=2).values_list(
        "change_summary", flat=True
    )
    assert all(len(summary) >= 10 for summary in summaries)


def test_some_versions_are_published_for_the_future(demo):
    assert any(p.upcoming_version() for p in Procedure.objects.all())


def test_every_procedure_is_complete(demo):
    for procedure in Procedure.objects.public():
        version = procedure.current_version()
        assert version.materials.exists() and version.steps.exists(), procedure.slug
        assert version.faqs.exists() and procedure.aliases, procedure.slug


def test_loading_again_changes_nothing(demo):
    before = ProcedureVersion.objects.count()
    out = io.StringIO()
    call_command("load_demo_library", stdout=out)
    assert ProcedureVersion.objects.count() == before
    assert "跳过" in out.getvalue()
