"""The batch change pages: status and one fact each, and who may use them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procedures import batch_changes, publishing
from procedures.models import BatchChange, MaterialKind, Procedure, ProcedureVersion
from procedures.roles import EDITORS, PUBLISHERS, WINDOW_STAFF
from tests.factories import make_published, make_user

pytestmark = pytest.mark.django_db
Review = ProcedureVersion.Review


@pytest.fixture
def hukou():
    make_published("生育服务手册", slug="sheng-yu")
    make_published("劳动手册", slug="lao-dong")
    return MaterialKind.objects.get(name="户口簿")


@pytest.fixture
def editor():
    return make_user("editor", EDITORS, is_staff=True)


@pytest.fixture
def reviewer():
    return make_user("reviewer", PUBLISHERS, is_staff=True)


@pytest.fixture
def batch(hukou, editor):
    return batch_changes.create_batch(
        hukou,
        operation="conditional",
        condition="户籍不在本区的",
        change_summary="户口簿改为按情形提交",
        procedures=Procedure.objects.all(),
        by=editor,
    )


def new_batch_url(kind):
    return reverse("procedures:batch_new", args=[kind.pk])


def batch_data(**changes):
    return {"operation": "conditional", "condition": "户籍不在本区的", **changes}


# ---------------------------------------------------------------------------- new batch


def test_the_new_batch_page_ticks_every_procedure_that_can_take_part(client, hukou, editor):
    publishing.create_draft(Procedure.objects.get(slug="lao-dong"), by=None)
    client.force_login(editor)
    response = client.get(new_batch_url(hukou))
    assert response.status_code == 200
    assert response.context["chosen"] == {str(Procedure.objects.get(slug="sheng-yu").pk)}
    assert "已有草稿，请先发布或丢弃" in response.content.decode()


def test_preview_shows_each_row_after_the_change_and_creates_nothing(client, hukou, editor):
    client.force_login(editor)
    response = client.post(new_batch_url(hukou), batch_data(preview="预览"))
    assert "按情形：户籍不在本区的" in response.content.decode()
    assert not BatchChange.objects.exists()


def test_an_incomplete_change_is_a_message_on_the_form(client, hukou, editor):
    client.force_login(editor)
    response = client.post(new_batch_url(hukou), batch_data(condition="", preview="预览"))
    assert response.status_code == 200
    assert "请填写适用情形" in response.content.decode()


def test_bad_input_is_a_field_error_not_a_crash(client, hukou, editor):
    client.force_login(editor)
    data = batch_data(operation="form", copies="两份", procedures=["x"], create="创建")
    response = client.post(new_batch_url(hukou), data)
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"copies", "procedures"}


def test_creating_a_batch_goes_to_its_page(client, hukou, editor):
    client.force_login(editor)
    chosen = list(Procedure.objects.values_list("pk", flat=True))
    data = batch_data(change_summary="户口簿改为按情形提交", procedures=chosen, create="创建")
    response = client.post(new_batch_url(hukou), data)
    batch = BatchChange.objects.get()
    assert response.url == batch.get_absolute_url()
    assert batch.versions.filter(review_state=Review.SUBMITTED).count() == 2


def test_a_refused_batch_keeps_the_preview_and_says_why(client, hukou, editor):
    client.force_login(editor)
    response = client.post(new_batch_url(hukou), batch_data(create="创建"))
    assert "请填写修改说明" in response.content.decode()
    assert response.context["entries"][0].after is not None


def test_the_catalogue_page_offers_batch_changes_to_editors_only(client, hukou, editor):
    url = reverse("procedures:material_kind", args=[hukou.pk])
    assert "批量修订" not in client.get(url).content.decode()
    client.force_login(editor)
    assert new_batch_url(hukou) in client.get(url).content.decode()


# ---------------------------------------------------------------------------- a batch


def test_the_batch_page_shows_each_draft_before_and_after(client, batch, editor):
    client.force_login(editor)
    response = client.get(batch.get_absolute_url())
    assert response.status_code == 200
    draft = batch.versions.first()
    assert reverse("admin:procedures_procedureversion_change", args=[draft.pk]) in (
        response.content.decode()
    )
    assert "整批发布" not in response.content.decode()  # editors do not publish


def test_reviewers_publish_a_batch_with_one_date(client, batch, reviewer, today):
    client.force_login(reviewer)
    response = client.post(
        reverse("procedures:batch_publish", args=[batch.pk]),
        {"effective_from": today, "change_kind": "substantive"},
    )
    assert response.url == batch.get_absolute_url()
    assert set(batch.versions.values_list("number", "effective_from")) == {(2, today)}


def test_a_refused_publish_is_shown_on_the_batch_page(client, batch, editor, today):
    editor.groups.add(*make_user("other", PUBLISHERS).groups.all())
    client.force_login(editor)
    response = client.post(
        reverse("procedures:batch_publish", args=[batch.pk]),
        {"effective_from": today, "change_kind": "substantive"},
    )
    assert response.status_code == 200
    assert "这份草稿由您编写或修改过" in response.content.decode()


def test_reviewers_send_a_batch_back_with_a_comment(client, batch, reviewer):
    client.force_login(reviewer)
    url = reverse("procedures:batch_send_back", args=[batch.pk])
    response = client.post(url, {"comment": "请写明依据"})
    assert response.url == batch.get_absolute_url()
    assert set(batch.versions.values_list("review_state", flat=True)) == {Review.RETURNED}


def test_editors_resubmit_a_returned_batch(client, batch, editor, reviewer):
    batch_changes.send_back_batch(batch, by=reviewer, comment="请写明依据")
    client.force_login(editor)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "请写明依据" in page and "重新提交整批审核" in page
    response = client.post(reverse("procedures:batch_resubmit", args=[batch.pk]))
    assert response.url == batch.get_absolute_url()
    assert set(batch.versions.values_list("review_state", flat=True)) == {Review.SUBMITTED}


def test_the_batch_list_shows_each_batch_in_a_fixed_number_of_queries(
    client, batch, editor, reviewer, django_assert_num_queries, today
):
    client.force_login(editor)
    url = reverse("procedures:batches")
    client.get(url)  # the hall's settings are made on first use
    with CaptureQueriesContext(connection) as one_batch:
        client.get(url)
    expected = len(one_batch)  # now: each request clears the log the capture reads
    batch_changes.publish_batch(batch, by=reviewer, effective_from=today)
    batch_changes.create_batch(
        batch.kind,
        operation="remove",
        change_summary="不再收户口簿",
        procedures=Procedure.objects.all(),
        by=editor,
    )
    client.get(url)  # publishing renewed the stored pages' generation: the hall's settings again
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert [state for _, _, state in response.context["batches"]] == ["待审核", "已发布"]


# ---------------------------------------------------------------------------- who may


@pytest.mark.parametrize("name", ["batch_new", "batch", "batches"])
def test_anonymous_visitors_are_sent_to_log_in(client, batch, name):
    args = [] if name == "batches" else [batch.kind_id if name == "batch_new" else batch.pk]
    response = client.get(reverse(f"procedures:{name}", args=args))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["batch_new", "batch", "batches"])
def test_window_staff_are_refused_in_chinese(client, batch, name):
    client.force_login(make_user("window", WINDOW_STAFF, is_staff=True))
    args = [] if name == "batches" else [batch.kind_id if name == "batch_new" else batch.pk]
    response = client.get(reverse(f"procedures:{name}", args=args))
    assert response.status_code == 403 and "没有权限" in response.content.decode()


@pytest.mark.parametrize("name", ["batch_publish", "batch_send_back"])
def test_editors_may_not_publish_or_send_back_a_batch(client, batch, editor, name):
    client.force_login(editor)
    response = client.post(reverse(f"procedures:{name}", args=[batch.pk]), {"comment": "x"})
    assert response.status_code == 403
    assert set(batch.versions.values_list("review_state", flat=True)) == {Review.SUBMITTED}
