"""The search results page: what the box shows without JavaScript, or on Enter."""

import pytest
from django.urls import reverse

from search.indexing import rebuild_index
from tests.factories import make_published

pytestmark = pytest.mark.django_db


def test_the_search_page_lists_results_without_javascript(client):
    version = make_published("生育服务手册", aliases=["准生证"])
    rebuild_index()
    response = client.get(reverse("search:results"), {"q": "准生证"})
    assert response.status_code == 200
    assert [r.slug for r in response.context["results"]][:1] == [version.procedure.slug]


@pytest.mark.parametrize("query", ["", "x" * 2000, "！！？？", "\x00\x07"])
def test_the_search_page_answers_absurd_input_with_a_page(client, query):
    response = client.get(reverse("search:results"), {"q": query})
    assert response.status_code == 200
