"""The editing workflow: draft, edit in the admin, preview, publish, discard."""

import datetime

import pytest
from django.urls import reverse

from procedures import publishing, reviews
from procedures.models import AuditEvent, ProcedureVersion
from procedures.roles import EDITORS, PUBLISHERS, WINDOW_STAFF
from tests.factories import make_published, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return make_published()


def login(client, *groups):
    user = make_user("person", *groups, is_staff=True)
    client.force_login(user)
    return user


def draft_admin_url(draft):
    return reverse("admin:procedures_procedureversion_change", args=[draft.pk])


def admin_post_data(client, draft):
    """The change form's own initial data, as a browser would post it back."""
    response = client.get(draft_admin_url(draft))
    form = response.context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for index, inline_form in enumerate(formset.formset.forms):
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is None:
                    continue
                key = f"{formset.formset.prefix}-{index}-{name}"
                if isinstance(value, bool):
                    if value:
                        data[key] = "on"
                else:
                    data[key] = value
    data["effective_from"] = ""
    return data


def changed_draft(procedure):
    """A draft with one change saved: publishing refuses a copy identical to what it replaces."""
    draft = publishing.create_draft(procedure, by=None)
    return publishing.save_draft(
        draft, content={"fee": "不收费（已核实）"}, expected_revision=draft.revision, by=None
    )


def submitted_draft(procedure):
    """A changed draft that another editor has submitted for review."""
    author = make_user("author", EDITORS, is_staff=True)
    draft = changed_draft(procedure)
    return reviews.submit_for_review(draft, by=author, change_summary="收费说明更正")


def test_an_editor_creates_a_draft_from_the_latest_version(client, version):
    login(client, EDITORS)
    response = client.post(reverse("procedures:new_draft", args=[version.procedure_id]))
    draft = version.procedure.versions.get(status="draft")
    assert response.url == draft_admin_url(draft)
    assert draft.materials.count() == version.materials.count()


def test_window_staff_cannot_create_drafts(client, version):
    login(client, WINDOW_STAFF)
    response = client.post(reverse("procedures:new_draft", args=[version.procedure_id]))
    assert response.status_code == 403
    assert not version.procedure.versions.filter(status="draft").exists()


def test_saving_the_admin_form_goes_through_the_publishing_service(client, version):
    user = login(client, EDITORS)
    draft = publishing.create_draft(version.procedure, by=user)
    data = admin_post_data(client, draft)
    data["fee"] = "不收费（新）"
    data["materials-0-DELETE"] = "on"
    response = client.post(draft_admin_url(draft), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.fee == "不收费（新）" and draft.revision == 1
    assert draft.materials.count() == version.materials.count() - 1
    assert AuditEvent.objects.filter(action="draft_saved", user=user).exists()


def test_a_stale_admin_form_is_refused_and_nothing_lost(client, version):
    login(client, EDITORS)
    draft = changed_draft(version.procedure)
    stale = admin_post_data(client, draft)
    first = dict(stale, fee="第一位编辑的修改")
    client.post(draft_admin_url(draft), first)
    second = dict(stale, fee="第二位编辑的修改")
    response = client.post(draft_admin_url(draft), second)
    assert response.status_code == 200
    assert "已被他人保存" in response.content.decode()
    draft.refresh_from_db()
    assert draft.fee == "第一位编辑的修改"


def test_published_versions_are_read_only_in_the_admin(client, version):
    login(client, EDITORS)
    response = client.get(draft_admin_url(version))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    response = client.post(draft_admin_url(version), {"title": "改掉"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.title == "生育服务手册"


def test_publishing_needs_the_publish_permission(client, version, today):
    login(client, EDITORS)
    draft = changed_draft(version.procedure)
    response = client.post(
        reverse("procedures:publish", args=[draft.pk]),
        {"change_summary": "x", "effective_from": today, "change_kind": "substantive"},
    )
    assert response.status_code == 403


def test_a_publisher_publishes_with_summary_and_date(client, version, today):
    user = login(client, PUBLISHERS)
    draft = submitted_draft(version.procedure)
    future = today + datetime.timedelta(days=30)
    response = client.post(
        reverse("procedures:publish", args=[draft.pk]),
        {
            "change_summary": "材料精简",
            "effective_from": future.isoformat(),
            "change_kind": "substantive",
        },
    )
    draft.refresh_from_db()
    assert (draft.number, draft.published_by, draft.effective_from) == (2, user, future)
    assert response.url == draft.get_absolute_url()


def test_publishing_without_a_summary_shows_the_form_again(client, version, today):
    login(client, PUBLISHERS)
    draft = changed_draft(version.procedure)
    response = client.post(
        reverse("procedures:publish", args=[draft.pk]),
        {"change_summary": "", "effective_from": today.isoformat(), "change_kind": "editorial"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["change_summary"]
    assert ProcedureVersion.objects.get(pk=draft.pk).status == "draft"


def test_discarding_a_draft_keeps_the_published_version(client, version):
    user = login(client, EDITORS)
    draft = publishing.create_draft(version.procedure, by=user)
    client.post(reverse("procedures:discard", args=[draft.pk]))
    assert not ProcedureVersion.objects.filter(pk=draft.pk).exists()
    assert ProcedureVersion.objects.filter(pk=version.pk).exists()


def test_a_published_version_cannot_be_discarded_and_the_page_says_why(client, version):
    login(client, PUBLISHERS)
    response = client.post(reverse("procedures:discard", args=[version.pk]), follow=True)
    assert response.redirect_chain[-1][0] == version.get_absolute_url()
    assert "已经发布为第 1 版" in response.content.decode()
    assert ProcedureVersion.objects.filter(pk=version.pk).exists()


def test_publishing_from_a_second_tab_shows_the_version_already_published(client, version, today):
    login(client, PUBLISHERS)
    draft = submitted_draft(version.procedure)
    url = reverse("procedures:publish", args=[draft.pk])
    form = {
        "change_summary": "收费说明更正",
        "effective_from": today.isoformat(),
        "change_kind": "editorial",
    }
    client.post(url, form)
    response = client.post(url, form, follow=True)
    assert response.redirect_chain[-1][0] == f"/procedures/{version.procedure.slug}/versions/2/"
    assert "已经发布为第 2 版" in response.content.decode()
    assert version.procedure.versions.count() == 2


def test_submitting_an_unchanged_draft_is_refused_with_a_message(client, version):
    login(client, EDITORS)
    draft = publishing.create_draft(version.procedure, by=None)
    response = client.post(
        reverse("procedures:submit", args=[draft.pk]), {"change_summary": "没改什么"}
    )
    assert response.status_code == 200
    assert "没有可以提交审核的修改" in response.context["form"].non_field_errors()[0]
    draft.refresh_from_db()
    assert draft.review_state == "editing"


def test_the_publish_form_names_the_next_number_and_shows_the_changes(client, version):
    login(client, PUBLISHERS)
    draft = changed_draft(version.procedure)
    html = client.get(reverse("procedures:publish", args=[draft.pk])).content.decode()
    assert "成为第 2 版" in html
    assert "与现行第 1 版" in html and "不收费（已核实）" in html


def test_an_anonymous_visitor_on_an_edit_link_is_asked_to_log_in(client, version):
    draft = changed_draft(version.procedure)
    response = client.get(reverse("procedures:publish", args=[draft.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_editor_who_may_not_publish_is_told_so_in_chinese(client, version):
    login(client, EDITORS)
    draft = changed_draft(version.procedure)
    response = client.get(reverse("procedures:publish", args=[draft.pk]))
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()


@pytest.mark.parametrize(("as_", "shows_internal"), [("", False), ("staff", True)])
def test_preview_as_resident_or_staff(client, version, as_, shows_internal):
    login(client, EDITORS)
    draft = changed_draft(version.procedure)
    html = client.get(reverse("procedures:preview", args=[draft.pk]), {"as": as_}).content.decode()
    assert "草稿预览" in html
    assert ("内部：先查系统" in html) is shows_internal


def test_anonymous_visitors_cannot_preview_drafts(client, version):
    draft = changed_draft(version.procedure)
    response = client.get(reverse("procedures:preview", args=[draft.pk]))
    assert response.status_code in (302, 403)
    assert "内部" not in response.content.decode()


def test_a_new_procedure_from_the_admin_starts_as_a_draft(client):
    from procedures.models import Procedure
    from tests.factories import make_category

    login(client, EDITORS)
    category = make_category()
    response = client.post(
        reverse("admin:procedures_procedure_add"),
        {
            "slug": "gao-ling-jin-tie",
            "title": "高龄老人津贴",
            "code": "",
            "category": category.pk,
            "position": 0,
            "aliases": "高龄补贴\n老年津贴",
            "versions-TOTAL_FORMS": 0,
            "versions-INITIAL_FORMS": 0,
        },
    )
    procedure = Procedure.objects.get(slug="gao-ling-jin-tie")
    draft = procedure.versions.get()
    assert response.url == draft_admin_url(draft)
    assert (draft.title, draft.status, procedure.aliases) == (
        "高龄老人津贴",
        "draft",
        ["高龄补贴", "老年津贴"],
    )
    assert not Procedure.objects.public().filter(pk=procedure.pk).exists()


def test_changing_aliases_in_the_admin_updates_the_procedure_not_its_versions(client, version):
    login(client, PUBLISHERS)
    url = reverse("admin:procedures_procedure_change", args=[version.procedure_id])
    response = client.post(
        url,
        {
            "code": "JS-9",
            "category": version.procedure.category_id,
            "position": 7,
            "aliases": "准生证\n生育登记",
            "versions-TOTAL_FORMS": 1,
            "versions-INITIAL_FORMS": 1,
            "versions-0-id": version.pk,
            "versions-0-procedure": version.procedure_id,
        },
    )
    assert response.status_code == 302
    version.procedure.refresh_from_db()
    procedure = version.procedure
    assert (procedure.code, procedure.aliases, procedure.position) == (
        "JS-9",
        ["准生证", "生育登记"],
        7,
    )
    assert version.procedure.versions.count() == 1


def test_a_save_refused_by_the_service_shows_only_the_error(client, version, monkeypatch):
    """The draft can change between the form's check and the save: the service has the last word."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.messages import get_messages

    from procedures.exceptions import StaleDraft

    def refuse(*args, **kwargs):
        raise StaleDraft("草稿刚刚被他人保存。")

    login(client, EDITORS)
    draft = changed_draft(version.procedure)
    data = admin_post_data(client, draft)
    monkeypatch.setattr(publishing, "save_draft", refuse)
    response = client.post(draft_admin_url(draft), dict(data, fee="被拒绝的修改"))
    assert response.url == draft_admin_url(draft)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["草稿刚刚被他人保存。"]
    assert not LogEntry.objects.exists()
    draft.refresh_from_db()
    assert draft.fee == "不收费（已核实）"
