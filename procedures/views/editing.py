"""Editors' actions on drafts. Each reads input, calls one publishing verb, and redirects."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from procedures import publishing
from procedures.diffs import compare_versions
from procedures.exceptions import ProcedureError
from procedures.forms import PublishForm
from procedures.models import Procedure, ProcedureVersion
from procedures.rendering import render_markdown
from procedures.roles import PUBLISH
from procedures.uploads import UploadRefused, store_image
from procedures.views.lookups import with_parts

EDIT = "procedures.change_procedureversion"


def _draft_or_404(pk: int) -> ProcedureVersion:
    return get_object_or_404(
        ProcedureVersion.objects.select_related("procedure"), pk=pk, status="draft"
    )


def _published_meanwhile(request: HttpRequest, pk: int) -> HttpResponse | None:
    """A draft published from another tab (or by a colleague): say so, show what is on record."""
    version = ProcedureVersion.objects.on_record().select_related("procedure").filter(pk=pk).first()
    if version is None:
        return None
    messages.info(request, f"这份草稿已经发布为第 {version.number} 版，不能再发布或丢弃。")
    return redirect(version.get_absolute_url())


def _changes(draft: ProcedureVersion) -> dict[str, Any]:
    """What publishing will change: the draft against the version in force and a scheduled one."""
    procedure = draft.procedure
    shown = with_parts(draft.pk)
    against = [
        (label, version)
        for label, version in (
            ("现行", procedure.current_version()),
            ("待施行", procedure.upcoming_version()),
        )
        if version is not None
    ]
    last = procedure.versions.aggregate(last=Max("number"))["last"] or 0
    return {
        "next_number": last + 1,
        # Shown while the draft's own date is not yet known to be before or after it.
        "scheduled_version": next(
            (v for label, v in against if label == "待施行" and v.pk != draft.based_on_id), None
        ),
        "comparisons": [
            (label, version, compare_versions(with_parts(version.pk), shown, include_internal=True))
            for label, version in against
        ],
    }


def _draft_admin_url(draft: ProcedureVersion) -> str:
    return reverse("admin:procedures_procedureversion_change", args=[draft.pk])


@require_POST
@login_required
@permission_required(EDIT, raise_exception=True)
def new_draft(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_object_or_404(Procedure, pk=pk)
    existing = procedure.draft()
    if existing is not None:
        messages.info(request, "这个事项已有一份草稿，继续编辑它。")
        return redirect(_draft_admin_url(existing))
    source = procedure.versions.on_record().filter(pk=request.POST.get("from") or 0).first()
    draft = publishing.create_draft(procedure, by=request.user, from_version=source)
    messages.success(
        request,
        f"已从第 {draft.based_on.number} 版复制出草稿，修改后点“发布”。"
        if draft.based_on
        else "已新建空白草稿。",
    )
    return redirect(_draft_admin_url(draft))


@require_GET
@login_required
@permission_required(EDIT, raise_exception=True)
def drafts(request: HttpRequest) -> HttpResponse:
    """Every open draft, the longest-waiting first: what publishers have to look at."""
    waiting = (
        ProcedureVersion.objects.filter(status=ProcedureVersion.Status.DRAFT)
        .select_related("procedure__category", "based_on", "created_by")
        .order_by("updated_at")
    )
    context = {**admin.site.each_context(request), "title": "待发布的草稿", "drafts": waiting}
    return render(request, "editing/drafts.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(PUBLISH, raise_exception=True)
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    if on_record := _published_meanwhile(request, pk):
        return on_record
    draft = _draft_or_404(pk)
    initial = {"change_summary": draft.change_summary, "effective_from": draft.effective_from}
    form = PublishForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            version = publishing.publish_version(draft, by=request.user, **form.cleaned_data)
        except ProcedureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已发布第 {version.number} 版。")
            return redirect(version.get_absolute_url())
    context = {**_admin_context(request, draft), **_changes(draft), "form": form}
    return render(request, "editing/publish.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(EDIT, raise_exception=True)
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    if on_record := _published_meanwhile(request, pk):
        return on_record
    draft = _draft_or_404(pk)
    if request.method == "POST":
        publishing.discard_draft(draft, by=request.user)
        messages.success(request, f"已丢弃“{draft.title}”的草稿，已发布的版本没有变化。")
        return redirect("admin:procedures_procedure_change", draft.procedure_id)
    return render(request, "editing/discard.html", _admin_context(request, draft))


@login_required
@permission_required(EDIT, raise_exception=True)
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as a resident (or, with ?as=staff, as window staff) would see its page."""
    draft = with_parts(_draft_or_404(pk).pk)
    as_staff = request.GET.get("as") == "staff"
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": draft.procedure,
            "version": draft,
            "preview": True,
            "in_force": True,
            "show_internal": as_staff,
        },
    )


@require_POST
@permission_required(EDIT, raise_exception=True)
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """The editor's live preview, rendered and sanitised exactly as the public page is."""
    if "content" not in request.POST:
        return HttpResponseBadRequest("缺少要预览的内容。")
    return HttpResponse(render_markdown(request.POST["content"]))


@require_POST
@permission_required(EDIT, raise_exception=True)
def image_upload(request: HttpRequest) -> HttpResponse:
    """An image dropped into the Markdown editor; answers markdownx's JSON."""
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"image": ["没有收到图片文件。"]}, status=400)
    try:
        url = store_image(upload)
    except UploadRefused as error:
        return JsonResponse({"image": [str(error)]}, status=400)
    return JsonResponse({"image_code": f"![]({url})"})


def _admin_context(request: HttpRequest, draft: ProcedureVersion) -> dict[str, Any]:
    return {
        **admin.site.each_context(request),
        "draft": draft,
        "title": str(draft),
        "draft_url": _draft_admin_url(draft),
    }
