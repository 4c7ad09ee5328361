"""Handout PDFs (一次性告知单): the version in force, or any version on record.

Answers in the query (`?hu-ji=wai-di-hu-ji`) print the handout of that case; a family whose
answers pick one variant prints the variant's handout for the same answers.
"""

import dataclasses
import logging

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from handouts.pdf import HandoutFontMissing, handout_pdf
from procedures.models import ProcedureVersion
from procedures.views.guides import Case, case_of
from procedures.views.lookups import (
    current_version_or_404,
    public_procedure_or_404,
    published_version_or_404,
    with_parts,
)

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


def _pdf_response(version: ProcedureVersion, request: HttpRequest) -> HttpResponse:
    large = request.GET.get("large") == "1"
    version, case = _printed(version, request)
    try:
        pdf = handout_pdf(version, large=large, case=case)
    except HandoutFontMissing as error:
        # The server needs a package installed; say so rather than print empty boxes.
        logger.error("Handout not printed: %s", error)
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = "-large" if large else ""
    filename = f"{version.procedure.slug}-v{version.number}{suffix}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def current_handout(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = public_procedure_or_404(slug)
    return _pdf_response(current_version_or_404(procedure), request)


@require_GET
def version_handout(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    procedure = public_procedure_or_404(slug)
    return _pdf_response(published_version_or_404(procedure, number), request)
