"""Reports: filed against a version and a part of it, closed only with a linked version or a
reason, once."""

import datetime

import pytest
from django.utils import timezone

from procedures import publishing, reviews
from tests.factories import make_published, publish_change
from tests.upkeep.factories import report_on, report_on_material
from upkeep import reports
from upkeep.exceptions import Refused
from upkeep.models import Report
from upkeep.working_days import add_working_days

pytestmark = pytest.mark.django_db


def file(version, by, **overrides):
    return report_on_material(version, by, **overrides)


def test_a_report_names_its_version_and_part_and_is_due_in_five_working_days(births, clerk):
    report = file(births, clerk, case_number=" BJ-0001 ")
    material = births.materials.first()
    assert report.version == births
    assert report.procedure_id == births.procedure_id
    assert report.part_label == material.name
    assert report.where == f"材料：{material.name}"
    assert report.case_number == "BJ-0001"
    assert report.due_on == add_working_days(timezone.localdate(), 5)
    assert report.is_open and report.closed_at is None


def test_a_complex_report_has_ten_working_days_and_can_be_changed_back(births, clerk):
    report = file(births, clerk, complex_case=True)
    today = timezone.localdate()
    assert report.due_on == add_working_days(today, 10)
    assert reports.set_complex(report, complex_case=False).due_on == add_working_days(today, 5)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": "   "}, "请填写问题描述。"),
        ({"description": "长" * 501}, "问题描述最多 500 个字，现在有 501 个字。"),
        ({"cause": "bogus"}, "请从列表中选择问题原因。"),
        ({"part": "chapter"}, "报错的位置不对"),
        ({"part_id": 999999}, "第 1 版里没有这个材料"),
        ({"part": Report.Part.STEP, "part_id": 999999}, "第 1 版里没有这个步骤"),
    ],
)
def test_a_report_that_cannot_be_filed_is_refused_with_why(births, clerk, overrides, message):
    with pytest.raises(Refused, match=message):
        file(births, clerk, **overrides)
    assert not Report.objects.exists()


def test_a_part_of_another_version_is_refused(births, clerk):
    second = publish_change(births, effective_from=datetime.date(2024, 6, 1))
    with pytest.raises(Refused, match="第 2 版里没有这个材料"):
        file(second, clerk, part_id=births.materials.first().pk)


def test_a_draft_cannot_be_reported_on(births, clerk):
    draft = publishing.create_draft(births.procedure, by=None)
    with pytest.raises(Refused, match="只能对已发布的版本报错"):
        report_on(draft, clerk)


def test_control_characters_are_dropped_from_the_description(births, clerk):
    report = file(births, clerk, description="要原件\x00\x1b核验")
    assert report.description == "要原件核验"


def test_steps_and_faqs_are_named_by_their_title_and_question(births, clerk):
    step, faq = births.steps.first(), births.faqs.first()
    by_step = file(births, clerk, part=Report.Part.STEP, part_id=step.pk)
    by_faq = file(births, clerk, part=Report.Part.FAQ, part_id=faq.pk)
    assert by_step.where == f"步骤：{step.title}"
    assert by_faq.where == f"常见问题：{faq.question}"


def test_a_fix_started_from_a_report_closes_it_when_published(births, clerk, owner, publisher):
    report = file(births, clerk)
    draft = reports.start_fix(report, by=owner)
    report.refresh_from_db()
    assert report.fix_version == draft and report.is_open
    draft = publishing.save_draft(
        draft, content={"summary": "改为原件核验"}, expected_revision=draft.revision, by=owner
    )
    reviews.submit_for_review(draft, by=owner, change_summary="户口簿改为原件核验")
    published = reviews.publish_reviewed(
        draft,
        by=publisher,
        change_summary="户口簿改为原件核验",
        effective_from=timezone.localdate(),
        change_kind="substantive",
    )
    report.refresh_from_db()
    assert report.status == Report.Status.FIXED
    assert report.fix_version == published
    assert report.closed_by == publisher
    assert report.resolution == "第 2 版已修改：户口簿改为原件核验"


def test_a_second_report_joins_the_draft_already_open(births, clerk, owner):
    first, second = file(births, clerk), file(births, clerk, cause=Report.Cause.OUTDATED)
    assert reports.start_fix(first, by=owner) == reports.start_fix(second, by=owner)


def test_a_discarded_draft_leaves_its_report_open_and_unlinked(births, clerk, owner):
    report = file(births, clerk)
    draft = reports.start_fix(report, by=owner)
    publishing.discard_draft(draft, by=owner)
    report.refresh_from_db()
    assert report.is_open and report.fix_version is None


def test_closing_without_change_needs_a_reason_and_records_it(births, clerk, owner):
    report = file(births, clerk)
    with pytest.raises(Refused, match="请填写无需修改的理由"):
        reports.close_unchanged(report, reason=" ", by=owner)
    closed = reports.close_unchanged(report, reason="已与卫健办核对，仍收复印件", by=owner)
    assert closed.status == Report.Status.UNCHANGED
    assert closed.resolution == "无需修改：已与卫健办核对，仍收复印件"
    assert closed.closed_by == owner and closed.closed_at is not None


def test_a_report_closes_once(births, clerk, owner, publisher):
    report = file(births, clerk)
    reports.close_unchanged(report, reason="无误", by=owner)
    with pytest.raises(Refused, match="这条报错已由 owner 处理（无需修改）"):
        reports.close_unchanged(report, reason="我也看过", by=publisher)
    with pytest.raises(Refused):
        reports.start_fix(report, by=publisher)


def test_only_a_later_version_of_the_same_procedure_closes_a_report(births, clerk, owner):
    second = publish_change(births, effective_from=datetime.date(2024, 6, 1))
    report = file(second, clerk, part_id=second.materials.first().pk)
    other = make_published("独生子女证")
    for wrong in (births, second, other):
        with pytest.raises(Refused, match="只能关联第 2 版之后发布的新版本"):
            reports.close_fixed_by(report, version=wrong, by=owner)
    third = publish_change(second, effective_from=datetime.date(2024, 9, 1), change_summary="改")
    assert reports.later_versions(report) == [third]
    assert reports.close_fixed_by(report, version=third, by=owner).status == Report.Status.FIXED
