"""The review pages: 提交审核, the 草稿与审核 desk, the 审核 page with 发布 and 退回修改."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from procedures import publishing, reviews
from procedures.models import ProcedureVersion
from procedures.roles import EDITORS, PUBLISHERS
from tests.factories import make_draft, make_flow_published, make_published, make_user
from tests.procedures.test_editing import admin_post_data, draft_admin_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_user("xiaoli", EDITORS, is_staff=True)


@pytest.fixture
def reviewer():
    return make_user("laozhang", PUBLISHERS, is_staff=True)


@pytest.fixture
def draft(editor):
    version = make_published()
    draft = publishing.create_draft(version.procedure, by=editor)
    return publishing.save_draft(
        draft, content={"fee": "不收费（已核实）"}, expected_revision=draft.revision, by=editor
    )


def test_the_submit_page_shows_what_changed(client, editor, draft):
    client.force_login(editor)
    response = client.get(reverse("procedures:submit", args=[draft.pk]))
    assert "不收费（已核实）" in response.content.decode()


def test_submitting_sends_the_editor_to_the_desk(client, editor, draft):
    client.force_login(editor)
    response = client.post(
        reverse("procedures:submit", args=[draft.pk]), {"change_summary": "收费说明更正"}
    )
    assert response.url == reverse("procedures:drafts")
    draft.refresh_from_db()
    assert (draft.review_state, draft.submitted_by) == ("submitted", editor)


def test_the_desk_offers_reviewers_the_submitted_drafts(
    client, editor, reviewer, draft, django_assert_max_num_queries
):
    reviews.submit_for_review(draft, by=editor, change_summary="收费说明更正")
    other = make_published("失业登记", slug="shi-ye")
    publishing.create_draft(other.procedure, by=editor)
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("procedures:drafts"))
    assert [d.pk for d in response.context["desk"].waiting] == [draft.pk]
    assert reverse("procedures:publish", args=[draft.pk]) in response.content.decode()


def test_editors_see_their_returned_draft_with_the_comment_and_no_publish_link(
    client, editor, reviewer, draft
):
    reviews.submit_for_review(draft, by=editor, change_summary="收费说明更正")
    reviews.send_back(draft, by=reviewer, comment="请附收费文件的文号")
    client.force_login(editor)
    response = client.get(reverse("procedures:drafts"))
    html = response.content.decode()
    assert [d.pk for d in response.context["desk"].mine] == [draft.pk]
    assert "请附收费文件的文号" in html
    assert reverse("procedures:publish", args=[draft.pk]) not in html


def test_the_draft_editor_shows_the_comment_of_a_returned_draft(client, editor, reviewer, draft):
    reviews.submit_for_review(draft, by=editor, change_summary="收费说明更正")
    reviews.send_back(draft, by=reviewer, comment="请附收费文件的文号")
    client.force_login(editor)
    html = client.get(draft_admin_url(draft)).content.decode()
    assert "审核退回" in html and "请附收费文件的文号" in html


def test_a_reviewer_sends_a_draft_back_from_the_review_page(client, editor, reviewer, draft):
    reviews.submit_for_review(draft, by=editor, change_summary="收费说明更正")
    client.force_login(reviewer)
    response = client.post(
        reverse("procedures:send_back", args=[draft.pk]), {"comment": "请附收费文件的文号"}
    )
    assert response.url == reverse("procedures:drafts")
    draft.refresh_from_db()
    assert (draft.review_state, draft.review_comment) == ("returned", "请附收费文件的文号")


def test_sending_back_without_a_comment_shows_the_review_page_again(
    client, editor, reviewer, draft
):
    reviews.submit_for_review(draft, by=editor, change_summary="收费说明更正")
    client.force_login(reviewer)
    response = client.post(reverse("procedures:send_back", args=[draft.pk]), {"comment": ""})
    assert response.context["send_back_form"].errors["comment"]
    assert ProcedureVersion.objects.get(pk=draft.pk).review_state == "submitted"


def test_the_review_page_tells_a_reviewer_they_wrote_the_draft(client, reviewer):
    version = make_published()
    draft = publishing.create_draft(version.procedure, by=reviewer)
    client.force_login(reviewer)
    response = client.get(reverse("procedures:publish", args=[draft.pk]))
    assert "另一位" in response.context["refusal"]
    assert 'value="确认发布" disabled' in response.content.decode()


def test_publishing_a_draft_not_submitted_is_refused_with_a_message(client, reviewer, draft, today):
    client.force_login(reviewer)
    response = client.post(
        reverse("procedures:publish", args=[draft.pk]),
        {
            "change_summary": "收费说明更正",
            "effective_from": today.isoformat(),
            "change_kind": "editorial",
        },
    )
    assert "还没有提交审核" in response.context["form"].non_field_errors()[0]
    assert ProcedureVersion.objects.get(pk=draft.pk).is_draft


def test_saving_a_submitted_draft_in_the_admin_warns_it_left_review(client, editor, draft):
    reviews.submit_for_review(draft, by=editor, change_summary="收费说明更正")
    client.force_login(editor)
    data = admin_post_data(client, draft)
    response = client.post(draft_admin_url(draft), dict(data, fee="免费", _continue="1"))
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("退出了审核" in text for text in texts)
    assert ProcedureVersion.objects.get(pk=draft.pk).review_state == "editing"


def test_publishing_a_second_version_asks_whether_staff_must_reread_it(
    client, reviewer, draft, today
):
    version = draft.procedure.latest_version
    reviews.submit_for_review(draft, by=draft.created_by, change_summary="错别字更正")
    client.force_login(reviewer)
    url = reverse("procedures:publish", args=[draft.pk])
    form = {"change_summary": "错别字更正", "effective_from": today.isoformat()}
    refused = client.post(url, form)
    assert "请选择这次修改是实质变更还是文字修订。" in refused.content.decode()
    assert ProcedureVersion.objects.get(pk=draft.pk).is_draft
    client.post(url, {**form, "change_kind": "editorial"})
    published = ProcedureVersion.objects.get(pk=draft.pk)
    assert (published.number, published.change_kind) == (2, "editorial")
    history = client.get(reverse("procedures:history", args=[version.procedure.slug]))
    assert "文字修订" in history.content.decode()


def test_a_first_version_is_published_without_the_question(client, reviewer, editor, today):
    draft = make_draft(by=editor)
    reviews.submit_for_review(draft, by=editor, change_summary="首次发布")
    client.force_login(reviewer)
    url = reverse("procedures:publish", args=[draft.pk])
    assert 'name="change_kind"' not in client.get(url).content.decode()
    client.post(url, {"change_summary": "首次发布", "effective_from": today.isoformat()})
    assert ProcedureVersion.objects.get(pk=draft.pk).change_kind == "substantive"


def test_the_review_page_lists_the_test_cases_a_draft_changed(client, editor, reviewer):
    version = make_flow_published()
    draft = publishing.create_draft(version.procedure, by=editor)
    draft = publishing.save_draft(
        draft, content={}, parts={"cases": []}, expected_revision=draft.revision, by=editor
    )
    client.force_login(reviewer)
    response = client.get(reverse("procedures:publish", args=[draft.pk]))
    assert "测试用例「外地户籍委托代办」" in response.content.decode()
