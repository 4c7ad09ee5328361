"""The 内容核对 panel is kept for its reader (procedures/reader_parts.py): a second view reads no
report, and no change to reports, owners, checks or roles leaves it stale."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procedures.reader_parts import TOKEN_MARK
from procedures.roles import WINDOW_STAFF
from tests.factories import section_of, signed_in
from tests.upkeep.factories import report_on
from upkeep import rechecks, reports, stewardship

pytestmark = pytest.mark.django_db


def panel(client, url) -> str:
    return section_of(client, url, "upkeep-panel")


def test_a_second_view_reads_no_report(births, owner):
    client, url = signed_in(owner), births.procedure.get_absolute_url()
    first = panel(client, url)
    with CaptureQueriesContext(connection) as queries:
        second = panel(client, url)
    assert "upkeep_report" not in " ".join(query["sql"] for query in queries)
    assert first and strip_token(first) == strip_token(second)


def strip_token(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", html)


def test_a_new_report_reaches_the_reporter_and_the_owner(births, clerk, owner):
    url = births.procedure.get_absolute_url()
    clerks, owners = signed_in(clerk), signed_in(owner)
    assert "我对本事项的报错" not in panel(clerks, url)
    assert "条报错待处理" not in panel(owners, url)
    report = report_on(births, clerk)
    assert "我对本事项的报错" in panel(clerks, url)
    assert "本事项有 1 条报错待处理" in panel(owners, url)
    reports.close_unchanged(report, reason="核对无误", by=owner)
    assert "核对无误" in panel(clerks, url)
    assert "条报错待处理" not in panel(owners, url)


def test_a_check_and_a_new_owner_reach_the_kept_panel(births, clerk, owner, other_editor):
    url = births.procedure.get_absolute_url()
    clerks = signed_in(clerk)
    assert "（发布第 1 版）" in panel(clerks, url)
    rechecks.confirm_unchanged(births.procedure, by=owner, note="")
    assert "（已复核，无需修改）" in panel(clerks, url)
    others = signed_in(other_editor)
    assert "已复核，无需修改</button>" not in panel(others, url)
    stewardship.assign_procedure(births.procedure, owner=other_editor, backup=None, interval=None)
    assert "已复核，无需修改</button>" in panel(others, url)


def test_a_reader_taken_off_the_staff_groups_loses_the_panel(births, clerk):
    client, url = signed_in(clerk), births.procedure.get_absolute_url()
    assert "内容核对" in panel(client, url)
    clerk.groups.remove(Group.objects.get(name=WINDOW_STAFF))
    assert panel(client, url) == ""


def test_the_kept_panel_holds_no_token_and_each_view_gets_its_own(births, owner):
    client, url = signed_in(owner), births.procedure.get_absolute_url()
    client.get(url)
    response = client.get(url)
    page = response.content.decode()
    assert TOKEN_MARK not in page
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="(\w+)"', page))
    assert len(tokens) == 1  # the header's and the panel's: one token a page
    confirm = Client(enforce_csrf_checks=True)
    confirm.cookies = client.cookies
    answer = confirm.post(
        reverse("upkeep:confirm", args=[births.procedure_id]),
        {"csrfmiddlewaretoken": tokens.pop(), "note": "", "next": url},
    )
    assert answer.status_code == 302


def test_the_way_back_after_confirming_is_the_page_asked_for(births, owner):
    client, url = signed_in(owner), births.procedure.get_absolute_url()
    assert f'name="next" value="{url}"' in panel(client, url)
    assert f'name="next" value="{url}?view=call"' in panel(client, f"{url}?view=call")
