"""The training demo: logging in as xinren1 shows 已读旧版 and what changed at once."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from training.models import Assignment, ReadingPath, ReadReceipt
from training.paths import Shelf
from training.progress import to_reread
from training.roles import is_trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    for command in ("load_demo_library", "ensure_demo_users", "load_demo_training"):
        call_command(command, stdout=io.StringIO())


def test_it_needs_the_library_first():
    with pytest.raises(CommandError, match="load_demo_library"):
        call_command("load_demo_training", stdout=io.StringIO())


def test_it_makes_a_trainer_and_two_new_hires_and_prints_their_passwords(demo):
    out = io.StringIO()
    call_command("load_demo_training", stdout=out)
    users = get_user_model().objects
    assert is_trainer(users.get(username="trainer"))
    assert users.get(username="xinren1").check_password("sopdesk-xinren1")
    assert "sopdesk-xinren2" in out.getvalue()


def test_running_it_again_changes_nothing(demo):
    counts = (ReadingPath.objects.count(), Assignment.objects.count(), ReadReceipt.objects.count())
    call_command("load_demo_training", stdout=io.StringIO())
    assert counts == (
        ReadingPath.objects.count(),
        Assignment.objects.count(),
        ReadReceipt.objects.count(),
    )


def test_xinren1_has_an_old_version_to_reread_and_an_overdue_path(demo):
    xinren1 = get_user_model().objects.get(username="xinren1")
    assert to_reread(xinren1, Shelf.load())
    assert any(a.is_overdue() for a in Assignment.objects.filter(user=xinren1))
    first_week = ReadingPath.objects.get(name="综窗新人第一周")
    assert len(Shelf.load().procedures_of(first_week)) == 6


def test_it_prints_the_login_link_on_the_site_url(demo, settings):
    settings.SITE_URL = "https://sopdesk.example.cn"
    out = io.StringIO()
    call_command("load_demo_training", stdout=out)
    assert "https://sopdesk.example.cn/training/" in out.getvalue()
    assert "127.0.0.1" not in out.getvalue()
