"""The plain-text checklist staff paste into a chat message for a resident."""

from django.conf import settings
from django.urls import reverse

from procedures.models import ProcedureVersion


def material_line(material) -> str:
    need = "必需" if material.required else f"按情形：{material.condition or '视情况提供'}"
    line = f"☐ {material.name}（{material.get_form_display()}，{material.copies} 份，{need}）"
    return f"{line}——{material.note}" if material.note else line


def checklist_text(version: ProcedureVersion) -> str:
    lines = [f"【{version.title}】需带材料："]
    lines += [material_line(m) for m in version.materials.all()]
    facts = [
        ("办理地点", version.location),
        ("办理时间", version.hours),
        ("咨询电话", version.phone),
    ]
    lines += [f"{label}：{value}" for label, value in facts if value]
    url = settings.SITE_URL + reverse("procedures:detail", args=[version.procedure.slug])
    lines.append(f"详情：{url}")
    return "\n".join(lines)
