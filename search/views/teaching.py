"""教搜索: a search that found nothing, what it finds now, and the words that teach it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from procedures.models import Procedure
from search import teaching
from search.forms import TeachForm
from search.models import SearchMiss

MAX_FIND_CHARS = 100


@require_http_methods(["GET", "POST"])
@login_required
def miss(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("search.add_synonym"):
        raise PermissionDenied("教搜索是编辑和审核发布人员的工作：您的账号不能添加搜索同义词。")
    miss = get_object_or_404(SearchMiss, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "dismiss":
        return _dismiss(request, miss)
    form = TeachForm(request.POST or None, initial={"words": teaching.suggested_words(miss.query)})
    if request.method == "POST" and form.is_valid():
        procedure = Procedure.objects.public().filter(slug=form.cleaned_data["procedure"]).first()
        if procedure is None:
            form.add_error("procedure", "没有这个事项，或它已停用：请重新选择。")
        else:
            try:
                lesson = teaching.teach(miss, procedure, form.cleaned_data["words"], request.user)
            except teaching.NotTaught as refusal:
                form.add_error("words", str(refusal))
            else:
                return _taught(request, miss, lesson)
    answer = teaching.now(miss.query, request.user)
    find = request.GET.get("find", "").strip()[:MAX_FIND_CHARS]
    found = teaching.now(find, request.user) if find else None
    context = {
        "miss": miss,
        "answer": answer,
        "find": find,
        "found": found,
        "choices": teaching.choices(answer, found),
        "form": form,
        "chosen": form["procedure"].value() or "",
        "can_dismiss": request.user.has_perm("search.delete_searchmiss"),
    }
    return render(request, "search/miss.html", context, status=400 if form.errors else 200)


def _taught(request: HttpRequest, miss: SearchMiss, lesson: teaching.Lesson) -> HttpResponse:
    title = lesson.synonym.word_list()[0]
    if lesson.place == 1:
        messages.success(request, f"已教会搜索：现在搜“{miss.query}”，第一个结果就是“{title}”。")
        return redirect("upkeep:queue")
    where = f"排在第 {lesson.place} 位" if lesson.place else "还不在结果里"
    messages.warning(
        request,
        f"已添加同义词“{lesson.synonym.words}”，但搜“{miss.query}”时“{title}”{where}："
        "可以再加一个更有区别的说法，或在“搜索同义词”里修改这一组。",
    )
    return redirect(reverse("search:miss", args=[miss.pk]))


def _dismiss(request: HttpRequest, miss: SearchMiss) -> HttpResponse:
    if not request.user.has_perm("search.delete_searchmiss"):
        raise PermissionDenied("只有审核发布人员可以把搜索词从列表中去掉。")
    miss.delete()
    messages.success(request, f"“{miss.query}”已从“搜索找不到”中去掉；再有人这样搜，它会重新出现。")
    return redirect("upkeep:queue")
