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
from sopdesk.page_cache import fragment, fragment_key, keep_fragment

logger = logging.getLogger(__name__)
# The query strings of the handouts the pages and QR codes link most: which stored file they
# name is kept (under the page cache's revision, generation and date), so asking again costs
# no query. A guided case's handout is looked up each time (any query string could be sent).
KEPT_QUERIES = ("", "large=1")


@dataclasses.dataclass(frozen=True)
class KeptHandout:
    key: str
    filename: str


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


def _pdf_response(
    version: ProcedureVersion, request: HttpRequest, kept_at: str | None
) -> HttpResponseBase:
    large = request.GET.get("large") == "1"
    version, case = _printed(version, request)
    suffix = "-large" if large else ""
    filename = f"{version.procedure.slug}-v{version.number}{suffix}.pdf"
    try:
        key = stored_handout(version, large=large, case=case)
        try:
            response = stored_file_response(request, key, filename=filename)
        except FileNotFoundError:
            # Just after midnight another worker printed the new day's file and removed this
            # one between the two lines above: print it again.
            key = stored_handout(version, large=large, case=case)
            response = stored_file_response(request, key, filename=filename)
    except HandoutFontMissing as error:
        # The server needs a package installed; say so rather than print empty boxes.
        logger.error("Handout not printed: %s", error)
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    if kept_at is not None:
        keep_fragment(kept_at, KeptHandout(key, filename))
    return response


def _kept_response(
    request: HttpRequest, *where: object
) -> tuple[HttpResponseBase | None, str | None]:
    """The stored file this URL named before, answered without a query; else None and where to
    keep what it names (None for a query string not kept)."""
    query = request.META.get("QUERY_STRING", "")
    if query not in KEPT_QUERIES:
        return None, None
    kept_at = fragment_key("handout", *where, query)
    kept = fragment(kept_at)
    if isinstance(kept, KeptHandout):
        try:
            return stored_file_response(request, kept.key, filename=kept.filename), kept_at
        except FileNotFoundError:  # removed meanwhile: look it up again
            pass
    return None, kept_at


@require_GET
def current_handout(request: HttpRequest, slug: str) -> HttpResponseBase:
    response, kept_at = _kept_response(request, slug)
    if response is not None:
        return response
    procedure = public_procedure_or_404(slug)
    version = _printable(procedure, procedure.versions.in_force(), "这个事项目前没有施行中的版本。")
    return _pdf_response(version, request, kept_at)


@require_GET
def version_handout(request: HttpRequest, slug: str, number: int) -> HttpResponseBase:
    response, kept_at = _kept_response(request, slug, number)
    if response is not None:
        return response
    procedure = public_procedure_or_404(slug)
    versions = procedure.versions.on_record().filter(number=number)
    return _pdf_response(_printable(procedure, versions, f"没有第 {number} 版。"), request, kept_at)
