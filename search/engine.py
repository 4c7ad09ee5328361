"""Search: the index of procedures in force, and the query that ranks them.

The analyzer (`search_analyzer`) turns text into terms. Here, the index is written (publishing
sends `procedures_changed`; `search.receivers` indexes within the same transaction) and queried in two steps:

1. the database's full-text engine (SQLite FTS5, PostgreSQL tsvector + GIN) finds candidates:
   the best matches on titles and aliases, and the best matches on the whole guide;
2. the candidates are scored here, the same way on both databases: every part of the query
   counts by its rarity (BM25's idf) and by the best field it is found in (title, alias,
   materials, then steps and FAQs); documents covering more of the query rank higher; a title
   or alias that is the query, starts with it or is contained in it gets a bonus.

Versions in force today and those published to take effect later are indexed, each with the
days it is in force; the query keeps the one whose days hold today.
"""

import dataclasses
import datetime
import functools
import itertools
import math
import re
from collections.abc import Callable, Iterable, Sequence

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from procedures import roles
from procedures.models import FAQ, Material, Procedure, ProcedureVersion, Step
from search import analyzer
from search.models import SearchEntry, SearchMiss, Synonym

# Longer input is refused by the API; the engine reads at most this much of a query.
MAX_QUERY_LENGTH = 100
# Candidates taken from each full-text query (names, then text), then scored here.
CANDIDATES = 20
# Where a query part is found, relative to the title.
BOOSTS = {"title": 1.0, "alias": 0.9, "materials": 0.45, "body": 0.2, "internal": 0.15}
BOOST_ORDER = tuple(BOOSTS.values())
# A lone character next to others (the 转 of 转党员关系) is weak evidence.
WEAK_WEIGHT = 0.2
# Parts of the query found in more than this share of entries (and more than the floor) are
# too common to find candidates by their text (they still count in scoring).
COMMON_SHARE = 0.05
COMMON_FLOOR = 500
# Entries fetched from each full-text query: the candidates, and room for versions that are
# not in force today (upcoming ones) which are dropped afterwards.
FETCHED = CANDIDATES + CANDIDATES // 2
# How many entries the groups of terms a candidate query looks for may match together, beyond
# its most selective groups: this bounds the time of a query whatever the size of the library.
MATCH_BUDGET = 5000
MIN_CLAUSES = 3
# Counts of terms held by at least this many entries are remembered between queries.
REMEMBERED_FROM = 100
REMEMBERED_TERMS = 100_000
SNIPPET_LENGTH = 90
BATCH_SIZE = 500


@dataclasses.dataclass(frozen=True)
class Result:
    slug: str
    title: str
    category: str
    url: str
    snippet: str
    # Substrings of the title and snippet that matched, for highlighting.
    marks: tuple[str, ...] = ()


# ---------------------------------------------------------------------------- indexing


def in_force_windows(
    versions: Iterable[tuple[int, int, datetime.date]], *, today: datetime.date
) -> dict[int, tuple[datetime.date, datetime.date | None]]:
    """Of versions (id, number, effective_from) of one procedure, those in force today or later.

    A version is in force from its date until a later-numbered version takes effect (the
    highest number in force wins), so its window ends at the earliest date among later ones.
    """
    ordered = sorted(versions, key=lambda v: v[1])
    windows = {}
    for index, (version_id, _, start) in enumerate(ordered):
        later = [effective for _, _, effective in ordered[index + 1 :]]
        until = min(later) if later else None
        if until is not None and (until <= start or until <= today):
            continue
        windows[version_id] = (start, until)
    return windows


def index_procedures(procedure_ids: Sequence[int]) -> int:
    """Bring these procedures' entries up to date; call inside the transaction that changed them."""
    return _index(list(procedure_ids))


def rebuild_index(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Index every procedure from scratch; returns the number of entries written."""
    ids = list(Procedure.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        _backend().clear()
        SearchEntry.objects.all().delete()
        return _index(ids, clear=False, progress=progress)


def _index(
    procedure_ids: Sequence[int],
    *,
    clear: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    written = 0
    for start in range(0, len(procedure_ids), BATCH_SIZE):
        written += _index_batch(procedure_ids[start : start + BATCH_SIZE], clear=clear)
        if progress:
            progress(min(start + BATCH_SIZE, len(procedure_ids)), len(procedure_ids))
    return written


def _index_batch(procedure_ids: Sequence[int], *, clear: bool) -> int:
    today = timezone.localdate()
    backend = _backend()
    if clear:
        old = list(
            SearchEntry.objects.filter(procedure_id__in=procedure_ids).values_list(
                "version_id", flat=True
            )
        )
        backend.delete(old)
        SearchEntry.objects.filter(version_id__in=old).delete()
    windows = _windows(procedure_ids, today=today)
    versions = (
        ProcedureVersion.objects.filter(pk__in=windows)
        .select_related("procedure__category")
        .prefetch_related(
            Prefetch("materials", Material.objects.order_by("position", "pk")),
            Prefetch("steps", Step.objects.order_by("position", "pk")),
            Prefetch("faqs", FAQ.objects.order_by("position", "pk")),
        )
    )
    entries, rows = [], []
    for version in versions:
        entry, terms = _document(version, *windows[version.pk])
        entries.append(entry)
        rows.append((version.pk, terms))
    backend.delete([version_id for version_id, _ in rows])
    SearchEntry.objects.bulk_create(entries, batch_size=200)
    backend.insert(rows)
    return len(entries)


def _windows(procedure_ids: Sequence[int], *, today: datetime.date) -> dict:
    live = set(
        Procedure.objects.filter(pk__in=procedure_ids, retired_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    by_procedure: dict[int, list] = {}
    rows = ProcedureVersion.objects.on_record().filter(procedure_id__in=live)
    for version_id, procedure_id, number, effective in rows.values_list(
        "pk", "procedure_id", "number", "effective_from"
    ):
        by_procedure.setdefault(procedure_id, []).append((version_id, number, effective))
    windows = {}
    for versions in by_procedure.values():
        windows.update(in_force_windows(versions, today=today))
    return windows


def _document(version: ProcedureVersion, valid_from, valid_until) -> tuple[SearchEntry, dict]:
    """The entry a version is scored from, and its full-text terms by column."""
    procedure = version.procedure
    fold = analyzer.fold
    title = _line(fold(version.title))
    aliases = [line for line in (_line(fold(a)) for a in procedure.aliases) if line]
    materials = "\n".join(
        fold(" ".join(filter(None, (m.name, m.condition, m.note)))) for m in version.materials.all()
    )
    public_parts = [
        version.summary,
        version.audience,
        version.conditions,
        version.department,
        version.location,
        version.hours,
        version.phone,
        version.time_limit,
        version.fee,
        version.basis,
        procedure.category.name,
        procedure.code,
        *(f"{step.title} {step.body}" for step in version.steps.all()),
        *(f"{faq.question} {faq.answer}" for faq in version.faqs.all()),
    ]
    internal_parts = [version.staff_notes, *(step.staff_note for step in version.steps.all())]
    body = fold("\n".join(filter(None, public_parts)))
    internal = fold("\n".join(filter(None, internal_parts)))
    snippets, internal_snippets = _snippet_sources(version)
    entry = SearchEntry(
        version_id=version.pk,
        procedure_id=procedure.pk,
        valid_from=valid_from,
        valid_until=valid_until,
        title=version.title,
        snippets=snippets,
        internal_snippets=internal_snippets,
        head="\n".join([title, *aliases]),
        head_pinyin="\n".join(analyzer.line_syllables(line) for line in [title, *aliases]),
        head_initials="\n".join(analyzer.initials_line(line) for line in [title, *aliases]),
        materials=materials,
        materials_pinyin=analyzer.material_pinyin(materials),
        body=body,
        internal=internal,
    )
    terms = {
        "title": analyzer.head_terms([title]),
        "aliases": analyzer.head_terms(aliases),
        "materials": analyzer.text_terms(materials, unigrams=True, homophones=True),
        "body": analyzer.text_terms(body, unigrams=False),
        "internal": analyzer.text_terms(internal, unigrams=False),
    }
    return entry, terms


def _line(text: str) -> str:
    return " ".join(text.split())


# Fields shown in snippets after the parts, with their labels.
VERSION_TEXT = (
    ("audience", "适用对象"),
    ("conditions", "受理条件"),
    ("location", "办理地点"),
    ("hours", "办理时间"),
    ("time_limit", "办理时限"),
    ("fee", "收费"),
    ("basis", "设定依据"),
)


def _snippet_sources(version: ProcedureVersion) -> tuple[list[str], list[str]]:
    """The text of a version as written, one piece per field or part, in reading order."""
    aliases = version.procedure.aliases
    pieces = ["俗称：" + "、".join(aliases) if aliases else "", version.summary]
    for material in version.materials.all():
        condition = f"（{material.condition}）" if material.condition else ""
        pieces.append(f"材料：{material.name}{condition}")
    pieces += [f"{step.title}：{step.body}" for step in version.steps.all()]
    pieces += [f"问：{faq.question} 答：{faq.answer}" for faq in version.faqs.all()]
    pieces += [
        f"{label}：{getattr(version, name)}"
        for name, label in VERSION_TEXT
        if getattr(version, name)
    ]
    notes = [version.staff_notes, *(step.staff_note for step in version.steps.all())]
    internal = [f"内部备注：{note}" for note in notes if note]
    return _plain_pieces(pieces), _plain_pieces(internal)


def _plain_pieces(pieces: Iterable[str]) -> list[str]:
    return [plain for plain in (_plain(piece) for piece in pieces) if plain]


# ---------------------------------------------------------------------------- querying


def search(
    query: str,
    *,
    user,
    limit: int = 10,
    on: datetime.date | None = None,
    record_miss: bool = True,
) -> list[Result]:
    """Procedures in force on the day (today) that match `query`, best first.

    Internal notes are searched, and shown in snippets, only for users who may read them.
    """
    plan = analyzer.analyze_query(query[:MAX_QUERY_LENGTH], _synonyms())
    if plan.is_empty:
        return []
    internal = roles.sees_internal_notes(user)
    ranked = rank(plan, internal=internal, today=on or timezone.localdate(), enough=limit)
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
        _synonym_cache.update(key=key, index=analyzer.synonym_index(groups))
    return _synonym_cache["index"]


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


@dataclasses.dataclass
class Scored:
    score: float
    entry: "Document"
    # Every part of the query was found in the title or an alias.
    named: bool = False


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
    plan: analyzer.QueryPlan, *, internal: bool, today: datetime.date, enough: int = 10
) -> list[Scored]:
    """Candidates from the full-text engine, scored by `score_document`, best first.

    Candidates come from titles and aliases first. If the best of them holds every part of the
    query in its name and there are `enough`, no guide found by its text alone could rank
    above it (text counts less than a name), so the second full-text query is spared.
    """
    backend = _backend()
    frequencies = _frequencies(plan, backend)
    weights = [_unit_weights(reading, frequencies) for reading in plan.readings]
    head = _clauses(plan, frequencies, head=True)
    content = _clauses(plan, frequencies, head=False)
    if not head and not content:
        return []
    # A term in many guides finds nothing in particular in their text, and costs the most.
    common = max(COMMON_SHARE * frequencies.total, COMMON_FLOOR)
    rare = [c for c in content if frequencies.of_all(c) <= common]
    seen = set(backend.top(head, head=True, internal=internal))
    scored = _scored(_entries(seen, internal=internal, today=today), plan, weights)
    best = max(scored, key=lambda s: s.score, default=None)
    if len(scored) < enough or best is None or not best.named:
        more = set(backend.top(rare or content, head=False, internal=internal)) - seen
        scored += _scored(_entries(more, internal=internal, today=today), plan, weights)
    scored.sort(key=lambda s: (-s.score, len(s.entry.title), s.entry.version_id))
    return scored


def _scored(rows: list[dict], plan: analyzer.QueryPlan, weights: list) -> list[Scored]:
    scored = []
    for row in rows:
        document = Document(row)
        score, named = max(
            score_document(reading, reading_weights, document)
            for reading, reading_weights in zip(plan.readings, weights, strict=True)
        )
        if score > 0:
            scored.append(Scored(score, document, named))
    return scored


def _written(unit: analyzer.Unit) -> list[analyzer.Alternative]:
    """The alternatives of a unit as the query has it (not by sound or as an abbreviation)."""
    written = [a for a in unit.alternatives if a.kind in ("text", "word", "initials")]
    return written or [a for a in unit.alternatives if a.kind == "pinyin"]


def _frequencies(plan: analyzer.QueryPlan, backend) -> Frequencies:
    """Entries holding each term that matters, looked up in two rounds.

    Counting a term reads its whole list of entries, so terms only needed when others are
    missing (homophones, abbreviations) are counted in a second round, and lone characters only
    among titles and aliases.
    """
    total = max(1, SearchEntry.objects.count())
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

    def __init__(self, backend, total: int):
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


def _clauses(plan: analyzer.QueryPlan, frequencies: Frequencies, *, head: bool) -> list:
    """What to find candidates with: groups of terms an entry must all hold, any group will do.

    Every group costs time for every entry it matches, so a query part is looked up as written
    where the index knows it, by its sound only where it does not (保帐), and as an
    abbreviation (低保 in 最低生活保障) only where no title or alias holds it as written. Lone
    characters are looked up only if the query has nothing else.
    """
    for weak in (False, True):
        clauses = set()
        for reading in plan.readings:
            for unit in reading.units:
                if unit.weak == weak:
                    clauses.update(_unit_clauses(unit, frequencies, head=head))
        if clauses:
            return _within_budget(sorted(clauses), frequencies, head=head)
    return []


def _within_budget(clauses: list, frequencies: Frequencies, *, head: bool) -> list:
    """The most selective groups, while the entries they match stay within the budget.

    The engine scores every entry a group matches, so a group in half the library costs far
    more than it tells; the rarest groups are always kept.
    """

    def count(clause):
        return frequencies.of_all(clause, head_only=head)

    kept, matched = [], 0
    for clause in sorted(clauses, key=count):
        matched += count(clause)
        if len(kept) >= MIN_CLAUSES and matched > MATCH_BUDGET:
            break
        kept.append(clause)
    return kept


def _unit_clauses(unit: analyzer.Unit, frequencies: Frequencies, *, head: bool) -> list:
    written = _written(unit)
    known = [a for a in written if frequencies.of_all(a.index_terms())]
    in_names = [a for a in written if frequencies.of_all(a.index_terms(), head_only=True)]
    chosen = list(known)
    if not known:
        chosen += [a for a in unit.alternatives if a.kind == "pinyin"]
    if head and not in_names:
        chosen += [a for a in unit.alternatives if a.kind in ("sequence", "pinyin_sequence")]
    clauses = []
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


def _unit_weights(reading: analyzer.Reading, frequencies: Frequencies) -> list[float]:
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
        size = WEAK_WEIGHT if unit.weak else max(1, unit.size - 1)
        weights.append(idf * size)
    return weights


def _frequency(alternative: analyzer.Alternative, frequencies: Frequencies) -> int:
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
    """Candidates in force on the day, the best `CANDIDATES` of each full-text query at most."""
    fields = ENTRY_FIELDS + (("internal",) if internal else ())
    in_force = Q(valid_until__isnull=True) | Q(valid_until__gt=today)
    rows = SearchEntry.objects.filter(in_force, version_id__in=version_ids, valid_from__lte=today)
    return list(rows.values(*fields))


@functools.cache
def _pattern(kind: str, value: str) -> re.Pattern:
    """How an abbreviation or a latin word is found in the text of a field."""
    gap = analyzer.SEQUENCE_GAP
    if kind == "sequence":
        return re.compile(f"[^\\n]{{0,{gap}}}".join(re.escape(char) for char in value))
    if kind == "pinyin_sequence":
        first, second = value.split("_")
        return re.compile(rf"(?<![a-z]){first}(?: \S+){{0,{gap}}} {second}(?![a-z])")
    if kind == "initials_sequence":
        return re.compile(f"[^\\n]{{0,{gap}}}".join(re.escape(char) for char in value))
    return re.compile(rf"(?<![a-z0-9]){re.escape(value)}(?![a-z0-9])")


class Document:
    """A candidate's folded fields, split once for scoring."""

    def __init__(self, row: dict):
        self.version_id = row["version_id"]
        lines = row["head"].split("\n")
        self.title = lines[0]
        self.aliases = lines[1:]
        self.alias_text = "\n".join(self.aliases)
        # Titles and aliases as the query's Chinese content is compared with them.
        self.names = ["".join(analyzer.chinese_runs(name)) for name in lines]
        syllables = row["head_pinyin"].split("\n")
        self.title_syllables = syllables[0]
        self.alias_syllables = "\n".join(syllables[1:])
        initials = row["head_initials"].split("\n")
        self.title_initials = initials[0]
        self.alias_initials = "\n".join(initials[1:])
        self.materials = row["materials"]
        self._materials_pinyin = row["materials_pinyin"]
        self.body = row["body"]
        self.internal = row.get("internal", "")
        # The fields in the order of BOOSTS, for each way of matching.
        self.texts = (self.title, self.alias_text, self.materials, self.body, self.internal)
        self.syllables = (self.title_syllables, self.alias_syllables)
        self.initials = (self.title_initials, self.alias_initials)
        # Titles and aliases as a query in pinyin or initials is compared with them.
        self.spelled = {
            "pinyin": ["".join(s for s in line.split() if s != "-") for line in syllables],
            "initials": [line.replace(" ", "") for line in initials],
        }

    @functools.cached_property
    def pinyin(self) -> tuple[set[str], set[str], set[str]]:
        """Pinyin terms of the title, the aliases and the materials (read when first needed)."""
        aliases = (analyzer.syllable_terms(s) for s in self.alias_syllables.split("\n"))
        return (
            analyzer.syllable_terms(self.title_syllables),
            set().union(*aliases),
            set(self._materials_pinyin.split()),
        )

    def best(self, alternative: analyzer.Alternative) -> float:
        """The boost of the best field holding `alternative`; 0 if none does."""
        kind, value = alternative.kind, alternative.value
        if kind == "text":
            for boost, text in zip(BOOST_ORDER, self.texts, strict=True):
                if value in text:
                    return boost
            return 0.0
        if kind == "pinyin":
            for boost, terms in zip(BOOST_ORDER, self.pinyin, strict=False):
                if value in terms:
                    return boost
            return 0.0
        if kind == "initials":
            holds = [value in text for text in self.initials]
        else:
            search = _pattern(kind, value).search
            fields = {
                "sequence": self.texts[:2],
                "pinyin_sequence": self.syllables,
                "initials_sequence": self.initials,
            }.get(kind, self.texts)
            holds = [bool(search(text)) for text in fields]
        return next((boost for boost, held in zip(BOOST_ORDER, holds, strict=False) if held), 0.0)


def score_document(
    reading: analyzer.Reading, weights: Sequence[float], doc: Document
) -> tuple[float, bool]:
    """Sum of weight × best field over the query's units, scaled by how much of it is covered.

    Coverage counts the query's characters, not its bigrams: a bigram across two words (the 织转
    of 党组织转出) is rarely written anywhere, and its absence says nothing.
    """
    total = 0.0
    covered = coverable = 0
    named = True
    for unit, weight in zip(reading.units, weights, strict=True):
        if not weight:
            continue
        best = 0.0
        for alternative in unit.by_factor:
            if best >= alternative.factor:
                break  # No field can make this one, or any after it, beat what was found.
            best = max(best, alternative.factor * doc.best(alternative))
        total += weight * best
        if not unit.weak:
            coverable |= unit.mask
            if best:
                covered |= unit.mask
            named = named and best > BOOSTS["materials"]
    if not total:
        return 0.0, False
    coverage = covered.bit_count() / coverable.bit_count() if coverable else 1.0
    score = total * (0.2 + 0.8 * coverage * coverage) * (1 + _name_bonus(reading, doc))
    return score, named


def _name_bonus(reading: analyzer.Reading, doc: Document) -> float:
    """A title or alias that is the query, starts with it, holds it, or is said within it."""
    bonus = 0.0
    content = reading.content
    if len(content) >= 2:
        for position, name in enumerate(doc.names):
            factor = 1.0 if position == 0 else BOOSTS["alias"]
            if name == content:
                bonus = max(bonus, 1.0 * factor)
            elif name.startswith(content):
                bonus = max(bonus, 0.6 * factor)
            elif content in name:
                bonus = max(bonus, 0.4 * factor)
            elif len(name) >= 2 and name in content:
                bonus = max(bonus, 0.8 * factor * len(name) / len(content))
    if reading.letters_kind:
        spelled = doc.spelled[reading.letters_kind]
        if reading.letters in spelled:
            bonus = max(bonus, 1.0)
        elif any(name.startswith(reading.letters) for name in spelled):
            bonus = max(bonus, 0.6)
    return bonus


# ---------------------------------------------------------------------------- results


def _results(ranked: Sequence[Scored], plan: analyzer.QueryPlan, *, internal: bool) -> list:
    if not ranked:
        return []
    fields = ["version_id", "title", "snippets", "procedure__slug", "procedure__category__name"]
    rows = SearchEntry.objects.filter(
        version_id__in=[s.entry.version_id for s in ranked], procedure__retired_at__isnull=True
    ).values(*fields, *(["internal_snippets"] if internal else []))
    pages = {row["version_id"]: row for row in rows}
    needles = _needles(plan)
    results = []
    for scored in ranked:
        page = pages.get(scored.entry.version_id)
        if page is None:
            continue
        snippet = _snippet(page["snippets"] + page.get("internal_snippets", []), needles)
        slug = page["procedure__slug"]
        results.append(
            Result(
                slug=slug,
                title=page["title"],
                category=page["procedure__category__name"],
                url=reverse("procedures:detail", args=[slug]),
                snippet=snippet,
                marks=_marks(page["title"], snippet, plan, needles, scored.entry),
            )
        )
    return results


def _needles(plan: analyzer.QueryPlan) -> dict[str, float]:
    """Folded strings worth showing as matched, with how much each says."""
    needles: dict[str, float] = {}
    for reading in plan.readings:
        for unit in reading.units:
            if unit.weak:
                continue
            for alternative in unit.alternatives:
                if alternative.kind in ("text", "word"):
                    needles[alternative.value] = max(
                        needles.get(alternative.value, 0.0), len(alternative.value)
                    )
    return needles


MARKDOWN_RE = re.compile(r"\*\*|__|`|^#+\s*|^\s*[-*+]\s+|^\s*\d+\.\s+", re.MULTILINE)
LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _plain(text: str) -> str:
    return " ".join(MARKDOWN_RE.sub("", LINK_RE.sub(r"\1", text)).split())


def _snippet(segments: Sequence[str], needles: dict[str, float]) -> str:
    """The piece that holds most of the query, cut around its first match."""
    if not segments:
        return ""
    best, best_score, first = segments[0], 0.0, 0
    for segment in segments:
        folded = analyzer.fold(segment)
        found = [(folded.find(n), w) for n, w in needles.items() if n in folded]
        score = sum(weight for _, weight in found)
        if score > best_score:
            best, best_score, first = segment, score, min(p for p, _ in found)
    start = max(0, first - 20) if len(best) > SNIPPET_LENGTH else 0
    text = best[start : start + SNIPPET_LENGTH]
    return ("…" if start else "") + text + ("…" if start + SNIPPET_LENGTH < len(best) else "")


def _marks(
    title: str, snippet: str, plan: analyzer.QueryPlan, needles: dict[str, float], doc: "Document"
) -> tuple[str, ...]:
    """Substrings of the title and snippet as written that matched the query."""
    marks = set()
    for text in (title, snippet):
        folded = analyzer.fold(text)
        for needle in needles:
            start = folded.find(needle)
            while start >= 0:
                marks.add(text[start : start + len(needle)])
                start = folded.find(needle, start + 1)
    marks |= _sound_marks(title, plan, doc)
    return tuple(sorted(marks, key=lambda m: (-len(m), m)))


def _sound_marks(title: str, plan: analyzer.QueryPlan, doc: "Document") -> set[str]:
    """Title characters matched by pinyin or initials rather than as written."""
    syllables = doc.title_syllables.split()
    initials = doc.title_initials
    if not (len(syllables) == len(initials) == len(title)):
        folded = analyzer.fold(title)
        syllables = analyzer.line_syllables(folded).split()
        initials = analyzer.initials_line(folded)
    marks = set()
    for reading in plan.readings:
        for unit in reading.units:
            for alternative in unit.alternatives:
                if alternative.kind == "initials":
                    start = initials.find(alternative.value)
                    if start >= 0:
                        marks.add(title[start : start + len(alternative.value)])
                elif alternative.kind == "pinyin" and "_" in alternative.value:
                    pair = alternative.value.split("_", 1)
                    for index in range(len(syllables) - 1):
                        if syllables[index : index + 2] == pair:
                            marks.add(title[index : index + 2])
    return marks


# ---------------------------------------------------------------------------- databases


def _backend() -> "_SQLiteIndex | _PostgreSQLIndex":
    vendor = connection.vendor
    if vendor == "sqlite":
        return _SQLiteIndex()
    if vendor == "postgresql":
        return _PostgreSQLIndex()
    raise ImproperlyConfigured(f"Search supports SQLite and PostgreSQL, not {vendor}.")


class _SQLiteIndex:
    """FTS5 tables of terms (one column per field) and fts5vocab for document frequencies."""

    head = "search_head"
    content = "search_content"

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.head}")
            cursor.execute(f"DELETE FROM {self.content}")

    def delete(self, version_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(version_ids), 500):
                chunk = list(version_ids[start : start + 500])
                marks = ", ".join(["%s"] * len(chunk))
                for table in (self.head, self.content):
                    cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", chunk)

    def insert(self, rows: Sequence[tuple[int, dict]]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.head} (rowid, title, aliases) VALUES (%s, %s, %s)",
                [(pk, _joined(t["title"]), _joined(t["aliases"])) for pk, t in rows],
            )
            cursor.executemany(
                f"INSERT INTO {self.content} (rowid, materials, body, internal)"
                " VALUES (%s, %s, %s, %s)",
                [
                    (pk, _joined(t["materials"]), _joined(t["body"]), _joined(t["internal"]))
                    for pk, t in rows
                ],
            )

    def count(self, anywhere: Sequence[str], in_names: Sequence[str]) -> tuple[dict, dict]:
        """Entries holding each term: among titles and aliases, and in the rest (`anywhere`)."""
        head = self._count(self.head, [*anywhere, *in_names])
        return head, self._count(self.content, anywhere)

    def _count(self, table: str, terms: Sequence[str]) -> dict[str, int]:
        if not terms:
            return {}
        marks = ", ".join(["%s"] * len(terms))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT term, doc FROM {table}_vocab WHERE term IN ({marks})", terms)
            return dict(cursor.fetchall())

    def top(self, clauses: Sequence[tuple[str, ...]], *, head: bool, internal: bool) -> list[int]:
        """The best-matching version ids by BM25 (in force or not: a join would cost double)."""
        if not clauses:
            return []
        table = self.head if head else self.content
        columns = "" if head or internal else "{materials body} : "
        weights = "1.0, 0.9" if head else "1.0, 0.4, 0.3"
        groups = ("(" + " AND ".join(f'"{t}"' for t in clause) + ")" for clause in clauses)
        match = columns + "(" + " OR ".join(groups) + ")"
        sql = (
            f"SELECT rowid FROM {table} WHERE {table} MATCH %s"
            f" ORDER BY bm25({table}, {weights}) LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, FETCHED])
            return [row[0] for row in cursor.fetchall()]


class _PostgreSQLIndex:
    """One row of tsvectors per entry, GIN-indexed; weights mark the fields.

    head: title A, aliases B. content: materials A, body B, internal C (left out of the query
    for residents by asking for weights AB only).
    """

    table = "search_vector"

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")

    def delete(self, version_ids: Sequence[int]) -> None:
        if version_ids:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {self.table} WHERE version_id = ANY(%s)", [list(version_ids)]
                )

    def insert(self, rows: Sequence[tuple[int, dict]]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.table} (version_id, head, content)"
                " VALUES (%s, %s::tsvector, %s::tsvector)",
                [
                    (
                        pk,
                        _tsvector((t["title"], "A"), (t["aliases"], "B")),
                        _tsvector((t["materials"], "A"), (t["body"], "B"), (t["internal"], "C")),
                    )
                    for pk, t in rows
                ],
            )

    def count(self, anywhere: Sequence[str], in_names: Sequence[str]) -> tuple[dict, dict]:
        """Entries holding each term: among titles and aliases, and in the rest (`anywhere`)."""
        head: dict[str, int] = {}
        content: dict[str, int] = {}
        terms = [(term, True) for term in anywhere] + [(term, False) for term in in_names]
        if terms:
            select = " UNION ALL ".join(
                "SELECT %s, count(*) FILTER (WHERE head @@ q),"
                " count(*) FILTER (WHERE %s AND content @@ q)"
                f" FROM {self.table}, CAST(%s AS tsquery) q"
                " WHERE head @@ q OR (%s AND content @@ q)"
                for _ in terms
            )
            params = [
                value
                for term, everywhere in terms
                for value in (term, everywhere, _lexeme(term), everywhere)
            ]
            with connection.cursor() as cursor:
                cursor.execute(select, params)
                for term, in_head, in_content in cursor.fetchall():
                    head[term] = in_head
                    if in_content:
                        content[term] = in_content
        return head, content

    def top(self, clauses: Sequence[tuple[str, ...]], *, head: bool, internal: bool) -> list[int]:
        if not clauses:
            return []
        column = "head" if head else "content"
        restrict = "" if head or internal else ":AB"
        query = " | ".join(
            "(" + " & ".join(_lexeme(term) + restrict for term in clause) + ")"
            for clause in clauses
        )
        weights = "{0, 0, 0.9, 1}" if head else "{0, 0.3, 0.4, 1}"
        sql = (
            f"SELECT version_id FROM {self.table}, CAST(%s AS tsquery) q WHERE {column} @@ q"
            f" ORDER BY ts_rank(CAST(%s AS float4[]), {column}, q) DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [query, weights, FETCHED])
            return [row[0] for row in cursor.fetchall()]


def _joined(terms: Iterable[str]) -> str:
    return " ".join(sorted(terms))


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsvector(*fields: tuple[set[str], str]) -> str:
    """A tsvector literal: each term once, at one position per field it is in, with its weight."""
    positions: dict[str, list[str]] = {}
    for number, (terms, weight) in enumerate(fields, start=1):
        for term in terms:
            positions.setdefault(term, []).append(f"{number}{weight}")
    return " ".join(f"{_lexeme(t)}:{','.join(marks)}" for t, marks in sorted(positions.items()))
