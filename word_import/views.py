"""导入 Word 办事指南: upload .docx files (or a .zip), one line per file; the document and its
draft side by side; 未识别内容 kept on the draft until an editor has dealt with each part."""

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from procedures.models import VERSION_CONTENT_FIELDS, Category, ProcedureVersion
from procedures.views.editing import EDIT, draft_admin_url
from procedures.views.lookups import with_parts
from word_import.batch import import_files
from word_import.models import ImportRecord
from word_import.uploads import incoming

# What a Word guide can fill in: the version's text fields but the two no guide has.
SHOWN_FIELDS = [name for name in VERSION_CONTENT_FIELDS if name not in ("summary", "staff_notes")]


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(EDIT, raise_exception=True)
def upload(request: HttpRequest) -> HttpResponse:
    categories = list(Category.objects.all())
    context = {
        **admin.site.each_context(request),
        "title": "导入 Word 办事指南",
        "categories": categories,
    }
    if request.method == "POST":
        category = next((c for c in categories if str(c.pk) == request.POST.get("category")), None)
        files = request.FILES.getlist("files")
        if category is None:
            context["problem"] = "请选择导入到哪个业务条线。"
        elif not files:
            context["problem"] = "请选择要导入的 .docx 文件或 .zip 压缩包。"
        else:
            user = request.user
            assert user.is_authenticated
            context["lines"] = import_files(incoming(files), category=category, by=user)
            context["category"] = category
    return render(request, "word_import/upload.html", context)


@login_required
@permission_required(EDIT, raise_exception=True)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(ImportRecord.objects.select_related("version__procedure"), pk=pk)
    draft = with_parts(record.version_id)
    context = {
        **admin.site.each_context(request),
        "title": f"对照原文：{draft.title}",
        "record": record,
        "draft": draft,
        "draft_url": draft_admin_url(draft) if draft.is_draft else draft.get_absolute_url(),
        "fields": [
            (
                getattr(ProcedureVersion._meta.get_field(name), "verbose_name", name),
                getattr(draft, name),
                record.certainty.get(name, ""),
            )
            for name in SHOWN_FIELDS
        ],
    }
    return render(request, "word_import/review.html", context)


@require_POST
@login_required
@permission_required(EDIT, raise_exception=True)
def settle(request: HttpRequest, pk: int) -> HttpResponse:
    """An editor has placed (or discarded) one part of 未识别内容: it leaves the list."""
    record = get_object_or_404(ImportRecord, pk=pk)
    index = request.POST.get("index", "")
    text = request.POST.get("text", "")
    if (
        index.isdigit()
        and int(index) < len(record.unplaced)
        and record.unplaced[int(index)] == text
    ):
        record.unplaced.pop(int(index))
        record.save(update_fields=["unplaced"])
        messages.success(request, "已标记为处理完毕。")
    else:
        messages.error(
            request, "这段未识别内容已被处理过（可能在另一个窗口），请看下面的最新列表。"
        )
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("word_import:review", pk=record.pk)
