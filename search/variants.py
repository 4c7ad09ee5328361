"""Variant families: items that differ only by an action word or a level (issue 14, part 2).

An official catalogue lists one licence many times: 食品经营许可证新办, …变更, …延续, …注销,
…补办, and the same item at 县级 and 市级. Their titles are nearly the same, so search cannot tell
them apart by the words of the licence; the caller's other words can: 弄丢了 asks for 补办, 饭店
关门不开了 for 注销, 地址换了 for 变更, 快到期了 for 延续. Pure functions on titles and queries:

- `family_of(title)` — the title without its action and level words (the family it belongs to)
  and the words that were taken out (what makes this item this variant);
- `cue_of(query)` — the action the caller's words ask for, if any;
- `arrange(ranked, query)` — the ranked list with each family's members together where its best
  member stood, the member the cue asks for first.
"""

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from search import analyzer
from search.cue_words import CUE_PHRASES, CUE_WORDS, DAMAGED

# Each action and the words catalogues use for it, longest first within the text they share.
ACTION_WORDS: dict[str, tuple[str, ...]] = {
    "新办": (
        "首次申领",
        "首次申请",
        "首次注册",
        "首次登记",
        "首次备案",
        "初次申领",
        "新申请",
        "新办",
        "新增",
        "设立",
        "成立",
        "注册",
        "核发",
        "申领",
        "发放",
    ),
    "变更": ("变更注册", "变更", "更正", "更名"),
    "延续": ("延续", "换发", "换证", "延期", "续期", "换领", "再注册", "复核换证", "签注"),
    "补办": ("遗失补领", "遗失补办", "损毁补领", "补办", "补证", "补领", "补发", "补换"),
    "注销": ("注销注册", "注销", "撤销", "吊销", "终止", "取消", "退出"),
    "停业": ("停业", "歇业", "停用", "停保"),
    "复业": ("恢复营业", "复业", "启用"),
    "转入": ("转入", "迁入"),
    "转出": ("转出", "迁出", "迁移"),
}
LEVEL_WORDS = ("省级权限下放", "市级权限下放", "省级", "市级", "县级", "区级", "乡镇级")
# What callers say for each action (`search.cue_words`), tried in that order.
CUES = tuple(
    (action, re.compile("|".join(words + CUE_PHRASES.get(action, ()))))
    for action, words in CUE_WORDS
)
# A damaged certificate is exchanged (换发, 换领) where the catalogue has that, replaced (补办)
# where it has not, and a damaged licence replaced; never renewed (延续 of the same class).
REPLACING_WORDS = ("换发", "换领", "换证", "补换", "损毁补领")
# What a caller naming a licence and nothing else most often wants.
DEFAULT_ACTION = "新办"
BRACKETS = "()（）[]【】〔〕"
LEFTOVER = re.compile(r"[()\[\]（）【】〔〕\s、，,:：_-]+")
# A family name shorter than this is too generic to group by (补发 alone, 申领 alone).
MIN_FAMILY = 3
# Only members scoring at least this share of their family's best are brought forward with it.
MEMBER_SHARE = 0.6
ASKED_LEAD = 1.5
# A variant's word followed by one of these is a state the caller is in, not what they ask.
AFTER = ("后", "以后", "之后")
# Actions whose word in a query is the caller's state when they ask for the other: one resumes
# what was stopped.
PRESUPPOSES = {"停业": ("复业",)}
# Said just before a variant's word, these make it what the caller does not want.
NEGATIONS = ("不想", "不要", "不用", "不必", "不打算", "没想", "别")


@dataclasses.dataclass(frozen=True)
class Family:
    """The family a title belongs to, and what makes the title this variant of it."""

    # The title without its action and level words: as written, and folded for comparing.
    name: str
    key: str
    # The action and level words as the title has them (补办; 核发 县级).
    words: tuple[str, ...]
    # The action they name (补办, 注销 …), None for a level alone.
    action: str | None


_WORDS = sorted(
    [(word, action) for action, words in ACTION_WORDS.items() for word in words]
    + [(word, None) for word in LEVEL_WORDS],
    key=lambda pair: -len(pair[0]),
)
_WORD_RE = re.compile("|".join(re.escape(word) for word, _ in _WORDS))
_ACTION_OF = dict(_WORDS)


@functools.lru_cache(maxsize=20_000)
def family_of(title: str) -> Family | None:
    """The family of a title, or None when it names no action or level (remembered: a query
    asks it of every candidate, several times, and titles repeat from query to query)."""
    folded = analyzer.fold(title)
    found = list(_WORD_RE.finditer(folded))
    if not found:
        return None
    kept = _gaps(found, len(folded))
    key = _name("".join(folded[a:b] for a, b in kept))
    if len(key) < MIN_FAMILY:
        return None
    actions = [_ACTION_OF[m.group()] for m in found if _ACTION_OF[m.group()]]
    return Family(
        name=_name("".join(title[a:b] for a, b in kept)),
        key=key,
        words=tuple(title[m.start() : m.end()] for m in found),
        action=actions[-1] if actions else None,  # 执业注册（变更注册） is a 变更
    )


def _gaps(found: Sequence[re.Match[str]], length: int) -> list[tuple[int, int]]:
    """The spans of a text between the matches."""
    bounds = [0, *(edge for m in found for edge in (m.start(), m.end())), length]
    return [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]


def _name(text: str) -> str:
    return LEFTOVER.sub("", text).removesuffix("的")


def split_title(title: str, words: Sequence[str]) -> list[tuple[str, bool]]:
    """`title` in pieces, each saying whether it is one of `words` (the variant's words)."""
    if not words:
        return [(title, False)]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    parts: list[tuple[str, bool]] = []
    position = 0
    for match in pattern.finditer(title):
        if match.start() > position:
            parts.append((title[position : match.start()], False))
        parts.append((match.group(), True))
        position = match.end()
    if position < len(title):
        parts.append((title[position:], False))
    return parts


@dataclasses.dataclass(frozen=True)
class Cue:
    """What the caller's words ask to do, and the words that said it."""

    action: str
    words: str


def cue_of(query: str) -> Cue | None:
    """The action the caller's words ask for (补办 for 弄丢了), or None; not one the caller
    says they do not want (执照不想注销，先歇几个月)."""
    for action, pattern in CUES:
        for match in pattern.finditer(query):
            if not _negated(query, match.start()):
                return Cue(action, match.group())
    return None


def _negated(query: str, start: int) -> bool:
    """Whether the words at `start` are said as not wanted (不想注销, 不用变更)."""
    return query[max(0, start - 3) : start].endswith(NEGATIONS)


def does(title: str, cue: Cue) -> bool:
    """Whether the item of this title may do what the caller asked (食品经营许可证补办 does what
    弄丢了 asks; for a damaged certificate, exchanging or replacing it does)."""
    family = family_of(title)
    if family is None:
        return False
    if cue.action == DAMAGED:
        return family.action == "补办" or _exchanges(family)
    return family.action == cue.action


def asked_of(members: Sequence[Family | None], cue: Cue | None) -> list[bool]:
    """Which members of one family do what the caller asked: for a damaged certificate, those
    that exchange it (换发, 换领), or those that replace it (补办) where none does."""
    if cue is None:
        return [False] * len(members)
    action = cue.action
    if action == DAMAGED:
        exchanging = [f is not None and _exchanges(f) for f in members]
        if any(exchanging):
            return exchanging
        action = "补办"
    return [f is not None and f.action == action for f in members]


def _exchanges(family: Family) -> bool:
    """A certificate exchanged when damaged: a licence's 换发 is its renewal (许可证有效期届满
    换发), and a damaged licence is replaced (补发)."""
    return "许可" not in family.key and any(word in REPLACING_WORDS for word in family.words)


T = TypeVar("T")


def arrange(
    ranked: Sequence[T],
    query: str,
    cue: Cue | None,
    *,
    title: Callable[[T], str],
    score: Callable[[T], float],
) -> list[T]:
    """`ranked` with each family together where its best member stands.

    Members scoring at least MEMBER_SHARE of their family's best follow it, so a clerk sees the
    variants side by side. When the query asks for an action (`cue`, from `cue_of(query)`) and
    names no variant itself, the member doing that action leads its family.
    """
    families = [family_of(title(item)) for item in ranked]
    groups: dict[str, list[int]] = {}
    for index, family in enumerate(families):
        if family is not None:
            groups.setdefault(family.key, []).append(index)
    placed: set[int] = set()
    placed_groups: list[tuple[float, list[int]]] = []
    for index in range(len(ranked)):
        if index in placed:
            continue
        family = families[index]
        members = groups.get(family.key, [index]) if family else [index]
        flags = asked_of([families[i] for i in members], cue)
        asked = {i for i, flag in zip(members, flags, strict=True) if flag}
        best = score(ranked[index])
        kept = [
            i
            for i in members
            if i == index
            or (i not in placed and (score(ranked[i]) >= MEMBER_SHARE * best or i in asked))
        ]
        # A query naming a variant's own words (户口迁入新办) asks for it by name: score order,
        # within the family and between families.
        named = any(
            _names(query, word, cue) for i in kept if (f := families[i]) for word in f.words
        )
        if not named:
            kept = _lead(kept, families, asked if cue else None)
        placed.update(kept)
        lead = ASKED_LEAD if asked & set(kept) and not named else 1.0
        placed_groups.append((best * lead, kept))
    if cue is not None:
        placed_groups.sort(key=lambda group: -group[0])
    return [ranked[i] for _, kept in placed_groups for i in kept]


def _names(query: str, word: str, cue: Cue | None) -> bool:
    """Whether the query asks for a variant by its word, not as where the caller stands: 歇业后
    …, and a stop before a resumption (报了歇业，现在想重新开门 asks for 复业)."""
    if cue is not None and cue.action in PRESUPPOSES.get(_ACTION_OF.get(word) or "", ()):
        return False
    return any(
        not query.startswith(AFTER, m.end()) and not _negated(query, m.start())
        for m in re.finditer(re.escape(word), query)
    )


def _lead(
    members: list[int], families: Sequence[Family | None], asked: set[int] | None
) -> list[int]:
    """Members in order: those doing what the caller asked first (`asked`; 新办 when the caller
    asks for nothing in particular: naming a licence, one means getting it)."""
    if len(members) < 2:
        return members
    if asked is None:
        flags = asked_of([families[i] for i in members], Cue(DEFAULT_ACTION, ""))
        asked = {i for i, flag in zip(members, flags, strict=True) if flag}
    first = [i for i in members if i in asked]
    return first + [i for i in members if i not in asked]
