"""Review before publishing: submit a draft, the 待审核 queue, publish it or send it back."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from procedures import bundles, reviews
from procedures.diffs import VersionDiff, compare_versions
from procedures.exceptions import ProcedureError
from procedures.forms import PublishForm, SendBackForm, SubmitForm
from procedures.models import AuditEvent, ProcedureVersion
from procedures.roles import PUBLISH
from procedures.views.editing import EDIT, admin_context, published_meanwhile
from procedures.views.lookups import draft_or_404, with_parts


@require_GET
@login_required
@permission_required(EDIT, raise_exception=True)
def drafts(request: HttpRequest) -> HttpResponse:
    """What waits for review, the longest-waiting first; the viewer's own drafts; the rest."""
    context = {
        **admin.site.each_context(request),
        "title": "草稿与审核",
        "desk": reviews.desk(request.user),
    }
    return render(request, "editing/drafts.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(EDIT, raise_exception=True)
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    if on_record := published_meanwhile(request, pk):
        return on_record
    draft = draft_or_404(pk)
    initial = {"change_summary": draft.change_summary, "effective_from": draft.effective_from}
    form = SubmitForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            reviews.submit_for_review(draft, by=request.user, **form.cleaned_data)
        except ProcedureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已提交审核：“{draft.title}”。审核人会在“待审核”中看到它。")
            return redirect("procedures:drafts")
    context = {**admin_context(request, draft), **_changes(draft), "form": form}
    return render(request, "editing/submit.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(PUBLISH, raise_exception=True)
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    if on_record := published_meanwhile(request, pk):
        return on_record
    draft = draft_or_404(pk)
    form = _publish_form(draft, request.POST or None)
    if form.is_valid():
        try:
            version = reviews.publish_reviewed(draft, by=request.user, **form.cleaned_data)
        except ProcedureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已发布第 {version.number} 版。")
            for broken in bundles.broken_by(version.procedure):
                messages.warning(request, f"请更新包含这个事项的引导：{broken}")
            return redirect(version.get_absolute_url())
    return _review_page(request, draft, form, SendBackForm())


@require_POST
@login_required
@permission_required(PUBLISH, raise_exception=True)
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    if on_record := published_meanwhile(request, pk):
        return on_record
    draft = draft_or_404(pk)
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            reviews.send_back(draft, by=request.user, comment=form.cleaned_data["comment"])
        except ProcedureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已退回“{draft.title}”，编辑打开草稿时会看到您的意见。")
            return redirect("procedures:drafts")
    return _review_page(request, draft, _publish_form(draft), form)


def _publish_form(draft: ProcedureVersion, data: Any = None) -> PublishForm:
    initial = {"change_summary": draft.change_summary, "effective_from": draft.effective_from}
    first = not draft.procedure.versions.exclude(status=ProcedureVersion.Status.DRAFT).exists()
    return PublishForm(data, initial=initial, first_version=first)


def _review_page(
    request: HttpRequest, draft: ProcedureVersion, form: PublishForm, send_back_form: SendBackForm
) -> HttpResponse:
    context = {
        **admin_context(request, draft),
        **_changes(draft),
        "form": form,
        "send_back_form": send_back_form,
        "refusal": reviews.refusal(draft, request.user),
    }
    return render(request, "editing/publish.html", context)


def _changes(draft: ProcedureVersion) -> dict[str, Any]:
    """The draft against the version in force and a scheduled one, and its review so far."""
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
            (label, version, _compare(with_parts(version.pk), shown)) for label, version in against
        ],
        "review_events": AuditEvent.objects.filter(
            version=draft, action__in=[AuditEvent.Action.SUBMITTED, AuditEvent.Action.RETURNED]
        )
        .select_related("user")
        .order_by("at", "pk"),
    }


def _compare(version: ProcedureVersion, draft: ProcedureVersion) -> VersionDiff:
    """All a reviewer weighs: the staff notes, and the test cases of the questions too."""
    return compare_versions(version, draft, include_internal=True, include_test_cases=True)
