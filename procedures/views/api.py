"""The JSON search endpoint behind the live search boxes."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from procedures.search import search as run_search

MAX_QUERY_CHARS = 200
DEFAULT_LIMIT = 10
MAX_LIMIT = 50


@require_GET
def search(request) -> JsonResponse:
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
    results = run_search(query, user=request.user, limit=limit)
    return JsonResponse(
        {
            "query": query,
            "results": [
                {
                    "slug": r.slug,
                    "title": r.title,
                    "category": r.category,
                    "url": r.url,
                    "snippet": r.snippet,
                    "marks": list(r.marks),
                }
                for r in results
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _bad_request(query: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"query": query, "error": message, "results": []},
        status=400,
        json_dumps_params={"ensure_ascii": False},
    )
