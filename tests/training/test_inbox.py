"""变更提醒: substantive changes to what someone follows, since they last looked."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_category, make_published
from tests.training.factories import EDITORIAL, receipt, revise
from training import inbox
from training.models import Assignment, InboxVisit, ReadingPath
from training.paths import Shelf

pytestmark = pytest.mark.django_db


def unseen(user):
    return inbox.unseen_count(user, Shelf.load())


def test_a_substantive_change_to_a_procedure_read_is_a_reminder(clerk, births):
    receipt(clerk, births[0])
    revise(births[0], change_summary="户口簿改为 2 份")
    assert unseen(clerk) == 1


def test_an_editorial_change_reminds_nobody(clerk, births):
    receipt(clerk, births[0])
    revise(births[0], EDITORIAL, change_summary="错别字")
    assert unseen(clerk) == 0


def test_the_procedures_of_assigned_paths_are_followed_even_unread(clerk, births):
    Assignment.objects.create(user=clerk, path=ReadingPath.objects.get())
    revise(births[1], change_summary="新增材料")
    assert unseen(clerk) == 1


def test_procedures_nobody_asked_the_clerk_to_read_are_not_followed(clerk, births):
    revise(make_published("临时救助", category=make_category("社会救助")))
    assert unseen(clerk) == 0


def test_opening_the_inbox_stores_the_visit_and_lists_newest_first(client, clerk, births):
    receipt(clerk, births[0])
    receipt(clerk, births[1])
    revise(births[0], change_summary="第一处变更")
    revise(births[1], change_summary="第二处变更")
    client.force_login(clerk)
    page = client.get(reverse("training:inbox")).content.decode()
    assert page.index("第二处变更") < page.index("第一处变更")
    assert InboxVisit.objects.get(user=clerk).visited_at <= timezone.now()
    assert unseen(clerk) == 0


def test_only_changes_after_the_last_visit_are_new(clerk, births):
    receipt(clerk, births[0])
    second = revise(births[0], change_summary="早先的变更")
    InboxVisit.objects.create(user=clerk, visited_at=timezone.now())
    assert unseen(clerk) == 0
    revise(second, change_summary="之后的变更")
    assert unseen(clerk) == 1


def test_changes_older_than_the_window_are_not_reminders(clerk, births, monkeypatch):
    receipt(clerk, births[0])
    revise(births[0])
    monkeypatch.setattr(inbox, "WINDOW", datetime.timedelta(0))  # published before "now"
    assert unseen(clerk) == 0
