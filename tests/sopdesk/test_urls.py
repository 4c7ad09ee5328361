"""Addresses every site answers, whatever its pages link."""

from django.templatetags.static import static


def test_favicon_ico_leads_to_the_icon_the_pages_link(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("favicon.svg")
