"""The search entry point: a query in, the procedures in force that answer it out, best first.

The query is planned (`search.query_plan`, with the synonym table editors keep), ranked
(`search.ranking`), split into the results that answer it and the weaker, related ones
(`search.answers`), and the best become results with a snippet and marks (`search.snippets`).
When nothing answers, the referral list says where to go instead (`search.referrals`). A query
with no answer is counted, for editors to add the alias, synonym or referral it lacked.
"""

import dataclasses
import datetime
import functools
from collections.abc import Sequence
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from procedures import roles
from procedures.models import Procedure
from search import analyzer, answers, kept, query_plan, ranking, referrals, snippets, variants
from search.models import Referral, SearchEntry, SearchMiss
from sopdesk.bookkeeping import best_effort, within_quota

# Longer input is refused by the API; search reads at most this much of a query.
MAX_QUERY_LENGTH = 100
# Queries one client may note as misses in ten minutes, and how many misses are kept.
MISS_QUOTA = 30
MAX_MISSES = 5000


@dataclasses.dataclass(frozen=True)
class Result:
    slug: str
    title: str
    category: str
    url: str
    snippet: str
    # Substrings of the title and snippet that matched, for highlighting.
    marks: tuple[str, ...] = ()
    # Procedure.Kind: item, family (同类事项引导) or bundle (一件事).
    kind: str = "item"
    # Shown with items that differ from it only by an action or level word (食品经营许可证 新办 /
    # 变更 / 注销): the family's name, and the words that make this one this variant.
    family: str = ""
    variant: tuple[str, ...] = ()

    @property
    def title_parts(self) -> list[tuple[str, bool]]:
        """The title in pieces, each saying whether it is one of the variant's words."""
        return variants.split_title(self.title, self.variant)

    @property
    def kind_label(self) -> str:
        return "" if self.kind == "item" else Procedure.Kind(self.kind).label


@dataclasses.dataclass(frozen=True)
class Answer:
    """What search says to a query: the procedures that answer it, the related ones, and
    where to go instead if the referral list names it."""

    results: list[Result] = dataclasses.field(default_factory=list)
    related: list[Result] = dataclasses.field(default_factory=list)
    referral: Referral | None = None
    # False when the query held nothing to search for (empty, punctuation only).
    searched: bool = False

    @property
    def result_groups(self) -> list[tuple[str, list[Result]]]:
        """The results in order, a family's members (side by side) as one group."""
        return _grouped(self.results)

    @property
    def related_groups(self) -> list[tuple[str, list[Result]]]:
        """The related results, each as a group of its own (they are not offered as choices)."""
        return [("", [result]) for result in self.related]

    @property
    def not_here(self) -> bool:
        """Something was asked, and no procedure of the hall answers it."""
        return self.searched and not self.results

    @property
    def miss_kind(self) -> str | None:
        """How editors see this query among the unanswered ones; None if it was answered."""
        if not self.not_here:
            return None
        if self.referral:
            return SearchMiss.Kind.REFERRAL
        return SearchMiss.Kind.WEAK if self.related else SearchMiss.Kind.MISS


def _grouped(results: Sequence[Result]) -> list[tuple[str, list[Result]]]:
    groups: list[tuple[str, list[Result]]] = []
    for result in results:
        if result.family and groups and groups[-1][0] == result.family:
            groups[-1][1].append(result)
        else:
            groups.append((result.family, [result]))
    return groups


def search(
    query: str,
    *,
    user: roles.Visitor,
    limit: int = 10,
    on: datetime.date | None = None,
    record_miss: bool = True,
    client: str = "",
) -> Answer:
    """Procedures in force on the day (today) that answer `query`, and those related to it.

    Of the `limit` best, those that answer come as results, the others as related, each best
    first. Internal notes are searched, and shown in snippets, only for users who may read them.
    A query with no answer is noted, within the asking `client`'s quota.
    """
    query = query[:MAX_QUERY_LENGTH]
    standing = kept.standing()
    plan = query_plan.analyze_query(query, standing.synonyms)
    if plan.is_empty:
        return Answer()
    internal = roles.sees_internal_notes(user)
    ranked = ranking.rank(
        plan,
        internal=internal,
        today=on or timezone.localdate(),
        enough=limit,
        entries=standing.entries,
    )
    cue = variants.cue_of(plan.folded)
    ranked = variants.arrange(
        ranked, plan.folded, cue, title=lambda s: s.entry.title, score=lambda s: s.score
    )
    # After the families are arranged: a cue (开饭店 asks for a 新办) reorders them by score.
    ranked = ranking.prefer_bundles(ranked, query)
    ranked = ranking.prefer_complaints(ranked, plan.folded)
    if cue:
        ranked = _cue_said(ranked, cue, plan)
    answering, related = answers.split(ranked[:limit], len(plan.readings[0].content))
    if cue is None:
        answering, related = answers.families_whole(ranked[:limit], answering, _family_key)
    referral, referred = referrals.named(
        query,
        said=plan.readings[0].content,
        among=standing.referrals,
        shadowed=standing.shadowed,
    )
    if referred:
        answering, related = _sent_elsewhere(answering, related, referred)
    related = answers.shown_related(related)
    pages = _pages([*answering, *related], internal=internal)
    answer = Answer(
        results=_results(answering, pages, plan),
        related=_results(related, pages, plan),
        referral=referral,
        searched=True,
    )
    if answer.miss_kind and record_miss:
        note_miss(plan.folded, client=client, kind=answer.miss_kind)
    return answer


def _family_key(scored: ranking.Scored) -> str:
    family = variants.family_of(scored.entry.title)
    return family.key if family else ""


def _sent_elsewhere(
    answering: list[ranking.Scored], related: list[ranking.Scored], words: set[str]
) -> tuple[list[ranking.Scored], list[ranking.Scored]]:
    """When the query names things of the referral list (公积金贷款), a result whose name does
    not hold them all (创业担保贷款) answers only the rest of the query: it is related."""

    def names_them(scored: ranking.Scored) -> bool:
        names = scored.entry.title + "\n" + scored.entry.alias_text
        return all(analyzer.fold(word) in names for word in words)

    kept = [s for s in answering if names_them(s)]
    moved = [s for s in answering if s not in kept]
    return kept, moved + related


def _cue_said(
    ranked: Sequence[ranking.Scored], cue: variants.Cue, plan: query_plan.QueryPlan
) -> list[ranking.Scored]:
    """A variant doing what the caller asked (补办 for 弄丢了) has those words of the query said,
    and scores as its family's best: the caller named the licence as much for it as for its
    siblings, whose lead came from the action words (不营业 puts 营业 in the query, and lifts
    …恢复营业 above …停业)."""
    content = plan.readings[0].content
    words = "".join(char for char in cue.words if char in content)
    share = len(words) / len(content) if content else 0.0
    best: dict[str, float] = {}
    for scored in ranked:
        key = _family_key(scored)
        best[key] = max(best.get(key, 0.0), scored.score)
    lifted = []
    for scored in ranked:
        if variants.does(scored.entry.title, cue):
            score = max(scored.score, best[_family_key(scored)])
            scored = dataclasses.replace(scored, score=score, said=min(1.0, scored.said + share))
        lifted.append(scored)
    return lifted


def note_miss(folded_query: str, *, client: str = "", kind: str = SearchMiss.Kind.MISS) -> None:
    """Count a query search could not answer, so editors can see the frequent ones.

    `kind` (a `SearchMiss.Kind`) is how it went this time: nothing found, only weak matches, or
    sent elsewhere by the referral list.

    Bookkeeping: it never fails the search, one client notes at most MISS_QUOTA queries in ten
    minutes, and the table keeps the MAX_MISSES most recent queries.
    """
    query = " ".join(folded_query.split())[:100]
    if len(query) < 2:
        return  # A single letter is someone still typing.
    if client and not within_quota(f"miss:{client}", limit=MISS_QUOTA, seconds=600):
        return
    best_effort("search-miss count", partial(_count_miss, query, kind, timezone.now()))


def _count_miss(query: str, kind: str, now: datetime.datetime) -> None:
    counted = {"count": F("count") + 1, "last_seen": now, "kind": kind}
    if SearchMiss.objects.filter(query=query).update(**counted):
        return
    try:
        with transaction.atomic():
            SearchMiss.objects.create(query=query, kind=kind, count=1, last_seen=now)
    except IntegrityError:
        SearchMiss.objects.filter(query=query).update(**counted)
        return
    prune_misses()


def prune_misses(keep: int | None = None) -> int:
    """Forget all but the `keep` (MAX_MISSES) most recently seen misses; how many went."""
    keep = MAX_MISSES if keep is None else keep
    newest_first = SearchMiss.objects.order_by("-last_seen", "-pk")
    first_dropped = list(newest_first.values_list("last_seen", flat=True)[keep : keep + 1])
    if not first_dropped:
        return 0
    deleted, _ = SearchMiss.objects.filter(last_seen__lte=first_dropped[0]).delete()
    return deleted


def _pages(ranked: Sequence[ranking.Scored], *, internal: bool) -> dict[int, dict]:
    """What results show of these entries (title, snippet sources, slug…), by version id;
    an entry whose procedure was retired meanwhile is left out."""
    if not ranked:
        return {}
    fields = [
        "version_id",
        "title",
        "snippets",
        "procedure__slug",
        "procedure__kind",
        "procedure__category__name",
    ]
    rows = SearchEntry.objects.filter(
        version_id__in=[s.entry.version_id for s in ranked], procedure__retired_at__isnull=True
    ).values(*fields, *(["internal_snippets"] if internal else []))
    return {row["version_id"]: row for row in rows}


def _results(
    ranked: Sequence[ranking.Scored], pages: dict[int, dict], plan: query_plan.QueryPlan
) -> list[Result]:
    if not ranked:
        return []
    needles = snippets.needles_of(plan)
    prefix = get_script_prefix()
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
                url=_detail_url(prefix, slug),
                snippet=snippet,
                marks=snippets.marks(page["title"], snippet, plan, needles, scored.entry),
                kind=page["procedure__kind"],
            )
        )
    return _with_families(results)


@functools.lru_cache(maxsize=4096)
def _detail_url(prefix: str, slug: str) -> str:
    """A procedure's address, remembered (reversing cost more than the rest of a result); the
    script prefix `reverse` reads is part of the key, so a site moved under another prefix
    never gets an old address."""
    return reverse("procedures:detail", args=[slug])


def _with_families(results: list[Result]) -> list[Result]:
    """Results next to a sibling of their family (as `variants.arrange` put them) say so."""
    families = [variants.family_of(result.title) for result in results]
    keys = [family.key if family else "" for family in families]
    marked = []
    for index, (result, family) in enumerate(zip(results, families, strict=True)):
        neighbours = keys[max(0, index - 1) : index] + keys[index + 1 : index + 2]
        if family is None or family.key not in neighbours:
            marked.append(result)
            continue
        marked.append(dataclasses.replace(result, family=family.name, variant=family.words))
    return marked
