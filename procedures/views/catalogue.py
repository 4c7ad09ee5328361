"""The material catalogue (材料目录): each kind of document, and which procedures ask for it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from procedures.catalogue import usage
from procedures.models import Material, MaterialKind, Procedure


@require_GET
def material_kinds(request: HttpRequest) -> HttpResponse:
    """Every kind asked for by a procedure in force, the most widely asked first."""
    used = usage()
    kinds = sorted(
        (kind for kind in MaterialKind.objects.filter(pk__in=used)),
        key=lambda kind: (-len({p.pk for p, _ in used[kind.pk]}), kind.name),
    )
    entries = [(kind, _procedures(used[kind.pk])) for kind in kinds]
    return render(request, "procedures/material_kinds.html", {"entries": entries})


@require_GET
def material_kind(request: HttpRequest, pk: int) -> HttpResponse:
    return kind_page(request, get_object_or_404(MaterialKind, pk=pk))


def kind_page(request: HttpRequest, kind: MaterialKind) -> HttpResponse:
    """The kind's page; also the answer to a refused form upload on it (`blank_forms`)."""
    rows = usage([kind.pk]).get(kind.pk, [])
    return render(request, "procedures/material_kind.html", {"kind": kind, "rows": rows})


def _procedures(rows: list[tuple[Procedure, Material]]) -> list[Procedure]:
    """Each procedure once, however many of its rows ask for the kind."""
    return list({procedure.pk: procedure for procedure, _ in rows}.values())
