"""练习 for staff, and the bank's questions, import/export and the team's results for trainers."""

import functools
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practice import question_bank, scheduling, stats, text_format
from practice.forms import AnswerForm, ImportForm, QuestionForm
from practice.models import Answer, Question
from practice.roles import can_practise, manages_bank
from procedures.models import Category

View = Callable[..., HttpResponse]


def clerk(request: HttpRequest) -> User:
    """The signed-in user: every view below is behind `staff_only` or `trainers_only`."""
    return cast(User, request.user)


def staff_only(view: View) -> View:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_practise(request.user):
            raise PermissionDenied("练习题库只对服务中心的工作人员开放。")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def trainers_only(view: View) -> View:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not manages_bank(request.user):
            raise PermissionDenied("只有培训负责人可以管理题库和查看全员练习情况。")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def chosen_category(request: HttpRequest) -> Category | None:
    slug = request.GET.get("category") or request.POST.get("category")
    return Category.objects.filter(slug=slug).first() if slug else None


@require_GET
@staff_only
def home(request: HttpRequest) -> HttpResponse:
    """Today's practice: the next due or new question, or the day's tally when done."""
    question_bank.refresh_stale()
    category = chosen_category(request)
    question = scheduling.next_question(clerk(request), category=category)
    form = AnswerForm(question, initial={"question": question.pk}) if question else None
    return render(request, "practice/home.html", practice_context(request, category, form))


def practice_context(
    request: HttpRequest, category: Category | None, form: AnswerForm | None
) -> dict[str, Any]:
    question = form.asked if form else None
    return {
        "category": category,
        "categories": Category.objects.all(),
        "form": form,
        "question": question,
        "source": question.procedure if question else None,
        "is_review": bool(question and question.cards.filter(user=clerk(request)).exists()),
        "due": scheduling.due_count(clerk(request), category=category),
        "new_today": scheduling.new_today(clerk(request)),
        "new_per_day": scheduling.NEW_PER_DAY,
        "next_due": scheduling.next_due(clerk(request), category=category),
        "manages_bank": manages_bank(request.user),
    }


@require_POST
@staff_only
def answer(request: HttpRequest) -> HttpResponse:
    number = request.POST.get("question", "")
    question = get_object_or_404(Question, pk=int(number) if number.isdecimal() else 0)
    category = chosen_category(request)
    if question.retired_at is not None:
        messages.warning(request, "这道题所依据的办事指南已经修改，题目已更新：请做下一题。")
        return redirect(home_url(category))
    form = AnswerForm(question, request.POST)
    if not form.is_valid():
        context = practice_context(request, category, form)
        return render(request, "practice/home.html", context, status=400)
    given = scheduling.record_answer(user=clerk(request), question=question, chosen=form.chosen())
    return redirect(f"{given.get_absolute_url()}{category_query(category)}")


@require_GET
@staff_only
def result(request: HttpRequest, pk: int) -> HttpResponse:
    given = get_object_or_404(Answer.objects.select_related("question"), pk=pk, user=clerk(request))
    category = chosen_category(request)
    context = {
        "answer": given,
        "question": given.question,
        "source": given.question.procedure,
        "category": category,
        "next_url": home_url(category),
    }
    return render(request, "practice/result.html", context)


def home_url(category: Category | None) -> str:
    return reverse("practice:home") + category_query(category)


def category_query(category: Category | None) -> str:
    return f"?category={category.slug}" if category else ""


@require_GET
@trainers_only
def team(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - stats.PERIOD
    context = {
        "by_category": stats.accuracy_by_category(since=since),
        "questions": stats.most_missed_questions(since=since),
        "procedures": stats.most_missed_procedures(since=since),
        "days": stats.PERIOD.days,
    }
    return render(request, "practice/team.html", context)


@require_GET
@trainers_only
def questions(request: HttpRequest) -> HttpResponse:
    own = Question.objects.live().filter(generated=False).select_related("category")
    counts = stats.generated_counts()
    context = {
        "own": own.order_by("-pk"),
        "generated": [
            (label, counts.get(name, 0)) for name, label in question_bank.GENERATOR_LABELS.items()
        ],
    }
    return render(request, "practice/questions.html", context)


@require_http_methods(["GET", "POST"])
@trainers_only
def question_new(request: HttpRequest) -> HttpResponse:
    form = QuestionForm(request.POST or None)
    if form.is_valid():
        form.instance.created_by = clerk(request)
        form.save()
        messages.success(request, "题目已保存，已加入大家的练习。")
        return redirect("practice:questions")
    return render(request, "practice/question_form.html", {"form": form, "title": "新增题目"})


@require_http_methods(["GET", "POST"])
@trainers_only
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.live(), pk=pk, generated=False)
    form = QuestionForm(request.POST or None, instance=question)
    if form.is_valid():
        form.save()
        messages.success(request, "题目已修改，大家的练习进度保留。")
        return redirect("practice:questions")
    return render(request, "practice/question_form.html", {"form": form, "title": "修改题目"})


@require_POST
@trainers_only
def question_retire(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.live(), pk=pk, generated=False)
    question_bank.retire(question, timezone.now())
    messages.success(request, "题目已停用，不再出现在练习里。")
    return redirect("practice:questions")


@require_http_methods(["GET", "POST"])
@trainers_only
def question_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if form.is_valid():
        try:
            text = text_format.decode(form.cleaned_data["file"].read(text_format.MAX_BYTES + 1))
            added, skipped = text_format.import_questions(text, by=clerk(request))
        except text_format.FormatError as error:
            problems = error.problems
        else:
            skipped_note = f"，跳过 {skipped} 道题库里已有的题" if skipped else ""
            messages.success(request, f"已导入 {len(added)} 道题{skipped_note}。")
            return redirect("practice:questions")
    context = {"form": form, "problems": problems}
    return render(request, "practice/import.html", context, status=400 if problems else 200)


@require_GET
@trainers_only
def question_export(request: HttpRequest) -> HttpResponse:
    category = chosen_category(request)
    chosen = Question.objects.live().select_related("category")
    if category:
        chosen = chosen.filter(category=category)
    body = text_format.format_questions(chosen.order_by("category__position", "procedure_id", "pk"))
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    name = f"tiku-{category.slug if category else 'all'}-{timezone.localdate():%Y%m%d}.txt"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
