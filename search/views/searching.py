"""Search as JSON (the live search boxes and outside tools) and as a results page."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from search.models import Referral
from search.queries import Answer, Result
from search.queries import search as run_search
from sopdesk.bookkeeping import client_of

MAX_QUERY_CHARS = 200
DEFAULT_LIMIT = 10
MAX_LIMIT = 50


@require_GET
def api(request: HttpRequest) -> JsonResponse:
    query = request.GET.get("q", "").strip()
    if len(query) > MAX_QUERY_CHARS:
        message = f"搜索词太长：请不超过 {MAX_QUERY_CHARS} 个字。"
        return _bad_request(query[:MAX_QUERY_CHARS], message)
    try:
        limit = int(request.GET.get("limit", DEFAULT_LIMIT))
    except ValueError:
        return _bad_request(query, "limit 必须是整数。")
    if not 1 <= limit <= MAX_LIMIT:
        return _bad_request(query, f"limit 必须在 1 到 {MAX_LIMIT} 之间。")
    answer = run_search(query, user=request.user, limit=limit, client=client_of(request))
    return JsonResponse(
        {
            "query": query,
            "results": [_item(r) for r in answer.results],
            "related": [_item(r) for r in answer.related],
            "referral": _referral(answer.referral),
            "not_here": answer.not_here,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _item(result: Result) -> dict:
    return {
        "slug": result.slug,
        "title": result.title,
        "category": result.category,
        "url": result.url,
        "snippet": result.snippet,
        "marks": list(result.marks),
        "kind": result.kind,
        "family": result.family,
        "variant": list(result.variant),
    }


def _referral(referral: Referral | None) -> dict | None:
    if referral is None:
        return None
    fields = ("title", "where", "address", "phone", "hours", "note", "url")
    return {field: getattr(referral, field) for field in fields}


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """Search results as a page: what the box shows without JavaScript, or on Enter."""
    query = request.GET.get("q", "").strip()
    error = f"搜索词太长：请不超过 {MAX_QUERY_CHARS} 个字。" if len(query) > MAX_QUERY_CHARS else ""
    answer = (
        run_search(query, user=request.user, limit=30, client=client_of(request))
        if query and not error
        else Answer()
    )
    return render(
        request,
        "search/results.html",
        {"query": query[:MAX_QUERY_CHARS], "answer": answer, "error": error},
    )


def _bad_request(query: str, message: str) -> JsonResponse:
    return JsonResponse(
        {
            "query": query,
            "error": message,
            "results": [],
            "related": [],
            "referral": None,
            "not_here": False,
        },
        status=400,
        json_dumps_params={"ensure_ascii": False},
    )
