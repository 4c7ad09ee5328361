"""How well one candidate matches a query, the same way on both databases.

Every part of the query counts by its rarity (its weight, from `search.ranking`) and by the best
field it is found in (title, alias, materials, then steps and FAQs); documents covering more of
the query score higher; a title or alias that is the query, starts with it or is contained in it
gets a bonus. The full-text engines only find candidates: their own ranks (BM25, ts_rank) differ
and never reach the score.
"""

import functools
import re
from collections.abc import Sequence

from search import analyzer, query_plan

# Where a query part is found, relative to the title.
BOOSTS = {"title": 1.0, "alias": 0.9, "materials": 0.45, "body": 0.2, "internal": 0.15}
BOOST_ORDER = tuple(BOOSTS.values())
# A match as written or as a synonym is what the caller said; a homophone or an abbreviation
# (weaker factors) only stands in for it.
SAID_FACTOR = query_plan.SYNONYM_FACTOR
LISTED_EXTRA = 1.0


@functools.cache
def _pattern(kind: str, value: str) -> re.Pattern:
    """How an abbreviation or a latin word is found in the text of a field."""
    gap = query_plan.SEQUENCE_GAP
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

    def best(self, alternative: query_plan.Alternative) -> float:
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
    reading: query_plan.Reading, weights: Sequence[float], doc: Document
) -> tuple[float, bool, float, bool, float]:
    """Sum of weight × best field over the query's units, scaled by how much of it is covered.

    Returns the score, whether every part of the query is in the title or an alias (`named`),
    how much of it is found as said: the share of the query's characters found as written
    or as a synonym, not only by sound or as an abbreviation (see `search.answers`), and
    whether what was found as said holds more than generic words (`specific`: 报名 alone does
    not answer 高考报名; a query of generic words only is specific wherever it is found), and
    how much of the score the groups the sentence resembles gave it (`Unit.hint`).

    Coverage counts the query's characters, not its bigrams: a bigram across two words (the 织转
    of 党组织转出) is rarely written anywhere, and its absence says nothing.
    """
    total = hinted = 0.0
    covered = coverable = said = spoken = listed = 0
    named = True
    generic = reading.generic_mask
    for unit, weight in zip(reading.units, weights, strict=True):
        if unit.hint:
            # A group the sentence resembles ranks what it names, and is no part of what was
            # said, covered or named.
            if weight:
                hinted += weight * max(a.factor * doc.best(a) for a in unit.alternatives)
            continue
        if not unit.weak:
            spoken |= unit.mask  # A part no entry holds was said all the same.
        if not weight:
            # Nothing holds it: the query asks for more than any name says (高考 of 高考报名).
            named = named and unit.weak
            continue
        best = 0.0
        as_said = False
        for alternative in unit.by_factor:
            if best >= alternative.factor:
                break  # No field can make this one, or any after it, beat what was found.
            found = doc.best(alternative)
            best = max(best, alternative.factor * found)
            as_said = as_said or (found > 0 and alternative.factor >= SAID_FACTOR)
        total += weight * best
        if not unit.weak:
            coverable |= unit.mask
            if best:
                covered |= unit.mask
            if as_said:
                said |= unit.mask
                if unit.listed:
                    listed |= unit.mask
            named = named and best > BOOSTS["materials"]
    if not total and not hinted:
        return 0.0, False, 0.0, False, 0.0
    coverage = covered.bit_count() / coverable.bit_count() if coverable else 1.0
    said_bits = said.bit_count() + LISTED_EXTRA * (listed & ~generic).bit_count()
    said_share = min(1.0, said_bits / spoken.bit_count()) if spoken else 0.0
    named = named and bool(coverable)
    specific = bool(said & ~generic) or not spoken & ~generic
    scale = (0.2 + 0.8 * coverage * coverage) * (1 + _name_bonus(reading, doc))
    return (total + hinted) * scale, named, said_share, specific, hinted * scale


def _name_bonus(reading: query_plan.Reading, doc: Document) -> float:
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
