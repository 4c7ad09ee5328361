"""What a result shows of its guide: the snippet, and the marks that highlight the match.

Snippets are cut from pieces of the guide as written (alias, material, step, FAQ…), stored with
the entry by `search.indexing`, so a result never loads its version. Matches are found in folded
text, which keeps the length of the original (`analyzer.fold`): a position found there is one in
the text as written.
"""

import bisect
import itertools
from collections.abc import Sequence

from search import analyzer, query_plan
from search.scoring import Document

SNIPPET_LENGTH = 90


def needles_of(plan: query_plan.QueryPlan) -> dict[str, float]:
    """Folded strings worth showing as matched, with how much each says."""
    needles: dict[str, float] = {}
    for reading in plan.readings:
        for unit in reading.units:
            if unit.weak or unit.hint:
                continue
            for alternative in unit.alternatives:
                if alternative.kind in ("text", "word"):
                    needles[alternative.value] = max(
                        needles.get(alternative.value, 0.0), len(alternative.value)
                    )
    return needles


def cut(segments: Sequence[str], needles: dict[str, float]) -> str:
    """The piece that holds most of the query (the first of equals), cut around its first match.

    The pieces are folded and searched as one text, each needle found by `str.find`, so the
    cost is that of the matches, not of every piece times every needle.
    """
    if not segments:
        return ""
    starts = list(itertools.accumulate((len(segment) + 1 for segment in segments), initial=0))
    folded = analyzer.fold("\n".join(segments))
    scores: dict[int, float] = {}
    firsts: dict[int, int] = {}
    for needle, weight in needles.items():
        counted = set()
        position = folded.find(needle)
        while position >= 0:
            index = bisect.bisect_right(starts, position) - 1
            inside = position + len(needle) < starts[index + 1]
            if inside and index not in counted:
                counted.add(index)
                scores[index] = scores.get(index, 0.0) + weight
                firsts[index] = min(firsts.get(index, position), position)
            position = folded.find(needle, position + 1)
    best, first = segments[0], 0
    if scores:
        index = min(scores, key=lambda i: (-scores[i], i))
        best, first = segments[index], firsts[index] - starts[index]
    start = max(0, first - 20) if len(best) > SNIPPET_LENGTH else 0
    text = best[start : start + SNIPPET_LENGTH]
    return ("…" if start else "") + text + ("…" if start + SNIPPET_LENGTH < len(best) else "")


def marks(
    title: str, snippet: str, plan: query_plan.QueryPlan, needles: dict[str, float], doc: Document
) -> tuple[str, ...]:
    """Substrings of the title and snippet as written that matched the query."""
    found = set()
    for text in (title, snippet):
        folded = analyzer.fold(text)
        for needle in needles:
            start = folded.find(needle)
            while start >= 0:
                found.add(text[start : start + len(needle)])
                start = folded.find(needle, start + 1)
    found |= _sound_marks(title, plan, doc)
    return tuple(sorted(found, key=lambda m: (-len(m), m)))


def _sound_marks(title: str, plan: query_plan.QueryPlan, doc: Document) -> set[str]:
    """Title characters matched by pinyin or initials rather than as written."""
    syllables = doc.title_syllables.split()
    initials = doc.title_initials
    if not (len(syllables) == len(initials) == len(title)):
        folded = analyzer.fold(title)
        syllables = analyzer.line_syllables(folded).split()
        initials = analyzer.initials_line(folded)
    found = set()
    for reading in plan.readings:
        for unit in reading.units:
            for alternative in unit.alternatives:
                if alternative.kind == "initials":
                    start = initials.find(alternative.value)
                    if start >= 0:
                        found.add(title[start : start + len(alternative.value)])
                elif alternative.kind == "pinyin" and "_" in alternative.value:
                    pair = alternative.value.split("_", 1)
                    for index in range(len(syllables) - 1):
                        if syllables[index : index + 2] == pair:
                            found.add(title[index : index + 2])
    return found
