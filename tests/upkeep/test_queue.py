"""One queue: reports, overdue reviews by views, unhelpful pages, searches that found nothing."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hall.models import DailyViews
from search.models import SearchMiss
from tests.factories import make_published
from tests.upkeep.factories import report_on, submitted_by
from upkeep import queue, rechecks
from upkeep.models import PageFeedback, Report, ReviewCheck

pytestmark = pytest.mark.django_db


def test_the_owner_sees_the_reports_of_their_items_overdue_first(births, clerk, owner):
    later = report_on(births, clerk)
    overdue = report_on(births, clerk, cause=Report.Cause.CANNOT_COMPLETE)
    Report.objects.filter(pk=overdue.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    found = queue.build(owner, everyone=False)
    assert [e.report.pk for e in found.of_kind("report")] == [overdue.pk, later.pk]
    assert found.overdue_reports == 1
    assert found.of_kind("report")[0].why == "报错（居民办不成）：整个页面"


def test_an_editor_who_owns_nothing_has_an_empty_queue_and_publishers_see_all(
    births, clerk, other_editor, publisher
):
    report_on(births, clerk)
    assert queue.build(other_editor, everyone=False).entries == []
    assert len(queue.build(publisher, everyone=True).of_kind("report")) == 1
    # the backup sees the item in their own queue too
    assert len(queue.build(publisher, everyone=False).of_kind("report")) == 1


def test_overdue_reviews_come_most_viewed_first(births, owner):
    quiet = make_published("独生子女证", category=births.procedure.category)
    future = timezone.localdate() + datetime.timedelta(days=200)
    DailyViews.objects.create(procedure=births.procedure, day=future, count=40)
    DailyViews.objects.create(procedure=quiet.procedure, day=future, count=3)
    entries = queue.build(owner, everyone=False, today=future).of_kind("review")
    assert [(e.procedure.pk, e.views) for e in entries] == [
        (births.procedure_id, 40),
        (quiet.procedure_id, 3),
    ]
    assert entries[0].why.startswith("待复核：复核日期 ")
    assert queue.build(owner, everyone=False).of_kind("review") == []
    check = rechecks.confirm_unchanged(births.procedure, by=owner)
    ReviewCheck.objects.filter(pk=check.pk).update(at=check.at + datetime.timedelta(days=200))
    found = queue.build(owner, everyone=False, today=future).of_kind("review")
    assert [e.procedure.pk for e in found] == [quiet.procedure_id]


def feedback(version, helpful, reason="", n=1):
    for _ in range(n):
        PageFeedback.objects.create(
            procedure_id=version.procedure_id, version=version, helpful=helpful, reason=reason
        )


def test_a_page_often_unhelpful_since_its_last_check_enters_the_queue(births, owner):
    feedback(births, False, "differs", n=2)
    assert queue.build(owner, everyone=False).of_kind("feedback") == []
    feedback(births, False, "steps_unclear")
    feedback(births, False, "differs")
    (entry,) = queue.build(owner, everyone=False).of_kind("feedback")
    assert entry.why == "居民反馈没帮到 4 次（有帮助 0 次），最多的原因：和窗口说的不一样"
    rechecks.confirm_unchanged(births.procedure, by=owner)
    assert queue.build(owner, everyone=False).of_kind("feedback") == []


def test_a_page_mostly_helpful_stays_out_of_the_queue(births, owner):
    feedback(births, False, "differs", n=3)
    feedback(births, True, n=3)
    assert queue.build(owner, everyone=False).of_kind("feedback") == []


def test_searches_that_found_nothing_are_in_everyones_queue_only(births, owner, publisher):
    SearchMiss.objects.create(query="公积金提取", count=5, kind=SearchMiss.Kind.MISS)
    SearchMiss.objects.create(query="一次", count=1, kind=SearchMiss.Kind.MISS)
    SearchMiss.objects.create(query="驾照", count=9, kind=SearchMiss.Kind.REFERRAL)
    old = SearchMiss.objects.create(query="旧词", count=9, kind=SearchMiss.Kind.WEAK)
    SearchMiss.objects.filter(pk=old.pk).update(
        last_seen=timezone.now() - datetime.timedelta(days=40)
    )
    assert queue.build(owner, everyone=False).of_kind("search") == []
    (entry,) = queue.build(publisher, everyone=True).of_kind("search")
    assert entry.why == "搜索「公积金提取」5 次未找到"


def test_overdue_reports_of_everyone_are_counted_for_publishers(births, clerk):
    report = report_on(births, clerk)
    assert queue.overdue_report_count() == 0
    Report.objects.filter(pk=report.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    assert queue.overdue_report_count() == 1


def test_a_report_on_an_item_retired_since_stays_in_everyones_queue(
    births, clerk, owner, publisher
):
    from procedures import publishing

    report_on(births, clerk)
    publishing.retire_procedure(births.procedure, by=publisher, reason="并入其他事项")
    assert queue.build(owner, everyone=False).of_kind("report") == []
    (entry,) = queue.build(publisher, everyone=True).of_kind("report")
    assert entry.title == "生育服务手册（已停办）" and entry.standing is None
    assert entry.url == entry.report.get_absolute_url()
    client = Client()
    client.force_login(publisher)
    page = client.get(reverse("upkeep:queue")).content.decode()
    assert "生育服务手册（已停办）" in page and entry.url in page


# ---------------------------------------------------------------------------- drafts in review


def test_a_submitted_draft_waits_for_reviewers_other_than_its_author(
    births, owner, other_editor, publisher
):
    draft = submitted_by(owner, births)
    (entry,) = queue.build(publisher, everyone=True).of_kind("to_review")
    assert (entry.title, entry.why) == ("生育服务手册", "李编 提交审核：咨询电话更换")
    assert entry.url == reverse("procedures:publish", args=[draft.pk])
    assert queue.build(publisher, everyone=False).of_kind("to_review") == [entry]
    # Editors do not review; nobody reviews their own draft.
    assert queue.build(owner, everyone=False).entries == []
    assert queue.build(other_editor, everyone=False).entries == []
    submitted_by(publisher, make_published("独生子女证"))
    assert [e.draft for e in queue.build(publisher, everyone=False).of_kind("to_review")] == [draft]


def test_a_hall_that_allows_self_approval_lists_the_reviewers_own_drafts(births, publisher):
    from procedures.models import ReviewRules

    submitted_by(publisher, births)
    assert queue.build(publisher, everyone=False).of_kind("to_review") == []
    ReviewRules.objects.create(allow_self_approval=True)
    assert len(queue.build(publisher, everyone=False).of_kind("to_review")) == 1


def test_a_draft_sent_back_waits_for_its_submitter_with_the_comment(
    births, owner, other_editor, publisher
):
    from procedures import reviews

    draft = submitted_by(owner, births)
    reviews.send_back(draft, by=publisher, comment="电话少了一位，\n请核对后重新提交。")
    (entry,) = queue.build(owner, everyone=False).entries
    assert entry.kind == "returned" and entry.title == "生育服务手册"
    assert entry.why == "chief 退回修改：电话少了一位， 请核对后重新提交。"
    assert entry.url == reverse("admin:procedures_procedureversion_change", args=[draft.pk])
    assert queue.build(other_editor, everyone=False).entries == []
    assert queue.build(publisher, everyone=True).of_kind("to_review") == []
    assert queue.build(publisher, everyone=True).of_kind("returned") == []


def test_a_draft_resubmitted_published_or_discarded_leaves_the_lists(births, owner, publisher):
    from procedures import publishing, reviews

    draft = reviews.send_back(submitted_by(owner, births), by=publisher, comment="请核对")
    draft = reviews.submit_for_review(draft, by=owner, change_summary="咨询电话更换")
    assert queue.build(owner, everyone=False).entries == []
    assert len(queue.build(publisher, everyone=False).of_kind("to_review")) == 1
    reviews.publish_reviewed(draft, by=publisher, effective_from=timezone.localdate())
    assert queue.build(publisher, everyone=False).of_kind("to_review") == []
    draft = reviews.send_back(
        submitted_by(owner, births, "021-0000 0000"), by=publisher, comment="不改了"
    )
    publishing.discard_draft(draft, by=owner)
    assert queue.build(owner, everyone=False).entries == []


def test_a_batch_waits_as_one_entry_leading_to_the_batch(births, owner, publisher):
    from procedures import batch_changes
    from procedures.models import MaterialKind

    others = make_published("独生子女证", category=births.procedure.category)
    batch = batch_changes.create_batch(
        MaterialKind.objects.get(name="户口簿"),
        operation="remove",
        change_summary="户口簿不再需要",
        procedures=[births.procedure, others.procedure],
        by=owner,
    )
    (entry,) = queue.build(publisher, everyone=False).of_kind("to_review")
    assert entry.title == f"批量修订：{batch}（2 个事项）"
    assert entry.why == "李编 提交审核：户口簿不再需要"
    assert entry.url == batch.get_absolute_url()
    batch_changes.send_back_batch(batch, by=publisher, comment="低保还要户口簿")
    (entry,) = queue.build(owner, everyone=False).of_kind("returned")
    assert (entry.title, entry.url) == (f"批量修订：{batch}（2 个事项）", batch.get_absolute_url())
