"""Handout PDFs (一次性告知单): the version in force, or any version on record.

Answers in the query (`?hu-ji=wai-di-hu-ji`) print the handout of that case; a family whose
answers pick one variant prints the variant's handout for the same answers.
"""

import dataclasses
import logging

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_GET

from handouts.pdf import HandoutFontMissing, stored_handout
from handouts.serving import stored_file_response
from procedures.models import Procedure, ProcedureVersion, VersionQuerySet
from procedures.views.guides import Case, case_of
from procedures.views.lookups import PARTS_PREFETCH, public_procedure_or_404, with_parts

logger = logging.getLogger(__name__)


def _printed(version: ProcedureVersion, request: HttpRequest) -> tuple[ProcedureVersion, Case]:
    """What to print for the URL's answers: a family's chosen variant stands for the family."""
    case = case_of(version, request.GET)
    chosen = case.variant.view.version if case.variant is not None else None
    if chosen is None:
        return version, case
    variant = with_parts(chosen.pk)
    # The variant's materials for the answers, under the family's whole case: 首次申领 · 外地户籍.
    narrowed = case_of(variant, request.GET)
    return variant, dataclasses.replace(narrowed, questions=case.questions, answers=case.answers)


def _printable(procedure: Procedure, versions: VersionQuerySet, missing: str) -> ProcedureVersion:
    """The first of `versions` with what a stored handout's key reads: the case's questions and
    materials, and a family's or bundle's members. Steps are loaded only if it must be printed."""
    parts = PARTS_PREFETCH if procedure.is_composite else ("materials", "questions")
    version = versions.prefetch_related(*parts).first()
    if version is None:
        raise Http404(missing)
    return version


def _pdf_response(version: ProcedureVersion, request: HttpRequest) -> HttpResponseBase:
    large = request.GET.get("large") == "1"
    version, case = _printed(version, request)
    suffix = "-large" if large else ""
    filename = f"{version.procedure.slug}-v{version.number}{suffix}.pdf"
    try:
        key = stored_handout(version, large=large, case=case)
        try:
            return stored_file_response(request, key, filename=filename)
        except FileNotFoundError:
            # Just after midnight another worker printed the new day's file and removed this
            # one between the two lines above: print it again.
            key = stored_handout(version, large=large, case=case)
            return stored_file_response(request, key, filename=filename)
    except HandoutFontMissing as error:
        # The server needs a package installed; say so rather than print empty boxes.
        logger.error("Handout not printed: %s", error)
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")


@require_GET
def current_handout(request: HttpRequest, slug: str) -> HttpResponseBase:
    procedure = public_procedure_or_404(slug)
    versions = procedure.versions.in_force()
    return _pdf_response(_printable(procedure, versions, "这个事项目前没有施行中的版本。"), request)


@require_GET
def version_handout(request: HttpRequest, slug: str, number: int) -> HttpResponseBase:
    procedure = public_procedure_or_404(slug)
    versions = procedure.versions.on_record().filter(number=number)
    return _pdf_response(_printable(procedure, versions, f"没有第 {number} 版。"), request)
