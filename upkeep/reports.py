"""报错 / 办不成: filing a report against a version, and the ways it closes.

A report closes only with a version that addresses it (linked) or a recorded reason
(无需修改：……). Each verb is one transaction with the report's row locked, so two people
handling it at once cannot both close it.
"""

import datetime
import re

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from procedures import publishing
from procedures.models import FAQ, Material, Procedure, ProcedureVersion, Step
from upkeep.exceptions import Refused
from upkeep.models import Report
from upkeep.working_days import add_working_days

DAYS = 5
COMPLEX_DAYS = 10
DESCRIPTION_LIMIT = 500
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PARTS: dict[str, type[Material] | type[Step] | type[FAQ]] = {
    Report.Part.MATERIAL: Material,
    Report.Part.STEP: Step,
    Report.Part.FAQ: FAQ,
}


def clean_text(value: str, *, limit: int, what: str, required: bool = True) -> str:
    text = CONTROL.sub("", value or "").strip()
    if required and not text:
        raise Refused(f"请填写{what}。")
    if len(text) > limit:
        raise Refused(f"{what}最多 {limit} 个字，现在有 {len(text)} 个字。")
    return text


def part_label(version: ProcedureVersion, part: str, part_id: int | None) -> str:
    """What the report points at, in words; refused if it is not part of this version."""
    if part == Report.Part.PAGE:
        return ""
    model = PARTS.get(part)
    if model is None:
        raise Refused("报错的位置不对：只能是材料、步骤、常见问题或整个页面。")
    row = model.objects.filter(version=version, pk=part_id).first() if part_id else None
    if row is None:
        what = Report.Part(part).label
        raise Refused(f"第 {version.number} 版里没有这个{what}，请从事项页面上重新点“报错”。")
    if isinstance(row, Material):
        return str(row.name)
    if isinstance(row, Step):
        return str(row.title)
    return str(row.question)


def due_on(created: datetime.datetime, complex_case: bool) -> datetime.date:
    days = COMPLEX_DAYS if complex_case else DAYS
    return add_working_days(timezone.localtime(created).date(), days)


@transaction.atomic
def file_report(
    *,
    version: ProcedureVersion,
    part: str,
    part_id: int | None,
    cause: str,
    description: str,
    case_number: str = "",
    complex_case: bool = False,
    by: User,
) -> Report:
    if version.is_draft or version.number is None:
        raise Refused("只能对已发布的版本报错。")
    if cause not in Report.Cause.values:
        raise Refused("请从列表中选择问题原因。")
    now = timezone.now()
    return Report.objects.create(
        procedure_id=version.procedure_id,
        version=version,
        part=part,
        part_id=part_id if part != Report.Part.PAGE else None,
        part_label=part_label(version, part, part_id),
        cause=cause,
        description=clean_text(description, limit=DESCRIPTION_LIMIT, what="问题描述"),
        case_number=clean_text(case_number, limit=50, what="办件编号", required=False),
        complex=complex_case,
        reporter=by,
        created_at=now,
        due_on=due_on(now, complex_case),
    )


def check_open(report: Report) -> None:
    """Refused, naming who handled it, when the report is closed already."""
    if not report.is_open:
        who = report.closed_by.get_username() if report.closed_by else "其他人"
        raise Refused(f"这条报错已由 {who} 处理（{report.get_status_display()}），不用再处理。")


def _open(report: Report) -> Report:
    locked = Report.objects.select_for_update().get(pk=report.pk)
    check_open(locked)
    return locked


@transaction.atomic
def start_fix(report: Report, *, by: User) -> ProcedureVersion:
    """Link the report to the procedure's draft (a new one, or the one being edited)."""
    locked = _open(report)
    procedure = Procedure.objects.get(pk=locked.procedure_id)
    draft = procedure.draft() or publishing.create_draft(procedure, by=by)
    locked.fix_version = draft
    locked.save(update_fields=["fix_version"])
    return draft


@transaction.atomic
def close_unchanged(report: Report, *, reason: str, by: User) -> Report:
    locked = _open(report)
    text = clean_text(reason, limit=DESCRIPTION_LIMIT - 10, what="无需修改的理由")
    locked.status = Report.Status.UNCHANGED
    locked.resolution = f"无需修改：{text}"
    locked.closed_at = timezone.now()
    locked.closed_by = by
    locked.save()
    return locked


@transaction.atomic
def close_fixed_by(report: Report, *, version: ProcedureVersion, by: User | None) -> Report:
    """Closed by a version published after the one reported on, which addresses it."""
    locked = _open(report)
    reported = ProcedureVersion.objects.get(pk=locked.version_id)
    if (
        version.procedure_id != locked.procedure_id
        or version.number is None
        or version.number <= (reported.number or 0)
    ):
        raise Refused(f"只能关联第 {reported.number} 版之后发布的新版本。")
    locked.status = Report.Status.FIXED
    locked.fix_version = version
    locked.resolution = f"第 {version.number} 版已修改：{version.change_summary}"[:500]
    locked.closed_at = timezone.now()
    locked.closed_by = by
    locked.save()
    return locked


@transaction.atomic
def set_complex(report: Report, *, complex_case: bool) -> Report:
    """复杂问题 have 10 working days from the day reported, others 5."""
    locked = _open(report)
    locked.complex = complex_case
    locked.due_on = due_on(locked.created_at, complex_case)
    locked.save(update_fields=["complex", "due_on"])
    return locked


def close_with_published(version: ProcedureVersion) -> int:
    """The open reports linked to this draft, now published: closed by it. Their number."""
    closed = 0
    for report in Report.objects.filter(fix_version=version, status=Report.Status.OPEN):
        close_fixed_by(report, version=version, by=version.published_by)
        closed += 1
    return closed


def later_versions(report: Report) -> list[ProcedureVersion]:
    """Versions published after the one reported on: what may be linked as its fix."""
    reported_number = ProcedureVersion.objects.values_list("number", flat=True).get(
        pk=report.version_id
    )
    return list(
        ProcedureVersion.objects.enacted()
        .filter(procedure_id=report.procedure_id, number__gt=reported_number or 0)
        .order_by("-number")
    )
