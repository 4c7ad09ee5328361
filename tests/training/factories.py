"""Builders for training tests: versions of a chosen change kind, paths, receipts."""

import datetime

from django.utils import timezone

from procedures import publishing
from procedures.models import ProcedureVersion
from training.models import PathItem, ReadingPath, ReadReceipt

EDITORIAL = ProcedureVersion.ChangeKind.EDITORIAL
SUBSTANTIVE = ProcedureVersion.ChangeKind.SUBSTANTIVE


def revise(
    version: ProcedureVersion,
    kind: str = SUBSTANTIVE,
    *,
    effective_from: datetime.date | None = None,
    change_summary: str = "政策调整",
    parts: dict | None = None,
    **content,
) -> ProcedureVersion:
    """The next version of `version`'s procedure, published as `kind` (实质变更 / 文字修订),
    in force from `effective_from` (today, when the call is made, by default)."""
    if effective_from is None:
        effective_from = timezone.localdate()
    draft = publishing.create_draft(version.procedure, by=None)
    if not content and parts is None:  # publishing refuses a version identical to the last
        content = {"summary": f"{draft.summary}（{change_summary}）"}
    draft = publishing.save_draft(
        draft, content=content, parts=parts, expected_revision=draft.revision, by=None
    )
    return publishing.publish_version(
        draft,
        by=None,
        change_summary=change_summary,
        effective_from=effective_from,
        change_kind=kind,
    )


def custom_path(name: str, *procedures, by=None) -> ReadingPath:
    path = ReadingPath.objects.create(name=name, created_by=by)
    for position, procedure in enumerate(procedures, start=1):
        PathItem.objects.create(path=path, procedure=procedure, position=position)
    return path


def receipt(user, version: ProcedureVersion) -> ReadReceipt:
    """A receipt for any version on record, as an older confirmation left it."""
    return ReadReceipt.objects.create(user=user, procedure=version.procedure, version=version)
