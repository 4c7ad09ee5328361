"""A .docx file as the blocks a reader sees, in order: paragraphs with the number Word shows
before them (automatic numbering resolved, typed numbering kept as typed), tables with merged
cells expanded, and pictures. Nothing in the body is skipped: what the importer cannot place
is still a block."""

import dataclasses
import io
import zipfile
from collections.abc import Iterator
from typing import IO

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from word_import.numbering import Numbering


class NotAWordFile(Exception):
    """The file is not a .docx Word can open; the message says what it is instead."""


@dataclasses.dataclass
class Block:
    kind: str  # "paragraph", "table", "picture"
    text: str = ""
    label: str = ""  # the automatic number Word shows: "一、", "（二）", "3."
    level: int | None = None
    style: str = ""
    bold: bool = False
    rows: list[list[str]] = dataclasses.field(default_factory=list)

    @property
    def shown(self) -> str:
        """The paragraph as a reader sees it, number first."""
        return f"{self.label}{self.text}" if self.label else self.text

    @property
    def heading_level(self) -> int | None:
        name = self.style.lower()
        if name.startswith("heading") or name.startswith("标题"):
            digits = "".join(c for c in name if c.isdigit())
            return int(digits) if digits else 1
        if name == "title":
            return 0
        return None


def read_blocks(source: str | IO[bytes] | bytes) -> list[Block]:
    data = source if isinstance(source, bytes) else None
    stream: str | IO[bytes] = io.BytesIO(data) if data is not None else source  # type: ignore[assignment]
    try:
        document = docx.Document(stream)
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise NotAWordFile(
            "不是 Word 的 .docx 文件（可能是 .doc、WPS 或损坏的文件）："
            "请在 Word 中另存为 .docx 后再导入。"
        ) from error
    return list(_walk(document))


def _walk(document: Document) -> Iterator[Block]:
    numbering = Numbering(document)
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            yield from _paragraph(paragraph, numbering)
        elif child.tag == qn("w:tbl"):
            yield _table(Table(child, document))


def _paragraph(paragraph: Paragraph, numbering: Numbering) -> Iterator[Block]:
    text = paragraph.text.replace("\u3000", " ").strip()
    has_picture = bool(paragraph._p.findall(".//" + qn("w:drawing"))) or bool(
        paragraph._p.findall(".//" + qn("w:pict"))
    )
    if has_picture:
        yield Block("picture")
    if not text:
        return
    label, level = numbering.label(paragraph)
    runs = [run for run in paragraph.runs if run.text.strip()]
    bold = bool(runs) and all(run.bold for run in runs)
    yield Block(
        "paragraph",
        text=text,
        label=label,
        level=level,
        style=paragraph.style.name if paragraph.style is not None else "",
        bold=bold,
    )


def _table(table: Table) -> Block:
    """Rows of cell texts, a merged cell's text in every grid column and row it covers."""
    rows = []
    for row in table.rows:
        cells = [" ".join(cell.text.split()) for cell in row.cells]
        if any(cells):
            rows.append(cells)
    return Block("table", rows=rows, text="\n".join(" | ".join(r) for r in rows))
