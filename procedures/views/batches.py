"""Batch changes (批量修订): change one kind of material in many procedures, review them at once.

Each view reads input, calls one `batch_changes` verb, and redirects to the batch's page.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from procedures import batch_changes
from procedures.exceptions import ProcedureError
from procedures.forms import BatchForm, BatchPublishForm, SendBackForm
from procedures.models import BatchChange, MaterialKind
from procedures.roles import PUBLISH
from procedures.views.editing import EDIT


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(EDIT, raise_exception=True)
def batch_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the change and the procedures; 预览 shows each row after it, 创建 makes the drafts."""
    kind = get_object_or_404(MaterialKind, pk=pk)
    form = BatchForm(request.POST or None)
    change = None
    if form.is_valid():
        try:
            change = form.change(kind)
            batch_changes.check(change)
        except ProcedureError as error:
            form.add_error(None, str(error))
            change = None
    if change is not None and "create" in request.POST:
        try:
            batch = batch_changes.create_batch(kind, **form.cleaned_data, by=request.user)
        except ProcedureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已创建 {batch.versions.count()} 份草稿并提交审核。")
            return redirect(batch)
    entries = batch_changes.affected(kind, change=change)
    context = {
        **admin.site.each_context(request),
        "title": f"批量修订：{kind.name}",
        "kind": kind,
        "form": form,
        "entries": entries,
        **_chosen(request, entries),
    }
    return render(request, "editing/batch_new.html", context)


def _chosen(request: HttpRequest, entries: list[batch_changes.Affected]) -> dict[str, Any]:
    """The procedures ticked: those the editor ticked, or at first every one that can take part."""
    if request.method == "POST":
        chosen = set(request.POST.getlist("procedures"))
    else:
        chosen = {str(entry.procedure.pk) for entry in entries if entry.eligible}
    count = sum(entry.eligible and str(entry.procedure.pk) in chosen for entry in entries)
    return {"chosen": chosen, "chosen_count": count}


@require_GET
@login_required
@permission_required(EDIT, raise_exception=True)
def batches(request: HttpRequest) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": "批量修订",
        "batches": batch_changes.recent(),
    }
    return render(request, "editing/batches.html", context)


@require_GET
@login_required
@permission_required(EDIT, raise_exception=True)
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    return _batch_page(request, _batch_or_404(pk))


@require_POST
@login_required
@permission_required(PUBLISH, raise_exception=True)
def batch_publish(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(pk)
    form = BatchPublishForm(request.POST)
    if form.is_valid():
        try:
            versions = batch_changes.publish_batch(batch, by=request.user, **form.cleaned_data)
        except ProcedureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已发布 {len(versions)} 个事项的新版本。")
            return redirect(batch)
    return _batch_page(request, batch, publish_form=form)


@require_POST
@login_required
@permission_required(PUBLISH, raise_exception=True)
def batch_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(pk)
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            drafts = batch_changes.send_back_batch(
                batch, by=request.user, comment=form.cleaned_data["comment"]
            )
        except ProcedureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已退回 {len(drafts)} 份草稿，编辑会看到您的意见。")
            return redirect(batch)
    return _batch_page(request, batch, send_back_form=form)


@require_POST
@login_required
@permission_required(EDIT, raise_exception=True)
def batch_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(pk)
    try:
        drafts = batch_changes.resubmit_batch(batch, by=request.user)
    except ProcedureError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已重新提交 {len(drafts)} 份草稿审核。")
    return redirect(batch)


def _batch_or_404(pk: int) -> BatchChange:
    return get_object_or_404(BatchChange.objects.select_related("kind", "created_by"), pk=pk)


def _batch_page(
    request: HttpRequest,
    batch: BatchChange,
    *,
    publish_form: BatchPublishForm | None = None,
    send_back_form: SendBackForm | None = None,
) -> HttpResponse:
    overview = batch_changes.overview(batch)
    context: dict[str, Any] = {
        **admin.site.each_context(request),
        "title": f"批量修订：{batch_changes.describe(batch)}",
        "batch": batch,
        "overview": overview,
        "publish_form": publish_form
        or BatchPublishForm(initial={"effective_from": overview.proposed_date}),
        "send_back_form": send_back_form or SendBackForm(),
    }
    return render(request, "editing/batch.html", context)
