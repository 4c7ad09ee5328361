"""Editors keep the synonym table and read the misses in the admin."""

import pytest
from django.urls import reverse

from procedures.roles import EDITORS
from search.models import SearchMiss, Synonym
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_editors_see_the_most_frequent_misses_first(client):
    SearchMiss.objects.create(query="婚姻登记", count=2)
    SearchMiss.objects.create(query="养狗证", count=9)
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    response = client.get(reverse("admin:search_searchmiss_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("养狗证") < page.index("婚姻登记")


def test_editors_may_add_synonyms(client):
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    response = client.post(
        reverse("admin:search_synonym_add"), {"words": "养狗证 犬只登记", "note": ""}
    )
    assert response.status_code == 302
    assert Synonym.objects.get(words="养狗证 犬只登记").word_list() == ["养狗证", "犬只登记"]


def test_a_synonym_needs_two_words(client):
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    response = client.post(reverse("admin:search_synonym_add"), {"words": "养狗证"})
    assert response.status_code == 200
    assert "至少填写两个不同的词" in response.content.decode()
