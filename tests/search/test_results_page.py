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


def test_each_number_of_a_referrals_phone_taps_to_call(client):
    Referral.objects.create(
        title="水电气报修",
        keywords=["停水"],
        where="各公用事业单位",
        phone="供电 95598；自来水 0571-8888 6600<b>",
    )
    page = client.get(reverse("search:results"), {"q": "停水了"}).content.decode()
    assert '供电 <a href="tel:95598">95598</a>；' in page
    assert '自来水 <a href="tel:0571-88886600">0571-8888 6600</a>&lt;b&gt;' in page


def test_the_search_page_shows_weaker_matches_apart(client):
    make_published("最低生活保障", aliases=["低保"])
    make_published("残疾人两项补贴", summary="已享受低保的，另按规定办理。")
    page = client.get(reverse("search:results"), {"q": "低保"}).content.decode()
    assert page.index("最低生活保障") < page.index("可能相关") < page.index("残疾人两项补贴")
