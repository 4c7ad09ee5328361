"""Editors' actions on drafts. Each reads input, calls one publishing verb, and redirects."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from procedures import publishing, reviews
from procedures.exceptions import DraftExists
from procedures.models import Procedure, ProcedureVersion
from procedures.rendering import MAX_MARKDOWN_LENGTH, render_markdown
from procedures.roles import PUBLISH
from procedures.uploads import UploadRefused, store_image
from procedures.views.lookups import draft_or_404, with_parts

EDIT = "procedures.change_procedureversion"


def published_meanwhile(request: HttpRequest, pk: int) -> HttpResponse | None:
    """A draft published from another tab (or by a colleague): say so, show what is on record."""
    version = ProcedureVersion.objects.on_record().select_related("procedure").filter(pk=pk).first()
    if version is None:
        return None
    messages.info(request, f"这份草稿已经发布为第 {version.number} 版，不能再发布或丢弃。")
    return redirect(version.get_absolute_url())


def draft_admin_url(draft: ProcedureVersion) -> str:
    return reverse("admin:procedures_procedureversion_change", args=[draft.pk])


@require_POST
@login_required
@permission_required(EDIT, raise_exception=True)
def new_draft(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_object_or_404(Procedure, pk=pk)
    source = procedure.versions.on_record().filter(pk=request.POST.get("from") or 0).first()
    try:
        draft = publishing.create_draft(procedure, by=request.user, from_version=source)
    except DraftExists:  # made before, by a second click or a colleague: open that one
        existing = procedure.draft()
        messages.info(request, "这个事项已有一份草稿，继续编辑它。")
        if existing is None:  # and discarded since
            return redirect("admin:procedures_procedure_change", procedure.pk)
        return redirect(draft_admin_url(existing))
    messages.success(
        request,
        f"已从第 {draft.based_on.number} 版复制出草稿，修改、保存后点“提交审核…”。"
        if draft.based_on
        else "已新建空白草稿。",
    )
    return redirect(draft_admin_url(draft))


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(EDIT, raise_exception=True)
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    if on_record := published_meanwhile(request, pk):
        return on_record
    draft = draft_or_404(pk)
    if not (request.user.has_perm(PUBLISH) or request.user.pk in reviews.authors(draft)):
        raise PermissionDenied("只有编写这份草稿的编辑，或审核发布人员，可以丢弃它。")
    if request.method == "POST":
        publishing.discard_draft(draft, by=request.user)
        messages.success(request, f"已丢弃“{draft.title}”的草稿，已发布的版本没有变化。")
        return redirect("admin:procedures_procedure_change", draft.procedure_id)
    return render(request, "editing/discard.html", admin_context(request, draft))


@login_required
@permission_required(EDIT, raise_exception=True)
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as a resident (or, with ?as=staff, as window staff) would see its page."""
    draft = with_parts(draft_or_404(pk).pk)
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
    content = request.POST["content"]
    if len(content) > MAX_MARKDOWN_LENGTH:
        return HttpResponseBadRequest(
            f"内容有 {len(content)} 个字符，超过 {MAX_MARKDOWN_LENGTH} 个字符的上限，无法预览。"
            "请精简后再试。"
        )
    return HttpResponse(render_markdown(content))


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


def admin_context(request: HttpRequest, draft: ProcedureVersion) -> dict[str, Any]:
    return {
        **admin.site.each_context(request),
        "draft": draft,
        "title": str(draft),
        "draft_url": draft_admin_url(draft),
    }
