"""Handout PDFs (一次性告知单): the version in force, or any version on record."""

import logging

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from handouts.pdf import HandoutFontMissing, handout_pdf
from procedures.models import ProcedureVersion
from procedures.views.lookups import (
    current_version_or_404,
    public_procedure_or_404,
    published_version_or_404,
)

logger = logging.getLogger(__name__)


def _pdf_response(version: ProcedureVersion, request: HttpRequest) -> HttpResponse:
    large = request.GET.get("large") == "1"
    try:
        pdf = handout_pdf(version, large=large)
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
