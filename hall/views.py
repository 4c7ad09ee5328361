"""The hall's front page: its 条线, what staff open most, and what changed lately."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hall.recent import recently_viewed
from hall.tracking import most_viewed
from procedures.models import Category, Procedure, ProcedureVersion
from sopdesk.page_cache import cached_for_residents

# 高频事项 moves with every view: residents see the counts of at most a minute ago.
POPULAR_SECONDS = 60


@require_GET
@cached_for_residents(timeout=POPULAR_SECONDS)
def home(request: HttpRequest) -> HttpResponse:
    public = Procedure.objects.public().values("pk")
    categories = (
        Category.objects.annotate(count=Count("procedures", filter=Q(procedures__in=public)))
        .filter(count__gt=0)
        .order_by("position", "name")
    )  # Meta.ordering is dropped by GROUP BY
    recently_changed = (
        ProcedureVersion.objects.on_record()
        .filter(number__gt=1, procedure__retired_at__isnull=True)
        .select_related("procedure")
        .order_by("-published_at")[:8]
    )
    guides = (
        Procedure.objects.public()
        .exclude(kind=Procedure.Kind.ITEM)
        .order_by("kind", "category__position", "position")
    )
    return render(
        request,
        "hall/home.html",
        {
            "categories": categories,
            "bundles": [p for p in guides if p.kind == Procedure.Kind.BUNDLE],
            "popular": most_viewed(),
            "recently_changed": recently_changed,
            "recent": recently_viewed(request),
        },
    )
