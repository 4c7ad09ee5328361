"""The referral list (转介清单): which entry, if any, a query names.

A query names an entry when it contains the entry's title or one of its keywords, or when what
was said (fillers removed) is part of one of them (公积 of 公积金), compared after the folding
the analyzer applies (traditional to simplified, full-width, case) with spaces and punctuation
left out. Of several entries named, the one with the longest matching word wins: it is the most
specific. A keyword inside a longer word of the hall's own synonym table, as the query has it,
is not named: 违章建筑 is the 违法建设 the hall handles, not a driver's 违章; 消防年检 is not a
car's 年检. The list is short and kept by hand, so it is read whole (`search.kept` keeps it
between queries).
"""

import bisect
import itertools
from collections.abc import Iterable, Mapping

from search import analyzer
from search.models import Referral

# A word shorter than this says too little to send someone across town.
MIN_WORD = 2


def compact(text: str) -> str:
    """Folded text without spaces or punctuation, as queries and words are compared."""
    return "".join(analyzer.runs(analyzer.fold(text)))


def match(query: str, *, said: str = "") -> Referral | None:
    """The entry of the list `query` names, or None; `said` is the query without fillers."""
    return named(query, said=said)[0]


def shadows(
    referrals: Iterable[Referral], synonyms: Mapping[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """For each word of the list, the longer words of the synonym table (`synonyms`, each word
    to the others of its groups) that hold it: where the query has one of those, the word is
    theirs, not the list's. A longer word that is a synonym of the entry's own words
    (住房公积金 of 公积金) is the same thing and shadows nothing."""
    written = {compact(word): word for word in synonyms}
    known = sorted(written)
    # All the words in one text, each on its line: one search finds every word holding another.
    text = "\n".join(known)
    starts = list(itertools.accumulate((len(word) + 1 for word in known), initial=0))
    found: dict[str, set[str]] = {}
    for referral in referrals:
        own = {compact(w) for w in [referral.title, *referral.keywords] if isinstance(w, str)}
        for word in own - {""}:
            at = text.find(word)
            while at >= 0:
                longer = known[bisect.bisect_right(starts, at) - 1]
                same = {compact(w) for w in synonyms[written[longer]]} & own
                if longer not in own and not same:
                    found.setdefault(word, set()).add(longer)
                at = text.find(word, at + 1)
    return {word: tuple(sorted(longer)) for word, longer in found.items()}


def named(
    query: str,
    *,
    said: str = "",
    among: Iterable[Referral] | None = None,
    shadowed: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[Referral | None, set[str]]:
    """The entry of the list `query` names (the one with the longest word), and every word of
    any entry the query names (机动车 and 抵押登记 of 机动车抵押登记). `among` is the list when
    the caller has it (`search.kept`), else it is read; `shadowed` is `shadows` of it, if any."""
    whole = compact(query)
    said = compact(said)
    if len(whole) < MIN_WORD:
        return None, set()
    best: tuple[int, Referral | None] = (0, None)
    words: set[str] = set()
    for referral in Referral.objects.all() if among is None else among:
        found = {
            word
            for word in _matched_words(referral, whole, said)
            if not any(longer in whole for longer in (shadowed or {}).get(word, ()))
        }
        words |= found
        longest = max(map(len, found), default=0)
        if longest > best[0]:
            best = (longest, referral)
    return best[1], words


def _matched_words(referral: Referral, whole: str, said: str) -> set[str]:
    """The words of `referral` the query names, as the query has them."""
    found = set()
    for word in (compact(w) for w in [referral.title, *referral.keywords] if isinstance(w, str)):
        if len(word) < MIN_WORD:
            continue
        if word in whole:
            found.add(word)
        elif len(said) >= MIN_WORD and said in word:
            found.add(said)
    return found
