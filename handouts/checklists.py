"""The plain-text checklist staff paste into a chat message for a resident.

With a case (情形引导) it lists what that case needs: the 按情形 materials left out are not
pasted, those still 待确认 say what decides them, and the link opens the same narrowed page.
"""

from django.conf import settings
from django.urls import reverse

from blank_forms.shown import forms_of_material
from procedures.bundles import MergedMaterial
from procedures.models import Material, ProcedureVersion, field_label
from procedures.timeline import standing
from procedures.views.guides import Case, case_of

CONTACTS = ("location", "hours", "phone")


def material_line(material: Material) -> str:
    need = material.requirement()
    line = f"☐ {material.name}（{material.get_form_display()}，{material.copies} 份，{need}）"
    return _with_forms(f"{line}——{material.note}" if material.note else line, material)


def _with_forms(line: str, material: Material) -> str:
    """Each 空白表格/示例样表 on its own line under the material, with the link to download it."""
    links = [
        f"  {form.get_role_display()}《{form.title}》：{settings.SITE_URL}"
        + reverse("blank_forms:download", args=[form.pk])
        for form in forms_of_material(material)
    ]
    return "\n".join([line, *links])


def merged_line(material: MergedMaterial) -> str:
    used_for = "、".join(material.used_for)
    line = f"☐ {material.name}（{material.form_label}，{material.copies} 份，用于：{used_for}）"
    if material.wordings:
        line += f"（{'；'.join(material.wordings)}）"
    if material.state != "needed":
        label = "待确认" if material.waits else "按情形"
        line += f"（{label}：{'；'.join(dict.fromkeys(material.reasons))}）"
    return f"{line}——{'；'.join(material.notes)}" if material.notes else line


def conditional_line(material: Material, reason: str) -> str:
    """A material the case may still need: its condition once, as the page words it."""
    label = "待确认" if material.when else "按情形"
    form = material.get_form_display()
    line = f"☐ {material.name}（{form}，{material.copies} 份，{label}：{reason}）"
    return _with_forms(f"{line}——{material.note}" if material.note else line, material)


def checklist_text(version: ProcedureVersion, case: Case | None = None) -> str:
    case = case or case_of(version, {})
    lines = [_heading(version, case)]
    if case.answers:
        lines.append(f"情形：{case.label}")
    if notice := standing(version).notice():
        lines.append(f"注意：{notice}")
    if version.procedure.kind == "bundle":
        lines += _bundle_lines(case)
    elif version.procedure.kind == "family" and case.variant is None:
        lines += _variant_lines(case)
    else:
        lines += _material_lines(version, case)
    lines.append(f"详情：{page_url(version, case)}")
    return "\n".join(lines)


def page_url(version: ProcedureVersion, case: Case) -> str:
    url = settings.SITE_URL + reverse("procedures:detail", args=[version.procedure.slug])
    return f"{url}?{case.query}" if case.query else url


def _heading(version: ProcedureVersion, case: Case) -> str:
    if case.variant is not None:
        chosen = case.variant.view.version
        title = chosen.title if chosen else case.variant.view.procedure
        return f"【{version.title}】应办理：{title}，需带材料："
    if version.procedure.kind == "family":
        return f"【{version.title}】请按情形选择办理的事项："
    if version.procedure.kind == "bundle":
        return f"【{version.title}】（一件事）需带材料："
    return f"【{version.title}】需带材料："


def _material_lines(version: ProcedureVersion, case: Case) -> list[str]:
    if not case.answers and not version.procedure.is_composite:
        lines = [material_line(m) for m in version.materials.all()]
    else:
        lines = [material_line(n.item) for n in case.needed]
        if case.maybe:
            lines.append("以下按情形，符合的才需要带：")
            lines += [conditional_line(n.item, n.reason) for n in case.maybe]
    contact = case.variant.view.version if case.variant else version
    return lines + _contact_lines(contact)


def _contact_lines(version: ProcedureVersion | None) -> list[str]:
    if version is None:
        return []
    return [
        f"{field_label(ProcedureVersion, name)}：{getattr(version, name)}"
        for name in CONTACTS
        if getattr(version, name)
    ]


def _bundle_lines(case: Case) -> list[str]:
    lines = [merged_line(m) for m in case.merged]
    lines.append("办理顺序：")
    for number, stage in enumerate(case.stages, start=1):
        title = stage.view.version.title if stage.view.version else str(stage.view.procedure)
        if stage.view.state == "left_out":
            lines.append(f"{number}. {title}（本情形不需办理）")
            continue
        where = "，".join(_contact_lines(stage.view.version))
        waiting = f"（待确认：{stage.view.reason}）" if stage.view.state == "maybe" else ""
        lines.append(f"{number}. {title}{waiting}{f'——{where}' if where else ''}")
    return lines


def _variant_lines(case: Case) -> list[str]:
    lines = []
    for stage in case.stages:
        if stage.view.state == "left_out":
            continue
        title = stage.view.version.title if stage.view.version else str(stage.view.procedure)
        lines.append(f"· {title}：{stage.condition or '任何情形都适用'}")
    return lines
