"""未识别内容 on the draft editor of a draft imported from Word."""

from typing import Any

from django import template

from procedures.models import ProcedureVersion
from word_import.models import ImportRecord

register = template.Library()


@register.inclusion_tag("word_import/_on_draft.html", takes_context=True)
def word_import_on_draft(
    context: template.Context, draft: ProcedureVersion | None
) -> dict[str, Any]:
    """The panel inside the draft editor's form; its 已处理 buttons submit forms kept outside
    that form (`word_import_settle_forms`), as HTML allows no form inside another."""
    return _panel(context, draft)


@register.inclusion_tag("word_import/_settle_forms.html", takes_context=True)
def word_import_settle_forms(
    context: template.Context, draft: ProcedureVersion | None
) -> dict[str, Any]:
    return _panel(context, draft)


def _panel(context: template.Context, draft: ProcedureVersion | None) -> dict[str, Any]:
    if draft is None or draft.pk is None:
        return {"record": None}
    record = ImportRecord.objects.filter(version_id=draft.pk).first()
    request = context.get("request")
    return {
        "record": record,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "",
    }
