"""The hall's home page and the page views that feed 高频事项 and 我最近查看."""

import datetime

import pytest
from django.urls import reverse

from hall import tracking
from hall.models import DailyViews
from procedures.roles import WINDOW_STAFF
from tests.factories import make_category, make_published, make_user

pytestmark = pytest.mark.django_db


def detail_url(version):
    return reverse("procedures:detail", args=[version.procedure.slug])


def test_home_lists_categories_with_counts(client):
    make_published("生育服务手册")
    make_published("独生子女父母光荣证")
    make_published("失业登记", category=make_category("就业创业", "jiu-ye"))
    response = client.get("/")
    assert response.status_code == 200
    categories = {c.name: c.count for c in response.context["categories"]}
    assert categories == {"计划生育": 2, "就业创业": 1}


def test_home_shows_the_most_viewed_procedures(client, today):
    popular = make_published("生育服务手册")
    quiet = make_published("独生子女父母光荣证")
    DailyViews.objects.create(procedure=popular.procedure, day=today, count=9)
    DailyViews.objects.create(
        procedure=quiet.procedure, day=today - datetime.timedelta(days=40), count=99
    )
    response = client.get("/")
    assert [p.slug for p in response.context["popular"]] == [popular.procedure.slug]


def test_opening_a_page_counts_one_view_a_day_for_each_client(client, today):
    version = make_published()
    client.get(detail_url(version))
    client.get(detail_url(version))
    client.get(detail_url(version), REMOTE_ADDR="10.0.0.7")
    tracking.write_views()
    assert DailyViews.objects.get(procedure=version.procedure, day=today).count == 2


def test_staff_recently_viewed_appears_on_the_home_page(client):
    version = make_published()
    client.force_login(make_user("window", WINDOW_STAFF))
    client.get(detail_url(version))
    assert [p.slug for p in client.get("/").context["recent"]] == [version.procedure.slug]


def test_the_home_page_lists_the_bundles_apart(client):
    birth = make_published("出生登记", slug="chu-sheng")
    care = make_published("医保参保", slug="yi-bao")
    make_published(
        "新生儿出生一件事",
        slug="xin-sheng-er",
        kind="bundle",
        members=({"target": birth.procedure}, {"target": care.procedure}),
    )
    response = client.get("/")
    assert [p.slug for p in response.context["bundles"]] == ["xin-sheng-er"]
    assert "一件事一次办" in response.content.decode()
