"""The training rows of the backup tests' library: at least one of every training model."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from procedures.models import Procedure
from training.models import Assignment, InboxVisit, PathItem, ReadingPath, ReadReceipt


def add_training_rows() -> None:
    """A custom path with the first procedure, assigned to staff, read, and the inbox seen."""
    users = get_user_model().objects
    staff, publisher = users.get(username="staff"), users.get(username="publisher")
    birth = Procedure.objects.get(versions__number=1, versions__title="生育服务手册")
    path = ReadingPath.objects.create(
        name="综窗新人第一周", description="先读高频事项", created_by=publisher
    )
    PathItem.objects.create(path=path, procedure=birth, position=1)
    Assignment.objects.create(
        user=staff,
        path=path,
        due_date=timezone.localdate() + datetime.timedelta(days=7),
        assigned_by=publisher,
    )
    first = birth.versions.get(number=1)
    ReadReceipt.objects.create(user=staff, procedure=birth, version=first)
    InboxVisit.objects.create(user=staff, visited_at=timezone.now())
