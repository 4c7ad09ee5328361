"""负责人与复核周期: 审核发布 assign each 条线 an owner, a backup and an interval, and single
procedures their own where they differ."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from procedures.models import Category, Procedure
from upkeep import roles, stewardship
from upkeep.exceptions import Refused
from upkeep.models import DEFAULT_INTERVAL_DAYS, CategoryUpkeep, ProcedureUpkeep
from upkeep.ownership import standings


def _assigner_or_403(request: HttpRequest) -> None:
    if not roles.handles_all(request.user):
        raise PermissionDenied("只有审核发布人员可以指定负责人。")


@require_GET
@login_required
def owners(request: HttpRequest) -> HttpResponse:
    _assigner_or_403(request)
    lines = {
        row.category_id: row for row in CategoryUpkeep.objects.select_related("owner", "backup")
    }
    rows = [(category, lines.get(category.pk)) for category in Category.objects.all()]
    return render(
        request, "upkeep/owners.html", {"rows": rows, "default_interval": DEFAULT_INTERVAL_DAYS}
    )


def _user(value: str, people: dict[int, User]) -> User | None:
    if not value:
        return None
    if not value.isdigit() or int(value) not in people:
        raise Refused("请从列表中选择负责人。")
    return people[int(value)]


def _interval(value: str, *, required: bool) -> int | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise Refused("请填写复核周期（天）。")
        return None
    if not text.isdigit():
        raise Refused(f"复核周期须是天数，“{text}”不是。")
    return int(text)


@require_http_methods(["GET", "POST"])
@login_required
def category_owners(request: HttpRequest, slug: str) -> HttpResponse:
    _assigner_or_403(request)
    category = get_object_or_404(Category, slug=slug)
    procedures = list(Procedure.objects.public().filter(category=category))
    people = {user.pk: user for user in stewardship.candidates()}
    own = {
        row.procedure_id: row for row in ProcedureUpkeep.objects.filter(procedure__in=procedures)
    }
    line = CategoryUpkeep.objects.filter(category=category).first()
    if request.method == "POST":
        try:
            with transaction.atomic():
                stewardship.assign_category(
                    category,
                    owner=_user(request.POST.get("owner", ""), people),
                    backup=_user(request.POST.get("backup", ""), people),
                    interval=_interval(request.POST.get("interval", ""), required=True) or 0,
                    allowed=set(people),
                )
                for procedure in procedures:
                    stewardship.assign_procedure(
                        procedure,
                        owner=_user(request.POST.get(f"owner-{procedure.pk}", ""), people),
                        backup=_user(request.POST.get(f"backup-{procedure.pk}", ""), people),
                        interval=_interval(
                            request.POST.get(f"interval-{procedure.pk}", ""), required=False
                        ),
                        allowed=set(people),
                    )
        except Refused as refused:
            messages.error(request, f"没有保存：{refused}")
        else:
            messages.success(request, f"已保存“{category}”的负责人与复核周期。")
            return redirect("upkeep:category_owners", slug=category.slug)
    found = standings(procedures)
    rows = [(p, own.get(p.pk), found[p.pk]) for p in procedures]
    return render(
        request,
        "upkeep/category_owners.html",
        {
            "category": category,
            "line": line,
            "rows": rows,
            "people": list(people.values()),
            "default_interval": DEFAULT_INTERVAL_DAYS,
        },
    )
