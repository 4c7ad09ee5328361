"""What a query looks for: the units a query is scored on, each with its alternatives.

A query is folded, the words a caller says around the name of the item are removed, and what is
left becomes units: bigrams (with their homophones, and as abbreviations of a name), words of
the synonym table, lone characters, and latin words read as pinyin, initials or themselves. The
terms each alternative looks for are the analyzer's (`search.analyzer`), as the index has them.
"""

import dataclasses
import functools
import itertools
import re
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence

from search import misspelling, resemblance
from search.analyzer import (
    INITIALS_PREFIX,
    PINYIN_PREFIX,
    contextual_pinyin,
    fold,
    initials_query_terms,
    is_cjk,
    pinyin_pair,
    readings,
    runs,
    split_pinyin,
)
from search.cue_words import CUE_WORDS

# What a caller says around the name of the item: removed from queries before matching, so
# that "转党员关系要带啥" looks for 转党员关系. Longest first wins where two overlap.
FILLERS = frozenset(
    [
        *("请问", "问一下", "问下", "问问", "咨询一下", "想咨询", "咨询下", "我想问", "想问"),
        *("想了解", "了解一下", "了解下", "麻烦", "您好", "你好", "谢谢", "好的"),
        *("我想", "我要", "我们", "你们", "咱们", "他们", "我家", "我的", "你的", "俺", "自己的"),
        *("怎么办", "怎么弄", "怎么样", "怎么", "怎样", "咋办", "咋弄", "咋整", "咋", "如何"),
        *("为啥", "为什么", "哪里", "哪儿", "在哪", "去哪", "哪个", "哪些", "哪家"),
        *("什么", "啥子", "什么样", "需要", "要带", "带啥", "带什么", "要带啥", "得带"),
        *("拿什么", "要拿", "准备什么", "要准备", "交什么", "提供什么"),
        *("可以", "能不能", "能否", "可不可以", "是不是", "有没有", "要不要", "行不行"),
        *("能办", "可以办", "还能", "还可以", "多少钱", "多少", "多久", "几天", "多长时间"),
        *("什么时候", "几点", "时间", "收费吗", "办理", "去办", "要办", "想办", "办个"),
        *("办一个", "办一下", "来办", "帮我", "给我", "帮忙", "一个", "这个", "那个", "一下"),
        *("的话", "现在", "还要", "还有", "然后", "就是", "应该", "准备", "手续", "流程"),
        *("材料", "资料", "东西", "事情", "事儿", "情况", "知道", "告诉", "办事", "窗口"),
        *("地方", "电话", "一般", "大概", "具体", "相关"),
    ]
)
PARTICLES = frozenset("吗呢吧啊呀哦嘛啦么哈呐哇嗯噢喔的了我你您他她它咱啥想要得")

# Pinyin matches of a homophone are good evidence but weaker than the characters themselves.
# Words of what is done rather than of what it is done for: 高考报名 shares 报名 with
# 社区工作者招聘报名, 结婚证补办 shares 补办 with 营业执照遗失补办, and neither answers it.
GENERIC_WORDS = frozenset(
    [
        *("申请", "申报", "申领", "办理", "手续", "登记", "备案", "审批", "审核", "核准", "核发"),
        *("认定", "认证", "证明", "证书", "证件", "许可", "资格", "报名", "补办", "补领", "补发"),
        *("换证", "换发", "换领", "变更", "注销", "延续", "延期", "新办", "查询", "开具", "出具"),
        *("缴纳", "缴费", "服务", "材料", "业务", "事项", "咨询", "流程", "办证", "要求", "条件"),
        *("办", "换", "补", "领", "交", "证"),
        # Where the caller is, not what they need: 家里有老鼠 shares 家里有 with 低保's FAQ.
        *("家里有", "家中有", "家里", "家中", "我家"),
    ]
)
# The words a caller uses for what to do with an item (弄丢了, 到期了) are generic too, not the
# phrases that name the thing along with it (开饭店: `cue_words.CUE_PHRASES`).
GENERIC_RE = re.compile(
    "|".join(
        [
            *("|".join(words) for _, words in CUE_WORDS),
            *sorted(GENERIC_WORDS, key=len, reverse=True),
        ]
    )
)

# What a caller puts inside a word as they say it (改个名字, 养了条狗, 上个户口): at most
# MAX_INSERTED of these characters between two parts of a word of the synonym table.
INSERTED = frozenset("个了条只张本过一下点次份套间家块辆台头位着")
MAX_INSERTED = 2
# A word of the synonym table may also be said in two parts with a few words between them
# (收割机卖给隔壁村了要过户): at most PART_GAP characters between, a first part of at most
# MAX_FIRST_PART characters.
PART_GAP = 12
MAX_FIRST_PART = 4
# A group the sentence only resembles (`search.resemblance`) counts for less than a homophone
# of a word: none of its words was said.
HINT_FACTOR = 0.5
# Only a sentence is read for the groups it resembles: a short query names what it asks for
# (个体户开业), and a group sharing a piece of it would only crowd its results.
HINTS_FROM = 8
# 个 is a measure word said between a verb and what it is done to (办个证明, 开个小店, 批个证)
# and is dropped, except where it begins a word of its own (个体, 个人, 个税, 个独).
MEASURE = "个"
MEASURE_WORDS = frozenset("体人税独性")
# Fillers ending in the measure word after a verb, not after a number (一个人 is one person).
COUNTED = frozenset(["办个"])

HOMOPHONE_FACTOR = 0.75
SYNONYM_FACTOR = 0.9
# Abbreviations take characters from the words of a name (低保 for 最低生活保障, 社保 for 社会保险):
# characters in order, at most this many apart, in a title or alias.
SEQUENCE_GAP = 2
SEQUENCE_FACTOR = 0.7


@dataclasses.dataclass(frozen=True)
class Alternative:
    """One way a part of the query can appear in a document."""

    # "text": folded substring; "pinyin": pinyin term; "initials": substring of the initials
    # of a title; "word": latin word; "sequence", "pinyin_sequence", "initials_sequence": the
    # characters, syllables or letters in order in a title, a few apart (低保 in 最低生活保障).
    kind: str
    value: str
    factor: float = 1.0

    def index_terms(self) -> tuple[str, ...]:
        """Terms a document must all hold to match (for letters a few apart: any pair of them)."""
        if self.kind in ("pinyin", "word"):
            return (self.value,)
        if self.kind == "initials":
            return tuple(initials_query_terms(self.value))
        if self.kind == "sequence":
            return tuple(self.value)
        if self.kind == "pinyin_sequence":
            return tuple(PINYIN_PREFIX + s for s in self.value.split("_"))
        if self.kind == "initials_sequence":
            return tuple(INITIALS_PREFIX + a + b for a, b in itertools.pairwise(self.value))
        if len(self.value) <= 2:
            return (self.value,)
        return tuple(self.value[i : i + 2] for i in range(len(self.value) - 1))

    @property
    def in_names_only(self) -> bool:
        return self.kind.endswith("sequence") or self.kind == "initials"


@dataclasses.dataclass(frozen=True)
class Unit:
    """A part of the query that documents are scored on: matched by any of its alternatives."""

    alternatives: tuple[Alternative, ...]
    # Where in the query it stands: the first character, and how many (2 for a bigram).
    start: int
    size: int
    # A lone character is weak evidence unless the query has nothing else around it.
    weak: bool = False
    # A word of the synonym table: editors wrote it down as a way to name something.
    listed: bool = False
    # Characters inside the span that are not part of it (a word said in two parts).
    skipped: int = 0
    # A group of the synonym table the sentence resembles (`search.resemblance`): it ranks,
    # and is never part of what was said.
    hint: bool = False

    @property
    def label(self) -> str:
        return self.alternatives[0].value

    @functools.cached_property
    def by_factor(self) -> tuple[Alternative, ...]:
        """The alternatives, most telling first."""
        return tuple(sorted(self.alternatives, key=lambda a: -a.factor))

    @functools.cached_property
    def mask(self) -> int:
        """The characters of the query it covers, one bit each."""
        return (((1 << self.size) - 1) << self.start) & ~self.skipped


@dataclasses.dataclass(frozen=True)
class Reading:
    """One interpretation of the query (a latin word may be pinyin, initials, or itself)."""

    units: tuple[Unit, ...]
    # The Chinese content of the query with fillers removed, for title bonuses.
    content: str
    # Set when the query is pinyin or initials to compare with a title as a whole.
    letters: str = ""
    letters_kind: str = ""

    @functools.cached_property
    def generic_mask(self) -> int:
        """The characters of the content that are words any procedure may hold (申请, 补办,
        证明 …): a result holding only those does not answer the query (see `search.answers`)."""
        return _generic_mask(self.content)


def _generic_mask(content: str) -> int:
    mask = 0
    for match in GENERIC_RE.finditer(content):
        mask |= ((1 << len(match.group())) - 1) << match.start()
    return mask


@dataclasses.dataclass(frozen=True)
class QueryPlan:
    folded: str
    readings: tuple[Reading, ...]

    def index_terms(self) -> set[str]:
        return {
            term
            for reading in self.readings
            for unit in reading.units
            for alternative in unit.alternatives
            for term in alternative.index_terms()
        }

    @property
    def is_empty(self) -> bool:
        return not any(reading.units for reading in self.readings)


class SynonymIndex(dict[str, tuple[str, ...]]):
    """Each word of each group (folded) to the other words of its groups; the groups
    themselves, for the sentences that resemble one (`search.resemblance`), in `groups`."""

    groups: tuple[tuple[str, ...], ...] = ()

    @functools.cached_property
    def pieces(self) -> resemblance.Groups:
        """The groups by the pieces of their words, made at the first sentence read."""
        return resemblance.Groups(self.groups)


def synonym_index(groups: Iterable[Iterable[str]]) -> SynonymIndex:
    """Each word of each group (folded) to the other words of its groups."""
    index: dict[str, list[str]] = {}
    kept = []
    for group in groups:
        words = list(dict.fromkeys(w for w in (fold(word).strip() for word in group) if w))
        if len(words) > 1:
            kept.append(tuple(words))
        for word in words:
            others = index.setdefault(word, [])
            others.extend(w for w in words if w != word and w not in others)
    synonyms = SynonymIndex((word, tuple(others)) for word, others in index.items() if others)
    synonyms.groups = tuple(kept)
    return synonyms


def _spans(text: str, synonyms: Mapping[str, tuple[str, ...]]) -> Iterator[tuple[str, str]]:
    """Cut folded text into ("word", synonym), ("filler", …) and ("text", …) pieces."""
    words = _words_of(synonyms)
    longest, by_first = _longest(words), _by_first_char(words)
    longest_filler = max(len(word) for word in FILLERS)
    position, pending = 0, []
    while position < len(text):
        word = _longest_at(text, position, synonyms, longest)
        kind, size = "word", len(word) if word else 0
        if word is None:
            word, size = _split_at(text, position, by_first)
        if word is None:
            word = _longest_at(text, position, FILLERS, longest_filler)
            kind = "filler"
            if word and word[-2:] in COUNTED and not _measure(text, position + len(word) - 1):
                word = word[:-1]  # 办个体户: 办 is said around 个体户
        if word is None and (text[position] in PARTICLES or _measure(text, position)):
            word = text[position]
        if word is None:
            pending.append(text[position])
            position += 1
            continue
        if pending:
            yield "text", "".join(pending)
            pending = []
        yield kind, word
        position += size or len(word)
    if pending:
        yield "text", "".join(pending)


def _measure(text: str, position: int) -> bool:
    """Whether `position` holds 个 said as a measure word, not beginning a word (个体户)."""
    return text[position] == MEASURE and text[position + 1 : position + 2] not in MEASURE_WORDS


def _split_at(
    text: str, position: int, by_first: Mapping[str, tuple[str, ...]]
) -> tuple[str | None, int]:
    """A word of the synonym table said with a measure word or 了 inside it (改个名字 for
    改名字, 养了条狗 for 养狗), and how many characters of `text` it takes."""
    for word in by_first.get(text[position], ()):
        for cut in range(1, len(word)):
            if not text.startswith(word[:cut], position):
                break
            gap = position + cut
            while gap < len(text) and gap - position - cut < MAX_INSERTED and text[gap] in INSERTED:
                gap += 1
                if text.startswith(word[cut:], gap):
                    return word, gap - position + len(word) - cut
    return None, 0


# The words of the last synonym index seen: a worker reads one index for many queries
# (`search.kept`, which makes a new index rather than change one), and the caches below find
# the same set at once.
_last_words: tuple[Mapping[str, tuple[str, ...]] | None, frozenset[str]] = (None, frozenset())


def _words_of(synonyms: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    global _last_words
    index, words = _last_words
    if index is not synonyms:
        words = frozenset(synonyms)
        _last_words = (synonyms, words)
    return words


@functools.lru_cache(maxsize=8)
def _longest(words: frozenset[str]) -> int:
    return max(map(len, words), default=0)


@functools.lru_cache(maxsize=8)
def _by_first_char(words: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Words of two or more Chinese characters by their first, longest first."""
    found: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        if len(word) > 1 and all(is_cjk(char) for char in word):
            found.setdefault(word[0], []).append(word)
    return {first: tuple(words) for first, words in found.items()}


def _longest_at(text: str, position: int, words: Container[str], longest: int) -> str | None:
    for size in range(min(longest, len(text) - position), 0, -1):
        if text[position : position + size] in words:
            return text[position : position + size]
    return None


def _char_units(segment: str, start: int, *, lone: bool, slips: bool = False) -> list[Unit]:
    """Lone characters and bigrams of `segment`; with `slips`, a bigram that is no word is
    also read as the words it may be a typing slip of (公伤 as 工伤, `search.misspelling`)."""
    units = []
    for index, char in enumerate(segment):
        units.append(Unit((Alternative("text", char),), start + index, 1, weak=not lone))
        if index + 1 < len(segment):
            pair = segment[index : index + 2]
            alternatives = [
                Alternative("text", pair),
                Alternative("sequence", pair, SEQUENCE_FACTOR),
            ]
            for first, second in itertools.product(readings(char), readings(segment[index + 1])):
                alternatives.append(
                    Alternative("pinyin", pinyin_pair(first, second), HOMOPHONE_FACTOR)
                )
            if slips:
                alternatives += [
                    Alternative("text", word, SYNONYM_FACTOR)
                    for word in misspelling.meant(segment, index)
                ]
            units.append(Unit(tuple(alternatives), start + index, 2))
    return units


def _word_unit(word: str, others: Sequence[str], start: int) -> Unit:
    alternatives = _word_alternatives([word], 1.0) + _word_alternatives(others, SYNONYM_FACTOR)
    return Unit(tuple(alternatives), start, len(word), listed=True)


def _word_alternatives(words: Iterable[str], factor: float) -> list[Alternative]:
    """Words as written, then as abbreviated in a name (居民医保 in 城乡居民基本医疗保险)."""
    written = [Alternative("text", word, factor) for word in words]
    shortened = [
        Alternative("sequence", word, factor * SEQUENCE_FACTOR) for word in words if len(word) > 1
    ]
    return written + shortened


def _chinese_units(
    run: str, synonyms: Mapping[str, tuple[str, ...]], offset: int
) -> tuple[list[Unit], str]:
    """Units of one run of Chinese text; `offset` is where its content starts in the query."""
    units: list[Unit] = []
    spans = list(_spans(run, synonyms))
    position = offset
    for index, (kind, piece) in enumerate(spans):
        if kind == "word":
            units.append(_word_unit(piece, synonyms[piece], position))
            if len(piece) > 2:
                # Its parts count where the word is not written whole (出生 of 刚出生).
                units.extend(_char_units(piece, position, lone=False))
        elif kind == "text":
            # A character standing alone between fillers is the whole of what was said.
            neighbours = spans[max(0, index - 1) : index] + spans[index + 1 : index + 2]
            lone = len(piece) == 1 and all(k == "filler" for k, _ in neighbours)
            units.extend(_char_units(piece, position, lone=lone, slips=True))
            units.extend(_sounded_synonyms(piece, synonyms, position))
        if kind != "filler":
            position += len(piece)
            # The bigram across the edge of a synonym (退伍军人: 伍军) counts where it is written.
            following = spans[index + 1] if index + 1 < len(spans) else ("filler", "")
            if following[0] != "filler" and "word" in (kind, following[0]):
                edge = Alternative("text", piece[-1] + following[1][0])
                units.append(Unit((edge,), position - 1, 2))
    return units, "".join(piece for kind, piece in spans if kind != "filler")


def _pinyin_units(
    syllable_list: list[str], synonyms: Mapping[str, tuple[str, ...]], offset: int
) -> list[Unit]:
    units = []
    for index, (a, b) in enumerate(itertools.pairwise(syllable_list)):
        alternatives = (
            Alternative("pinyin", pinyin_pair(a, b)),
            Alternative("pinyin_sequence", pinyin_pair(a, b), SEQUENCE_FACTOR),
        )
        units.append(Unit(alternatives, offset + index, 2))
    if len(syllable_list) == 1:
        units.append(Unit((Alternative("pinyin", PINYIN_PREFIX + syllable_list[0]),), offset, 1))
    # Words of the synonym table spelled out in pinyin (wubaohu) stand for their characters.
    spelled = _spelled_synonyms(_words_of(synonyms))
    for start in range(len(syllable_list)):
        for end in range(start + 2, len(syllable_list) + 1):
            for word in spelled.get(tuple(syllable_list[start:end]), ()):
                group = _word_alternatives([word, *synonyms[word]], SYNONYM_FACTOR)
                units.append(Unit(tuple(group), offset + start, end - start))
    return units


def _sounded_synonyms(
    piece: str, synonyms: Mapping[str, tuple[str, ...]], offset: int
) -> list[Unit]:
    """Words of the synonym table typed with a homophone (准生正 for 准生证): as said where the
    characters typed are no word but a slip of this one (`search.misspelling`)."""
    units = []
    sounds = [set(readings(char)) for char in piece]
    by_first = _spelled_by_first_syllable(_words_of(synonyms))
    for start, heard in enumerate(sounds):
        for syllable in heard:
            for syllable_list, words in by_first.get(syllable, ()):
                size = len(syllable_list)
                if start + size > len(piece):
                    continue
                if all(s in sounds[start + i] for i, s in enumerate(syllable_list)):
                    group = [w for word in words for w in (word, *synonyms[word])]
                    factor = HOMOPHONE_FACTOR * SYNONYM_FACTOR
                    if misspelling.misspelt(piece[start : start + size], syllable_list):
                        factor = SYNONYM_FACTOR  # 居注证: a typing slip of the word, as said
                    alternatives = _word_alternatives(group, factor)
                    units.append(Unit(tuple(alternatives), offset + start, size))
    return units


@functools.lru_cache(maxsize=8)
def _spelled_by_first_syllable(words: frozenset[str]) -> dict[str, list]:
    found: dict[str, list] = {}
    for syllable_list, spelled in _spelled_synonyms(words).items():
        found.setdefault(syllable_list[0], []).append((syllable_list, spelled))
    return found


@functools.lru_cache(maxsize=8)
def _spelled_synonyms(words: frozenset[str]) -> dict[tuple[str, ...], list[str]]:
    spelled: dict[tuple[str, ...], list[str]] = {}
    for word in words:
        if all(is_cjk(char) for char in word):
            spelled.setdefault(tuple(contextual_pinyin(word)), []).append(word)
    return spelled


def _latin_readings(
    words: list[str], synonyms: Mapping[str, tuple[str, ...]], offset: int
) -> list[tuple[list[Unit], str, str]]:
    """Ways to read the query's latin words: as full pinyin, as initials, or as themselves."""
    letters = "".join(w for w in words if w.isalpha())
    found: list[tuple[list[Unit], str, str]] = []
    if letters:
        for syllable_list in split_pinyin(letters):
            units = _pinyin_units(syllable_list, synonyms, offset)
            found.append((units, "".join(syllable_list), "pinyin"))
        if 2 <= len(letters) <= 12:
            alternatives = (
                Alternative("initials", letters),
                Alternative("initials_sequence", letters, SEQUENCE_FACTOR),
            )
            found.append(([Unit(alternatives, offset, len(letters))], letters, "initials"))
    literal, position = [], offset
    for word in words:
        # A latin word of the synonym table (ktv) stands for its group (娱乐场所) too.
        others = synonyms.get(word, ())
        group = [Alternative("word", word), *_word_alternatives(others, SYNONYM_FACTOR)]
        literal.append(Unit(tuple(group), position, len(word), listed=bool(others)))
        position += len(word)
    found.append((literal, "", ""))
    return found


def analyze_query(text: str, synonyms: Mapping[str, tuple[str, ...]] | None = None) -> QueryPlan:
    """What to look for: units of each reading of the query, filler words removed."""
    synonyms = synonyms or {}
    folded = fold(text)
    chinese_units: list[Unit] = []
    contents = []
    latin_words = []
    offset = 0
    for run in runs(folded):
        if is_cjk(run[0]):
            units, content = _chinese_units(run, synonyms, offset)
            chinese_units += units
            contents.append(content)
            offset += len(content)
        else:
            latin_words.append(run)
    content = "".join(contents)
    chinese_units += _parted_synonyms(content, synonyms)
    chinese_units += _hinted_groups(content, synonyms, chinese_units)
    if not latin_words:
        return QueryPlan(folded, (Reading(tuple(chinese_units), content),))
    plans = [
        Reading(tuple(chinese_units + units), content, letters, kind)
        for units, letters, kind in _latin_readings(latin_words, synonyms, offset)
    ]
    return QueryPlan(folded, tuple(plans))


def _parted_synonyms(content: str, synonyms: Mapping[str, tuple[str, ...]]) -> list[Unit]:
    """Words of the synonym table said in two parts with other words between them: 收割机卖给
    隔壁村了要过户 says 收割机过户, 狗证满一年了要年审 says 狗证年审. Each part has two characters
    or more, the second follows the first within PART_GAP characters, and the two are not both
    generic words (资格…认证 says nothing in particular)."""
    by_part = _by_first_part(_words_of(synonyms))
    units = []
    found = set()
    for start in range(len(content)):
        for size in range(2, MAX_FIRST_PART + 1):
            for word, cut in by_part.get(content[start : start + size], ()):
                if word in found or word in content:
                    continue
                rest = word[cut:]
                after = start + cut + 1
                second = content.find(rest, after, after + PART_GAP + len(rest))
                if second < 0:
                    continue
                found.add(word)
                skipped = ((1 << (second - start - cut)) - 1) << (start + cut)
                group = _word_alternatives([word, *synonyms[word]], SYNONYM_FACTOR)
                span = second + len(rest) - start
                units.append(Unit(tuple(group), start, span, listed=True, skipped=skipped))
    return units


def _hinted_groups(
    content: str, synonyms: Mapping[str, tuple[str, ...]], units: Sequence[Unit]
) -> list[Unit]:
    """The groups of the synonym table the sentence resembles without saying any of their
    words (`search.resemblance`), each a unit covering the characters it shares."""
    if not isinstance(synonyms, SynonymIndex) or len(content) < HINTS_FROM:
        return []
    said = {unit.label for unit in units if unit.listed}
    hints = synonyms.pieces.resembled(content, generic=_generic_mask(content), said=said)
    hinted = []
    for hint in hints:
        start = (hint.mask & -hint.mask).bit_length() - 1
        size = hint.mask.bit_length() - start
        skipped = (((1 << size) - 1) << start) & ~hint.mask
        alternatives = tuple(Alternative("text", word, HINT_FACTOR) for word in hint.words)
        hinted.append(Unit(alternatives, start, size, skipped=skipped, hint=True))
    return hinted


@functools.lru_cache(maxsize=8)
def _by_first_part(words: frozenset[str]) -> dict[str, tuple[tuple[str, int], ...]]:
    """Words of four Chinese characters or more by each first part they may be said in (收割机
    of 收割机过户, with where the second part begins), unless both parts are generic words."""
    found: dict[str, list[tuple[str, int]]] = {}
    for word in words:
        if len(word) < 4 or not all(is_cjk(char) for char in word):
            continue
        for cut in range(2, min(len(word) - 1, MAX_FIRST_PART + 1)):
            first, second = word[:cut], word[cut:]
            if not (GENERIC_RE.fullmatch(first) and GENERIC_RE.fullmatch(second)):
                found.setdefault(first, []).append((word, cut))
    return {first: tuple(parts) for first, parts in found.items()}
