"""这个页面对您有帮助吗: residents answer on the public page, which is stored and served to
everyone alike, so its form carries no CSRF token; a vote needs no session to protect, and each
client's votes are limited (upkeep.feedback)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from procedures.models import Procedure
from upkeep.exceptions import Refused
from upkeep.feedback import record_feedback
from upkeep.forms import FeedbackForm

NO_CHOICE = "没有收到您的选择，请返回页面重新点“有帮助”或“没帮到”。"


@csrf_exempt
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = get_object_or_404(Procedure.objects.public(), slug=slug)
    if request.method == "GET":  # opened again from the history after answering
        return redirect(procedure)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _answer(request, procedure, _problem(form), 400)
    data = form.cleaned_data
    try:
        recorded = record_feedback(
            request,
            procedure,
            version_id=data["version"],
            helpful=data["helpful"] == "1",
            reason=data["reason"],
            comment=data["comment"],
        )
    except Refused as refused:
        return _answer(request, procedure, str(refused), 400)
    if recorded is None:
        return _answer(request, procedure, "您今天已经反馈过了，谢谢！", 429)
    thanks = (
        "谢谢您的反馈！"
        if recorded.helpful
        else "谢谢您告诉我们！负责这个事项的工作人员会看到，并尽快核对、改进这个页面。"
    )
    return _answer(request, procedure, thanks, 200)


def _problem(form: FeedbackForm) -> str:
    if "comment" in form.errors:
        return "补充说明最多 200 个字。"
    if "reason" in form.errors:
        return "请从列表中选择原因。"
    return NO_CHOICE


def _answer(request: HttpRequest, procedure: Procedure, message: str, status: int) -> HttpResponse:
    return render(
        request,
        "upkeep/feedback_done.html",
        {"procedure": procedure, "message": message, "ok": status == 200},
        status=status,
    )
