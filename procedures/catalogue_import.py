"""Starting from the official catalogue (事项目录): every item findable on day one (issue 14).

A catalogue lists departments, their main items (主项) and items, each with its 事项编码 and the
link to the provincial guide. Each item becomes a procedure whose first version holds only its
title and department: 待完善, which is derived, not stored (an item with no materials and no
steps), so that it stops being 待完善 the day an editor publishes its checklist. The link is the
procedure's `catalogue_url`; the main item, an alias.

The file (CSV, XLSX or JSON, see docs/library-format.md) is read and every row checked before
anything is written; the rows are then written as `procedures.library` writes an import: in
batches of about a second, each one transaction and one `signals.batched()` block. An item
already in the library (same code, or same title) is left as it is, but for a missing code or
link: importing the same file again changes nothing.
"""

import codecs
import csv
import dataclasses
import datetime
import importlib
import io
import json
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from procedures import library, planner_statistics, publishing, signals
from procedures.exceptions import ImportFormatError, ImportStopped, ProcedureError
from procedures.library_format import SHOWN_LENGTH, SLUG_MAX_LENGTH, derive_slug
from procedures.models import AuditEvent, Category, Material, Procedure, ProcedureVersion, Step

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# An .xlsx is a zip: what it unpacks to is bounded too, so that a small file cannot fill memory.
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 100
CHANGE_SUMMARY = "从官方事项目录导入，内容待完善"
FALLBACK_SLUG = "shi-xiang"

FIELDS = ("department", "main_item", "title", "code", "url")
REQUIRED = ("department", "title")
# The names a column (or a JSON key) may have, compared without spaces and case.
NAMES = {
    "department": ("部门", "部门名称", "department"),
    "main_item": ("主项", "主项名称", "main_item"),
    "title": ("事项名称", "事项", "title"),
    "code": ("事项编码", "编码", "code"),
    "url": ("办事指南链接", "链接", "url", "link"),
}
FIELD_OF_NAME = {name.lower(): field for field, names in NAMES.items() for name in names}
LIMITS = {
    "department": Category._meta.get_field("name").max_length,
    "main_item": ProcedureVersion._meta.get_field("title").max_length,
    "title": ProcedureVersion._meta.get_field("title").max_length,
    "code": Procedure._meta.get_field("code").max_length,
    "url": Procedure._meta.get_field("catalogue_url").max_length,
}
# Every control character, line breaks and tabs too: each of these fields is one line.
FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
CHECK_URL = URLValidator(schemes=["http", "https"])

Progress = Callable[[int, int], None]


@dataclasses.dataclass(frozen=True)
class CatalogueRow:
    department: str
    main_item: str
    title: str
    code: str
    url: str
    where: str  # "目录.csv 第 5 行", as messages name the row


@dataclasses.dataclass
class CatalogueSummary:
    """What an import did (or, dry, would do): slugs of the procedures, rows skipped."""

    created: list[str] = dataclasses.field(default_factory=list)
    existing: list[str] = dataclasses.field(default_factory=list)
    filled: list[str] = dataclasses.field(default_factory=list)  # existing: code or link added
    skipped: list[str] = dataclasses.field(default_factory=list)  # why, naming the row
    unused_columns: list[str] = dataclasses.field(default_factory=list)
    awaiting: int = 0  # of the catalogue's procedures in the library, how many are 待完善


def awaiting_content(procedures: QuerySet[Procedure]) -> QuerySet[Procedure]:
    """待完善: items whose latest published version has no materials and no steps."""
    latest = OuterRef("latest_version")
    return procedures.filter(
        ~Exists(Material.objects.filter(version=latest)),
        ~Exists(Step.objects.filter(version=latest)),
        kind=Procedure.Kind.ITEM,
        latest_version__isnull=False,
    )


# ---------------------------------------------------------------------------- reading


def read_catalogue(path: Path) -> tuple[list[CatalogueRow], list[str]]:
    """The checked rows of a catalogue file and the columns it ignored; ImportFormatError with
    every problem, each naming the row and the column, if any row is not valid."""
    source, suffix = path.name, path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".json"):
        hint = "（.xls 请在表格软件里另存为 .xlsx 或 CSV）" if suffix == ".xls" else ""
        raise ImportFormatError([f"{source}: 只能导入 .csv、.xlsx 或 .json 文件{hint}"])
    data = _read_bytes(path)
    unused: list[str] = []
    if suffix == ".json":
        raw = _json_rows(data, source)
    else:
        records = _csv_records(data, source) if suffix == ".csv" else _xlsx_records(data, source)
        raw, unused = _table_rows(records, source)
    problems: list[str] = []
    checked = [_checked(item, problems) for item in raw]
    rows = [row for row in checked if row is not None]
    repeated = _duplicates(rows)
    if problems or repeated:
        rejected = checked.count(None) + len(repeated)
        raise ImportFormatError([*problems, *repeated], rejected=rejected)
    return rows, unused


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFormatError(
                [f"{path.name}: 文件有 {size // 1024} KB，最大 {MAX_FILE_BYTES // 1024 // 1024} MB"]
            )
        return path.read_bytes()
    except OSError as error:
        raise ImportFormatError([f"{path.name}: 无法读取（{error.strerror}）"]) from None


@dataclasses.dataclass(frozen=True)
class _Raw:
    """A row as read: values by field, how its file names each field (列“事项名称”), and what
    is wrong with its shape, if anything (a JSON entry that is not an item)."""

    where: str
    values: Mapping[str, object]
    names: Mapping[str, str]
    problem: str = ""


# How a JSON file names each field in messages.
_KEY_NAMES = {field: f"字段 {field}" for field in FIELDS}


def _decode(data: bytes, source: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFormatError(
            [f"{source}: 不支持 UTF-16 编码（“Unicode 文本”）：请另存为“CSV UTF-8”"]
        )
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
    names = "UTF-8" if len(encodings) == 1 else "UTF-8，也不是 GB18030"
    raise ImportFormatError(
        [f"{source}: 第 {line} 行附近的文字无法识别：文件编码不是 {names}；请另存为“CSV UTF-8”"]
    )


def _csv_records(data: bytes, source: str) -> Iterator[list[object]]:
    reader = csv.reader(io.StringIO(_decode(data, source), newline=""))
    try:
        yield from reader
    except csv.Error as error:
        raise ImportFormatError(
            [f"{source}: 第 {reader.line_num} 行不是有效的 CSV（{error}）"]
        ) from None


def _xlsx_records(data: bytes, source: str) -> Iterator[list[object]]:
    """The first worksheet's rows, cell values as openpyxl reads them (text, numbers, dates)."""
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except zipfile.BadZipFile:
        raise ImportFormatError([f"{source}: 不是有效的 .xlsx 文件"]) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ImportFormatError([f"{source}: 解压后超过 {MAX_XLSX_UNPACKED_BYTES // 2**20} MB"])
    try:
        openpyxl = importlib.import_module("openpyxl")
    except ModuleNotFoundError:
        raise ImportFormatError(
            [f"{source}: 读取 .xlsx 需要安装 openpyxl；也可以在表格软件里另存为“CSV UTF-8”再导入"]
        ) from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield list(values)
        workbook.close()
    # openpyxl reports a damaged workbook with many kinds of error (KeyError, ValueError, its
    # own InvalidFileException…), none of which says more to a user than this.
    except Exception:
        raise ImportFormatError([f"{source}: 不是有效的 .xlsx 文件，或已损坏"]) from None


def _table_rows(records: Iterable[list[object]], source: str) -> tuple[list[_Raw], list[str]]:
    """A spreadsheet's rows under its header row; blank rows are left out."""
    rows: list[_Raw] = []
    columns: dict[int, str] | None = None
    names: dict[str, str] = {}
    unused: list[str] = []
    for number, record in enumerate(records, start=1):
        cells = [_cell_text(cell) for cell in record[:MAX_COLUMNS]]
        if not any(cells):
            continue
        if columns is None:
            columns, names, unused = _header(cells, f"{source} 第 {number} 行")
            continue
        if len(rows) == MAX_ROWS:
            raise ImportFormatError([f"{source}: 超过 {MAX_ROWS} 行；请分成几个文件导入"])
        values = {field: record[i] if i < len(record) else None for i, field in columns.items()}
        rows.append(_Raw(f"{source} 第 {number} 行", values, names))
    if columns is None:
        raise ImportFormatError([f"{source}: 文件是空的，没有标题行"])
    return rows, unused


def _cell_text(cell: object) -> str:
    return cell.strip() if isinstance(cell, str) else "" if cell is None else str(cell)


def _header(cells: list[str], where: str) -> tuple[dict[int, str], dict[str, str], list[str]]:
    columns: dict[int, str] = {}
    names: dict[str, str] = {}
    unused: list[str] = []
    problems: list[str] = []
    for index, cell in enumerate(cells):
        field = FIELD_OF_NAME.get(re.sub(r"\s+", "", cell).lower())
        if field is None:
            if cell:
                unused.append(_cut(cell))
        elif field in names:
            problems.append(f"{where}: 列“{_cut(cell)}”与列“{names[field]}”是同一项")
        else:
            columns[index], names[field] = field, _cut(cell)
    for field in REQUIRED:
        if field not in names:
            accepted = "、".join(f"“{name}”" for name in NAMES[field])
            problems.append(f"{where}（标题行）: 缺少列 {accepted}（任一）")
    if problems:
        raise ImportFormatError(problems)
    return columns, {f: f"列“{name}”" for f, name in names.items()}, unused


def _json_rows(data: bytes, source: str) -> list[_Raw]:
    """A list of items, each naming its department; or departments mapped to their entries,
    each an item or a main item with its `items`."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportFormatError([f"{source}: JSON 文件须为 UTF-8 编码"]) from None
    except json.JSONDecodeError as error:
        raise ImportFormatError(
            [f"{source}: 第 {error.lineno} 行第 {error.colno} 列不是有效的 JSON（{error.msg}）"]
        ) from None
    except RecursionError:
        raise ImportFormatError([f"{source}: JSON 嵌套过深"]) from None
    if isinstance(document, list):
        rows = [_json_item(item, f"{source} 第 {i} 项", {}) for i, item in enumerate(document, 1)]
    elif isinstance(document, dict):
        rows = list(_json_departments(document, source))
    else:
        raise ImportFormatError([f"{source}: 应是事项列表，或以部门为键的映射"])
    if len(rows) > MAX_ROWS:
        raise ImportFormatError([f"{source}: 超过 {MAX_ROWS} 个事项；请分成几个文件导入"])
    return rows


def _json_departments(document: dict[str, Any], source: str) -> Iterator[_Raw]:
    for department, entries in document.items():
        where = f"{source} 部门“{_cut(department)}”"
        if not isinstance(entries, list):
            yield _Raw(where, {}, {}, f"应是事项列表，实际是{_kind(entries)}")
            continue
        inherited = {"department": department}
        for i, entry in enumerate(entries, start=1):
            if isinstance(entry, dict) and "items" in entry:
                yield from _json_main_item(entry, f"{where}第 {i} 项", inherited)
            else:
                yield _json_item(entry, f"{where}第 {i} 项", inherited)


def _json_main_item(
    entry: dict[str, Any], where: str, inherited: Mapping[str, object]
) -> list[_Raw]:
    extra = set(entry) - {"items", "main_item", "主项"}
    items = entry["items"]
    if extra or not isinstance(items, list):
        names = "、".join(sorted(_cut(str(k)) for k in extra))
        why = f"不认识的键 {names}" if extra else f"items 应是事项列表，实际是{_kind(items)}"
        return [_Raw(where, {}, {}, f"主项：{why}")]
    main_item = {**inherited, "main_item": entry.get("main_item", entry.get("主项"))}
    return [
        _json_item(item, f"{where}的第 {j} 个事项", main_item) for j, item in enumerate(items, 1)
    ]


def _json_item(item: object, where: str, inherited: Mapping[str, object]) -> _Raw:
    if isinstance(item, str):
        return _Raw(where, {**inherited, "title": item}, _KEY_NAMES)
    if not isinstance(item, dict):
        return _Raw(where, {}, {}, f"事项应是映射或文本，实际是{_kind(item)}")
    values: dict[str, object] = dict(inherited)
    unknown = []
    for key, value in item.items():
        field = FIELD_OF_NAME.get(str(key).strip().lower())
        if field is None:
            unknown.append(_cut(str(key)))
        else:
            values[field] = value
    problem = f"不认识的键 {'、'.join(unknown)}" if unknown else ""
    return _Raw(where, values, _KEY_NAMES, problem)


def _checked(raw: _Raw, problems: list[str]) -> CatalogueRow | None:
    if raw.problem and not raw.values:  # not an item at all: nothing more to say
        problems.append(f"{raw.where}，{raw.problem}")
        return None
    texts: dict[str, str] = {}
    found = [raw.problem] if raw.problem else []
    for field in FIELDS:
        name = raw.names.get(field, field)
        text, problem = _text(raw.values.get(field), field)
        if problem:
            found.append(f"{name}：{problem}")
        texts[field] = text
    if found:
        problems.extend(f"{raw.where}，{problem}" for problem in found)
        return None
    return CatalogueRow(**texts, where=raw.where)


def _text(value: object, field: str) -> tuple[str, str]:
    """The text of a value, and what is wrong with it (empty if nothing)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | type(None)):
        return "", f"应是文本，实际是{_kind(value)}"
    if isinstance(value, float):
        value = str(int(value)) if value.is_integer() else str(value)
    text = "" if value is None else str(value).strip()
    if not text:
        return "", "不能为空" if field in REQUIRED else ""
    if forbidden := FORBIDDEN.search(text):
        return "", f"含有不允许的控制字符 U+{ord(forbidden.group()):04X}（每项须是一行文本）"
    limit = LIMITS[field]
    if limit is not None and len(text) > limit:
        return "", f"最长 {limit} 个字符，实际 {len(text)} 个"
    if field == "url":
        try:
            CHECK_URL(text)
        except ValidationError:
            return "", f"“{_cut(text)}”不是有效的网址（应以 http:// 或 https:// 开头）"
    return text, ""


def _duplicates(rows: list[CatalogueRow]) -> list[str]:
    """A code listed twice, or a title twice without a code to tell the two apart."""
    problems = []
    seen: dict[tuple[str, str], CatalogueRow] = {}
    for row in rows:
        key = ("code", row.code) if row.code else ("title", row.title)
        first = seen.setdefault(key, row)
        if first is not row:
            what = f"事项编码“{row.code}”" if row.code else f"事项“{_cut(row.title)}”（都没有编码）"
            problems.append(f"{row.where}，{what}与{first.where.split(' ', 1)[-1]}重复")
    return problems


def _kind(value: object) -> str:
    names = {list: "列表", dict: "映射", bool: "布尔值"}
    return names.get(type(value), type(value).__name__)


def _cut(text: str) -> str:
    if len(text) > SHOWN_LENGTH:
        text = text[:SHOWN_LENGTH] + "…"
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


# ---------------------------------------------------------------------------- planning


@dataclasses.dataclass(frozen=True)
class _Existing:
    row: CatalogueRow
    procedure: Procedure
    code: str  # to fill in, or ""
    url: str  # to fill in, or ""


def plan(rows: list[CatalogueRow]) -> tuple[list[tuple[CatalogueRow, str]], list[_Existing]]:
    """Which rows make new procedures (with their slugs) and which are in the library already.

    An item is found by its code; without one in the library, by its title (a procedure with
    another code is another item), in the same 条线 first. A procedure found for one row is not
    found again by title for the next: two items of one name, two procedures.
    """
    by_code = _procedures_by(rows, "code")
    by_title = _procedures_by(rows, "title")
    taken = set(Procedure.objects.values_list("slug", flat=True))
    claimed: set[int] = set()
    new: list[tuple[CatalogueRow, str]] = []
    existing: list[_Existing] = []
    for row in rows:
        found = by_code.get(row.code, [])[:1] if row.code else []
        if not found:
            candidates = [
                p
                for p in by_title.get(row.title, [])
                if p.pk not in claimed and p.code in ("", row.code)
            ]
            found = sorted(candidates, key=lambda p: p.category.name != row.department)[:1]
        if found:
            procedure = found[0]
            claimed.add(procedure.pk)
            code = row.code if not procedure.code else ""
            url = row.url if not procedure.catalogue_url else ""
            existing.append(_Existing(row, procedure, code, url))
        else:
            new.append((row, _unique_slug(row, taken)))
    return new, existing


def _procedures_by(rows: list[CatalogueRow], field: str) -> dict[str, list[Procedure]]:
    """Procedures by code, or by the title of their latest version (or of their only draft)."""
    keys = sorted({getattr(row, field) for row in rows if getattr(row, field)})
    found: dict[str, list[Procedure]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        if field == "code":
            pairs = [
                (p.code, p)
                for p in Procedure.objects.filter(code__in=chunk).select_related("category")
            ]
        else:
            versions = ProcedureVersion.objects.filter(title__in=chunk).exclude(
                status__in=[ProcedureVersion.Status.SUPERSEDED, ProcedureVersion.Status.WITHDRAWN]
            )
            pairs = [(v.title, v.procedure) for v in versions.select_related("procedure__category")]
        for key, procedure in sorted(pairs, key=lambda pair: pair[1].pk):
            if procedure.pk not in {p.pk for p in found.get(key, [])}:
                found.setdefault(key, []).append(procedure)
    return found


def _unique_slug(row: CatalogueRow, taken: set[str]) -> str:
    base = derive_slug(row.title) or derive_slug(row.code) or FALLBACK_SLUG
    slug, number = base, 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    taken.add(slug)
    return slug


# ---------------------------------------------------------------------------- writing


def import_catalogue(
    path: Path,
    *,
    dry_run: bool = False,
    by: publishing.User = None,
    progress: Progress | None = None,
) -> CatalogueSummary:
    """Import a catalogue file; with `dry_run`, say what it would do and write nothing.

    Raises ImportFormatError having written nothing when a row is not valid, and
    ImportStopped, naming what was written before, when writing stops half-way.
    """
    rows, unused = read_catalogue(path)
    new, existing = plan(rows)
    summary = CatalogueSummary(unused_columns=unused)
    for item in existing:
        if item.procedure.retired_at is not None:
            summary.skipped.append(f"{item.row.where}：“{_cut(item.row.title)}”已停办，不再导入")
        else:
            summary.existing.append(item.procedure.slug)
            if item.code or item.url:
                summary.filled.append(item.procedure.slug)
    if dry_run:
        summary.created = [slug for _, slug in new]
        summary.awaiting = len(new) + _count_awaiting(summary.existing)
        return summary
    work: list[tuple[CatalogueRow, str] | _Existing] = [*new]
    work += [e for e in existing if (e.code or e.url) and e.procedure.retired_at is None]
    statistics = planner_statistics.Statistics()
    done = 0
    while done < len(work):
        done = _write_batch(work, done, by=by, summary=summary)
        statistics.after_batch(done)
        if progress:
            progress(done, len(work))
        if done < len(work) and connection.vendor == "sqlite":
            time.sleep(library.SQLITE_PAUSE_SECONDS)
    summary.awaiting = _count_awaiting([*summary.created, *summary.existing])
    return summary


def _count_awaiting(slugs: list[str]) -> int:
    return sum(
        awaiting_content(Procedure.objects.filter(slug__in=slugs[start : start + 500])).count()
        for start in range(0, len(slugs), 500)
    )


def _write_batch(
    work: list[tuple[CatalogueRow, str] | _Existing],
    start: int,
    *,
    by: publishing.User,
    summary: CatalogueSummary,
) -> int:
    began = time.monotonic()
    done = start
    today = timezone.localdate()
    with transaction.atomic(), signals.batched():
        while done < len(work) and (
            done == start or time.monotonic() - began < library.BATCH_SECONDS
        ):
            item = work[done]
            row = item.row if isinstance(item, _Existing) else item[0]
            try:
                if isinstance(item, _Existing):
                    _fill(item, by=by)
                else:
                    _create(item[0], item[1], today=today, by=by)
                    summary.created.append(item[1])
            except (ProcedureError, ValidationError) as error:
                message = "；".join(error.messages) if isinstance(error, ValidationError) else error
                raise ImportStopped(
                    f"{row.where}：{message}", record=f"“{row.title}”", imported=done
                ) from error
            done += 1
    return done


def _create(row: CatalogueRow, slug: str, *, today: datetime.date, by: publishing.User) -> None:
    aliases = [row.main_item] if row.main_item and row.main_item != row.title else []
    draft = publishing.create_procedure(
        slug=slug,
        category=library._category(row.department),
        title=row.title,
        code=row.code,
        aliases=aliases,
        by=by,
    )
    if row.url:
        _set_catalogue_url(draft.procedure, row.url, by=by)
    draft = publishing.save_draft(
        draft, content={"department": row.department}, expected_revision=draft.revision, by=by
    )
    publishing.publish_version(draft, by=by, change_summary=CHANGE_SUMMARY, effective_from=today)


def _fill(item: _Existing, *, by: publishing.User) -> None:
    procedure = publishing.lock(item.procedure.pk)
    if item.code and not procedure.code:
        publishing.update_procedure_details(
            procedure,
            category=procedure.category,
            code=item.code,
            aliases=procedure.aliases,
            by=by,
        )
    if item.url and not procedure.catalogue_url:
        _set_catalogue_url(procedure, item.url, by=by)


def _set_catalogue_url(procedure: Procedure, url: str, *, by: publishing.User) -> None:
    """The link is not versioned content: set in place, like the code, and on the audit trail."""
    procedure.catalogue_url = url
    procedure.full_clean(validate_constraints=False)
    procedure.save(update_fields=["catalogue_url"])
    publishing.record(AuditEvent.Action.DETAILS_CHANGED, procedure, None, by, "省级办事指南链接")
