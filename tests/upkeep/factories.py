from procedures import publishing, reviews
from procedures.models import ProcedureVersion
from upkeep import reports
from upkeep.models import Report


def report_on(version, by, **fields) -> Report:
    """A report on `version`: on the whole page unless `part`/`part_id` say otherwise."""
    return reports.file_report(
        **{
            "version": version,
            "part": Report.Part.PAGE,
            "part_id": None,
            "cause": Report.Cause.OUTDATED,
            "description": "电话已换号",
            "by": by,
            **fields,
        }
    )


def report_on_material(version, by, material=None, **fields) -> Report:
    """A report that a material's requirement changed (the version's first by default)."""
    material = material or version.materials.first()
    return report_on(
        version,
        by,
        **{
            "part": Report.Part.MATERIAL,
            "part_id": material.pk,
            "cause": Report.Cause.MATERIAL_CHANGED,
            "description": "窗口已不收复印件，需原件核验",
            **fields,
        },
    )


def submitted_by(author, version, phone="021-1234 5678") -> ProcedureVersion:
    """A draft of `version`'s procedure with a new phone, saved and submitted by `author`."""
    draft = publishing.create_draft(version.procedure, by=author)
    draft = publishing.save_draft(
        draft, content={"phone": phone}, expected_revision=draft.revision, by=author
    )
    return reviews.submit_for_review(draft, by=author, change_summary="咨询电话更换")
