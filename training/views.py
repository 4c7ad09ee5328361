"""学习: reading paths, 我已读完, what changed since one read, and the trainer's pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from procedures.diffs import compare_versions
from procedures.models import ProcedureVersion
from procedures.roles import sees_internal_notes
from procedures.views.lookups import (
    PARTS_PREFETCH,
    current_version_or_404,
    public_procedure_or_404,
    with_parts,
)
from training import inbox, paths, progress
from training.forms import AssignForm, ConfirmForm
from training.models import Assignment, ReadingPath
from training.people import name_of
from training.receipts import ReceiptRefused, confirm_reading, version_read_before
from training.roles import Account, is_staff_member, is_trainer

View = Callable[..., HttpResponse]


def reader(request: HttpRequest) -> Account:
    """Who is reading: the decorators below let only signed-in people through."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied("请先登录。")
    return user


def staff_only(view: View) -> View:
    @login_required
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_staff_member(request.user):
            raise PermissionDenied("学习页面只对本中心的工作人员开放；如需开通，请联系管理员。")
        return view(request, *args, **kwargs)

    return checked


def trainers_only(view: View) -> View:
    @login_required
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_trainer(request.user):
            raise PermissionDenied("只有培训负责人可以分配学习路径、查看他人的学习进度。")
        return view(request, *args, **kwargs)

    return checked


@require_GET
@staff_only
def home(request: HttpRequest) -> HttpResponse:
    user, shelf = reader(request), paths.Shelf.load()
    assignments, others = paths.paths_of(user)
    listed = [(a.path, a) for a in assignments] + [(p, None) for p in others]
    return render(
        request,
        "training/home.html",
        {
            "progress": [p for p in progress.progress_of(user, listed, shelf) if p.total],
            "rereads": progress.to_reread(user, shelf),
            "unseen": inbox.unseen_count(user, shelf),
            "trainer": is_trainer(request.user),
        },
    )


@require_GET
@staff_only
def path(request: HttpRequest, pk: int) -> HttpResponse:
    reading_path = get_object_or_404(paths.visible_paths(), pk=pk)
    user = reader(request)
    assignment = reading_path.assignments.filter(user_id=user.pk).first()
    shelf = paths.Shelf.load()
    (path_progress,) = progress.progress_of(user, [(reading_path, assignment)], shelf)
    return render(
        request,
        "training/path.html",
        {"path": reading_path, "progress": path_progress, "trainer": is_trainer(request.user)},
    )


@require_GET
@staff_only
def path_print(request: HttpRequest, pk: int) -> HttpResponse:
    reading_path = get_object_or_404(paths.visible_paths(), pk=pk)
    procedures = paths.Shelf.load().procedures_of(reading_path)
    found = (
        ProcedureVersion.objects.select_related("procedure__category")
        .prefetch_related(*PARTS_PREFETCH)
        .in_bulk([p.current_version_id for p in procedures])
    )
    versions = [found[p.current_version_id] for p in procedures]
    return render(request, "training/path_print.html", {"path": reading_path, "versions": versions})


@require_POST
@staff_only
def confirm(request: HttpRequest) -> HttpResponse:
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("training:home")
    version, reading_path = form.cleaned_data["version"], form.cleaned_data["path"]
    try:
        confirm_reading(user=reader(request), version=version)
    except ReceiptRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"已记录：您已读完“{version.title}”第 {version.number} 版。")
    return redirect(on_procedure_page(version, reading_path))


@require_GET
@staff_only
def changes(request: HttpRequest, slug: str) -> HttpResponse:
    """Only what changed since the version the user read, with 我已读完 for the one in force."""
    procedure = public_procedure_or_404(slug)
    current = current_version_or_404(procedure)
    read = version_read_before(reader(request), current)
    if read is None:
        messages.info(request, "这个事项没有您需要重读的变更，请阅读完整页面。")
        return redirect(procedure.get_absolute_url())
    old = with_parts(read.pk)
    diff = compare_versions(old, current, include_internal=sees_internal_notes(request.user))
    context = {"procedure": procedure, "old": old, "new": current, "diff": diff}
    context["path"] = paths.path_named(request.GET.get("path"))
    return render(request, "training/changes.html", context)


@require_GET
@staff_only
def change_inbox(request: HttpRequest) -> HttpResponse:
    user, shelf = reader(request), paths.Shelf.load()
    since = inbox.last_visit(user)
    found = list(inbox.changes(user, shelf))
    rereads = {entry.procedure.pk for entry in progress.to_reread(user, shelf)}
    inbox.record_visit(user)
    return render(
        request,
        "training/inbox.html",
        {"changes": found, "since": since, "rereads": rereads},
    )


@require_GET
@trainers_only
def manage(request: HttpRequest) -> HttpResponse:
    shelf = paths.Shelf.load()
    counts = paths.assignment_counts()
    listed = [(p, len(shelf.procedures_of(p)), counts.get(p.pk, 0)) for p in paths.visible_paths()]
    return render(request, "training/manage.html", {"paths": listed})


@require_http_methods(["GET", "POST"])
@trainers_only
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    reading_path = get_object_or_404(ReadingPath, pk=pk)
    form = AssignForm(request.POST or None)
    if form.is_valid():
        done = paths.assign_path(reading_path, by=reader(request), **form.cleaned_data)
        messages.success(request, f"已把“{reading_path}”分配给 {len(done)} 人。")
        return redirect("training:assign", pk=reading_path.pk)
    assignments = reading_path.assignments.select_related("user").order_by("user__username")
    return render(
        request,
        "training/assign.html",
        {"path": reading_path, "form": form, "assignments": assignments},
    )


@require_POST
@trainers_only
def unassign(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(Assignment.objects.select_related("path", "user"), pk=pk)
    paths.unassign(assignment)
    messages.success(request, f"已取消 {name_of(assignment.user)} 的学习任务“{assignment.path}”。")
    return redirect("training:assign", pk=assignment.path_id)


@require_GET
@trainers_only
def matrix(request: HttpRequest, pk: int) -> HttpResponse:
    reading_path = get_object_or_404(paths.visible_paths(), pk=pk)
    table = progress.matrix(reading_path, paths.Shelf.load())
    return render(request, "training/matrix.html", {"path": reading_path, "matrix": table})


def on_procedure_page(version: ProcedureVersion, reading_path: ReadingPath | None) -> str:
    url = version.procedure.get_absolute_url()
    if reading_path is not None:
        url += f"?path={reading_path.pk}"
    return url + "#training-confirm"
