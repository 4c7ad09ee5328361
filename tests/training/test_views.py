"""Who may open which page, and what bad input gets: a message or a 404, never a 500."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from procedures.roles import EDITORS, PUBLISHERS
from tests.factories import make_user
from tests.training.factories import custom_path, receipt, revise
from training.models import Assignment, ReadingPath, ReadReceipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def path(births):
    return ReadingPath.objects.get(category=births[0].procedure.category)


@pytest.fixture
def urls(path, births, clerk):
    assignment = Assignment.objects.create(user=clerk, path=path)
    return {
        "clerk": [
            reverse("training:home"),
            reverse("training:path", args=[path.pk]),
            reverse("training:path_print", args=[path.pk]),
            reverse("training:inbox"),
        ],
        "trainer": [
            reverse("training:manage"),
            reverse("training:assign", args=[path.pk]),
            reverse("training:matrix", args=[path.pk]),
        ],
        "trainer_post": [reverse("training:unassign", args=[assignment.pk])],
    }


def test_anonymous_visitors_are_sent_to_log_in_everywhere(client, urls):
    for url in urls["clerk"] + urls["trainer"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url
    for url in urls["trainer_post"] + [reverse("training:confirm")]:
        assert "/accounts/login/" in client.post(url).url, url


@pytest.mark.parametrize("group", ["窗口人员", EDITORS, PUBLISHERS])
def test_staff_read_their_own_pages_but_get_the_chinese_403_on_a_trainers(client, urls, group):
    client.force_login(make_user("someone", group))
    for url in urls["clerk"]:
        assert client.get(url).status_code == 200, url
    for url in urls["trainer"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "只有培训负责人" in response.content.decode()
    assert client.post(urls["trainer_post"][0]).status_code == 403
    assert Assignment.objects.exists()


def test_a_signed_in_account_outside_the_staff_is_refused_in_chinese(client, urls):
    client.force_login(make_user("resident"))
    response = client.get(urls["clerk"][0])
    assert response.status_code == 403
    assert "只对本中心的工作人员开放" in response.content.decode()


def test_a_trainer_opens_every_page(client, urls, trainer):
    client.force_login(trainer)
    for url in urls["clerk"] + urls["trainer"]:
        assert client.get(url).status_code == 200, url


def test_an_unknown_path_is_a_404(client, clerk, trainer):
    client.force_login(trainer)
    for name in ("training:path", "training:path_print", "training:matrix", "training:assign"):
        assert client.get(reverse(name, args=[999])).status_code == 404


def test_the_path_page_shows_progress_as_read_over_total(client, clerk, births, path):
    receipt(clerk, births[0])
    client.force_login(clerk)
    page = client.get(reverse("training:path", args=[path.pk])).content.decode()
    assert "1 / 2 已读现版" in page
    assert f"?path={path.pk}" in page


def test_home_lists_assigned_paths_first(client, clerk, births, path, today):
    other = custom_path("综窗新人第一周", births[1].procedure)
    Assignment.objects.create(user=clerk, path=other, due_date=today)
    client.force_login(clerk)
    page = client.get(reverse("training:home")).content.decode()
    assert page.index("综窗新人第一周") < page.index("计划生育条线")


def test_confirm_is_post_only(client, clerk, births):
    client.force_login(clerk)
    assert client.get(reverse("training:confirm")).status_code == 405


def test_confirm_needs_the_csrf_token(clerk, births):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    response = client.post(reverse("training:confirm"), {"version": births[0].pk})
    assert response.status_code == 403
    assert not ReadReceipt.objects.exists()


def test_confirm_records_a_receipt_and_returns_to_the_page_in_its_path(client, clerk, births, path):
    client.force_login(clerk)
    response = client.post(reverse("training:confirm"), {"version": births[0].pk, "path": path.pk})
    assert (
        response.url == f"/procedures/{births[0].procedure.slug}/?path={path.pk}#training-confirm"
    )
    assert ReadReceipt.objects.get().version == births[0]


@pytest.mark.parametrize("version", ["", "abc", "99999"])
def test_confirming_an_unknown_version_says_so(client, clerk, version):
    client.force_login(clerk)
    response = client.post(reverse("training:confirm"), {"version": version}, follow=True)
    assert response.status_code == 200
    assert "找不到要确认的版本" in response.content.decode() or "必填" in response.content.decode()
    assert not ReadReceipt.objects.exists()


def test_confirming_a_stale_version_says_which_one_is_in_force(client, clerk, births):
    revise(births[0])
    client.force_login(clerk)
    response = client.post(reverse("training:confirm"), {"version": births[0].pk}, follow=True)
    assert "现行的是第 2 版" in response.content.decode()
    assert not ReadReceipt.objects.exists()


def test_a_draft_cannot_be_confirmed(client, clerk, births):
    from procedures import publishing

    draft = publishing.create_draft(births[0].procedure, by=None)
    client.force_login(clerk)
    response = client.post(reverse("training:confirm"), {"version": draft.pk}, follow=True)
    assert "找不到要确认的版本" in response.content.decode()
    assert not ReadReceipt.objects.exists()


def test_a_trainer_assigns_a_path_with_a_due_date(client, trainer, clerk, path, today):
    client.force_login(trainer)
    due = today + datetime.timedelta(days=7)
    response = client.post(
        reverse("training:assign", args=[path.pk]), {"users": [clerk.pk], "due_date": due}
    )
    assert response.status_code == 302
    made = Assignment.objects.get()
    assert (made.user, made.due_date, made.assigned_by) == (clerk, due, trainer)


def test_assigning_to_nobody_or_a_bad_date_is_refused_in_words(client, trainer, path):
    client.force_login(trainer)
    url = reverse("training:assign", args=[path.pk])
    page = client.post(url, {"due_date": "明天"}).content.decode()
    assert "请至少选择一位学习人" in page and "请填写正确的日期" in page
    page = client.post(url, {"users": ["99999"]}).content.decode()
    assert "所选人员不在工作人员名单中" in page
    assert not Assignment.objects.exists()


def test_a_trainer_removes_an_assignment_and_an_unknown_one_is_a_404(client, trainer, clerk, path):
    assignment = Assignment.objects.create(user=clerk, path=path)
    client.force_login(trainer)
    assert client.post(reverse("training:unassign", args=[assignment.pk])).status_code == 302
    assert not Assignment.objects.exists()
    assert client.post(reverse("training:unassign", args=[assignment.pk])).status_code == 404


def test_the_matrix_shows_each_clerk_against_each_procedure(
    client, trainer, clerk, births, path, today
):
    Assignment.objects.create(user=clerk, path=path, due_date=today - datetime.timedelta(days=1))
    receipt(clerk, births[0])
    client.force_login(trainer)
    page = client.get(reverse("training:matrix", args=[path.pk])).content.decode()
    assert "王小雨（clerk）" in page
    assert "matrix__cell--current" in page and "matrix__cell--overdue" in page
    assert "1 / 2" in page


@pytest.mark.parametrize("people", [1, 6])
def test_the_matrix_and_the_home_page_take_as_many_queries_for_one_clerk_as_for_six(
    client, trainer, births, path, people, django_assert_num_queries
):
    for n in range(people):
        user = make_user(f"clerk{n}", "窗口人员")
        Assignment.objects.create(user=user, path=path)
        receipt(user, births[n % 2])
    custom_path("第一周", births[1].procedure)
    client.force_login(trainer)
    # The session comes from the cache (sopdesk/sessions.py); the trainer's account,
    # permissions and groups are read, then kept (procedures/kept_permissions.py).
    with django_assert_num_queries(12):
        assert client.get(reverse("training:matrix", args=[path.pk])).status_code == 200
    with django_assert_num_queries(14):  # the hall's settings and the account: kept by the first
        assert client.get(reverse("training:home")).status_code == 200


def test_the_print_view_holds_every_procedure_of_the_path_with_staff_notes(client, clerk, path):
    client.force_login(clerk)
    page = client.get(reverse("training:path_print", args=[path.pk])).content.decode()
    assert page.count('class="path-print__procedure"') == 2
    assert "内部：先查系统" in page
