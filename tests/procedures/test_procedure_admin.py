"""A procedure's page in the admin: what each role may press there."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.roles import EDITORS, PUBLISHERS
from tests.factories import make_published, make_user, publish_change

pytestmark = pytest.mark.django_db

SAVE_BUTTONS = ('name="_save"', 'name="_addanother"', 'name="_continue"')


@pytest.fixture
def scheduled():
    """Version 1 in force, version 2 scheduled for next month."""
    current = make_published(effective_from=timezone.localdate())
    return publish_change(current, effective_from=current.effective_from + datetime.timedelta(30))


def procedure_page(client, group: str, version) -> str:
    client.force_login(make_user("person", group, is_staff=True))
    url = reverse("admin:procedures_procedure_change", args=[version.procedure_id])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_editor_who_may_change_no_field_sees_no_save_buttons(client, scheduled):
    page = procedure_page(client, EDITORS, scheduled)
    assert not [button for button in SAVE_BUTTONS if button in page]
    assert "新建草稿：修改待施行第 2 版" in page  # what the editor does here


def test_a_publisher_keeps_the_save_buttons_for_the_details_they_change(client, scheduled):
    page = procedure_page(client, PUBLISHERS, scheduled)
    assert all(button in page for button in SAVE_BUTTONS)
    assert 'name="aliases"' in page


def test_an_editors_save_of_a_procedure_is_refused(client, scheduled):
    client.force_login(make_user("person", EDITORS, is_staff=True))
    url = reverse("admin:procedures_procedure_change", args=[scheduled.procedure_id])
    assert client.post(url, {"aliases": "随便改"}).status_code == 403


def test_the_new_draft_buttons_are_styled_as_the_pages_main_action(client, scheduled):
    """The buttons are drawn by css/admin.css, which the page once did not load."""
    page = procedure_page(client, EDITORS, scheduled)
    [toolbar] = re.findall(r'<ul class="object-tools">.*?</ul>', page, re.S)
    assert "css/admin.css" in page
    assert toolbar.count('class="object-tool-button primary-tool"') == 2
    assert "在站点上查看" not in toolbar  # 查看公开页面 goes there already
