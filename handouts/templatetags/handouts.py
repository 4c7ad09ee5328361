from django import template

from handouts.checklists import checklist_text as build_checklist_text
from procedures.bundles import MergedMaterial
from procedures.models import ProcedureVersion
from procedures.views.guides import Case

register = template.Library()


@register.simple_tag
def checklist_text(version: ProcedureVersion, case: Case | None = None) -> str:
    """The plain-text checklist of a version (for a case, if given), for “复制清单”."""
    return build_checklist_text(version, case)


@register.filter
def used_by(material: MergedMaterial, numbers: dict[str, str]) -> str:
    """The numbers (①③) of the procedures a bundle's merged material is used for."""
    return numbers.get(material.name, "、".join(material.used_for))
