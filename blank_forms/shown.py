"""Which forms a version shows, next to which of its materials.

A version in force, a draft and a version still to come show the forms attached now. A
superseded version shows those it had on its last day in force, a withdrawn one those it had
when it was withdrawn: attachments are ended, never deleted, so the past can be read back.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from blank_forms.models import FormAttachment
from procedures.models import Material, ProcedureVersion
from procedures.timeline import standing

FormIndex = dict[int, list[FormAttachment]]  # material kind id → its forms, in order


def moment_of(version: ProcedureVersion) -> datetime.datetime:
    """The moment whose attachments `version` shows. Only a superseded version costs a query:
    the day the next version took effect, if one has yet (else it is still in force)."""
    if version.status == ProcedureVersion.Status.WITHDRAWN and version.withdrawn_at:
        return version.withdrawn_at
    if version.status != ProcedureVersion.Status.SUPERSEDED:  # a draft, or the latest on record
        return timezone.now()
    ended = standing(version)
    if ended.state != "superseded" or ended.since is None:
        return timezone.now()
    last_day = ended.since - datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(last_day, datetime.time.max))


def in_effect(at: datetime.datetime) -> Q:
    return Q(added_at__lte=at) & (Q(removed_at__isnull=True) | Q(removed_at__gt=at))


def forms_for(version: ProcedureVersion) -> FormIndex:
    """The forms of each material kind `version` asks for: this procedure's own first."""
    kinds = {material.kind_id for material in version.materials.all() if material.kind_id}
    if not kinds:
        return {}
    rows = (
        FormAttachment.objects.filter(in_effect(moment_of(version)), kind_id__in=kinds)
        .filter(Q(procedure__isnull=True) | Q(procedure_id=version.procedure_id))
        .select_related("file")
    )
    index: FormIndex = {}
    for row in sorted(rows, key=lambda row: (row.procedure_id is None, row.role, row.added_at)):
        index.setdefault(row.kind_id, []).append(row)
    return index


def current_forms(
    *, kind_id: int | None = None, procedure_id: int | None = None
) -> list[FormAttachment]:
    """Forms attached now: to a kind (everywhere and in single procedures), or to a procedure."""
    rows = FormAttachment.objects.filter(removed_at__isnull=True).select_related(
        "file", "kind", "procedure", "added_by"
    )
    if kind_id is not None:
        rows = rows.filter(kind_id=kind_id)
    if procedure_id is not None:
        rows = rows.filter(procedure_id=procedure_id)
    return list(rows.order_by("procedure_id", "role", "added_at", "pk"))


def forms_of_material(material: object) -> list[FormAttachment]:
    """The forms shown next to `material` (a Material row), read once per version object
    however many rows ask: a row reaches its own version without a query."""
    if not isinstance(material, Material) or not material.kind_id:
        return []
    version: ProcedureVersion = material.version
    index: FormIndex | None = version.__dict__.get("_form_index")
    if index is None:
        index = version.__dict__["_form_index"] = forms_for(version)
    return index.get(material.kind_id, [])


def printed_mark(forms: list[FormAttachment]) -> str:
    """What a handout prints under a material that has forms (空白表格、示例样表：可在…)."""
    if not forms:
        return ""
    roles = "、".join(dict.fromkeys(form.get_role_display() for form in forms))
    return f"{roles}：可在窗口领取或扫码下载"
