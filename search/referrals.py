"""The referral list (转介清单): which entry, if any, a query names.

A query names an entry when it contains the entry's title or one of its keywords, or when what
was said (fillers removed) is part of one of them (公积 of 公积金), compared after the folding
the analyzer applies (traditional to simplified, full-width, case) with spaces and punctuation
left out. Of several entries named, the one with the longest matching word wins: it is the most
specific. The list is short and kept by hand, so it is read whole for each query.
"""

from search import analyzer
from search.models import Referral

# A word shorter than this says too little to send someone across town.
MIN_WORD = 2


def compact(text: str) -> str:
    """Folded text without spaces or punctuation, as queries and words are compared."""
    return "".join(analyzer.runs(analyzer.fold(text)))


def match(query: str, *, said: str = "") -> Referral | None:
    """The entry of the list `query` names, or None; `said` is the query without fillers."""
    found = match_word(query, said=said)
    return found[0] if found else None


def match_word(query: str, *, said: str = "") -> tuple[Referral, str] | None:
    """The entry of the list `query` names and the words of the query that name it."""
    whole = compact(query)
    said = compact(said)
    if len(whole) < MIN_WORD:
        return None
    named = [(_matched_word(r, whole, said), r) for r in Referral.objects.all()]
    word, found = max(named, key=lambda pair: len(pair[0]), default=("", None))
    return (found, word) if word and found else None


def _matched_word(referral: Referral, whole: str, said: str) -> str:
    """The longest word of `referral` the query names (as the query has it); "" if none."""
    named = [referral.title, *referral.keywords]
    longest = ""
    for word in (compact(w) for w in named if isinstance(w, str)):
        if len(word) < MIN_WORD:
            continue
        if word in whole and len(word) > len(longest):
            longest = word
        elif len(said) >= MIN_WORD and said in word and len(said) > len(longest):
            longest = said
    return longest
