from django import template

from handouts.checklists import checklist_text as build_checklist_text
from procedures.models import ProcedureVersion
from procedures.views.guides import Case

register = template.Library()


@register.simple_tag
def checklist_text(version: ProcedureVersion, case: Case | None = None) -> str:
    """The plain-text checklist of a version (for a case, if given), for “复制清单”."""
    return build_checklist_text(version, case)
