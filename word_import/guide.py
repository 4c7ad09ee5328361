"""From a Word guide's blocks to a draft's fields, each marked with how sure the importer is.

A 办事指南 is a run of sections (事项名称, 受理条件, 申请材料, 办理流程, 办理时限, 收费, 地点,
时间, 电话, 设定依据, 常见问题), headed by a line that names the section — numbered by Word or
typed (一、 （一） 1. ①), bold or a heading style, or as "办理时限：5个工作日" with the value on
the same line. What falls in no section, or cannot be read as its section's content, is kept
in `unplaced`, in order: an import never drops text.
"""

import dataclasses
import re

from word_import.blocks import Block

SURE, LIKELY, UNSURE = "高", "中", "低"

SECTIONS: dict[str, tuple[str, ...]] = {
    "title": ("事项名称", "服务事项", "办理事项", "事项"),
    "audience": ("适用对象", "服务对象", "申请对象", "办理对象"),
    "conditions": ("受理条件", "申请条件", "办理条件", "申办条件"),
    "materials": ("申请材料", "所需材料", "提交材料", "办理材料", "申报材料", "材料清单"),
    "steps": ("办理流程", "办理程序", "办事流程", "办理步骤", "办理环节", "流程"),
    "time_limit": ("办理时限", "承诺时限", "办结时限", "承诺办结时限", "法定时限"),
    "fee": ("收费标准", "收费", "是否收费", "收费情况"),
    "location": ("办理地点", "受理地点", "办公地点", "地点"),
    "hours": ("办理时间", "受理时间", "办公时间", "工作时间"),
    "phone": ("咨询电话", "联系电话", "咨询方式", "监督电话", "电话"),
    "department": ("办理部门", "受理部门", "实施主体", "受理窗口"),
    "basis": ("设定依据", "法律依据", "政策依据", "办理依据"),
    "faqs": ("常见问题", "常见问题解答", "问题解答"),
}
ONE_LINE = {"title", "time_limit", "fee", "location", "hours", "phone", "department"}
TYPED = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d+[、.．)）]|"
    r"[（(]\d+[）)]|[①-⑳])\s*"
)
KEY_VALUE = re.compile(r"^(?P<key>[^：:]{2,10})[：:]\s*(?P<value>.*)$")
FORMS = (
    ("原件及复印件", "original_and_copy"),
    ("原件和复印件", "original_and_copy"),
    ("复印件", "copy"),
    ("电子", "electronic"),
    ("原件", "original"),
)
COPIES = re.compile(r"(\d+|[一二三四五六七八九十两])\s*份")
COLUMNS = {
    "name": ("材料名称", "名称", "材料"),
    "form": ("原件/复印件", "原件复印件", "材料形式", "形式", "原件或复印件", "纸质/电子"),
    "copies": ("份数", "数量"),
    "required": ("必要性", "是否必需", "是否必须", "必要", "必须"),
    "note": ("备注", "说明", "来源", "要求", "出具单位"),
}


@dataclasses.dataclass
class Field:
    value: str
    sure: str
    source: str = ""  # the document's own words for it


@dataclasses.dataclass
class Imported:
    fields: dict[str, Field] = dataclasses.field(default_factory=dict)
    materials: list[dict[str, object]] = dataclasses.field(default_factory=list)
    materials_sure: str = UNSURE
    steps: list[dict[str, str]] = dataclasses.field(default_factory=list)
    steps_sure: str = UNSURE
    faqs: list[dict[str, str]] = dataclasses.field(default_factory=list)
    faqs_sure: str = UNSURE
    unplaced: list[str] = dataclasses.field(default_factory=list)

    def recognised(self) -> list[str]:
        """The names of what was found: each field, and materials, steps, faqs if any."""
        found = list(self.fields)
        found += [name for name in ("materials", "steps", "faqs") if getattr(self, name)]
        return found


def section_of(text: str) -> tuple[str | None, str]:
    """The section a heading line names, and any value after a colon on the same line."""
    bare = TYPED.sub("", text).strip()
    match = KEY_VALUE.match(bare)
    key, value = (match["key"].strip(), match["value"].strip()) if match else (bare, "")
    key = key.rstrip("：: ")
    for name, aliases in SECTIONS.items():
        if key in aliases:
            return name, value
    return None, ""


def _is_heading(block: Block, name: str | None, value: str) -> bool:
    if name is None:
        return False
    if value:
        return True
    short = len(TYPED.sub("", block.text)) <= 14
    return short


def _looks_like_heading(block: Block) -> bool:
    """A short line set apart (bold, a heading style, or a top-level 一、 number) that names
    no section we know: its content must not run into the section before it."""
    text = TYPED.sub("", block.text).strip()
    if len(text) > 12 or text[-1:] in "。；;，,：:？?":
        return False
    top = bool(re.match(r"^\s*[一二三四五六七八九十]+[、.．]", block.shown))
    return block.bold or block.heading_level is not None or top


def recognise(blocks: list[Block]) -> Imported:
    found = Imported()
    sections: dict[str, list[Block]] = {}
    current: str | None = None
    for block in blocks:
        if block.kind == "picture":
            found.unplaced.append("［图片：可能是扫描件或流程图，请对照原文件录入其中的文字］")
            continue
        if block.kind == "paragraph":
            name, value = section_of(block.text)
            if _is_heading(block, name, value):
                assert name is not None
                current = name
                sections.setdefault(name, [])
                if value:
                    sections[name].append(Block("paragraph", text=value))
                continue
            if current is None and "title" not in found.fields and block.heading_level is not None:
                found.fields["title"] = Field(block.text, LIKELY, block.shown)
                continue
            if name is None and _looks_like_heading(block):
                current = "unknown"
                found.unplaced.append(block.shown)
                continue
        if current == "unknown":
            found.unplaced.append(block.shown if block.kind == "paragraph" else block.text)
            continue
        if current is None:
            found.unplaced.append(block.shown if block.kind == "paragraph" else block.text)
            continue
        sections[current].append(block)
    for name, content in sections.items():
        _place(found, name, content)
    return found


def _place(found: Imported, name: str, content: list[Block]) -> None:
    if name == "materials":
        _materials(found, content)
    elif name == "steps":
        _steps(found, content)
    elif name == "faqs":
        _faqs(found, content)
    elif name in ONE_LINE:
        texts = [b.shown for b in content if b.kind == "paragraph"]
        if texts:
            found.fields[name] = Field(
                texts[0], SURE if len(texts) == 1 else LIKELY, "\n".join(texts)
            )
            found.unplaced += texts[1:] if name == "title" else []
            if name != "title" and len(texts) > 1:
                found.fields[name] = Field("；".join(texts), LIKELY, "\n".join(texts))
        found.unplaced += [b.text for b in content if b.kind == "table"]
    else:
        lines = [_markdown_line(b) for b in content if b.kind == "paragraph"]
        if lines:
            found.fields[name] = Field("\n".join(lines), SURE, "\n".join(b.shown for b in content))
        found.unplaced += [b.text for b in content if b.kind == "table"]


def _markdown_line(block: Block) -> str:
    """A numbered line stays a numbered line: its number kept as the reader saw it."""
    return block.shown


def _materials(found: Imported, content: list[Block]) -> None:
    tables = [b for b in content if b.kind == "table" and b.rows]
    for table in tables:
        columns = _columns(table.rows[0])
        if "name" not in columns:
            found.unplaced.append(table.text)
            continue
        for row in table.rows[1:]:
            material = _from_row(row, columns)
            if material is not None:
                found.materials.append(material)
        found.materials_sure = SURE
    for block in content:
        if block.kind != "paragraph":
            continue
        text = TYPED.sub("", block.text).strip()
        if not text:
            continue
        if block.label or TYPED.match(block.text) or not tables:
            found.materials.append(_from_line(text))
            found.materials_sure = found.materials_sure if tables else LIKELY
        else:
            found.unplaced.append(block.shown)


def _columns(header: list[str]) -> dict[str, list[int]]:
    """Which columns hold what; a header merged over several columns (形式 over 原件 | 复印件)
    names them all."""
    columns: dict[str, list[int]] = {}
    for index, cell in enumerate(header):
        label = cell.replace(" ", "")
        for name, aliases in COLUMNS.items():
            if any(alias in label for alias in aliases):
                if name not in columns or header[columns[name][-1]] == cell:
                    columns.setdefault(name, []).append(index)
                break
    return columns


def _from_row(row: list[str], columns: dict[str, list[int]]) -> dict[str, object] | None:
    def cell(name: str) -> str:
        values = [row[i].strip() for i in columns.get(name, []) if i < len(row)]
        return "、".join(value for value in dict.fromkeys(values) if value)

    name = TYPED.sub("", cell("name")).strip()
    if not name:
        return None
    material: dict[str, object] = {"name": name}
    form = _form(cell("form")) or _form(name)
    if form:
        material["form"] = form
    copies = _copies(cell("copies"))
    if copies:
        material["copies"] = copies
    required = cell("required")
    if required and any(word in required for word in ("非必", "按情形", "容缺", "选")):
        material["required"] = False
        material["condition"] = required
    note = cell("note")
    if note:
        material["note"] = note[:300]
    return material


def _from_line(text: str) -> dict[str, object]:
    """ "居民身份证原件及复印件1份（委托办理的）" as a material."""
    material: dict[str, object] = {"name": text}
    name = re.split(r"[（(，,；;]|原件|复印件|\d+\s*份", text, maxsplit=1)[0].strip()
    if name:
        material["name"] = name
    form = _form(text)
    if form:
        material["form"] = form
    copies = _copies(text)
    if copies:
        material["copies"] = copies
    condition = re.search(r"[（(]([^）)]*(?:的|时|者)[^）)]*)[）)]", text)
    if condition:
        material["required"] = False
        material["condition"] = condition[1]
    rest = text.replace(str(material["name"]), "", 1)
    rest = re.sub(r"原件及复印件|原件和复印件|原件|复印件|\d+\s*份|[；;。，,、\s]", "", rest)
    if condition:
        rest = rest.replace(f"（{condition[1]}）", "").replace(f"({condition[1]})", "")
    if rest:
        material["note"] = text[:300]
    return material


def _form(text: str) -> str:
    for words, form in FORMS:
        if words in text:
            return form
    return ""


def _copies(text: str) -> int | None:
    match = COPIES.search(text) or re.fullmatch(r"\s*(\d+)\s*", text)
    if not match:
        return None
    value = match[1]
    return int(value) if value.isdigit() else "一二三四五六七八九十".find(value) + 1 or 2


def _steps(found: Imported, content: list[Block]) -> None:
    """Each numbered paragraph a step; unnumbered paragraphs after it are its body."""
    numbered = [b for b in content if b.kind == "paragraph" and (b.label or TYPED.match(b.text))]
    for block in content:
        if block.kind != "paragraph":
            found.unplaced.append(block.text)
            continue
        text = TYPED.sub("", block.text).strip()
        if block.label or TYPED.match(block.text) or not numbered:
            head = re.split(r"[：:。]", text, maxsplit=1)
            step = {"title": head[0][:200], "body": head[1].strip() if len(head) > 1 else ""}
            found.steps.append(step)
        elif found.steps:
            body = found.steps[-1]["body"]
            found.steps[-1]["body"] = f"{body}\n\n{text}".strip()
        else:
            found.unplaced.append(block.shown)
    if found.steps:
        found.steps_sure = SURE if numbered else LIKELY


def _faqs(found: Imported, content: list[Block]) -> None:
    question: str | None = None
    answer: list[str] = []

    def close() -> None:
        if question is not None:
            if answer:
                found.faqs.append({"question": question, "answer": "\n\n".join(answer)})
            else:
                found.unplaced.append(question)

    for block in content:
        if block.kind != "paragraph":
            found.unplaced.append(block.text)
            continue
        text = TYPED.sub("", block.text).strip()
        asked = re.match(r"^(?:问|Q)[：:、]\s*(.*)$", text)
        answered = re.match(r"^(?:答|A)[：:、]\s*(.*)$", text)
        if asked or (not answered and (text.endswith("？") or text.endswith("?"))):
            close()
            question, answer = (asked[1] if asked else text), []
        elif question is not None:
            answer.append(answered[1] if answered else text)
        else:
            found.unplaced.append(block.shown)
    close()
    if found.faqs:
        found.faqs_sure = SURE
