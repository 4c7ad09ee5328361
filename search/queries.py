"""The search entry point: a query in, the procedures in force that match it out, best first.

The query is planned (`search.query_plan`, with the synonym table editors keep), ranked
(`search.ranking`), and the best become results with a snippet and marks (`search.snippets`).
A query that finds nothing is counted, for editors to add the alias or synonym it lacked.
"""

import dataclasses
import datetime
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.urls import reverse
from django.utils import timezone

from procedures import roles
from search import query_plan, ranking, snippets
from search.models import SearchEntry, SearchMiss, Synonym

# Longer input is refused by the API; search reads at most this much of a query.
MAX_QUERY_LENGTH = 100


@dataclasses.dataclass(frozen=True)
class Result:
    slug: str
    title: str
    category: str
    url: str
    snippet: str
    # Substrings of the title and snippet that matched, for highlighting.
    marks: tuple[str, ...] = ()


def search(
    query: str,
    *,
    user: roles.Visitor,
    limit: int = 10,
    on: datetime.date | None = None,
    record_miss: bool = True,
) -> list[Result]:
    """Procedures in force on the day (today) that match `query`, best first.

    Internal notes are searched, and shown in snippets, only for users who may read them.
    """
    plan = query_plan.analyze_query(query[:MAX_QUERY_LENGTH], _synonyms())
    if plan.is_empty:
        return []
    internal = roles.sees_internal_notes(user)
    ranked = ranking.rank(plan, internal=internal, today=on or timezone.localdate(), enough=limit)
    results = _results(ranked[:limit], plan, internal=internal)
    if not results and record_miss:
        note_miss(plan.folded)
    return results


def _synonyms() -> dict[str, tuple[str, ...]]:
    """The synonym table as the analyzer reads it, parsed again only after it changed."""
    stamp = Synonym.objects.aggregate(count=Count("pk"), changed=Max("updated_at"))
    key = (stamp["count"], stamp["changed"])
    if _synonym_cache.get("key") != key:
        groups = [s.word_list() for s in Synonym.objects.only("words")]
        _synonym_cache.update(key=key, index=query_plan.synonym_index(groups))
    index: dict[str, tuple[str, ...]] = _synonym_cache["index"]
    return index


_synonym_cache: dict = {}


def note_miss(folded_query: str) -> None:
    """Count a query that found nothing, so editors can see the frequent ones."""
    query = " ".join(folded_query.split())[:100]
    if len(query) < 2:
        return  # A single letter is someone still typing.
    now = timezone.now()
    if SearchMiss.objects.filter(query=query).update(count=F("count") + 1, last_seen=now):
        return
    try:
        with transaction.atomic():
            SearchMiss.objects.create(query=query, count=1, last_seen=now)
    except IntegrityError:
        SearchMiss.objects.filter(query=query).update(count=F("count") + 1, last_seen=now)


def _results(
    ranked: Sequence[ranking.Scored], plan: query_plan.QueryPlan, *, internal: bool
) -> list[Result]:
    if not ranked:
        return []
    fields = ["version_id", "title", "snippets", "procedure__slug", "procedure__category__name"]
    rows = SearchEntry.objects.filter(
        version_id__in=[s.entry.version_id for s in ranked], procedure__retired_at__isnull=True
    ).values(*fields, *(["internal_snippets"] if internal else []))
    pages = {row["version_id"]: row for row in rows}
    needles = snippets.needles_of(plan)
    results = []
    for scored in ranked:
        page = pages.get(scored.entry.version_id)
        if page is None:
            continue
        snippet = snippets.cut(page["snippets"] + page.get("internal_snippets", []), needles)
        slug = page["procedure__slug"]
        results.append(
            Result(
                slug=slug,
                title=page["title"],
                category=page["procedure__category__name"],
                url=reverse("procedures:detail", args=[slug]),
                snippet=snippet,
                marks=snippets.marks(page["title"], snippet, plan, needles, scored.entry),
            )
        )
    return results
