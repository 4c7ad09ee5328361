"""Pages anyone may read: published, in-force content; internal notes only for staff."""

import dataclasses

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from procedures import signals, timeline
from procedures.diffs import compare_versions
from procedures.models import Category, Material, Procedure, ProcedureVersion, Step
from procedures.roles import can_edit, sees_internal_notes
from procedures.views.guides import case_of
from procedures.views.lookups import (
    public_procedure_or_404,
    published_version_or_404,
    with_parts,
)
from sopdesk.page_cache import (
    cache_for_residents,
    cached_for_residents,
    fragment,
    fragment_key,
    keep_fragment,
)


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


@dataclasses.dataclass(frozen=True)
class KeptPage:
    """What a procedure page shows of its version, the same for every reader who sees it as
    one does (residents; window staff; editors; in call mode or not; for one guided case)."""

    procedure: Procedure
    version: ProcedureVersion
    main: str
    end: str


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    call_mode = request.GET.get("view") == "call" and sees_internal_notes(request.user)
    kept, written = _kept_page(request, slug, call_mode=call_mode)
    procedure = kept.procedure
    signals.procedure_viewed.send(sender=Procedure, procedure=procedure, request=request)
    response = render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "version": kept.version,
            "in_force": True,
            "call_mode": call_mode,
            "body": kept,
        },
    )
    # A guided case is stored under the query the page itself writes, so that made-up
    # query strings cannot fill the cache.
    if written:
        cache_for_residents(response, viewed=procedure)
    return response


def _kept_page(request: HttpRequest, slug: str, *, call_mode: bool) -> tuple[KeptPage, bool]:
    """The page's version, kept or rendered; and whether its query string is one the page
    writes (none, or a guided case's), the only ones kept."""
    user = request.user
    audience = (sees_internal_notes(user), can_edit(user), call_mode)
    query = request.META.get("QUERY_STRING", "")
    key = fragment_key("procedure", slug, audience, query)
    kept = fragment(key)
    if isinstance(kept, KeptPage):
        return kept, True
    procedure = public_procedure_or_404(slug)
    version = procedure.current_version()
    if version is None:
        raise Http404("这个事项目前没有施行中的版本。")
    shown = with_parts(version.pk)
    case = case_of(shown, request.GET)
    context = {
        "procedure": shown.procedure,
        "version": shown,
        "in_force": True,
        "upcoming": procedure.upcoming_version(),
        "neighbours": _neighbours(procedure),
        "call_mode": call_mode,
        "case": case,
    }
    main, end = (
        render_to_string(f"procedures/_detail_{part}.html", context, request)
        for part in ("main", "end")
    )
    kept = KeptPage(procedure=procedure, version=version, main=main, end=end)
    written = not query or query == case.query
    if written:
        keep_fragment(key, kept)
    return kept, written


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
    versions = list(
        procedure.versions.on_record().select_related("published_by").order_by("-number")
    )
    current = procedure.current_version()
    today = timezone.localdate()
    states = {v.pk: timeline.state(v, current.pk if current else None, today) for v in versions}
    return render(
        request,
        "procedures/history.html",
        {
            "procedure": procedure,
            "versions": versions,
            "rows": [(version, states[version.pk]) for version in versions],
            "current": current,
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
