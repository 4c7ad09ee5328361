"""The 已读确认 panel is kept for its reader (procedures/reader_parts.py): a second view reads no
receipt, a receipt of theirs changes it at once, and nobody else's does."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procedures.roles import WINDOW_STAFF
from tests.factories import make_user, publish_change, section_of, signed_in
from tests.training.factories import custom_path, receipt
from training.models import ReadReceipt

pytestmark = pytest.mark.django_db


def panel(client, url) -> str:
    return section_of(client, url, "training-panel")


def test_a_second_view_reads_no_receipt(births, clerk):
    client, url = signed_in(clerk), births[0].procedure.get_absolute_url()
    assert "我已读完第 1 版" in panel(client, url)
    with CaptureQueriesContext(connection) as queries:
        assert "我已读完第 1 版" in panel(client, url)
    assert "training_readreceipt" not in " ".join(query["sql"] for query in queries)


def test_confirming_on_the_page_shows_read_at_once(births, clerk):
    client, url = signed_in(clerk), births[0].procedure.get_absolute_url()
    page = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', page)[1]
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    answer = strict.post(
        reverse("training:confirm"), {"csrfmiddlewaretoken": token, "version": births[0].pk}
    )
    assert answer.status_code == 302
    assert "已读现版" in panel(client, url)


def test_a_receipt_taken_away_and_a_new_version_reach_the_kept_panel(births, clerk):
    client, url = signed_in(clerk), births[0].procedure.get_absolute_url()
    read = receipt(clerk, births[0])
    assert "已读现版" in panel(client, url)
    read.delete()
    assert "我已读完第 1 版" in panel(client, url)
    receipt(clerk, births[0])
    assert "已读现版" in panel(client, url)
    publish_change(births[0], effective_from=timezone.localdate(), change_summary="新材料")
    kept = panel(client, url)
    assert "需重读" in kept and "我已读完第 2 版" in kept


def test_another_readers_receipt_leaves_this_panel_alone(births, clerk):
    other = make_user("other", WINDOW_STAFF)
    mine, url = signed_in(clerk), births[0].procedure.get_absolute_url()
    panel(mine, url)
    receipt(other, births[0])
    assert "我已读完第 1 版" in panel(mine, url)
    assert "已读现版" in panel(signed_in(other), url)
    assert ReadReceipt.objects.filter(user=clerk).count() == 0


def test_a_page_read_along_a_path_follows_the_path_as_it_changes(births, clerk):
    client, url = signed_in(clerk), births[0].procedure.get_absolute_url()
    path = custom_path("第一周", births[0].procedure, births[1].procedure)
    assert "第 1 / 2 项" in panel(client, f"{url}?path={path.pk}")
    path.items.filter(procedure=births[1].procedure).delete()
    assert "第 1 / 1 项" in panel(client, f"{url}?path={path.pk}")
