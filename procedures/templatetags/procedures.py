from django import template
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Model
from django.utils.safestring import SafeString

from procedures.models import field_label
from procedures.rendering import render_markdown_cached

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render an editor's Markdown as sanitised HTML, once per text (then from the cache)."""
    return render_markdown_cached(text)


@register.filter
def label(instance: Model, field_name: str) -> str:
    """A field's name as every page, handout, checklist and diff shows it: its verbose_name."""
    return field_label(instance, field_name)


@register.filter
def person(user: AbstractBaseUser | None) -> str:
    """Who did something, as colleagues know them: full name, else login; "系统" for nobody."""
    if user is None:
        return "系统"
    full_name = getattr(user, "get_full_name", lambda: "")()
    return str(full_name or user.get_username())
