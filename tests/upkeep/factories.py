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
