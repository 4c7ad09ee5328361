import datetime

import pytest
from django.utils import timezone

from procedures import publishing
from procedures.exceptions import DraftExists, NotADraft, PublishRefused, StaleDraft
from procedures.models import AuditEvent, Procedure, ProcedureVersion
from tests.factories import make_draft, make_published, make_user, publish_change

pytestmark = pytest.mark.django_db
Status = ProcedureVersion.Status


def test_publishing_numbers_versions_in_order_and_supersedes_the_previous(today):
    first = make_published()
    second = publish_change(first, effective_from=today, fee="10 元")
    first.refresh_from_db()
    second.procedure.refresh_from_db()
    assert (first.number, first.status) == (1, Status.SUPERSEDED)
    assert (second.number, second.status) == (2, Status.PUBLISHED)
    assert second.procedure.latest_version == second


def test_publishing_records_who_and_when():
    user = make_user("publisher")
    version = make_published(by=user)
    assert version.published_by == user
    assert timezone.now() - version.published_at < datetime.timedelta(minutes=1)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.PUBLISHED).get()
    assert (event.user, event.detail) == (user, "首次发布")


def test_publishing_needs_a_change_summary_and_an_effective_date():
    draft = make_draft()
    with pytest.raises(PublishRefused, match="修改说明、施行日期"):
        publishing.publish_version(draft, by=None)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_publishing_a_version_twice_is_refused(today):
    version = make_published()
    with pytest.raises(NotADraft):
        publishing.publish_version(
            version, by=None, change_summary="再发一次", effective_from=today
        )


def test_a_new_draft_copies_the_latest_version_and_its_parts():
    version = make_published()
    draft = publishing.create_draft(version.procedure, by=None)
    assert draft.status == Status.DRAFT and draft.based_on == version
    assert draft.title == version.title and draft.staff_notes == version.staff_notes
    for related_name in ("materials", "steps", "faqs"):
        copied = list(getattr(draft, related_name).values_list("position", flat=True))
        original = list(getattr(version, related_name).values_list("position", flat=True))
        assert copied == original and copied
    assert set(draft.materials.values_list("pk", flat=True)).isdisjoint(
        version.materials.values_list("pk", flat=True)
    )


def test_editing_the_draft_leaves_the_published_version_as_it_was():
    version = make_published()
    draft = publishing.create_draft(version.procedure, by=None)
    publishing.save_draft(
        draft,
        content={"fee": "20 元"},
        parts={"materials": []},
        expected_revision=draft.revision,
        by=None,
    )
    version.refresh_from_db()
    assert version.fee == "" and version.materials.count() == 3


def test_only_one_draft_at_a_time():
    version = make_published()
    publishing.create_draft(version.procedure, by=None)
    with pytest.raises(DraftExists):
        publishing.create_draft(version.procedure, by=None)


def test_a_stale_draft_save_is_refused_and_the_first_save_kept():
    draft = make_draft()
    opened_at = draft.revision
    publishing.save_draft(draft, content={"fee": "甲的修改"}, expected_revision=opened_at, by=None)
    with pytest.raises(StaleDraft, match="已被他人保存"):
        publishing.save_draft(
            draft, content={"fee": "乙的修改"}, expected_revision=opened_at, by=None
        )
    draft.refresh_from_db()
    assert draft.fee == "甲的修改"


def test_saving_parts_replaces_them_in_the_given_order():
    draft = make_draft()
    publishing.save_draft(
        draft,
        content={},
        parts={"steps": [{"title": "第二步"}, {"title": "第一步", "body": "说明"}]},
        expected_revision=draft.revision,
        by=None,
    )
    assert list(draft.steps.values_list("title", "position")) == [("第二步", 1), ("第一步", 2)]


def test_discarding_a_draft_leaves_the_record():
    version = make_published()
    draft = publishing.create_draft(version.procedure, by=None)
    publishing.discard_draft(draft, by=None)
    assert list(version.procedure.versions.values_list("status", flat=True)) == [Status.PUBLISHED]
    with pytest.raises(NotADraft):
        publishing.discard_draft(version, by=None)


def test_a_future_version_is_on_record_but_not_in_force(today):
    first = make_published(effective_from=today - datetime.timedelta(days=30))
    future = publish_change(first, effective_from=today + datetime.timedelta(days=40))
    procedure = Procedure.objects.get(pk=first.procedure_id)
    assert procedure.latest_version == future
    assert procedure.current_version() == first
    assert procedure.upcoming_version() == future
    assert procedure.current_version(on=today + datetime.timedelta(days=40)) == future
    assert procedure.upcoming_version(on=today + datetime.timedelta(days=40)) is None


def test_in_force_version_is_derived_for_lists_too(today):
    first = make_published(effective_from=today - datetime.timedelta(days=30))
    publish_change(first, effective_from=today + datetime.timedelta(days=1))
    listed = Procedure.objects.public().get()
    assert listed.current_version_id == first.pk
    tomorrow = Procedure.objects.public(on=today + datetime.timedelta(days=1)).get()
    assert tomorrow.current_version_id != first.pk


def test_a_procedure_with_only_a_future_version_is_not_public_yet(today):
    make_published(effective_from=today + datetime.timedelta(days=3))
    assert not Procedure.objects.public().exists()
    assert Procedure.objects.public(on=today + datetime.timedelta(days=3)).exists()


def test_a_retired_procedure_is_not_public_and_keeps_its_versions():
    version = make_published()
    publishing.retire_procedure(version.procedure, by=None, reason="事项取消")
    assert not Procedure.objects.public().exists()
    assert version.procedure.versions.count() == 1
    assert Procedure.objects.get(pk=version.procedure_id).current_version() is None


def test_retiring_needs_a_reason():
    version = make_published()
    with pytest.raises(PublishRefused):
        publishing.retire_procedure(version.procedure, by=None, reason=" ")


def test_publishing_a_copy_identical_to_the_version_it_replaces_is_refused():
    version = make_published()
    draft = publishing.create_draft(version.procedure, by=None)
    with pytest.raises(PublishRefused) as refused:
        publishing.publish_version(
            draft, by=None, change_summary="什么也没改", effective_from=datetime.date(2025, 1, 1)
        )
    assert str(refused.value) == (
        "草稿与第 1 版的内容完全相同，没有可以发布的修改。"
        "如果刚改过内容，请先在草稿里保存，再发布。"
    )
    assert ProcedureVersion.objects.get(pk=draft.pk).is_draft


def test_a_changed_copy_count_alone_is_a_change_worth_publishing():
    version = make_published()
    draft = publishing.create_draft(version.procedure, by=None)
    rows = [
        {"name": m.name, "form": m.form, "copies": m.copies + 1, "required": m.required}
        for m in version.materials.all()
    ]
    draft = publishing.save_draft(
        draft, content={}, parts={"materials": rows}, expected_revision=draft.revision, by=None
    )
    published = publishing.publish_version(
        draft, by=None, change_summary="份数调整", effective_from=datetime.date(2025, 1, 1)
    )
    assert published.number == 2


def test_line_breaks_from_a_browser_are_kept_as_plain_line_feeds():
    version = make_published(conditions="第一条\n第二条")
    draft = publishing.create_draft(version.procedure, by=None)
    steps = [{"title": "提交", "body": "带齐材料\r\n到窗口"}]
    draft = publishing.save_draft(
        draft,
        content={"conditions": "第一条\r\n第二条", "basis": "甲\r乙"},
        parts={"steps": steps},
        expected_revision=draft.revision,
        by=None,
    )
    assert (draft.conditions, draft.basis) == ("第一条\n第二条", "甲\n乙")
    assert draft.steps.get().body == "带齐材料\n到窗口"
