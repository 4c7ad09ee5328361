"""Finding what a URL names, or a 404: shared by page, handout and history views."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from procedures.models import FAQ, Material, Procedure, ProcedureVersion, Step

PARTS_PREFETCH = (
    Prefetch("materials", Material.objects.order_by("position", "pk")),
    Prefetch("steps", Step.objects.order_by("position", "pk")),
    Prefetch("faqs", FAQ.objects.order_by("position", "pk")),
    "questions",
    "members__target__latest_version",
    "cases",
)


def public_procedure_or_404(slug: str) -> Procedure:
    """A procedure that is not retired and has at least one version on record."""
    procedures = Procedure.objects.filter(retired_at__isnull=True, latest_version__isnull=False)
    return get_object_or_404(procedures.select_related("category"), slug=slug)


def current_version_or_404(procedure: Procedure) -> ProcedureVersion:
    """The version in force today, with its parts; 404 if nothing is in force yet."""
    version = procedure.current_version()
    if version is None:
        raise Http404("这个事项目前没有施行中的版本。")
    return with_parts(version.pk)


def published_version_or_404(procedure: Procedure, number: int) -> ProcedureVersion:
    """Version `number` of the procedure, if it is on record (drafts have no number)."""
    version = procedure.versions.on_record().filter(number=number).first()
    if version is None:
        raise Http404(f"没有第 {number} 版。")
    return with_parts(version.pk)


def with_parts(version_pk: int) -> ProcedureVersion:
    return (
        ProcedureVersion.objects.select_related("procedure__category", "published_by")
        .prefetch_related(*PARTS_PREFETCH)
        .get(pk=version_pk)
    )


def draft_or_404(pk: int) -> ProcedureVersion:
    return get_object_or_404(
        ProcedureVersion.objects.select_related("procedure"), pk=pk, status="draft"
    )
