from django import template
from django.template import Context

from procedures.models import ProcedureVersion
from procedures.views.guides import Case
from procedures.views.guides import case_of as read_case

register = template.Library()


@register.simple_tag(takes_context=True)
def case_of(context: Context, version: ProcedureVersion) -> Case:
    """The resident's case the page's URL names (情形引导), on every page showing a version.

    A tag rather than a view's context, so the draft preview shows the same guided page.
    """
    request = context.get("request")
    return read_case(version, request.GET if request is not None else {})
