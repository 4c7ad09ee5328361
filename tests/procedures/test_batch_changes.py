"""Batch changes (批量修订): one change to a kind of material, drafted, reviewed and published
across many procedures at once, all or nothing."""

import datetime

import pytest

from procedures import batch_changes, publishing, reviews
from procedures.batch_changes import BatchRefused, Change
from procedures.models import BatchChange, MaterialKind, Procedure, ProcedureVersion, ReviewRules
from procedures.roles import EDITORS, PUBLISHERS
from tests.factories import make_published, make_user, publish_change

pytestmark = pytest.mark.django_db
Status = ProcedureVersion.Status
Review = ProcedureVersion.Review
TITLES = {"sheng-yu": "生育服务手册", "lao-dong": "劳动手册", "di-bao": "低保申请"}


@pytest.fixture
def later(today):
    return today + datetime.timedelta(days=30)


@pytest.fixture
def procedures():
    for slug, title in TITLES.items():
        make_published(title, slug=slug)
    return list(Procedure.objects.order_by("pk"))


@pytest.fixture
def hukou(procedures):
    return MaterialKind.objects.get(name="户口簿")


@pytest.fixture
def editor():
    return make_user("editor", EDITORS, is_staff=True)


@pytest.fixture
def reviewer():
    return make_user("reviewer", PUBLISHERS, is_staff=True)


def rows_of(version):
    return batch_changes.as_rows(version.materials.select_related("kind"))


def conditional(hukou, procedures, editor, **kwargs):
    return batch_changes.create_batch(
        hukou,
        operation="conditional",
        condition="户籍不在本区的",
        change_summary="户口簿改为按情形提交",
        procedures=procedures,
        by=editor,
        **kwargs,
    )


# ---------------------------------------------------------------------------- apply


def test_removing_drops_the_rows_of_the_kind_and_keeps_the_others(hukou, procedures):
    rows = rows_of(procedures[0].latest_version)
    after = batch_changes.apply(rows, Change(kind=hukou, operation="remove"))
    assert [row["name"] for row in after] == ["居民身份证", "授权委托书"]


def test_making_it_conditional_sets_not_required_and_the_condition(hukou, procedures):
    rows = rows_of(procedures[0].latest_version)
    change = Change(kind=hukou, operation="conditional", condition=" 户籍不在本区的 ")
    (row,) = [r for r in batch_changes.apply(rows, change) if r["kind"] == hukou]
    assert (row["required"], row["condition"]) == (False, "户籍不在本区的")


def test_changing_the_form_keeps_the_copies_unless_given(hukou, procedures):
    rows = rows_of(procedures[0].latest_version)
    form_only = batch_changes.apply(rows, Change(kind=hukou, operation="form", form="electronic"))
    copies_too = batch_changes.apply(rows, Change(kind=hukou, operation="form", copies=2))
    assert (form_only[1]["form"], form_only[1]["copies"]) == ("electronic", 1)
    assert (copies_too[1]["form"], copies_too[1]["copies"]) == ("original_and_copy", 2)


def test_renaming_changes_the_wording_and_keeps_the_kind(hukou, procedures):
    rows = rows_of(procedures[0].latest_version)
    after = batch_changes.apply(rows, Change(kind=hukou, operation="rename", new_name="户口本"))
    assert (after[1]["name"], after[1]["kind"]) == ("户口本", hukou)
    assert after[0] == rows[0] and after[2] == rows[2]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"operation": "tidy"}, "请选择修改方式"),
        ({"operation": "conditional", "condition": "  "}, "请填写适用情形"),
        ({"operation": "form"}, "至少一项"),
        ({"operation": "form", "form": "fax"}, "形式只能是：原件、复印件"),
        ({"operation": "rename", "new_name": ""}, "请填写“户口簿”的新名称"),
        ({"operation": "rename", "new_name": " 户口簿 "}, "与现在的名称“户口簿”相同"),
    ],
)
def test_incomplete_parameters_are_refused_with_what_is_missing(hukou, params, message):
    with pytest.raises(BatchRefused, match=message):
        batch_changes.apply([], Change(kind=hukou, **params))


# ---------------------------------------------------------------------------- affected


def test_affected_lists_each_procedure_with_its_rows_before_and_after(hukou, procedures):
    make_published("居住证", slug="ju-zhu", materials=[{"name": "居民身份证"}])
    change = Change(kind=hukou, operation="conditional", condition="户籍不在本区的")
    entries = batch_changes.affected(hukou, change=change)
    assert [e.procedure.slug for e in entries] == list(TITLES)
    first = entries[0]
    assert [m.name for m in first.before] == ["户口簿"] and first.eligible
    assert [m.requirement() for m in first.after] == ["按情形：户籍不在本区的"]


def test_a_procedure_with_an_open_draft_cannot_take_part(hukou, procedures):
    publishing.create_draft(procedures[1], by=None)
    entries = {e.procedure.slug: e for e in batch_changes.affected(hukou)}
    assert entries["lao-dong"].refusal == "已有草稿，请先发布或丢弃"
    assert entries["sheng-yu"].eligible and entries["sheng-yu"].after is None


def test_a_procedure_the_change_leaves_as_it_is_cannot_take_part(hukou, procedures):
    change = Change(kind=hukou, operation="form", form="original_and_copy")
    assert {e.refusal for e in batch_changes.affected(hukou, change=change)} == {
        batch_changes.UNCHANGED
    }


# ---------------------------------------------------------------------------- create


def test_creating_a_batch_submits_one_changed_draft_per_procedure(hukou, procedures, editor, later):
    batch = conditional(hukou, procedures, editor, effective_from=later)
    drafts = list(batch.versions.order_by("pk"))
    assert [d.procedure for d in drafts] == procedures
    for draft in drafts:
        assert (draft.review_state, draft.submitted_by, draft.effective_from) == (
            Review.SUBMITTED,
            editor,
            later,
        )
        assert draft.change_summary == "户口簿改为按情形提交"
        assert draft.based_on == draft.procedure.latest_version
        row = draft.materials.get(kind=hukou)
        assert (row.required, row.condition) == (False, "户籍不在本区的")
    assert (batch.created_by, batch.condition) == (editor, "户籍不在本区的")


def test_a_batch_keeps_only_the_parameters_of_its_operation(hukou, procedures, editor):
    batch = batch_changes.create_batch(
        hukou,
        operation="rename",
        condition="打字后又改了主意",
        new_name="户口本",
        change_summary="统一写法",
        procedures=procedures[:1],
        by=editor,
    )
    assert (batch.condition, batch.new_name) == ("", "户口本")
    assert procedures[0].draft().materials.get(kind=hukou).name == "户口本"


def test_a_batch_needs_procedures_and_a_change_summary(hukou, procedures, editor):
    with pytest.raises(BatchRefused, match="请至少选择一个事项"):
        conditional(hukou, [], editor)
    with pytest.raises(BatchRefused, match="请填写修改说明"):
        batch_changes.create_batch(
            hukou, operation="remove", change_summary=" ", procedures=procedures, by=editor
        )
    assert not BatchChange.objects.exists()


def test_a_batch_is_all_or_nothing_and_names_the_procedure_that_failed(hukou, procedures, editor):
    publishing.create_draft(procedures[1], by=None)
    with pytest.raises(BatchRefused, match="“劳动手册”：已有草稿，请先发布或丢弃"):
        conditional(hukou, procedures, editor)
    assert not BatchChange.objects.exists()
    assert ProcedureVersion.objects.filter(status=Status.DRAFT).count() == 1


def test_a_procedure_that_does_not_ask_for_the_kind_is_refused(hukou, procedures, editor):
    other = make_published("居住证", slug="ju-zhu", materials=[{"name": "居民身份证"}])
    with pytest.raises(BatchRefused, match="“居住证”：这次修改对它的申请材料没有影响"):
        conditional(hukou, [*procedures, other.procedure], editor)
    assert not ProcedureVersion.objects.filter(status=Status.DRAFT).exists()


# ---------------------------------------------------------------------------- publish


def test_publishing_a_batch_publishes_every_draft_with_one_date(
    hukou, procedures, editor, reviewer, today, later
):
    batch = conditional(hukou, procedures, editor, effective_from=later)
    published = batch_changes.publish_batch(batch, by=reviewer, effective_from=today)
    assert [(v.number, v.effective_from, v.published_by) for v in published] == [
        (2, today, reviewer)
    ] * 3
    for procedure in procedures:
        row = procedure.current_version().materials.get(kind=hukou)
        assert row.requirement() == "按情形：户籍不在本区的"


def test_an_editor_may_not_publish_a_batch_they_created(hukou, procedures, today):
    author = make_user("chief", PUBLISHERS, is_staff=True)
    batch = conditional(hukou, procedures, author)
    with pytest.raises(BatchRefused, match="“生育服务手册”：这份草稿由您编写或修改过"):
        batch_changes.publish_batch(batch, by=author, effective_from=today)
    assert batch.versions.filter(status=Status.DRAFT).count() == 3


def test_the_review_rules_may_let_a_lone_administrator_publish_their_batch(
    hukou, procedures, today
):
    ReviewRules.objects.update_or_create(pk=1, defaults={"allow_self_approval": True})
    author = make_user("chief", PUBLISHERS, is_staff=True)
    batch = conditional(hukou, procedures, author)
    assert len(batch_changes.publish_batch(batch, by=author, effective_from=today)) == 3


def test_one_refused_draft_publishes_none_and_names_its_procedure(
    hukou, procedures, editor, reviewer, today
):
    batch = conditional(hukou, procedures, editor)
    reviews.send_back(procedures[1].draft(), by=reviewer, comment="劳动手册另有规定")
    with pytest.raises(BatchRefused, match="“劳动手册”：这份草稿已退回.*整批都没有发布"):
        batch_changes.publish_batch(batch, by=reviewer, effective_from=today)
    assert not ProcedureVersion.objects.filter(number=2).exists()


def test_a_batch_overtaking_a_scheduled_version_needs_the_reviewers_choice(
    hukou, procedures, editor, reviewer, today, later
):
    scheduled = publish_change(procedures[2].latest_version, effective_from=later)
    batch = conditional(hukou, procedures, editor)
    overview = batch_changes.overview(batch)
    assert [(d.procedure, s) for d, s in overview.scheduled] == [(procedures[2], scheduled)]
    with pytest.raises(BatchRefused, match="“低保申请”：第 2 版已定于"):
        batch_changes.publish_batch(batch, by=reviewer, effective_from=today)
    published = batch_changes.publish_batch(
        batch, by=reviewer, effective_from=today, scheduled="withdraw", withdraw_reason="暂缓"
    )
    scheduled.refresh_from_db()
    assert len(published) == 3 and scheduled.status == Status.WITHDRAWN


# ---------------------------------------------------------------------------- review


def test_sending_a_batch_back_returns_every_submitted_draft_with_the_comment(
    hukou, procedures, editor, reviewer
):
    batch = conditional(hukou, procedures, editor)
    with pytest.raises(BatchRefused, match="请写明意见"):
        batch_changes.send_back_batch(batch, by=reviewer, comment=" ")
    batch_changes.send_back_batch(batch, by=reviewer, comment="请写明依据的文件")
    drafts = batch.versions.all()
    assert {(d.review_state, d.review_comment) for d in drafts} == {
        (Review.RETURNED, "请写明依据的文件")
    }
    assert batch_changes.overview(batch).state == "已退回"


def test_resubmitting_a_batch_submits_its_returned_drafts_again_with_their_summary(
    hukou, procedures, editor, reviewer
):
    batch = conditional(hukou, procedures, editor)
    with pytest.raises(BatchRefused, match="都在等待审核"):
        batch_changes.resubmit_batch(batch, by=editor)
    batch_changes.send_back_batch(batch, by=reviewer, comment="补上依据")
    draft = procedures[0].draft()
    publishing.save_draft(
        draft,
        content={"change_summary": "户口簿改为按情形提交（依据区政府通知）"},
        expected_revision=draft.revision,
        by=editor,
    )
    batch_changes.resubmit_batch(batch, by=editor)
    summaries = dict(batch.versions.values_list("procedure__slug", "change_summary"))
    assert set(batch.versions.values_list("review_state", flat=True)) == {Review.SUBMITTED}
    assert summaries["sheng-yu"] == "户口簿改为按情形提交（依据区政府通知）"
    assert summaries["lao-dong"] == "户口簿改为按情形提交"


def test_recent_batches_say_where_each_stands(hukou, procedures, editor, reviewer, today):
    first = conditional(hukou, procedures[:1], editor)
    batch_changes.publish_batch(first, by=reviewer, effective_from=today)
    conditional(hukou, procedures[1:], editor)
    assert [(b.pk, state) for b, _, state in batch_changes.recent()] == [
        (first.pk + 1, "待审核"),
        (first.pk, "已发布"),
    ]
