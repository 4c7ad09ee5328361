"""The demo library that `make run` loads: what issue 2 promises newcomers will find."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from procedures.bundles import database_resolver
from procedures.flows import check, flow_of_version
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
        if procedure.kind == Procedure.Kind.ITEM:
            assert version.materials.exists() and version.steps.exists(), procedure.slug
        else:  # a family or bundle: its materials are its members'
            assert version.members.count() >= 2 and version.cases.exists(), procedure.slug
        assert version.faqs.exists() and procedure.aliases, procedure.slug


def test_it_shows_families_and_bundles_whose_flows_pass_their_checks(demo):
    kinds = set(Procedure.objects.public().values_list("kind", flat=True))
    assert kinds == {Procedure.Kind.ITEM, Procedure.Kind.FAMILY, Procedure.Kind.BUNDLE}
    resolve = database_resolver()
    flows_checked = 0
    for procedure in Procedure.objects.public():
        flow = flow_of_version(procedure.current_version())
        if flow.questions or flow.members or flow.cases:
            assert check(flow, resolve) == [], procedure.slug
            flows_checked += 1
    assert flows_checked >= 8


def test_loading_again_changes_nothing(demo):
    before = ProcedureVersion.objects.count()
    out = io.StringIO()
    call_command("load_demo_library", stdout=out)
    assert ProcedureVersion.objects.count() == before
    assert "跳过" in out.getvalue()
