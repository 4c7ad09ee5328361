"""Pages for requests the site cannot answer as asked."""

import pytest
from django.urls import reverse

from procedures.roles import WINDOW_STAFF
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_url_that_only_takes_a_form_opened_directly_says_so_in_chinese(client):
    client.force_login(make_user("window", WINDOW_STAFF))
    response = client.get(reverse("upkeep:close", args=[1]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "这个网址不能直接打开" in response.content.decode()


def test_an_anonymous_visitor_gets_the_page_too(client):
    response = client.post(reverse("search:api"), {"q": "低保"})
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert "这个网址不能直接打开" in response.content.decode()
