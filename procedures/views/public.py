"""Pages anyone may read: published, in-force content; internal notes only for staff."""

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from procedures import signals
from procedures.diffs import compare_versions
from procedures.models import Category, Material, Procedure, ProcedureVersion, Step
from procedures.roles import sees_internal_notes
from procedures.views.guides import case_of
from procedures.views.lookups import (
    current_version_or_404,
    public_procedure_or_404,
    published_version_or_404,
)
from sopdesk.page_cache import cache_for_residents, cached_for_residents


@require_GET
@cached_for_residents()
def category(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    procedures = Procedure.objects.public().filter(category=category)
    # 待完善: an item from the official catalogue whose checklist nobody has written yet.
    versions = ProcedureVersion.objects.annotate(
        awaiting=~Exists(Material.objects.filter(version=OuterRef("pk")))
        & ~Exists(Step.objects.filter(version=OuterRef("pk")))
    ).in_bulk([p.current_version_id for p in procedures])
    entries = [(p, versions[p.current_version_id]) for p in procedures]
    return render(request, "procedures/category.html", {"category": category, "entries": entries})


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = public_procedure_or_404(slug)
    version = current_version_or_404(procedure)
    signals.procedure_viewed.send(sender=Procedure, procedure=procedure, request=request)
    response = render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "version": version,
            "in_force": True,
            "upcoming": procedure.upcoming_version(),
            "neighbours": _neighbours(procedure),
            "call_mode": request.GET.get("view") == "call" and sees_internal_notes(request.user),
        },
    )
    # A guided case is stored under the query the page itself writes, so that made-up
    # query strings cannot fill the cache.
    query = request.META.get("QUERY_STRING", "")
    if not query or query == case_of(version, request.GET).query:
        cache_for_residents(response, viewed=procedure)
    return response


@require_GET
@cached_for_residents()
def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    procedure = public_procedure_or_404(slug)
    version = published_version_or_404(procedure, number)
    current = procedure.current_version()
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "version": version,
            "in_force": current is not None and current.pk == version.pk,
            "not_yet": version.effective_from is not None
            and version.effective_from > timezone.localdate(),
            "current": current,
        },
    )


@require_GET
@cached_for_residents()
def history(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = public_procedure_or_404(slug)
    versions = procedure.versions.on_record().select_related("published_by").order_by("-number")
    return render(
        request,
        "procedures/history.html",
        {
            "procedure": procedure,
            "versions": versions,
            "current": procedure.current_version(),
            "today": timezone.localdate(),
        },
    )


@require_GET
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """The history page's form: two version numbers, older first, to their diff page."""
    procedure = public_procedure_or_404(slug)
    try:
        a, b = sorted(int(request.GET[key]) for key in ("a", "b"))
    except (KeyError, ValueError):
        messages.error(request, "请选择两个版本进行比较。")
        return redirect("procedures:history", slug=procedure.slug)
    if a < 1:
        messages.error(request, "版本号从 1 开始，请从列表中选择版本。")
        return redirect("procedures:history", slug=procedure.slug)
    if a == b:
        messages.error(request, "请选择两个不同的版本。")
        return redirect("procedures:history", slug=procedure.slug)
    return redirect("procedures:diff", slug=procedure.slug, a=a, b=b)


@require_GET
def diff(request: HttpRequest, slug: str, a: int, b: int) -> HttpResponse:
    procedure = public_procedure_or_404(slug)
    old, new = (published_version_or_404(procedure, n) for n in (a, b))
    if a == b:
        raise Http404("请选择两个不同的版本进行比较。")
    return render(
        request,
        "procedures/diff.html",
        {
            "procedure": procedure,
            "old": old,
            "new": new,
            "diff": compare_versions(old, new, include_internal=sees_internal_notes(request.user)),
            "numbers": procedure.versions.on_record()
            .values_list("number", flat=True)
            .order_by("number"),
        },
    )


def _neighbours(procedure: Procedure) -> tuple[Procedure | None, Procedure | None]:
    """The previous and next procedure of its category, so a 条线 reads from start to end."""
    ordered = list(Procedure.objects.public().filter(category_id=procedure.category_id))
    index = next(i for i, p in enumerate(ordered) if p.pk == procedure.pk)
    previous = ordered[index - 1] if index > 0 else None
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    return previous, following
