"""An urgent fix while a version is scheduled: it starts from the version in force, and the
scheduled version is carried forward with the fix or withdrawn, never silently overtaken."""

import datetime
import re

import pytest
from django.urls import reverse

from procedures import publishing
from procedures.exceptions import PublishRefused, ScheduledVersionPending
from procedures.models import AuditEvent, ProcedureVersion
from procedures.roles import PUBLISHERS
from procedures.timeline import standing
from tests.factories import make_published, make_user, publish_change

pytestmark = pytest.mark.django_db
Status = ProcedureVersion.Status


@pytest.fixture
def next_year(today):
    return today + datetime.timedelta(days=30)


@pytest.fixture
def scheduled(today, next_year):
    """Version 1 in force with phone 021-1111; version 2 scheduled, dropping a material."""
    current = make_published("劳动手册", phone="021-1111", effective_from=today.replace(day=1))
    rows = [{"name": "居民身份证"}, {"name": "户口簿"}]
    draft = publishing.create_draft(current.procedure, by=None)
    draft = publishing.save_draft(
        draft, content={}, parts={"materials": rows}, expected_revision=draft.revision, by=None
    )
    return publishing.publish_version(
        draft, by=None, change_summary="不再收授权委托书", effective_from=next_year
    )


def phone_fix(procedure, phone="021-2222"):
    draft = publishing.create_draft(procedure, by=None)
    return publishing.save_draft(
        draft, content={"phone": phone}, expected_revision=draft.revision, by=None
    )


def test_a_new_draft_starts_from_the_version_in_force_not_the_scheduled_one(scheduled):
    draft = publishing.create_draft(scheduled.procedure, by=None)
    assert draft.based_on.number == 1
    assert draft.materials.count() == 3  # version 1's list,授权委托书 included


def test_a_draft_can_start_from_the_scheduled_version_when_asked(scheduled):
    draft = publishing.create_draft(scheduled.procedure, by=None, from_version=scheduled)
    assert (draft.based_on, draft.materials.count()) == (scheduled, 2)


def test_a_fix_that_would_overtake_a_scheduled_version_must_say_what_becomes_of_it(
    scheduled, today
):
    fix = phone_fix(scheduled.procedure)
    with pytest.raises(ScheduledVersionPending, match="第 2 版将永远不能施行"):
        publishing.publish_version(fix, by=None, change_summary="电话更正", effective_from=today)
    assert ProcedureVersion.objects.get(pk=fix.pk).is_draft


def test_withdrawing_needs_a_reason(scheduled, today):
    fix = phone_fix(scheduled.procedure)
    with pytest.raises(PublishRefused, match="写明原因"):
        publishing.publish_version(
            fix, by=None, change_summary="电话更正", effective_from=today, scheduled="withdraw"
        )


def test_withdrawing_keeps_the_scheduled_version_on_record_as_withdrawn(
    scheduled, today, next_year
):
    chief = make_user("chief")
    fix = phone_fix(scheduled.procedure)
    publishing.publish_version(
        fix,
        by=chief,
        change_summary="电话更正",
        effective_from=today,
        scheduled="withdraw",
        withdraw_reason="政策暂缓执行",
    )
    scheduled.refresh_from_db()
    assert (scheduled.status, scheduled.withdrawn_by, scheduled.withdrawn_reason) == (
        Status.WITHDRAWN,
        chief,
        "政策暂缓执行",
    )
    procedure = scheduled.procedure
    assert procedure.upcoming_version() is None
    assert procedure.current_version(next_year).phone == "021-2222"  # never the withdrawn one
    assert standing(scheduled).notice().startswith("已撤回")
    assert AuditEvent.objects.filter(action="withdrawn", user=chief).exists()


def test_carrying_makes_a_draft_of_the_scheduled_version_with_the_fix(scheduled, today, next_year):
    fix = phone_fix(scheduled.procedure)
    published = publishing.publish_version(
        fix, by=None, change_summary="电话更正", effective_from=today, scheduled="carry"
    )
    procedure = scheduled.procedure
    assert procedure.current_version().phone == "021-2222"  # the fix is in force today
    carried = procedure.draft()
    assert carried.based_on == ProcedureVersion.objects.get(pk=scheduled.pk)
    assert carried.phone == "021-2222"  # the fix
    assert [m.name for m in carried.materials.all()] == ["居民身份证", "户口簿"]  # the change
    assert carried.effective_from == next_year
    assert f"带入第 {published.number} 版的更正" in carried.change_summary
    final = publishing.publish_version(carried, by=None)
    assert procedure.current_version(next_year) == final


def test_a_list_changed_by_both_keeps_the_scheduled_wording_and_asks_to_check(scheduled, today):
    draft = publishing.create_draft(scheduled.procedure, by=None)
    rows = [{"name": "居民身份证", "copies": 2}, {"name": "户口簿"}, {"name": "授权委托书"}]
    draft = publishing.save_draft(
        draft, content={}, parts={"materials": rows}, expected_revision=draft.revision, by=None
    )
    publishing.publish_version(
        draft, by=None, change_summary="份数更正", effective_from=today, scheduled="carry"
    )
    carried = scheduled.procedure.draft()
    assert [m.name for m in carried.materials.all()] == ["居民身份证", "户口簿"]
    assert "请核对申请材料" in carried.change_summary


def test_amending_the_scheduled_version_itself_needs_no_decision(scheduled, next_year):
    draft = publishing.create_draft(scheduled.procedure, by=None, from_version=scheduled)
    draft = publishing.save_draft(
        draft, content={"fee": "免费"}, expected_revision=draft.revision, by=None
    )
    amended = publishing.publish_version(
        draft, by=None, change_summary="补充收费说明", effective_from=next_year
    )
    assert scheduled.procedure.upcoming_version() == amended


def test_a_fix_dated_after_the_scheduled_version_needs_no_decision(scheduled, next_year):
    later = publish_change(scheduled, effective_from=next_year + datetime.timedelta(days=1))
    assert later.number == 3
    assert scheduled.procedure.current_version(next_year) == scheduled


def _state_cells(html: str) -> list[str]:
    return re.findall(r'<td class="field-standing">\s*(?:<p>)?([^<]*[^<\s])', html)


def test_the_editors_version_lists_say_which_version_is_in_force(client, scheduled):
    """Stored, the version in force is "superseded" as soon as its successor is published; the
    editors' lists must still call it 现行, and the scheduled one 待施行."""
    client.force_login(make_user("chief", PUBLISHERS, is_staff=True))
    draft = publishing.create_draft(scheduled.procedure, by=None)
    page = client.get(reverse("admin:procedures_procedure_change", args=[draft.procedure_id]))
    # The draft has no number yet: databases put it first or last.
    cells = _state_cells(page.content.decode())
    assert sorted(cells) == sorted(["草稿 · 编辑中", "待施行", "现行"])
    listing = reverse("admin:procedures_procedureversion_changelist")
    assert _state_cells(client.get(listing).content.decode()).count("现行") == 1
    in_force = client.get(listing, {"standing": "in_force"}).context["cl"].result_list
    assert [v.number for v in in_force] == [1]
    upcoming = client.get(listing, {"standing": "upcoming"}).context["cl"].result_list
    assert [v.number for v in upcoming] == [2]
    old = client.get(reverse("admin:procedures_procedureversion_change", args=[in_force[0].pk]))
    assert "现行" in old.content.decode()
