"""Reminders by e-mail: one digest a day at most, only with something in it."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from procedures import reviews
from tests.factories import make_published
from tests.upkeep.factories import report_on, submitted_by
from upkeep import reports
from upkeep.digest import send_digests
from upkeep.models import DigestSent, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(births, clerk, owner, publisher, other_editor):
    for user in (clerk, owner, publisher, other_editor):
        user.email = f"{user.username}@hall.example"
        user.save()
    made = [report_on(births, clerk, description=text) for text in ("电话换了", "地址搬了")]
    Report.objects.filter(pk=made[0].pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    return made


def test_each_person_gets_one_digest_listing_everything(waiting, owner, publisher):
    outcome = send_digests()
    assert (outcome.sent, outcome.nothing) == (2, 2)  # owner and backup; clerk and other: nothing
    by_person = {message.to[0]: message for message in mail.outbox}
    assert set(by_person) == {"owner@hall.example", "chief@hall.example"}
    body = by_person["owner@hall.example"].body
    assert "待您处理 2 项" in body
    assert body.count("报错（信息过时）：整个页面") == 2 and "（已逾期）" in body
    assert "全中心有 1 条报错已超过处理期限。" in by_person["chief@hall.example"].body
    assert send_digests().sent == 0 and len(mail.outbox) == 2
    assert DigestSent.objects.count() == 2


def test_the_reporter_hears_what_happened_to_their_report(waiting, clerk, owner):
    reports.close_unchanged(waiting[0], reason="电话无误", by=owner)
    send_digests()
    (to_clerk,) = [m for m in mail.outbox if m.to == ["clerk@hall.example"]]
    assert "您的报错有了处理结果" in to_clerk.body and "无需修改：电话无误" in to_clerk.body


def test_drafts_sent_back_or_waiting_for_review_are_in_the_digest(births, owner, publisher):
    for user in (owner, publisher):
        user.email = f"{user.username}@hall.example"
        user.save()
    returned = reviews.send_back(submitted_by(owner, births), by=publisher, comment="电话少一位")
    waiting = submitted_by(owner, make_published("独生子女证", category=births.procedure.category))
    send_digests()
    by_person = {message.to[0]: message.body for message in mail.outbox}
    assert "生育服务手册：chief 退回修改：电话少一位" in by_person["owner@hall.example"]
    assert (
        f"/admin/procedures/procedureversion/{returned.pk}/change/"
        in by_person["owner@hall.example"]
    )
    assert "独生子女证：李编 提交审核：咨询电话更换" in by_person["chief@hall.example"]
    assert f"/edit/drafts/{waiting.pk}/publish/" in by_person["chief@hall.example"]


def test_a_failed_send_is_tried_again_next_run(waiting, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server away")

    monkeypatch.setattr("upkeep.digest.send_mail", refuse)
    assert send_digests().failed == 2
    assert not DigestSent.objects.exists()
    monkeypatch.undo()
    assert send_digests().sent == 2


def test_without_a_mail_server_the_command_says_so_and_sends_nothing(waiting, capsys, settings):
    settings.EMAIL_CONFIGURED = False
    call_command("send_upkeep_digest")
    assert "未配置邮件服务器（EMAIL_HOST）" in capsys.readouterr().out
    assert mail.outbox == []


def test_with_a_mail_server_the_command_reports_what_it_sent(waiting, capsys, settings):
    settings.EMAIL_CONFIGURED = True
    call_command("send_upkeep_digest")
    assert "已发送 2 封" in capsys.readouterr().out
