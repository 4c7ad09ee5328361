"""The receipt rule: which version someone read, and whether it still counts (已读现版)."""

import datetime

import pytest

from procedures import publishing
from procedures.models import ProcedureVersion
from tests.factories import make_published, make_user
from tests.training.factories import EDITORIAL, receipt, revise
from training.models import Assignment, ReadingPath, ReadReceipt
from training.receipts import (
    Reading,
    ReceiptRefused,
    Status,
    confirm_reading,
    reading_of,
    reading_on_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return make_user("clerk")


@pytest.fixture
def first(today):
    last_month = today - datetime.timedelta(days=30)
    return make_published("生育服务手册", effective_from=last_month.replace(day=1))


def test_a_procedure_never_confirmed_is_unread(clerk, first):
    assert reading_of(clerk, first).status == Status.UNREAD


def test_a_receipt_for_the_version_in_force_is_current(clerk, first):
    receipt(clerk, first)
    assert reading_of(clerk, first) == Reading(Status.CURRENT, 1)


def test_a_substantive_change_makes_an_older_receipt_old(clerk, first):
    receipt(clerk, first)
    second = revise(first)
    assert reading_of(clerk, second).status == Status.OLD
    assert reading_of(clerk, second).read_number == 1


def test_a_receipt_carries_over_editorial_versions(clerk, first):
    receipt(clerk, first)
    second = revise(first, EDITORIAL, change_summary="错别字")
    third = revise(second, EDITORIAL, change_summary="标点")
    assert reading_of(clerk, third).status == Status.CURRENT


def test_one_substantive_version_among_editorial_ones_breaks_the_carry_over(clerk, first):
    receipt(clerk, first)
    second = revise(first, EDITORIAL, change_summary="错别字")
    third = revise(second, change_summary="新增材料")
    fourth = revise(third, EDITORIAL, change_summary="标点")
    assert reading_of(clerk, fourth).status == Status.OLD
    receipt(clerk, third)
    assert reading_of(clerk, fourth).status == Status.CURRENT


def test_a_withdrawn_version_is_skipped(clerk, first, today):
    """Version 2 was scheduled (substantive) and withdrawn before it took effect: it never
    applied, so a receipt for version 1 still counts when version 3 is only editorial."""
    receipt(clerk, first)
    revise(first, effective_from=today + datetime.timedelta(days=30), change_summary="拟调整")
    draft = publishing.create_draft(first.procedure, by=None)
    draft = publishing.save_draft(
        draft, content={"phone": "021-2222"}, expected_revision=draft.revision, by=None
    )
    third = publishing.publish_version(
        draft,
        by=None,
        change_summary="电话更正",
        effective_from=today,
        scheduled="withdraw",
        withdraw_reason="政策暂缓",
        change_kind=EDITORIAL,
    )
    assert first.procedure.versions.get(number=2).status == ProcedureVersion.Status.WITHDRAWN
    assert reading_of(clerk, third).status == Status.CURRENT


def test_a_version_scheduled_later_does_not_count_yet(clerk, first, today):
    receipt(clerk, first)
    revise(first, effective_from=today + datetime.timedelta(days=10))
    assert reading_of(clerk, first).status == Status.CURRENT


def test_a_past_due_date_turns_anything_but_current_into_overdue(clerk, first, today):
    path = ReadingPath.objects.get(category=first.procedure.category)
    late = Assignment(user=clerk, path=path, due_date=today - datetime.timedelta(days=1))
    in_time = Assignment(user=clerk, path=path, due_date=today)
    assert reading_of(clerk, first).on(late) == Status.OVERDUE
    assert reading_of(clerk, first).on(in_time) == Status.UNREAD
    receipt(clerk, first)
    assert reading_of(clerk, first).on(late) == Status.CURRENT


def test_confirming_records_who_read_which_version_and_when(clerk, first):
    made = confirm_reading(user=clerk, version=first)
    assert (made.user, made.procedure, made.version) == (clerk, first.procedure, first)
    assert made.read_at is not None


def test_confirming_twice_keeps_one_receipt(clerk, first):
    confirm_reading(user=clerk, version=first)
    confirm_reading(user=clerk, version=first)
    assert ReadReceipt.objects.count() == 1


def test_confirming_a_version_no_longer_in_force_is_refused_in_words(clerk, first):
    revise(first)
    with pytest.raises(ReceiptRefused, match="现行的是第 2 版"):
        confirm_reading(user=clerk, version=first)
    assert not ReadReceipt.objects.exists()


def test_confirming_a_draft_or_a_scheduled_version_is_refused(clerk, first, today):
    later = revise(first, effective_from=today + datetime.timedelta(days=10))
    draft = publishing.create_draft(first.procedure, by=None)
    for version in (later, draft):
        with pytest.raises(ReceiptRefused):
            confirm_reading(user=clerk, version=version)
    assert not ReadReceipt.objects.exists()


def test_the_page_reads_the_same_rule_in_one_query(clerk, first, django_assert_num_queries):
    """reading_on_page (the procedure page's panel) agrees with reading_of at every step, keeps
    the version's last substantive number across readers, and never a stale one."""

    def on_page(version):
        reading, own = reading_on_page(clerk, version)
        assert reading == reading_of(clerk, version)
        return reading, own

    assert on_page(first) == (Reading(Status.UNREAD), None)
    made = receipt(clerk, first)
    assert on_page(first) == (Reading(Status.CURRENT, 1), made)
    second = revise(first, EDITORIAL, change_summary="错别字")
    assert on_page(second) == (Reading(Status.CURRENT, 1), None)
    other = make_user("other")
    with django_assert_num_queries(1):  # the kept number: the receipts only
        assert reading_on_page(other, second) == (Reading(Status.UNREAD), None)
    third = revise(second, change_summary="新增材料")
    fourth = revise(third, EDITORIAL, change_summary="标点")
    assert on_page(fourth) == (Reading(Status.OLD, 1), None)
    later = receipt(clerk, third)
    assert on_page(fourth)[0] == Reading(Status.CURRENT, 3)
    assert on_page(third) == (Reading(Status.CURRENT, 3), later)
