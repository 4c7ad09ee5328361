"""The text Word shows before a numbered paragraph: 一、, （二）, 3., ① …

python-docx gives a paragraph's numbering reference (numId, level) but not its number. This
module reads numbering.xml and counts, as Word does, per list instance: a level's counter
starts at its `start` value and restarts when a shallower level of the same list advances.
Numbering set by a paragraph's style counts too (docx2python drops it).
"""

import dataclasses
import re
from typing import Any

from docx.document import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

DIGITS = "零一二三四五六七八九"
LEGAL = "零壹贰叁肆伍陆柒捌玖"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
ROMAN = [
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
]


def chinese(number: int, digits: str = DIGITS, ten: str = "十") -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (up to 999)."""
    if number <= 0:
        return str(number)
    if number < 10:
        return digits[number]
    if number < 20:
        return ten + (digits[number % 10] if number % 10 else "")
    if number < 100:
        return digits[number // 10] + ten + (digits[number % 10] if number % 10 else "")
    if number < 1000:
        rest = number % 100
        head = digits[number // 100] + ("佰" if digits is LEGAL else "百")
        if not rest:
            return head
        if rest < 10:
            return head + "零" + digits[rest]
        tens = digits[rest // 10] + ten
        return head + tens + (digits[rest % 10] if rest % 10 else "")
    return str(number)


def roman(number: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out


def formatted(number: int, fmt: str) -> str:
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "japaneseCounting",
        "taiwaneseCounting",
    ):
        return chinese(number)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return chinese(number, LEGAL, "拾")
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and number <= 20:
        return CIRCLED[number - 1]
    if fmt in ("ideographTraditional",) and number <= 10:
        return HEAVENLY[number - 1]
    if fmt == "lowerLetter":
        return chr(ord("a") + (number - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (number - 1) % 26)
    if fmt == "lowerRoman":
        return roman(number)
    if fmt == "upperRoman":
        return roman(number).upper()
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(number))
    if fmt in ("none", "bullet"):
        return ""
    return str(number)  # decimal, decimalZero and anything unknown


@dataclasses.dataclass(frozen=True)
class Level:
    start: int
    fmt: str
    text: str  # lvlText: "%1、", "（%1）", "%1.%2"


class Numbering:
    """Counts the numbered paragraphs of one document, in document order."""

    def __init__(self, document: Document) -> None:
        self.levels: dict[str, dict[int, Level]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract: dict[str, dict[int, Level]] = {}
        for node in root.findall(qn("w:abstractNum")):
            abstract[node.get(qn("w:abstractNumId"))] = {
                int(level.get(qn("w:ilvl"))): _level(level) for level in node.findall(qn("w:lvl"))
            }
        for node in root.findall(qn("w:num")):
            ref = node.find(qn("w:abstractNumId"))
            if ref is None:
                continue
            levels = dict(abstract.get(ref.get(qn("w:val")), {}))
            for override in node.findall(qn("w:lvlOverride")):
                ilvl = int(override.get(qn("w:ilvl")))
                start = override.find(qn("w:startOverride"))
                if start is not None and ilvl in levels:
                    levels[ilvl] = dataclasses.replace(
                        levels[ilvl], start=int(start.get(qn("w:val")))
                    )
            self.levels[node.get(qn("w:numId"))] = levels
        self.styles = document.styles

    def label(self, paragraph: Paragraph) -> tuple[str, int | None]:
        """The number Word shows before this paragraph ("" if none), and its level."""
        found = _reference(paragraph)
        if found is None:
            return "", None
        num_id, ilvl = found
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels or num_id == "0":
            return "", None
        counts = self.counters.setdefault(num_id, [0] * 9)
        if counts[ilvl] == 0:
            counts[ilvl] = levels[ilvl].start
        else:
            counts[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        level = levels[ilvl]

        def number(match: re.Match[str]) -> str:
            index = int(match[1]) - 1
            value = counts[index] or (levels[index].start if index in levels else 1)
            fmt = levels[index].fmt if index in levels else "decimal"
            return formatted(value, fmt)

        return re.sub(r"%(\d)", number, level.text), ilvl


def _level(node) -> Level:  # type: ignore[no-untyped-def]
    def value(tag: str, default: str) -> str:
        found = node.find(qn(tag))
        return found.get(qn("w:val")) if found is not None else default

    return Level(int(value("w:start", "1")), value("w:numFmt", "decimal"), value("w:lvlText", ""))


def _reference(paragraph: Paragraph) -> tuple[str, int] | None:
    """(numId, ilvl) from the paragraph, or else from its style (and the style's bases)."""
    ppr: Any = paragraph._p.pPr
    num_pr: Any = ppr.numPr if ppr is not None else None
    if num_pr is not None and num_pr.numId is not None:
        ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        return str(num_pr.numId.val), int(ilvl)
    style = paragraph.style
    while style is not None:
        spr: Any = style.element.pPr
        style_num: Any = spr.numPr if spr is not None else None
        if style_num is not None and style_num.numId is not None:
            ilvl = style_num.ilvl.val if style_num.ilvl is not None else 0
            return str(style_num.numId.val), int(ilvl)
        style = style.base_style
    return None
