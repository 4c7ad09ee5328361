"""Which entries match a query, and in which order: candidates from the full-text engine, scored.

1. the database's full-text engine (SQLite FTS5, PostgreSQL tsvector + GIN, `search.backends`)
   finds candidates: the best matches on titles and aliases, and the best matches on the whole
   guide, looked for by the most telling groups of terms within a budget;
2. the candidates in force on the day are scored by `search.scoring`, weighing every part of
   the query by its rarity (BM25's idf), counted here through the backend.
"""

import dataclasses
import datetime
import itertools
import math
import re
from collections.abc import Sequence

from django.db import connection

from search import analyzer, backends, cue_words, query_plan
from search.models import SearchEntry
from search.scoring import Document, score_document

# Candidates taken from each full-text query (names, then text), then scored here.
CANDIDATES = 20
# A lone character next to others (the 转 of 转党员关系) is weak evidence.
WEAK_WEIGHT = 0.2
# A sentence of LEAN_FROM characters or more leans towards its end (`_lean`, in each unit's
# weight): measured on the three catalogue query sets, 0.3 gained on each (0.4 and more lost
# on blind set 1).
LEAN = 0.3
# A word of what is done (证明, 申请, 补办) tells less of what the caller needs than the
# thing it is done for: 我是残疾人想开个证明 asks for 残疾人证, not for any 证明.
GENERIC_WEIGHT = 0.5
LEAN_FROM = 5
# Parts of the query found in more than this share of entries (and more than the floor) are
# too common to find candidates by their text (they still count in scoring).
COMMON_SHARE = 0.05
COMMON_FLOOR = 500
# Entries fetched from each full-text query: the candidates, and room for versions that are
# not in force today (upcoming ones) which are dropped afterwards.
FETCHED = CANDIDATES + CANDIDATES // 2
# How many entries the groups of terms a candidate query looks for may match together, beyond
# its most selective groups: this bounds the time of a query whatever the size of the library.
MATCH_BUDGET = 2000
MIN_CLAUSES = 3
# Counts of terms held by at least this many entries are remembered between queries.
REMEMBERED_FROM = 100
REMEMBERED_TERMS = 100_000


@dataclasses.dataclass
class Scored:
    score: float
    entry: Document
    # Every part of the query was found in the title or an alias.
    named: bool = False
    # The share of the query's characters found in the entry as written or as a synonym.
    said: float = 0.0
    # What was found as said holds more than generic words (申请, 补办 …).
    specific: bool = True
    # The part of the score from groups the sentence resembles (`search.resemblance`).
    hinted: float = 0.0


@dataclasses.dataclass(frozen=True)
class Frequencies:
    """How many entries hold each term: in titles and aliases, and in the rest."""

    head: dict[str, int]
    content: dict[str, int]
    total: int

    def of(self, term: str) -> int:
        return max(self.head.get(term, 0), self.content.get(term, 0))

    def of_all(self, terms: Sequence[str], *, head_only: bool = False) -> int:
        """Entries that may hold all of `terms` (at most the rarest's count)."""
        counts = [self.head.get(t, 0) if head_only else self.of(t) for t in terms]
        return min(counts, default=0)


def rank(
    plan: query_plan.QueryPlan,
    *,
    internal: bool,
    today: datetime.date,
    entries: int,
    enough: int = 10,
) -> list[Scored]:
    """Candidates from the full-text engine, scored by `score_document`, best first.

    Candidates come from titles and aliases first. If the best of them holds every part of the
    query in its name and there are `enough`, no guide found by its text alone could rank
    above it (text counts less than a name), so the second full-text query is spared.
    `entries` is the size of the index (kept between queries by `search.kept`).
    """
    backend = backends.for_connection()
    frequencies = _frequencies(plan, backend, max(1, entries))
    weights = [_unit_weights(reading, frequencies) for reading in plan.readings]
    head = _clauses(plan, frequencies, head=True)
    content = _clauses(plan, frequencies, head=False)
    if not head and not content:
        return []
    # A term in many guides finds nothing in particular in their text, and costs the most.
    common = max(COMMON_SHARE * frequencies.total, COMMON_FLOOR)
    rare = [c for c in content if frequencies.of_all(c) <= common]
    seen = set(backend.top(head, head=True, internal=internal, limit=FETCHED))
    scored = _scored(_entries(seen, internal=internal, today=today), plan, weights)
    best = max(scored, key=lambda s: s.score, default=None)
    if len(scored) < enough or best is None or not best.named:
        found = backend.top(rare or content, head=False, internal=internal, limit=FETCHED)
        more = set(found) - seen
        scored += _scored(_entries(more, internal=internal, today=today), plan, weights)
    if any(s.hinted for s in scored) and any(s.named for s in scored):
        # The query names an item (失能老人津贴发放备案): what it resembles ranks nothing.
        scored = [dataclasses.replace(s, score=s.score - s.hinted, hinted=0.0) for s in scored]
        scored = [s for s in scored if s.score > 0]
    scored.sort(key=lambda s: (-s.score, len(s.entry.title), s.entry.version_id))
    return scored


# A caller asking for everything an occasion takes (生孩子要办哪些, 开店一条龙) wants the 一件事
# that lists it all, ahead of any single item that matches as well or a little better.
LIST_INTENT = re.compile(r"办哪些|哪些手续|哪些事|一件事|一次办|一条龙|都要办|都得办")
BUNDLE_SHARE = 0.5


def prefer_bundles(ranked: list[Scored], query: str) -> list[Scored]:
    """Bundles scoring at least BUNDLE_SHARE of the best first, when the query asks for a list."""
    if not ranked or not LIST_INTENT.search(query):
        return ranked
    close = [s.entry.version_id for s in ranked if s.score >= BUNDLE_SHARE * ranked[0].score]
    bundles = set(
        SearchEntry.objects.filter(version_id__in=close, procedure__kind="bundle").values_list(
            "version_id", flat=True
        )
    )
    first = [s for s in ranked if s.entry.version_id in bundles]
    return first + [s for s in ranked if s.entry.version_id not in bundles]


# A caller telling of what someone else does wrong (偷偷卖烟给小学生, 谁来管管) wants the hall's
# 投诉 or 举报 item of it, ahead of the licences the same words name, as long as it answers.
COMPLAINT = re.compile("|".join(cue_words.COMPLAINT_WORDS))
COMPLAINT_TITLE = re.compile("投诉|举报")
# The share of the best score a result needs to answer at all (`answers.BEST_SHARE`).
COMPLAINT_SHARE = 0.4


def prefer_complaints(ranked: list[Scored], folded: str) -> list[Scored]:
    """Complaint items scoring at least COMPLAINT_SHARE of the best first, when the caller
    (the folded query) complains; their order, and everyone else's, kept."""
    if not ranked or not COMPLAINT.search(folded):
        return ranked
    best = max(s.score for s in ranked)
    first = [
        s
        for s in ranked
        if COMPLAINT_TITLE.search(s.entry.title) and s.score >= COMPLAINT_SHARE * best
    ]
    kept = {id(s) for s in first}
    return first + [s for s in ranked if id(s) not in kept]


def _scored(rows: list[dict], plan: query_plan.QueryPlan, weights: list) -> list[Scored]:
    scored = []
    for row in rows:
        document = Document(row)
        score, named, said, specific, hinted = max(
            score_document(reading, reading_weights, document)
            for reading, reading_weights in zip(plan.readings, weights, strict=True)
        )
        if score > 0:
            scored.append(Scored(score, document, named, said, specific, hinted))
    return scored


def _written(unit: query_plan.Unit) -> list[query_plan.Alternative]:
    """The alternatives of a unit as the query has it (not by sound or as an abbreviation)."""
    written = [a for a in unit.alternatives if a.kind in ("text", "word", "initials")]
    return written or [a for a in unit.alternatives if a.kind == "pinyin"]


def _frequencies(
    plan: query_plan.QueryPlan, backend: backends.FullTextIndex, total: int
) -> Frequencies:
    """Entries holding each term that matters, looked up in two rounds.

    Counting a term reads its whole list of entries, so terms only needed when others are
    missing (homophones, abbreviations) are counted in a second round, and lone characters only
    among titles and aliases.
    """
    counter = _Counter(backend, total)
    units = [unit for reading in plan.readings for unit in reading.units]
    anywhere = {t for u in units if not u.weak for a in _written(u) for t in a.index_terms()}
    in_names = {t for u in units if u.weak for a in u.alternatives for t in a.index_terms()}
    frequencies = counter.count(anywhere, in_names)
    anywhere, in_names = set(), set()
    for unit in units:
        written = _written(unit)
        if unit.weak:
            continue
        if not any(frequencies.of_all(a.index_terms()) for a in written):
            sounds = [a for a in unit.alternatives if a.kind == "pinyin"]
            anywhere.update(t for a in sounds for t in a.index_terms())
        if not any(frequencies.of_all(a.index_terms(), head_only=True) for a in written):
            in_names.update(
                t for a in unit.alternatives if a.in_names_only for t in a.index_terms()
            )
    more = counter.count(anywhere, in_names)
    frequencies.head.update(more.head)
    frequencies.content.update(more.content)
    return frequencies


class _Counter:
    """Counts terms through the backend, remembering the counts of common terms.

    A common term is the costly one to count (its list of entries is long), and its count
    moves slowly: being a few off changes its weight by nothing. Rare terms, cheap to count and
    quick to change (an alias added a moment ago), are always counted afresh. The memory is
    dropped when the library grows or shrinks by a tenth.
    """

    remembered: dict = {}

    def __init__(self, backend: backends.FullTextIndex, total: int):
        self.backend = backend
        self.total = total
        memory = type(self).remembered
        database = connection.settings_dict["NAME"]
        known_total = memory.get("total", 0)
        if memory.get("database") != database or not (
            0.9 * known_total <= total <= 1.1 * known_total
        ):
            memory.clear()
            memory.update(database=database, total=total, counts={})
        self.counts: dict[tuple[str, bool], tuple[int, int]] = memory["counts"]

    def count(self, anywhere: set[str], in_names: set[str]) -> Frequencies:
        head: dict[str, int] = {}
        content: dict[str, int] = {}
        wanted = [(t, True) for t in anywhere] + [(t, False) for t in in_names - anywhere]
        missing = []
        for term, everywhere in wanted:
            known = self.counts.get((term, everywhere)) or self.counts.get((term, True))
            if known:
                head[term], content[term] = known
            else:
                missing.append((term, everywhere))
        found_head, found_content = self.backend.count(
            sorted(t for t, everywhere in missing if everywhere),
            sorted(t for t, everywhere in missing if not everywhere),
        )
        if len(self.counts) > REMEMBERED_TERMS:
            self.counts.clear()
        for term, everywhere in missing:
            counts = (found_head.get(term, 0), found_content.get(term, 0))
            head[term], content[term] = counts
            if max(counts) >= REMEMBERED_FROM:
                self.counts[(term, everywhere)] = counts
        return Frequencies(head, content, self.total)


def _clauses(
    plan: query_plan.QueryPlan, frequencies: Frequencies, *, head: bool
) -> list[tuple[str, ...]]:
    """What to find candidates with: groups of terms an entry must all hold, any group will do.

    Every group costs time for every entry it matches, so a query part is looked up as written
    where the index knows it, by its sound only where it does not (保帐), and as an
    abbreviation (低保 in 最低生活保障) only where no title or alias holds it as written. Lone
    characters are looked up only if the query has nothing else. A group the sentence only
    resembles finds nothing: it ranks what the query's own words found.
    """
    for weak in (False, True):
        clauses = set()
        for reading in plan.readings:
            for unit in reading.units:
                if unit.weak == weak and not unit.hint:
                    clauses.update(_unit_clauses(unit, frequencies, head=head))
        if clauses:
            return _within_budget(sorted(clauses), frequencies, head=head)
    return []


def _within_budget(
    clauses: list[tuple[str, ...]], frequencies: Frequencies, *, head: bool
) -> list[tuple[str, ...]]:
    """The most selective groups, while the entries they match stay within the budget.

    Ranking scores every entry a group matches, so a group in half the library costs far
    more than it tells; the rarest groups are always kept.
    """

    def count(clause: tuple[str, ...]) -> int:
        return frequencies.of_all(clause, head_only=head)

    kept: list[tuple[str, ...]] = []
    matched = 0
    for clause in sorted(clauses, key=count):
        matched += count(clause)
        if len(kept) >= MIN_CLAUSES and matched > MATCH_BUDGET:
            break
        kept.append(clause)
    return kept


def _unit_clauses(
    unit: query_plan.Unit, frequencies: Frequencies, *, head: bool
) -> list[tuple[str, ...]]:
    written = _written(unit)
    known = [a for a in written if frequencies.of_all(a.index_terms())]
    in_names = [a for a in written if frequencies.of_all(a.index_terms(), head_only=True)]
    chosen = list(known)
    if not known:
        chosen += [a for a in unit.alternatives if a.kind == "pinyin"]
    if head and not in_names:
        chosen += [a for a in unit.alternatives if a.kind in ("sequence", "pinyin_sequence")]
    clauses: list[tuple[str, ...]] = []
    if head and not in_names and any(a.kind == "initials" for a in unit.alternatives):
        # Initials with a letter more or less than the title's (gljt for 高龄老人津贴).
        letters = unit.alternatives[0].value
        prefix = analyzer.INITIALS_PREFIX
        clauses += [(prefix + a + b,) for a, b in itertools.pairwise(letters)]
    for alternative in chosen:
        terms = alternative.index_terms()
        if not terms or (not head and alternative.in_names_only):
            continue
        if frequencies.of_all(terms, head_only=head and alternative.in_names_only):
            clauses.append(terms)
    return clauses


def _unit_weights(reading: query_plan.Reading, frequencies: Frequencies) -> list[float]:
    """Each unit's weight: its rarity among entries (BM25's idf) times its size."""
    weights = []
    for unit in reading.units:
        counts = [_frequency(a, frequencies) for a in unit.alternatives]
        # The characters as written tell how common the word is; a homophone only stands in.
        frequency = counts[0] or max(counts)
        if frequency == 0:
            weights.append(0.0)
            continue
        total = frequencies.total
        idf = math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))
        size = WEAK_WEIGHT if unit.weak else 1 if unit.hint else max(1, unit.size - 1)
        generic = GENERIC_WEIGHT if unit.alternatives[0].value in query_plan.GENERIC_WORDS else 1.0
        weights.append(idf * size * generic * _lean(unit, len(reading.content)))
    return weights


def _lean(unit: query_plan.Unit, length: int) -> float:
    """How much a part of a sentence counts by where it stands: a caller sets the scene first
    and says what they want after it (小超市想卖烟, 春节想在小卖部卖点鞭炮), so a later part
    counts a little more, up to LEAN/2 above the middle; a short query is all one thing."""
    if length < LEAN_FROM:
        return 1.0
    middle = unit.start + unit.size / 2
    return 1.0 + LEAN * (middle / length - 0.5)


def _frequency(alternative: query_plan.Alternative, frequencies: Frequencies) -> int:
    terms = alternative.index_terms()
    if alternative.kind == "initials_sequence":
        # Letters a few apart need not be neighbours anywhere: any pair will do.
        return max((frequencies.of(term) for term in terms), default=0)
    return frequencies.of_all(terms)


ENTRY_FIELDS = (
    "version_id",
    "head",
    "head_pinyin",
    "head_initials",
    "materials",
    "materials_pinyin",
    "body",
)


def _entries(version_ids: set[int], *, internal: bool, today: datetime.date) -> list[dict]:
    """Candidates in force on the day, the best `CANDIDATES` of each full-text query at most.

    Written as SQL: building the same query with the ORM cost more than running it.
    """
    if not version_ids:
        return []
    fields = ENTRY_FIELDS + (("internal",) if internal else ())
    quote = connection.ops.quote_name
    ids = sorted(version_ids)
    day = connection.ops.adapt_datefield_value(today)
    sql = (
        f"SELECT {', '.join(quote(field) for field in fields)}"
        f" FROM {quote(SearchEntry._meta.db_table)}"
        f" WHERE {quote('version_id')} IN ({', '.join(['%s'] * len(ids))})"
        f" AND {quote('valid_from')} <= %s"
        f" AND ({quote('valid_until')} IS NULL OR {quote('valid_until')} > %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, day, day])
        return [dict(zip(fields, row, strict=True)) for row in cursor.fetchall()]
