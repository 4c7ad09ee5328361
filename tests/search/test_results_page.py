"""The search results page: what the box shows without JavaScript, or on Enter."""

import pytest
from django.urls import reverse

from search.indexing import rebuild_index
from search.models import Referral
from tests.factories import make_published

pytestmark = pytest.mark.django_db


def test_the_search_page_lists_results_without_javascript(client):
    version = make_published("生育服务手册", aliases=["准生证"])
    rebuild_index()
    response = client.get(reverse("search:results"), {"q": "准生证"})
    assert response.status_code == 200
    assert [r.slug for r in response.context["answer"].results][:1] == [version.procedure.slug]


@pytest.mark.parametrize("query", ["", "x" * 2000, "！！？？", "\x00\x07"])
def test_the_search_page_answers_absurd_input_with_a_page(client, query):
    response = client.get(reverse("search:results"), {"q": query})
    assert response.status_code == 200


def test_the_search_page_says_the_hall_does_not_handle_it_and_where_to_go(client):
    make_published("失业保险金申领", summary="到窗口领取失业保险金。")
    Referral.objects.create(
        title="住房公积金提取", keywords=["公积金"], where="市住房公积金管理中心", phone="12329"
    )
    page = client.get(reverse("search:results"), {"q": "公积金怎么取"}).content.decode()
    assert "本中心没有「公积金怎么取」对应的事项" in page
    assert "市住房公积金管理中心" in page and "12329" in page


def test_the_search_page_shows_weaker_matches_apart(client):
    make_published("最低生活保障", aliases=["低保"])
    make_published("残疾人两项补贴", summary="已享受低保的，另按规定办理。")
    page = client.get(reverse("search:results"), {"q": "低保"}).content.decode()
    assert page.index("最低生活保障") < page.index("可能相关") < page.index("残疾人两项补贴")
