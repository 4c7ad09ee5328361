"""Forms on the pages: next to a material, and the panel on a material's catalogue page."""

from typing import Any

from django import template

from blank_forms.checking import max_bytes
from blank_forms.forms import AttachForm
from blank_forms.shown import current_forms, forms_of_material
from procedures.models import Material, MaterialKind

register = template.Library()


@register.inclusion_tag("blank_forms/_material_forms.html")
def material_forms(material: Material) -> dict[str, Any]:
    return {"forms": forms_of_material(material)}


@register.inclusion_tag("blank_forms/_kind_panel.html", takes_context=True)
def kind_forms(context: template.Context, kind: MaterialKind) -> dict[str, Any]:
    request = context.get("request")
    perms = context.get("perms")
    manages = bool(perms and perms["blank_forms"]["add_formattachment"])
    # After a refused upload: the form as posted, with its errors (blank_forms.views).
    posted = getattr(request, "attach_form", None)
    return {
        "kind": kind,
        "forms": current_forms(kind_id=kind.pk),
        "manages": manages,
        "form": (posted or AttachForm(kinds=[kind], in_procedure=False)) if manages else None,
        "request": request,
        "max_mb": max_bytes() // 2**20,
    }
