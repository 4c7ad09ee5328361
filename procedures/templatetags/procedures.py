from django import template
from django.db.models import Model

from procedures.rendering import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """Render an editor's Markdown as sanitised HTML."""
    return render_markdown(text)


@register.filter
def label(instance: Model, field_name: str) -> str:
    """A field's name as every page, handout, checklist and diff shows it: its verbose_name."""
    return str(instance._meta.get_field(field_name).verbose_name)
