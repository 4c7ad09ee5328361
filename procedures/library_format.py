"""The library format: YAML files of procedures, read, validated and written. No database access.

The format is a contract that other tools write; `docs/library-format.md` documents it. Every
problem found names the file, the procedure and the field, and all problems of a run are
reported together so that one pass over a broken library shows everything to fix.
"""

import dataclasses
import datetime
import re
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from django.utils.text import slugify
from pypinyin import Style, lazy_pinyin

from procedures.exceptions import ImportFormatError
from procedures.models import VERSION_CONTENT_FIELDS

DEFAULT_CATEGORY = "未分类"
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
SLUG_MAX_LENGTH = 100
YAML_SUFFIXES = (".yaml", ".yml")
# Accepted spellings of a material's form, to the stored code.
FORMS = {
    "original": "original",
    "copy": "copy",
    "original_and_copy": "original_and_copy",
    "electronic": "electronic",
    "原件": "original",
    "复印件": "copy",
    "原件及复印件": "original_and_copy",
    "电子版": "electronic",
}
# The keys of a procedure, in the documented order: identity, then the version's content
# fields as the model lists them, its parts, and how the import should publish it.
IDENTITY_KEYS = ("slug", "title", "code", "category", "aliases")
TEXT_KEYS = ("title", "code", "category", *VERSION_CONTENT_FIELDS[1:], "change_summary")
PROCEDURE_KEYS = (
    *IDENTITY_KEYS,
    *VERSION_CONTENT_FIELDS[1:],
    "materials",
    "steps",
    "faqs",
    "change_summary",
    "effective_from",
)


@dataclasses.dataclass(frozen=True)
class MaterialRecord:
    name: str
    kind: str = ""  # the catalogue's name for it, when the name differs (户口本 → 居民户口簿)
    form: str = "original"
    copies: int = 1
    required: bool = True
    condition: str = ""
    note: str = ""


@dataclasses.dataclass(frozen=True)
class StepRecord:
    title: str
    body: str = ""
    staff_note: str = ""


@dataclasses.dataclass(frozen=True)
class FAQRecord:
    question: str
    answer: str = ""


@dataclasses.dataclass(frozen=True)
class ProcedureRecord:
    """One procedure as the format holds it: identity, one version's content, its parts."""

    slug: str
    title: str
    code: str = ""
    category: str = DEFAULT_CATEGORY
    aliases: tuple[str, ...] = ()
    summary: str = ""
    audience: str = ""
    conditions: str = ""
    department: str = ""
    location: str = ""
    hours: str = ""
    phone: str = ""
    time_limit: str = ""
    fee: str = ""
    basis: str = ""
    staff_notes: str = ""
    materials: tuple[MaterialRecord, ...] = ()
    steps: tuple[StepRecord, ...] = ()
    faqs: tuple[FAQRecord, ...] = ()
    change_summary: str = ""
    effective_from: datetime.date | None = None
    source: str = dataclasses.field(default="", compare=False)

    def label(self) -> str:
        return f"“{self.title}”({self.slug})"


def derive_slug(title: str) -> str:
    """The slug for a title without one: its pinyin, e.g. 生育服务手册 → sheng-yu-fu-wu-shou-ce."""
    # pypinyin lets the callback return a list (its stubs say str): keep such text as it is.
    syllables = lazy_pinyin(
        title,
        style=Style.NORMAL,
        errors=lambda text: [text],  # type: ignore[arg-type,return-value]
    )
    slug = re.sub(r"-{2,}", "-", slugify("-".join(syllables))).strip("-")
    if len(slug) > SLUG_MAX_LENGTH:
        slug = slug[:SLUG_MAX_LENGTH].rsplit("-", 1)[0]
    return slug


# ---------------------------------------------------------------------------- reading


if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):
    """A safe loader that refuses a key given twice in one mapping instead of keeping the last.

    libyaml's parser when PyYAML has it: the pure-Python one is a tenth of a big import's time.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[Hashable] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"键 {key!r} 重复出现", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def library_files(paths: Iterable[str | Path]) -> list[Path]:
    """The YAML files named, and those under the folders named (recursively), in order."""
    files, problems = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in YAML_SUFFIXES)
            )
        elif path.is_file() and path.suffix in YAML_SUFFIXES:
            files.append(path)
        elif path.is_file():
            problems.append(f"{path}: 不是 .yaml/.yml 文件")
        else:
            problems.append(f"{path}: 文件或文件夹不存在")
    if problems:
        raise ImportFormatError(problems)
    return files


def read_library(paths: Iterable[str | Path]) -> list[ProcedureRecord]:
    """Every procedure in the files and folders given; raises with all problems, or none."""
    records, problems, rejected = [], [], 0
    for path in library_files(paths):
        try:
            records.extend(read_file(path))
        except ImportFormatError as error:
            problems.extend(error.problems)
            rejected += error.rejected
    first_seen: dict[str, ProcedureRecord] = {}
    for record in records:
        if record.slug in first_seen:
            other = first_seen[record.slug]
            problems.append(
                f"{record.source}: 事项{record.label()}: 字段 slug: "
                f"与 {other.source} 中的{other.label()}重复，同一次导入中 slug 必须唯一"
            )
            rejected += 1
        first_seen.setdefault(record.slug, record)
    if problems:
        raise ImportFormatError(problems, rejected=rejected)
    return records


def read_file(path: Path) -> list[ProcedureRecord]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ImportFormatError([f"{path}: 不是 UTF-8 编码的文本（{error.reason}）"]) from None
    except OSError as error:
        raise ImportFormatError([f"{path}: 无法读取（{error.strerror}）"]) from None
    return parse_documents(text, source=str(path))


def parse_documents(text: str, *, source: str) -> list[ProcedureRecord]:
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        problem = _describe_yaml_error(error)
        raise ImportFormatError([f"{source}: YAML 语法错误：{problem}"]) from None
    if data is None:
        raise ImportFormatError([f"{source}: 文件里没有任何事项"])
    items = data if isinstance(data, list) else [data]
    records, problems, rejected = [], [], 0
    for index, item in enumerate(items, start=1):
        where = f"{source}: 第 {index} 个事项" if isinstance(data, list) else f"{source}: 事项"
        try:
            records.append(parse_procedure(item, where=where, source=source))
        except ImportFormatError as error:
            problems.extend(error.problems)
            rejected += 1
    if problems:
        raise ImportFormatError(problems, rejected=rejected)
    return records


def _describe_yaml_error(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is None:
        return problem
    return f"第 {mark.line + 1} 行第 {mark.column + 1} 列：{problem}"


class _Problems:
    """Collects the problems of one procedure, each prefixed with where it is."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.items: list[str] = []

    def add(self, field: str, message: str) -> None:
        self.items.append(f"{self.where}: 字段 {field}: {message}")


def parse_procedure(item: Any, *, where: str, source: str = "") -> ProcedureRecord:
    if not isinstance(item, dict):
        raise ImportFormatError([f"{where}: 应是一个映射（键: 值），实际是 {_kind(item)}"])
    title = item.get("title")
    if isinstance(title, str) and title.strip():
        where = f"{where}“{title.strip()}”"
    problems = _Problems(where)
    for key in item:
        if key not in PROCEDURE_KEYS:
            problems.add(str(key), f"未知的键，可用的键：{', '.join(PROCEDURE_KEYS)}")
    values = {key: _text(item.get(key), key, problems) for key in TEXT_KEYS}
    if not values["title"]:
        problems.add("title", "缺少事项名称（title 是唯一必填的键）")
    values["category"] = values["category"] or DEFAULT_CATEGORY
    slug = _slug(item.get("slug"), values["title"], problems)
    record = ProcedureRecord(
        slug=slug,
        aliases=_aliases(item.get("aliases"), problems),
        materials=tuple(_parts(item.get("materials"), "materials", _material, problems)),
        steps=tuple(_parts(item.get("steps"), "steps", _step, problems)),
        faqs=tuple(_parts(item.get("faqs"), "faqs", _faq, problems)),
        effective_from=_date(item.get("effective_from"), "effective_from", problems),
        source=source,
        **values,
    )
    if problems.items:
        raise ImportFormatError(problems.items)
    return record


def _kind(value: Any) -> str:
    names = {list: "列表", dict: "映射", str: "文本", bool: "布尔值", int: "整数", float: "数字"}
    return names.get(type(value), type(value).__name__)


def _text(value: Any, field: str, problems: _Problems) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.add(field, f"应是文本，实际是 {_kind(value)}")
        return ""
    return str(value).replace("\r\n", "\n").strip()


def _slug(value: Any, title: str, problems: _Problems) -> str:
    if value is None or value == "":
        slug = derive_slug(title) if title else ""
        if title and not slug:
            problems.add("slug", "无法从事项名称生成 slug，请填写 slug")
        return slug
    slug = _text(value, "slug", problems)
    if slug and (not SLUG_RE.match(slug) or len(slug) > SLUG_MAX_LENGTH):
        problems.add(
            "slug", f"“{slug}”无效：只能用字母、数字、连字符和下划线，最长 {SLUG_MAX_LENGTH} 个字符"
        )
    return slug


def _aliases(value: Any, problems: _Problems) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        problems.add("aliases", f"应是文本列表，实际是 {_kind(value)}")
        return ()
    aliases = [_text(alias, f"aliases[{i}]", problems) for i, alias in enumerate(items, 1)]
    return tuple(dict.fromkeys(alias for alias in aliases if alias))


_Part = TypeVar("_Part", MaterialRecord, StepRecord, FAQRecord)


def _parts(
    value: Any,
    field: str,
    parse_one: Callable[[Any, str, _Problems], _Part | None],
    problems: _Problems,
) -> list[_Part]:
    """The parts that could be read; one that could not (None) has added its problem."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(field, f"应是列表，实际是 {_kind(value)}")
        return []
    parsed = (parse_one(item, f"{field}[{i}]", problems) for i, item in enumerate(value, 1))
    return [part for part in parsed if part is not None]


def _mapping(
    item: Any,
    field: str,
    text_keys: tuple[str, ...],
    problems: _Problems,
    other_keys: tuple[str, ...] = (),
) -> dict[str, str] | None:
    """A part's texts; plain text stands for its first key (a material given by name alone)."""
    if isinstance(item, str):
        item = {text_keys[0]: item}
    if not isinstance(item, dict):
        problems.add(field, f"应是映射或文本，实际是 {_kind(item)}")
        return None
    known = text_keys + other_keys
    for key in item:
        if key not in known:
            problems.add(f"{field}.{key}", f"未知的键，可用的键：{', '.join(known)}")
    texts = {key: _text(item.get(key), f"{field}.{key}", problems) for key in text_keys}
    if not texts[text_keys[0]]:
        problems.add(f"{field}.{text_keys[0]}", "不能为空")
    return texts


def _material(item: Any, field: str, problems: _Problems) -> MaterialRecord | None:
    texts = _mapping(
        item,
        field,
        ("name", "kind", "condition", "note"),
        problems,
        other_keys=("form", "copies", "required"),
    )
    if texts is None:
        return None
    raw = item if isinstance(item, dict) else {}
    raw_form = raw.get("form")
    form = "original" if raw_form is None else FORMS.get(str(raw_form).strip())
    if form is None:
        problems.add(
            f"{field}.form",
            f"未知的形式“{raw_form}”，可用：original/原件、copy/复印件、"
            "original_and_copy/原件及复印件、electronic/电子版",
        )
    copies = raw.get("copies", 1)
    if isinstance(copies, bool) or not isinstance(copies, int) or copies < 1:
        problems.add(f"{field}.copies", f"份数应是不小于 1 的整数，实际是“{copies}”")
    required = raw.get("required", True)
    if not isinstance(required, bool):
        problems.add(
            f"{field}.required", f"应是 true（必需）或 false（按情形），实际是“{required}”"
        )
    return MaterialRecord(
        form=form or "original",
        copies=copies if isinstance(copies, int) and not isinstance(copies, bool) else 1,
        required=required if isinstance(required, bool) else True,
        **texts,
    )


def _step(item: Any, field: str, problems: _Problems) -> StepRecord | None:
    texts = _mapping(item, field, ("title", "body", "staff_note"), problems)
    return StepRecord(**texts) if texts else None


def _faq(item: Any, field: str, problems: _Problems) -> FAQRecord | None:
    texts = _mapping(item, field, ("question", "answer"), problems)
    return FAQRecord(**texts) if texts else None


def _date(value: Any, field: str, problems: _Problems) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.add(field, f"日期应写成 YYYY-MM-DD，实际是“{value}”")
    return None


# ---------------------------------------------------------------------------- writing


class _LiteralDumper(yaml.SafeDumper):
    """Writes multi-line text as `|` blocks, so that exported files read like hand-written ones."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _represent_text)

_PART_DEFAULTS = {"form": "original", "copies": 1, "required": True}


def record_to_data(record: ProcedureRecord) -> dict[str, Any]:
    """The mapping written for a record: keys in documented order, empty and defaults left out."""
    data: dict[str, Any] = {}
    for key in PROCEDURE_KEYS:
        value = getattr(record, key)
        if key in ("materials", "steps", "faqs"):
            value = [_part_to_data(part) for part in value]
        elif key == "aliases":
            value = list(value)
        if value or key in ("slug", "title"):
            data[key] = value
    return data


def _part_to_data(part: MaterialRecord | StepRecord | FAQRecord) -> dict[str, Any]:
    return {
        key: value
        for key, value in dataclasses.asdict(part).items()
        if value not in ("", None) and _PART_DEFAULTS.get(key, object()) != value
    }


def dump_records(records: list[ProcedureRecord] | ProcedureRecord) -> str:
    """YAML text for one record (a mapping) or several (a list)."""
    if isinstance(records, ProcedureRecord):
        data: Any = record_to_data(records)
    else:
        data = [record_to_data(record) for record in records]
    return yaml.dump(data, Dumper=_LiteralDumper, allow_unicode=True, sort_keys=False, width=100)
