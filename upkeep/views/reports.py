"""报错 pages: staff file a report where the problem is; the owner or 审核发布 handle it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from procedures.models import ProcedureVersion
from procedures.roles import can_edit
from procedures.views.editing import draft_admin_url
from upkeep import reports, roles
from upkeep.exceptions import Refused
from upkeep.forms import CloseForm, ReportForm
from upkeep.models import Report
from upkeep.ownership import names, stewards_of


def _reporter_or_403(request: HttpRequest) -> None:
    if not roles.can_report(request.user):
        raise PermissionDenied("只有服务中心的工作人员可以报错。")


@require_http_methods(["GET", "POST"])
@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    _reporter_or_403(request)
    source = request.POST if request.method == "POST" else request.GET
    version_id = source.get("version", "")
    version = (
        ProcedureVersion.objects.on_record()
        .select_related("procedure")
        .filter(pk=version_id)
        .first()
        if version_id.isdigit()
        else None
    )
    if version is None:
        raise Http404("找不到要报错的版本，请从事项页面上点“报错”。")
    part = source.get("part") or Report.Part.PAGE
    part_id_text = source.get("id", "")
    part_id = int(part_id_text) if part_id_text.isdigit() else None
    form = ReportForm(request.POST or None)
    try:
        label = reports.part_label(version, part, part_id)
    except Refused as refused:
        return render(request, "upkeep/refused.html", {"message": str(refused)}, status=400)
    if request.method == "POST" and form.is_valid():
        try:
            report = reports.file_report(
                version=version,
                part=part,
                part_id=part_id,
                cause=form.cleaned_data["cause"],
                description=form.cleaned_data["description"],
                case_number=form.cleaned_data["case_number"],
                complex_case=form.cleaned_data["complex_case"],
                by=roles.account(request),
            )
        except Refused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"已提交。负责人会在 {report.due_on:%Y年%-m月%-d日} 前处理，"
                "结果会显示在“我的报错”里。",
            )
            return redirect(report)
    context = {
        "form": form,
        "version": version,
        "procedure": version.procedure,
        "part": part,
        "part_id": part_id,
        "where": f"{Report.Part(part).label}：{label}" if label else "整个页面",
    }
    return render(request, "upkeep/report_new.html", context)


def _report_or_404(pk: int) -> Report:
    return get_object_or_404(
        Report.objects.select_related(
            "procedure", "version", "reporter", "closed_by", "fix_version"
        ),
        pk=pk,
    )


@require_GET
@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    _reporter_or_403(request)
    found = _report_or_404(pk)
    stewards = stewards_of(found.procedure)
    handles = roles.handles(request.user, found.procedure, stewards)
    versions = reports.later_versions(found) if handles and found.is_open else []
    context = {
        "report": found,
        "procedure": found.procedure,
        "handles": handles,
        "overdue": found.overdue(),
        "owner_name": names([stewards.owner_id]).get(stewards.owner_id or 0, ""),
        "stewards": stewards,
        "default_outcome": "fixed" if versions else "unchanged",
        "versions": versions,
        "draft": found.procedure.draft() if handles and found.is_open else None,
    }
    return render(request, "upkeep/report.html", context)


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    _reporter_or_403(request)
    found = (
        Report.objects.filter(reporter=roles.account(request))
        .select_related("procedure__latest_version", "version", "fix_version", "closed_by")
        .order_by("-created_at")[:200]
    )
    return render(request, "upkeep/mine.html", {"reports": found})


def _handled_or_403(request: HttpRequest, pk: int) -> Report:
    found = _report_or_404(pk)
    if not roles.handles(request.user, found.procedure):
        raise PermissionDenied("只有这个事项的负责人、备份负责人或审核发布人员可以处理报错。")
    return found


@require_POST
@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    found = _handled_or_403(request, pk)
    try:
        reports.check_open(found)
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect(found)
    versions = reports.later_versions(found)
    form = CloseForm(request.POST, versions=versions)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(found)
    try:
        if form.cleaned_data["outcome"] == "fixed":
            version = next(v for v in versions if v.pk == form.cleaned_data["version"])
            reports.close_fixed_by(found, version=version, by=roles.account(request))
        else:
            reports.close_unchanged(
                found, reason=form.cleaned_data["reason"], by=roles.account(request)
            )
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "已处理，报告人会看到处理结果。")
    return redirect(found)


@require_POST
@login_required
def start_fix(request: HttpRequest, pk: int) -> HttpResponse:
    found = _handled_or_403(request, pk)
    if not can_edit(request.user):
        raise PermissionDenied("修改事项需要编辑权限。")
    try:
        draft = reports.start_fix(found, by=roles.account(request))
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect(found)
    messages.success(
        request,
        "这条报错已关联到草稿：修改、提交审核，发布后它会自动关闭，报告人能看到是哪一版改的。",
    )
    return redirect(draft_admin_url(draft))


@require_POST
@login_required
def complex_case(request: HttpRequest, pk: int) -> HttpResponse:
    found = _handled_or_403(request, pk)
    try:
        updated = reports.set_complex(found, complex_case=request.POST.get("complex") == "1")
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"处理期限改为 {updated.due_on:%Y年%-m月%-d日}。")
    return redirect(found)
