"""The daily reminder e-mail: one digest a day at most, never one message per item.

It goes to each active person with an e-mail address who has something waiting: their queue
(owners), every item's overdue reports (审核发布), and their own reports closed since their
last digest. Sent by `manage.py send_upkeep_digest` (cron, once a day) when the deployment
configures a mail server (EMAIL_HOST); without one, reminders stay inside the product.
"""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from upkeep import queue, roles
from upkeep.models import DigestSent, Report

logger = logging.getLogger("sopdesk.upkeep")
SHOWN = 20


@dataclasses.dataclass
class Digest:
    user: User
    waiting: list[queue.Entry]
    overdue_everyone: int
    closed: list[Report]

    @property
    def empty(self) -> bool:
        return not (self.waiting or self.overdue_everyone or self.closed)


@dataclasses.dataclass
class Outcome:
    sent: int = 0
    already: int = 0
    nothing: int = 0
    failed: int = 0


def digest_for(user: User, today: datetime.date) -> Digest:
    waiting = (
        queue.build(user, everyone=False, today=today).entries if roles.sees_queue(user) else []
    )
    overdue = queue.overdue_report_count(today) if roles.handles_all(user) else 0
    last = DigestSent.objects.filter(user=user).order_by("-day").first()
    since = last.sent_at if last else timezone.now() - datetime.timedelta(days=1)
    closed = list(
        Report.objects.filter(reporter=user, closed_at__gt=since)
        .exclude(status=Report.Status.OPEN)
        .select_related("procedure__latest_version", "fix_version")
    )
    return Digest(user, waiting, overdue, closed)


def send_digests(today: datetime.date | None = None) -> Outcome:
    today = today or timezone.localdate()
    outcome = Outcome()
    people = get_user_model().objects.filter(is_active=True).exclude(email="")
    for user in people:
        if DigestSent.objects.filter(user=user, day=today).exists():
            outcome.already += 1
            continue
        found = digest_for(user, today)
        if found.empty:
            outcome.nothing += 1
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=user, day=today)
                _send(found, today)
        except IntegrityError:  # another run sent it meanwhile
            outcome.already += 1
        except OSError as error:  # the mail server refused or is away: try again next run
            logger.warning("digest to %s not sent: %s", user.get_username(), error)
            outcome.failed += 1
        else:
            outcome.sent += 1
    return outcome


def _send(found: Digest, today: datetime.date) -> None:
    context = {
        "digest": found,
        "shown": found.waiting[:SHOWN],
        "more": max(0, len(found.waiting) - SHOWN),
        "site": settings.SITE_URL,
        "today": today,
    }
    send_mail(
        subject=f"【办事指南】{today:%-m月%-d日}待处理提醒",
        message=render_to_string("upkeep/digest.txt", context),
        from_email=None,
        recipient_list=[found.user.email],
    )
