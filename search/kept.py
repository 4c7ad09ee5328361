"""What every query reads and editors rarely change, kept in each process between queries.

The synonym table, the referral list and the number of entries in the index were read from the
database for every query: three statements, a few milliseconds, for rows that change a few
times a day. They are now read once per generation, a number in the shared `pages` cache that
renews whenever one of them changes (a synonym or referral saved or deleted, the index written,
a migration), at once and again on commit (`sopdesk.page_cache.renew`). Every worker compares
that number, one cache read, before it answers a query.
"""

import dataclasses
import threading

from django.db import connection

from search import query_plan, referrals
from search.models import Referral, SearchEntry, Synonym
from sopdesk import page_cache

GENERATION = "search:generation"


@dataclasses.dataclass(frozen=True)
class Standing:
    """The synonym index as the analyzer reads it, the referral list and the words of it the
    synonym table shadows, the index's size."""

    synonyms: query_plan.SynonymIndex
    referrals: tuple[Referral, ...]
    entries: int
    # The referral list's words inside longer words of the synonym table (`referrals.shadows`).
    shadowed: dict[str, tuple[str, ...]]


_kept: dict[tuple[str, int], Standing] = {}
_lock = threading.Lock()


def standing() -> Standing:
    """The synonyms, referrals and size of the index, read again only after they changed."""
    key = (str(connection.settings_dict["NAME"]), page_cache.generation(GENERATION))
    kept = _kept.get(key)
    if kept is None:
        kept = _read()
        with _lock:
            _kept.clear()
            _kept[key] = kept
    return kept


def renew() -> None:
    """Something search keeps changed: every worker reads it again at its next query."""
    page_cache.renew(GENERATION)


def _read() -> Standing:
    groups = [synonym.word_list() for synonym in Synonym.objects.only("words")]
    synonyms = query_plan.synonym_index(groups)
    kept_referrals = tuple(Referral.objects.all())
    return Standing(
        synonyms=synonyms,
        referrals=kept_referrals,
        entries=SearchEntry.objects.count(),
        shadowed=referrals.shadows(kept_referrals, synonyms),
    )
