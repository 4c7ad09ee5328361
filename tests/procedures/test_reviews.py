"""Review before publishing: submit, send back, resubmit, publish; nobody approves their own."""

import datetime

import pytest
from django.utils import timezone

from procedures import publishing, reviews
from procedures.exceptions import PublishRefused, ReviewRefused
from procedures.models import AuditEvent, ProcedureVersion, ReviewRules
from tests.factories import make_draft, make_published, make_user, publish_change

pytestmark = pytest.mark.django_db
Review = ProcedureVersion.Review


@pytest.fixture
def editor():
    return make_user("xiaoli")


@pytest.fixture
def reviewer():
    return make_user("laozhang")


@pytest.fixture
def draft(editor):
    """A draft of a published procedure with one change, saved by the editor."""
    version = make_published()
    draft = publishing.create_draft(version.procedure, by=editor)
    return publishing.save_draft(
        draft, content={"phone": "021-1234 5678"}, expected_revision=draft.revision, by=editor
    )


def submitted(draft, by, summary="咨询电话更新"):
    return reviews.submit_for_review(draft, by=by, change_summary=summary)


def test_submitting_records_the_summary_who_and_when(draft, editor, today):
    proposed = today + datetime.timedelta(days=10)
    draft = reviews.submit_for_review(
        draft, by=editor, change_summary=" 咨询电话更新 ", effective_from=proposed
    )
    assert (draft.review_state, draft.change_summary) == (Review.SUBMITTED, "咨询电话更新")
    assert (draft.submitted_by, draft.effective_from) == (editor, proposed)
    assert timezone.now() - draft.submitted_at < datetime.timedelta(minutes=1)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SUBMITTED)
    assert (event.version, event.user, event.detail) == (draft, editor, "咨询电话更新")


def test_submitting_needs_a_change_summary(draft, editor):
    with pytest.raises(ReviewRefused, match="修改说明"):
        reviews.submit_for_review(draft, by=editor, change_summary="  ")
    draft.refresh_from_db()
    assert draft.review_state == Review.EDITING


def test_submitting_a_draft_identical_to_its_base_is_refused(editor):
    version = make_published()
    draft = publishing.create_draft(version.procedure, by=editor)
    with pytest.raises(PublishRefused) as refused:
        submitted(draft, editor)
    # The editor submits for review: the refusal says so, not 发布, which is not theirs to do.
    assert str(refused.value) == (
        "草稿与第 1 版的内容完全相同，没有可以提交审核的修改。"
        "如果刚改过内容，请先在草稿里保存，再提交审核。"
    )


def test_submitting_twice_is_refused_with_a_message(draft, editor):
    submitted(draft, editor)
    with pytest.raises(ReviewRefused, match="已经提交审核"):
        submitted(draft, editor)


def test_submitting_makes_a_form_opened_before_stale(draft, editor):
    before = draft.revision
    draft = submitted(draft, editor)
    assert draft.revision == before + 1


def test_a_reviewer_sends_a_draft_back_with_a_comment(draft, editor, reviewer):
    submitted(draft, editor)
    draft = reviews.send_back(draft, by=reviewer, comment="电话请写区号\r\n并核对")
    assert (draft.review_state, draft.review_comment) == (Review.RETURNED, "电话请写区号\n并核对")
    assert draft.returned_by == reviewer
    event = AuditEvent.objects.get(action=AuditEvent.Action.RETURNED)
    assert (event.version, event.user) == (draft, reviewer)


def test_sending_back_needs_a_comment(draft, editor, reviewer):
    submitted(draft, editor)
    with pytest.raises(ReviewRefused, match="写明意见"):
        reviews.send_back(draft, by=reviewer, comment=" ")
    draft.refresh_from_db()
    assert draft.review_state == Review.SUBMITTED


def test_only_a_submitted_draft_can_be_sent_back(draft, reviewer):
    with pytest.raises(ReviewRefused, match="编辑中，不在待审核中"):
        reviews.send_back(draft, by=reviewer, comment="请改")


def test_a_returned_draft_is_resubmitted_and_published(draft, editor, reviewer, today):
    submitted(draft, editor)
    draft = reviews.send_back(draft, by=reviewer, comment="电话请写区号")
    draft = publishing.save_draft(
        draft, content={"phone": "(021) 1234 5678"}, expected_revision=draft.revision, by=editor
    )
    assert draft.review_state == Review.RETURNED  # the comment stays in view until resubmitted
    submitted(draft, editor, "咨询电话更新（加区号）")
    version = reviews.publish_reviewed(draft, by=reviewer, effective_from=today)
    assert (version.number, version.published_by, version.phone) == (2, reviewer, "(021) 1234 5678")
    actions = list(
        AuditEvent.objects.filter(version=version)
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "draft_created",
        "draft_saved",
        "submitted",
        "returned",
        "draft_saved",
        "submitted",
        "published",
    ]


def test_saving_a_submitted_draft_takes_it_out_of_review(draft, editor):
    draft = submitted(draft, editor)
    draft = publishing.save_draft(
        draft, content={"fee": "免费"}, expected_revision=draft.revision, by=editor
    )
    assert draft.review_state == Review.EDITING
    event = AuditEvent.objects.filter(action=AuditEvent.Action.DRAFT_SAVED).latest("pk")
    assert "需要重新提交审核" in event.detail


def test_nobody_publishes_a_draft_they_wrote(draft, editor, today):
    submitted(draft, editor)
    with pytest.raises(ReviewRefused, match="另一位"):
        reviews.publish_reviewed(draft, by=editor, effective_from=today)
    draft.refresh_from_db()
    assert draft.is_draft


def test_a_reviewer_who_changed_the_draft_is_one_of_its_authors(draft, editor, reviewer, today):
    draft = publishing.save_draft(
        draft, content={"fee": "免费"}, expected_revision=draft.revision, by=reviewer
    )
    submitted(draft, editor)
    assert reviews.authors(draft) == {editor.pk, reviewer.pk}
    with pytest.raises(ReviewRefused, match="另一位"):
        reviews.publish_reviewed(draft, by=reviewer, effective_from=today)


def test_a_draft_not_yet_submitted_cannot_be_published_by_a_reviewer(draft, reviewer, today):
    with pytest.raises(ReviewRefused, match="编辑中，还没有提交审核"):
        reviews.publish_reviewed(draft, by=reviewer, effective_from=today)


def test_a_hall_with_one_administrator_may_allow_self_approval(draft, editor, today):
    ReviewRules.objects.create(pk=1, allow_self_approval=True)
    version = reviews.publish_reviewed(
        draft, by=editor, change_summary="咨询电话更新", effective_from=today
    )
    assert (version.number, version.published_by) == (2, editor)


def test_the_review_rules_forbid_self_approval_by_default():
    assert ReviewRules.load().allow_self_approval is False


def test_the_desk_puts_submitted_drafts_first_and_tells_each_person_theirs(draft, editor, reviewer):
    other = make_published("失业登记", slug="shi-ye")
    theirs = publishing.create_draft(other.procedure, by=reviewer)
    submitted(draft, editor)
    desk = reviews.desk(editor)
    assert ([d.pk for d in desk.waiting], desk.mine, [d.pk for d in desk.others]) == (
        [draft.pk],
        [],
        [theirs.pk],
    )
    assert draft.pk in desk.written_by_me
    assert [d.pk for d in reviews.desk(reviewer).mine] == [theirs.pk]


def test_the_rules_an_administrator_added_are_read_whatever_their_id(draft, editor):
    ReviewRules.objects.create(pk=7, allow_self_approval=True)
    assert ReviewRules.load().allow_self_approval is True


def test_the_reviewer_says_whether_a_change_is_substantive_or_editorial(today):
    version = make_published()
    fix = publish_change(version, effective_from=today, change_kind="editorial")
    rule = publish_change(fix, effective_from=today, change_kind="substantive")
    assert (version.change_kind, fix.change_kind, rule.change_kind) == (
        "substantive",
        "editorial",
        "substantive",
    )


def test_a_first_version_is_substantive_whatever_is_asked(today):
    draft = make_draft()
    first = publishing.publish_version(
        draft, by=None, change_summary="首次发布", effective_from=today, change_kind="editorial"
    )
    assert first.change_kind == "substantive"
