"""表格与样表: editors attach forms on a procedure's page or a material's catalogue page;
anyone downloads them, as files that are never run in the browser."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blank_forms import attaching
from blank_forms.checking import FormRefused, checked, max_bytes
from blank_forms.forms import EVERYWHERE, AttachForm
from blank_forms.models import FormAttachment, FormFile
from blank_forms.shown import current_forms
from procedures.models import MaterialKind, Procedure, ProcedureVersion
from procedures.views import catalogue

MANAGE = "blank_forms.add_formattachment"
# Kept by browsers and proxies for good: an attachment's file and name never change.
CACHE_CONTROL = "public, max-age=31536000, immutable"
INLINE_TYPES = {FormFile.Type.PNG, FormFile.Type.JPG}


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(MANAGE, raise_exception=True)
def procedure_forms(request: HttpRequest, slug: str) -> HttpResponse:
    """The forms next to each material of one procedure; attach one here or everywhere."""
    procedure = get_object_or_404(Procedure, slug=slug, retired_at__isnull=True)
    kinds = _kinds_of(procedure)
    form = AttachForm(request.POST or None, request.FILES or None, kinds=kinds, in_procedure=True)
    if request.method == "POST" and form.is_valid():
        kind = next(kind for kind in kinds if kind.pk == form.cleaned_data["kind"])
        here = None if form.cleaned_data["scope"] == EVERYWHERE else procedure
        if _attached(request, form, kind=kind, procedure=here):
            return redirect("blank_forms:procedure", slug=procedure.slug)
    forms = current_forms(procedure_id=procedure.pk)
    everywhere = [f for f in current_forms() if f.procedure_id is None]
    rows = [
        (
            kind,
            [f for f in forms if f.kind_id == kind.pk],
            [f for f in everywhere if f.kind_id == kind.pk],
        )
        for kind in kinds
    ]
    context = {"procedure": procedure, "rows": rows, "form": form, "max_mb": max_bytes() // 2**20}
    return render(request, "blank_forms/procedure.html", context)


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def kind_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """From the catalogue page of a kind of material: shown in every procedure asking for it."""
    kind = get_object_or_404(MaterialKind, pk=pk)
    form = AttachForm(request.POST, request.FILES, kinds=[kind], in_procedure=False)
    if form.is_valid() and _attached(request, form, kind=kind, procedure=None):
        return redirect(f"{kind.get_absolute_url()}#forms")
    # The kind's page again, the panel open with what was wrong next to the field.
    setattr(request, "attach_form", form)  # noqa: B010 - read by the kind_forms tag
    return catalogue.kind_page(request, kind)


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def take_down(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(FormAttachment.objects.select_related("kind"), pk=pk)
    user = request.user
    assert user.is_authenticated
    try:
        attaching.take_down(attachment, by=user)
    except FormRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"已撤下「{attachment.title}」。以前的版本仍显示它当时的表格。")
    return _back(request, fallback=f"{attachment.kind.get_absolute_url()}#forms")


@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file, saved under its title: never run by the browser, whatever it holds."""
    attachment = get_object_or_404(FormAttachment.objects.select_related("file"), pk=pk)
    stored = attachment.file
    try:
        opened = stored.file.open("rb")
    except FileNotFoundError:
        return render(request, "blank_forms/missing.html", {"attachment": attachment}, status=404)
    inline = stored.type in INLINE_TYPES
    response = FileResponse(opened, content_type=_CONTENT_TYPES[stored.type])
    name = attachment.download_name
    response["Content-Disposition"] = (
        f'{"inline" if inline else "attachment"}; filename="{_ascii(name, stored.type)}"; '
        f"filename*=UTF-8''{quote(name)}"
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = CACHE_CONTROL
    response["ETag"] = f'"{stored.sha256[:32]}"'
    return response


_CONTENT_TYPES: dict[str, str] = {
    FormFile.Type.PDF: "application/pdf",
    FormFile.Type.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FormFile.Type.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FormFile.Type.PNG: "image/png",
    FormFile.Type.JPG: "image/jpeg",
}


def _ascii(name: str, extension: str) -> str:
    """The fallback name for clients without RFC 6266: ASCII only, no quotes or slashes."""
    plain = "".join(c for c in name.rsplit(".", 1)[0] if c.isascii() and c.isalnum() or c in "-_")
    return f"{plain or 'form'}.{extension}"


def _kinds_of(procedure: Procedure) -> list[MaterialKind]:
    """The kinds of material asked for by the version in force and by the draft."""
    versions = [procedure.current_version(), procedure.versions.filter(status="draft").first()]
    ids = {
        material.kind_id
        for version in versions
        if isinstance(version, ProcedureVersion)
        for material in version.materials.all()
        if material.kind_id
    }
    return list(MaterialKind.objects.filter(pk__in=ids).order_by("name"))


def _attached(
    request: HttpRequest,
    form: AttachForm,
    *,
    kind: MaterialKind,
    procedure: Procedure | None,
) -> bool:
    """Attach the form's file; False, with the reason on the file field, when it is refused."""
    user = request.user
    assert user.is_authenticated
    try:
        attachment = attaching.attach(
            checked(form.cleaned_data["file"]),
            kind=kind,
            procedure=procedure,
            role=form.cleaned_data["role"],
            title=form.cleaned_data["title"],
            by=user,
        )
    except FormRefused as refused:
        form.add_error("file", str(refused))
        return False
    where = f"「{procedure}」" if procedure else "所有需要这种材料的事项"
    messages.success(
        request,
        f"已添加{attachment.get_role_display()}「{attachment.title}」，显示在{where}的「{kind.name}」旁。",
    )
    return True


def _back(request: HttpRequest, *, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = fallback
    return redirect(target)
