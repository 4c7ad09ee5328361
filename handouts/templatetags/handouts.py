from django import template

from handouts.checklists import checklist_text as build_checklist_text
from procedures.models import ProcedureVersion

register = template.Library()


@register.simple_tag
def checklist_text(version: ProcedureVersion) -> str:
    """The plain-text checklist of a version, for the page's “复制清单” button."""
    return build_checklist_text(version)
