"""Words typed with the wrong character of the same sound (公伤 for 工伤, 居注证 for 居住证).

Callers' words reach search through a clerk's typing, and a pinyin keyboard offers every
character of a sound. A run of characters that is no word of jieba's dictionary (seen fewer
than RARE times there) while a word sounds the same as the run is read by its characters'
usual readings is taken for a misspelling of that word, and counts as said: a homophone found
only by its sound merely stands in for what was said (`search.scoring`). The dictionary ships
inside the jieba package; it is read at the first query of a process.
"""

import dataclasses
import functools
import importlib.util
import logging
from collections.abc import Sequence
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from search.analyzer import readings

# Seen fewer times than RARE in jieba's dictionary, a run is no word anyone means; a pair of
# characters is read as the words sounding like it that were seen COMMON times or more, the
# MOST common of them.
RARE = 10
COMMON = 50
MOST = 3
# The lengths of the runs checked for being words.
LENGTHS = (2, 3)
# A word of the synonym table typed with other characters of its sound is a slip from this many
# characters (measured: a two-character one answered a question the hall does not handle).
SLIP_FROM = 3

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class _Dictionary:
    words: frozenset[str]
    by_sound: dict[str, tuple[str, ...]]
    # False when the dictionary could not be read: then nothing is taken for a slip.
    read: bool = True


@functools.cache
def _dictionary() -> _Dictionary:
    # Found without importing jieba, which would load its models for nothing.
    spec = importlib.util.find_spec("jieba")
    path = Path(spec.origin).with_name("dict.txt") if spec and spec.origin else None
    if path is None or not path.is_file():
        logger.warning(
            "jieba's dictionary is missing: typing slips are not read (pip install jieba)"
        )
        return _Dictionary(frozenset(), {}, read=False)
    words = set()
    common: list[tuple[int, str]] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            word, count, _ = line.split(" ", 2)
            if len(word) in LENGTHS and int(count) >= RARE:
                words.add(word)
                if len(word) == 2 and int(count) >= COMMON:
                    common.append((int(count), word))
    by_sound: dict[str, list[str]] = {}
    for _, word in sorted(common, reverse=True):
        by_sound.setdefault(" ".join(lazy_pinyin(word, style=Style.NORMAL)), []).append(word)
    return _Dictionary(frozenset(words), {s: tuple(w) for s, w in by_sound.items()})


def _heard(typed: str) -> str:
    """How `typed` sounds read character by character, each by its usual reading."""
    return " ".join(next(iter(readings(char)), "") for char in typed)


def meant(text: str, start: int) -> tuple[str, ...]:
    """The common words the pair of characters at `start` of `text` may be a misspelling of,
    most common first (户扣: 户口 …); () for a word, or a pair inside a longer word (然气 of
    天然气)."""
    dictionary = _dictionary()
    pair = text[start : start + 2]
    around = (text[max(0, start - 1) : start + 2], text[start : start + 3])
    if pair in dictionary.words or any(len(w) == 3 and w in dictionary.words for w in around):
        return ()
    return tuple(w for w in dictionary.by_sound.get(_heard(pair), ()) if w != pair)[:MOST]


def misspelt(typed: str, sounds: Sequence[str]) -> bool:
    """Whether `typed`, read by its characters' usual readings as `sounds`, is no word but a
    misspelling of a word of SLIP_FROM characters or more that sounds so (居注证 of 居住证).
    Two characters sounding like a word of two are too often a chance (`meant` reads them, as
    common words only)."""
    dictionary = _dictionary()
    if not dictionary.read or len(typed) < SLIP_FROM or _heard(typed) != " ".join(sounds):
        return False
    return len(typed) not in LENGTHS or typed not in dictionary.words
