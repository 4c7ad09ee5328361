"""The plain-text checklist staff paste into a chat message for a resident."""

from django.conf import settings
from django.urls import reverse

from procedures.models import Material, ProcedureVersion, field_label
from procedures.timeline import standing


def material_line(material: Material) -> str:
    need = material.requirement()
    line = f"☐ {material.name}（{material.get_form_display()}，{material.copies} 份，{need}）"
    return f"{line}——{material.note}" if material.note else line


def checklist_text(version: ProcedureVersion) -> str:
    lines = [f"【{version.title}】需带材料："]
    if notice := standing(version).notice():
        lines.append(f"注意：{notice}")
    lines += [material_line(m) for m in version.materials.all()]
    lines += [
        f"{field_label(ProcedureVersion, name)}：{getattr(version, name)}"
        for name in ("location", "hours", "phone")
        if getattr(version, name)
    ]
    url = settings.SITE_URL + reverse("procedures:detail", args=[version.procedure.slug])
    lines.append(f"详情：{url}")
    return "\n".join(lines)
