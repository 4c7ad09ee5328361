"""The Chinese analyzer of search: pure functions from text to the terms of the index.

Chinese is not split into words here. Text is folded (traditional to simplified, full-width to
half-width, lower case) and cut into characters and bigrams, so that any one- or two-character
word matches, and any longer word matches through its bigrams. Pinyin is computed from the text
itself: syllable bigrams let a homophone typed by a pinyin input method (保帐 for 保障) and full
pinyin without spaces (shebao) match; initials (sydj) match titles and aliases.

Both sides use these functions: `search.indexing` makes the terms an entry is stored under, and
`search.query_plan` the terms a query looks for, so the two cannot drift apart.
"""

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence

import opencc
from pypinyin import Style, lazy_pinyin, pinyin
from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))
RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9]+")
# A run of Chinese characters, or any one other character.
CHUNK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[^\u3400-\u4dbf\u4e00-\u9fff]")
# Longest initials n-gram indexed for titles and aliases: longer queries match through their
# overlapping 5-grams.
MAX_INITIALS_GRAM = 5
PINYIN_PREFIX = "p_"
INITIALS_PREFIX = "i_"


# ---------------------------------------------------------------------------- folding


@functools.cache
def _fold_table() -> dict[int, str]:
    """One character to one character, so that positions in folded text match the original."""
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0).lower()
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code).lower()
    table[0x3000] = " "
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x200B, 0x200C, 0x200D, 0xFEFF]:
        table[code] = " "
    chars = [chr(code) for low, high in CJK_RANGES for code in range(low, high + 1)]
    simplified = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    for original, converted in zip(chars, simplified, strict=True):
        if converted != original and len(converted) == 1:
            table[ord(original)] = converted
    for code in range(0xF900, 0xFB00):
        normal = unicodedata.normalize("NFKC", chr(code))
        if len(normal) == 1:
            table[code] = table.get(ord(normal), normal)
    return table


def fold(text: str) -> str:
    """Simplified characters, half-width, lower case; the same length as `text`."""
    return text.translate(_fold_table())


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in CJK_RANGES)


def runs(folded: str) -> list[str]:
    """Maximal runs of Chinese characters, and of latin letters or digits, in folded text."""
    return RUN_RE.findall(folded)


def chinese_runs(folded: str) -> list[str]:
    return [run for run in runs(folded) if is_cjk(run[0])]


# ---------------------------------------------------------------------------- pinyin


@functools.cache
def readings(char: str) -> tuple[str, ...]:
    """Every toneless reading of a character, the most common first; () if it has none."""
    if not is_cjk(char):
        return ()
    found = pinyin(
        char,
        style=Style.NORMAL,
        heteronym=True,
        errors=lambda _: [[]],  # type: ignore[arg-type,return-value]  # stubs: str only
    )[0]
    return tuple(dict.fromkeys(r for r in found if r.isascii() and r.isalpha()))


@functools.lru_cache(maxsize=50_000)
def contextual_pinyin(run: str) -> tuple[str, ...]:
    """One reading per character of a Chinese run, chosen from the words around it (银行 hang)."""
    syllables = lazy_pinyin(
        run,
        style=Style.NORMAL,
        errors=lambda chunk: [""] * len(chunk),  # type: ignore[arg-type,return-value]  # stubs
    )
    if len(syllables) != len(run):
        syllables = [next(iter(readings(char)), "") for char in run]
    return tuple(s if s.isascii() and s.isalpha() else "" for s in syllables)


def quick_pinyin(run: str) -> list[str]:
    """The most common reading of each character: fast, for long text."""
    return [next(iter(readings(char)), "") for char in run]


@functools.cache
def syllables() -> frozenset[str]:
    """Every toneless pinyin syllable, read from pypinyin's dictionary."""
    found = set()
    for value in pinyin_dict.values():
        for marked in value.split(","):
            plain = to_normal(marked)
            if plain.isascii() and plain.isalpha() and (len(plain) > 1 or plain in "aoe"):
                found.add(plain)
    found -= {"hm", "hng", "ng", "m", "n"}
    return frozenset(found)


def split_pinyin(letters: str, *, limit: int = 2) -> list[list[str]]:
    """Ways to read `letters` as whole syllables, fewest syllables first (xian before xi-an)."""
    known = syllables()
    best: list[list[list[str]]] = [[] for _ in range(len(letters) + 1)]
    best[0] = [[]]
    for end in range(1, len(letters) + 1):
        found: list[list[str]] = []
        for start in range(max(0, end - 6), end):
            if best[start] and letters[start:end] in known:
                found.extend(prefix + [letters[start:end]] for prefix in best[start])
        found.sort(key=len)
        best[end] = found[:limit]
    return best[len(letters)]


def pinyin_pair(first: str, second: str) -> str:
    return f"{first}_{second}"


def pinyin_pairs(run_syllables: Sequence[str]) -> set[str]:
    return {pinyin_pair(a, b) for a, b in itertools.pairwise(run_syllables) if a and b}


def initials_line(folded: str) -> str:
    """One letter per character of a title: the initial of its reading, latin kept, else space."""
    letters: list[str] = []
    for match in CHUNK_RE.finditer(folded):
        chunk = match.group()
        if is_cjk(chunk[0]):
            letters.extend(s[:1] or " " for s in contextual_pinyin(chunk))
        else:
            letters.append(chunk if chunk.isascii() and chunk.isalnum() else " ")
    return "".join(letters)


def initials_terms(line: str) -> set[str]:
    terms = set()
    for word in line.split():
        for size in range(2, MAX_INITIALS_GRAM + 1):
            for start in range(len(word) - size + 1):
                terms.add(INITIALS_PREFIX + word[start : start + size])
    return terms


def initials_query_terms(letters: str) -> list[str]:
    size = min(len(letters), MAX_INITIALS_GRAM)
    return [INITIALS_PREFIX + letters[i : i + size] for i in range(len(letters) - size + 1)]


# ---------------------------------------------------------------------------- index terms


def text_terms(folded: str, *, unigrams: bool, homophones: bool = False) -> set[str]:
    """Index terms of folded text: Chinese bigrams (and characters), latin words, pinyin pairs."""
    terms: set[str] = set()
    for run in runs(folded):
        if not is_cjk(run[0]):
            terms.add(run)
            continue
        if unigrams or len(run) == 1:
            terms.update(run)
        terms.update(run[i : i + 2] for i in range(len(run) - 1))
        if homophones:
            terms |= pinyin_pairs(quick_pinyin(run))
    return terms


def head_terms(folded_lines: Iterable[str]) -> set[str]:
    """Terms of a title or aliases: characters, bigrams, pinyin syllables and initials."""
    terms: set[str] = set()
    for line in folded_lines:
        terms |= text_terms(line, unigrams=True)
        terms |= syllable_terms(line_syllables(line))
        terms |= initials_terms(initials_line(line))
    return terms


def line_syllables(folded_line: str) -> str:
    """The reading of a title or alias, one syllable per character ("-" for anything else)."""
    syllables: list[str] = []
    for match in CHUNK_RE.finditer(folded_line):
        chunk = match.group()
        if is_cjk(chunk[0]):
            syllables.extend(s or "-" for s in contextual_pinyin(chunk))
        else:
            syllables.append("-")
    return " ".join(syllables)


def syllable_terms(syllable_line: str) -> set[str]:
    """The pinyin terms of a line of syllables: each syllable, and each pair of neighbours."""
    syllables = syllable_line.split()
    terms = {PINYIN_PREFIX + s for s in syllables if s != "-"}
    terms.update(pinyin_pair(a, b) for a, b in itertools.pairwise(syllables) if "-" not in (a, b))
    return terms


def material_pinyin(folded: str) -> str:
    terms = text_terms(folded, unigrams=False, homophones=True)
    return " ".join(sorted(term for term in terms if "_" in term))
