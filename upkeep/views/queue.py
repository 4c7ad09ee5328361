"""待处理: the owner's queue (everyone's, for 审核发布); 已复核，无需修改; what residents said."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from procedures.models import Procedure
from procedures.roles import Visitor, can_publish
from upkeep import queue as queues
from upkeep import rechecks, roles
from upkeep.exceptions import Refused
from upkeep.forms import ConfirmForm
from upkeep.models import PageFeedback
from upkeep.ownership import names, standing_of

# Each section shows its first entries (the most urgent, the most viewed); the rest are counted.
SHOWN = 50
SECTIONS = (
    (
        "returned",
        "退回给我修改",
        "审核人退回给您的草稿：打开草稿，按意见修改并保存，再重新提交审核。",
    ),
    (
        "to_review",
        "等我审核",
        "同事提交审核的草稿，等得最久的在前：核对改动后发布，或写明意见退回。",
    ),
    (
        "report",
        "报错与办不成",
        "每条报错须在期限内关闭：发布修改它的新版本，或写明无需修改的理由。",
    ),
    (
        "review",
        "待复核",
        "复核日期已过的事项，浏览多的在前。看过后点“已复核，无需修改”，或发布新版本。",
    ),
    ("feedback", "居民反馈没帮到", "上次复核以来，居民在页面上说“没帮到”较多的事项。"),
    (
        "search",
        "搜索找不到",
        "近 30 天多次搜索却没有结果或只有弱匹配的词：添加俗称、同义词，或加入转介清单。",
    ),
)


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not roles.sees_queue(request.user):
        raise PermissionDenied("待处理队列是给事项负责人和审核发布人员的；报错请看“我的报错”。")
    everyone = roles.handles_all(request.user) and request.GET.get("show") != "mine"
    found = queues.build(request.user, everyone=everyone)
    sections = [
        (kind, heading, help, found.of_kind(kind))
        for kind, heading, help in SECTIONS
        if _shown(kind, request.user, everyone=everyone)
    ]
    shown = [entry for *_, entries in sections for entry in entries[:SHOWN]]
    owners = names(entry.standing.stewards.owner_id for entry in shown if entry.standing)
    for entry in shown:
        if entry.standing and entry.standing.stewards.owner_id:
            entry.owner_name = owners.get(entry.standing.stewards.owner_id, "")
    context = {
        "queue": found,
        "everyone": everyone,
        "can_see_everyone": roles.handles_all(request.user),
        "sections": [
            (kind, heading, help, entries[:SHOWN], max(0, len(entries) - SHOWN))
            for kind, heading, help, entries in sections
        ],
    }
    return render(request, "upkeep/queue.html", context)


def _shown(kind: str, user: Visitor, *, everyone: bool) -> bool:
    """搜索找不到 in everyone's queue only; 等我审核 to those who may publish."""
    if kind == "search":
        return everyone
    if kind == "to_review":
        return can_publish(user)
    return True


@require_POST
@login_required
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_object_or_404(Procedure, pk=pk)
    if not roles.handles(request.user, procedure):
        raise PermissionDenied("只有这个事项的负责人、备份负责人或审核发布人员可以复核。")
    form = ConfirmForm(request.POST)
    try:
        if not form.is_valid():
            raise Refused("复核说明最多 300 个字。")
        rechecks.confirm_unchanged(
            procedure, by=roles.account(request), note=form.cleaned_data["note"]
        )
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        found = standing_of(procedure)
        messages.success(
            request, f"已记录“已复核，无需修改”。下次复核日期：{found.due_on:%Y年%-m月%-d日}。"
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = procedure.get_absolute_url()
    return redirect(back)


@require_GET
@login_required
def feedback_list(request: HttpRequest, slug: str) -> HttpResponse:
    if not roles.sees_queue(request.user):
        raise PermissionDenied("居民反馈给事项负责人和审核发布人员看。")
    procedure = get_object_or_404(Procedure.objects.public(), slug=slug)
    rows = PageFeedback.objects.filter(procedure=procedure).select_related("version")[:300]
    totals = PageFeedback.objects.filter(procedure=procedure).aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    found = standing_of(procedure)
    context = {
        "procedure": procedure,
        "rows": rows,
        "totals": totals,
        "standing": found,
        "handles": roles.handles(request.user, procedure, found.stewards),
        "confirm_form": ConfirmForm(),
    }
    return render(request, "upkeep/feedback_list.html", context)
