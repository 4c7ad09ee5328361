"""The upkeep rows of the backup tests' library: at least one of every upkeep model."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from procedures.models import Category, Procedure
from tests.upkeep.factories import report_on, report_on_material
from upkeep import rechecks, reports
from upkeep.models import CategoryUpkeep, DigestSent, PageFeedback, ProcedureUpkeep, Report


def add_upkeep_rows() -> None:
    """Owners for a 条线 and an item, a check, a report fixed and one open, feedback, a digest."""
    users = get_user_model().objects
    staff, editor, publisher = (users.get(username=n) for n in ("staff", "editor", "publisher"))
    birth = Procedure.objects.get(versions__number=1, versions__title="生育服务手册")
    CategoryUpkeep.objects.create(
        category=Category.objects.get(pk=birth.category_id), owner=editor, backup=publisher
    )
    ProcedureUpkeep.objects.create(procedure=birth, owner=publisher, interval_days=90)
    version = birth.current_version()
    rechecks.confirm_unchanged(birth, by=publisher, note="已与卫健办核对")
    open_report = report_on_material(version, staff, case_number="BJ-2026-0001")
    closed = report_on(version, staff, cause=Report.Cause.OTHER, description="电话号码打不通")
    reports.close_unchanged(closed, reason="已核实号码无误", by=publisher)
    assert open_report.is_open
    PageFeedback.objects.create(
        procedure=birth, version=version, helpful=False, reason="differs", comment="窗口说要原件"
    )
    DigestSent.objects.create(user=editor, day=timezone.localdate())
    # A draft imported from a Word guide (issue 17), with what it could not place.
    from procedures.models import ProcedureVersion
    from word_import.models import ImportRecord

    ImportRecord.objects.create(
        version=ProcedureVersion.objects.filter(status=ProcedureVersion.Status.DRAFT).first(),
        file_name="导入.docx",
        certainty={"title": "中"},
        unplaced=["温馨提示"],
        created_by=editor,
    )
