"""The library format: YAML files of procedures, read, validated and written. No database access.

The format is a contract that other tools write; `docs/library-format.md` documents it. Every
problem found names the file, the procedure and the field, and all problems of a run are
reported together so that one pass over a broken library shows everything to fix.
"""

import dataclasses
import datetime
import os
import re
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Field, Model
from django.utils.text import slugify
from pypinyin import Style, lazy_pinyin

from procedures.exceptions import ImportFormatError
from procedures.models import (
    FAQ,
    FAQ_FIELDS,
    STEP_FIELDS,
    VERSION_CONTENT_FIELDS,
    Category,
    FlowCase,
    Material,
    MaterialKind,
    Member,
    Procedure,
    ProcedureVersion,
    Question,
    Step,
)
from procedures.rendering import MAX_MARKDOWN_LENGTH

DEFAULT_CATEGORY = "未分类"
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
SLUG_MAX_LENGTH = 100
YAML_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 2 * 1024 * 1024
# A procedure is at most four levels deep (list, procedure, materials, material): the limit
# only stops a file of nested brackets from exhausting the stack.
MAX_DEPTH = 20
DATE_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
COPIES_RE = re.compile(r"[0-9]{1,10}")
MAX_COPIES = 2_147_483_647  # the largest PositiveIntegerField that PostgreSQL stores
# NUL, other C0/C1 control characters and lone surrogates: PostgreSQL refuses them, SQLite
# would store them. Tabs and line breaks are text.
FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
SHOWN_LENGTH = 40
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
# Accepted spellings of a procedure's kind, to the stored code.
KINDS = {
    "item": "item",
    "family": "family",
    "bundle": "bundle",
    "事项": "item",
    "同类事项引导": "family",
    "一件事": "bundle",
}
ITEM = "item"
# How a condition's clause says "none of these options": `代办: {not: [本人办理]}`.
NOT_KEY = "not"
# The keys of a procedure, in the documented order: identity, then the version's content
# fields as the model lists them, its parts, and how the import should publish it.
IDENTITY_KEYS = ("slug", "title", "kind", "code", "catalogue_url", "category", "aliases")
TEXT_KEYS = (
    "title",
    "code",
    "catalogue_url",
    "category",
    *VERSION_CONTENT_FIELDS[1:],
    "change_summary",
)
PROCEDURE_KEYS = (
    *IDENTITY_KEYS,
    *VERSION_CONTENT_FIELDS[1:],
    "questions",
    "materials",
    "steps",
    "faqs",
    "members",
    "cases",
    "change_summary",
    "effective_from",
)
PART_KEYS = ("questions", "materials", "steps", "faqs", "members", "cases")

# A condition as the database stores it: clauses that must all hold, each
# {"question": label, "op": "any" | "none", "options": [option, …]} (see procedures.flows).
Clause = dict[str, Any]


def clause(question: str, op: str, options: Iterable[str]) -> Clause:
    return {"question": question, "op": op, "options": list(options)}


@dataclasses.dataclass(frozen=True)
class MaterialRecord:
    name: str
    kind: str = ""  # the catalogue's name for it, when the name differs (户口本 → 居民户口簿)
    form: str = "original"
    copies: int = 1
    required: bool = True
    condition: str = ""
    when: tuple[Clause, ...] = ()
    note: str = ""


@dataclasses.dataclass(frozen=True)
class QuestionRecord:
    label: str
    text: str = ""
    options: tuple[str, ...] = ()
    help: str = ""


@dataclasses.dataclass(frozen=True)
class MemberRecord:
    procedure: str  # the member's slug
    when: tuple[Clause, ...] = ()
    note: str = ""


@dataclasses.dataclass(frozen=True)
class CaseRecord:
    name: str
    answers: tuple[tuple[str, str], ...] = ()  # (question label, option)
    variant: str = ""  # a family's: the slug of the member these answers must pick
    materials: tuple[str, ...] = ()


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
    kind: str = ITEM
    code: str = ""
    # The official catalogue's guide for this item (省级办事指南链接), an http(s) URL.
    catalogue_url: str = ""
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
    questions: tuple[QuestionRecord, ...] = ()
    materials: tuple[MaterialRecord, ...] = ()
    steps: tuple[StepRecord, ...] = ()
    faqs: tuple[FAQRecord, ...] = ()
    members: tuple[MemberRecord, ...] = ()
    cases: tuple[CaseRecord, ...] = ()
    change_summary: str = ""
    effective_from: datetime.date | None = None
    source: str = dataclasses.field(default="", compare=False)

    def label(self) -> str:
        return f"“{self.title}”({self.slug})"

    @property
    def has_flow(self) -> bool:
        """Whether it asks questions, has conditions, members or cases: what flows.check checks."""
        return bool(
            self.kind != ITEM
            or self.questions
            or self.members
            or self.cases
            or any(material.when for material in self.materials)
        )


def _max_length(model: type[Model], name: str) -> int | None:
    """The field's max_length; Markdown text, which has none, is capped as the editor caps it."""
    field = model._meta.get_field(name)
    if (model, name) in MARKDOWN_FIELDS:
        return MAX_MARKDOWN_LENGTH
    return field.max_length if isinstance(field, Field) else None


MARKDOWN_FIELDS = {(ProcedureVersion, "conditions"), (Step, "body"), (FAQ, "answer")}


# The longest text each key takes: the max_length of the field that stores it (None: any).
# Checked here, so that PostgreSQL (which refuses longer text) and SQLite (which would store
# it) see the same import.
TEXT_LIMITS = {
    **{
        name: _max_length(ProcedureVersion, name)
        for name in (*VERSION_CONTENT_FIELDS, "change_summary")
    },
    "code": _max_length(Procedure, "code"),
    "catalogue_url": _max_length(Procedure, "catalogue_url"),
    "category": _max_length(Category, "name"),
}
MATERIAL_LIMITS = {
    "name": _max_length(Material, "name"),
    "kind": _max_length(MaterialKind, "name"),
    "condition": _max_length(Material, "condition"),
    "note": _max_length(Material, "note"),
}
STEP_LIMITS = {name: _max_length(Step, name) for name in STEP_FIELDS}
FAQ_LIMITS = {name: _max_length(FAQ, name) for name in FAQ_FIELDS}
QUESTION_LIMITS = {name: _max_length(Question, name) for name in ("label", "text", "help")}
MEMBER_LIMITS = {"procedure": SLUG_MAX_LENGTH, "note": _max_length(Member, "note")}
CASE_LIMITS = {name: _max_length(FlowCase, name) for name in ("name", "variant")}
LABEL_LIMIT = QUESTION_LIMITS["label"]


def is_valid_slug(slug: str) -> bool:
    """Whether a slug may be a procedure's id, and its file name in an export."""
    return bool(SLUG_RE.fullmatch(slug)) and len(slug) <= SLUG_MAX_LENGTH


def derive_slug(title: str, *, max_length: int = SLUG_MAX_LENGTH) -> str:
    """The slug for a title without one: its pinyin, e.g. 生育服务手册 → sheng-yu-fu-wu-shou-ce."""
    # pypinyin lets the callback return a list (its stubs say str): keep such text as it is.
    syllables = lazy_pinyin(
        title,
        style=Style.NORMAL,
        errors=lambda text: [text],  # type: ignore[arg-type,return-value]
    )
    slug = re.sub(r"-{2,}", "-", slugify("-".join(syllables))).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


# ---------------------------------------------------------------------------- reading


if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The only plain scalars read as something other than text. A number or a date stays text as
# written (the phone number 02155550101 is not an octal number, 1.10 is not 1.1); `copies` and
# `effective_from` read their own text.
_TYPED_SCALARS = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:null")
# PyYAML's messages quote the character or tag they stumbled on: a file that is not a library
# at all (a key, a password file) must not have any of its content printed.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that the format refuses; the problem says what, in Chinese."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem=problem, problem_mark=mark)


class _LibraryLoader(_SafeLoader):
    """A safe loader that refuses what no procedure needs and a hostile file can abuse.

    Anchors and aliases (a few hundred bytes of nested aliases expand to gigabytes), explicit
    tags (`!!timestamp`, `!!binary`…), nesting deeper than MAX_DEPTH, and a key given twice
    (rather than keeping the last). A list or mapping used as a key becomes a key no procedure
    knows, so that it is reported where it is.

    libyaml's parser when PyYAML has it: the pure-Python one is a tenth of a big import's time.
    libyaml also composes nodes, in C, where nothing can be refused: composing runs here, in
    Python, from libyaml's events.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag in _TYPED_SCALARS]
        for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
    }
    get_single_node = yaml.composer.Composer.get_single_node
    compose_document = yaml.composer.Composer.compose_document
    compose_scalar_node = yaml.composer.Composer.compose_scalar_node
    compose_sequence_node = yaml.composer.Composer.compose_sequence_node
    compose_mapping_node = yaml.composer.Composer.compose_mapping_node
    depth = 0  # of the node being composed

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise _Refused("不支持 YAML 锚点/别名（&/*）", event.start_mark)
        if event.tag is not None:
            raise _Refused("不支持 YAML 标签（!/!!）", event.start_mark)
        if self.depth >= MAX_DEPTH:
            raise _Refused(f"嵌套超过 {MAX_DEPTH} 层", event.start_mark)
        self.depth += 1
        try:
            return yaml.composer.Composer.compose_node(self, parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        mapping: dict[Hashable, Any] = {}
        for key_node, value_node in node.value:
            key = self._construct_key(key_node, deep)
            if key in mapping:
                raise _Refused(f"键“{_cut(str(key))}”重复出现", key_node.start_mark)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def _construct_key(self, node: yaml.Node, deep: bool) -> Hashable:
        if isinstance(node, yaml.ScalarNode):
            key: Hashable = self.construct_object(node, deep=deep)
            return key
        kind = "列表" if isinstance(node, yaml.SequenceNode) else "映射"
        return f"（第 {node.start_mark.line + 1} 行用作键的{kind}）"


def library_files(paths: Iterable[str | Path]) -> list[Path]:
    """The YAML files named, and those under the folders named (recursively), in order."""
    files, problems = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found, refused = _folder_files(path)
            files.extend(found)
            problems.extend(refused)
        elif path.is_file() and path.suffix in YAML_SUFFIXES:
            files.append(path)
        elif path.is_file():
            problems.append(f"{path}: 不是 .yaml/.yml 文件")
        else:
            problems.append(f"{path}: 文件或文件夹不存在")
    if problems:
        raise ImportFormatError(problems)
    return files


def _folder_files(folder: Path) -> tuple[list[Path], list[str]]:
    """The YAML files under a folder, and the refusals of links that would lead out of it.

    A link out of the folder (to a YAML file, or to a folder) is refused rather than followed:
    importing a library must never read, and quote in its messages, a file from elsewhere.
    `rglob` does not walk linked folders; a link to a file inside the folder is read.
    """
    root = Path(os.path.realpath(folder))
    files, refused = [], []
    for path in sorted(folder.rglob("*")):
        leaves = path.is_symlink() and not Path(os.path.realpath(path)).is_relative_to(root)
        if leaves and (path.suffix in YAML_SUFFIXES or path.is_dir()):
            refused.append(f"{path}: 是指向文件夹以外的符号链接，不读取")
        elif path.is_file() and path.suffix in YAML_SUFFIXES:
            files.append(path)
    return files, refused


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
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ImportFormatError([f"{path}: 无法读取（{error.strerror}）"]) from None
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 2**20
        raise ImportFormatError([f"{path}: 文件超过 {limit} MB 的上限，请拆成几个文件"])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportFormatError([f"{path}: 不是 UTF-8 编码的文本（{error.reason}）"]) from None
    return parse_documents(text, source=str(path))


def parse_documents(text: str, *, source: str) -> list[ProcedureRecord]:
    try:
        data = yaml.load(text, Loader=_LibraryLoader)  # noqa: S506 - a SafeLoader subclass
    except _Refused as error:
        raise ImportFormatError([f"{source}: {_describe_yaml_error(error)}"]) from None
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
    if isinstance(error, yaml.reader.ReaderError):
        return f"含有不允许的字符 U+{error.character:04X}"
    mark = getattr(error, "problem_mark", None)
    problem = _QUOTED.sub("…", getattr(error, "problem", None) or "无法解析")
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
    if not any(key in PROCEDURE_KEYS for key in item):
        # Not a procedure at all (a password file, a configuration): its keys are not named.
        raise ImportFormatError(
            [f"{where}: 不是事项：没有一个可用的键（{', '.join(PROCEDURE_KEYS)}）"]
        )
    title = item.get("title")
    if isinstance(title, str) and title.strip():
        where = f"{where}{_shown(title.strip())}"
    problems = _Problems(where)
    for key in item:
        if key not in PROCEDURE_KEYS:
            problems.add(_cut(str(key)), f"未知的键，可用的键：{', '.join(PROCEDURE_KEYS)}")
    values = {key: _text(item.get(key), key, problems, TEXT_LIMITS.get(key)) for key in TEXT_KEYS}
    if not values["title"]:
        problems.add("title", "缺少事项名称（title 是唯一必填的键）")
    values["category"] = values["category"] or DEFAULT_CATEGORY
    _check_url(values["catalogue_url"], problems)
    slug = _slug(item.get("slug"), values["title"], problems)
    record = ProcedureRecord(
        slug=slug,
        kind=_procedure_kind(item.get("kind"), problems),
        aliases=_aliases(item.get("aliases"), problems),
        questions=tuple(_parts(item.get("questions"), "questions", _question, problems)),
        materials=tuple(_parts(item.get("materials"), "materials", _material, problems)),
        steps=tuple(_parts(item.get("steps"), "steps", _step, problems)),
        faqs=tuple(_parts(item.get("faqs"), "faqs", _faq, problems)),
        members=tuple(_parts(item.get("members"), "members", _member, problems)),
        cases=tuple(_parts(item.get("cases"), "cases", _case, problems)),
        effective_from=_date(item.get("effective_from"), "effective_from", problems),
        source=source,
        **values,
    )
    if problems.items:
        raise ImportFormatError(problems.items)
    return record


def _check_url(url: str, problems: "_Problems") -> None:
    if not url:
        return
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        problems.add("catalogue_url", f"应是以 http:// 或 https:// 开头的网址，实际是{_shown(url)}")


def _kind(value: Any) -> str:
    names = {list: "列表", dict: "映射", str: "文本", bool: "布尔值", type(None): "空值"}
    return names.get(type(value), type(value).__name__)


def _cut(text: str) -> str:
    """Text as a message quotes it: at most SHOWN_LENGTH characters, invisible ones escaped."""
    if len(text) > SHOWN_LENGTH:
        text = text[:SHOWN_LENGTH] + "…"
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def _shown(value: Any) -> str:
    """A value as a message names it: text quoted and cut, anything else by its kind alone.

    Never the value itself: a list can hold millions of items, and an error message that
    formats it runs an import out of memory.
    """
    return f"“{_cut(value)}”" if isinstance(value, str) else _kind(value)


def _text(value: Any, field: str, problems: _Problems, max_length: int | None = None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        hint = "（要写成文本，请加引号）" if isinstance(value, bool) else ""
        problems.add(field, f"应是文本，实际是{_shown(value)}{hint}")
        return ""
    text = value.replace("\r\n", "\n").strip()
    forbidden = FORBIDDEN_CHARACTERS.search(text)
    if forbidden:
        problems.add(field, f"含有不允许的控制字符 U+{ord(forbidden.group()):04X}")
    if max_length is not None and len(text) > max_length:
        problems.add(field, f"最长 {max_length} 个字符，实际 {len(text)} 个")
    return text


def _slug(value: Any, title: str, problems: _Problems) -> str:
    if value is None or value == "":
        slug = derive_slug(title) if title else ""
        if title and not slug:
            problems.add("slug", "无法从事项名称生成 slug，请填写 slug")
        return slug
    slug = _text(value, "slug", problems)
    if slug and not is_valid_slug(slug):
        problems.add(
            "slug",
            f"{_shown(slug)}无效：只能用字母、数字、连字符和下划线，最长 {SLUG_MAX_LENGTH} 个字符",
        )
    return slug


def _aliases(value: Any, problems: _Problems) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        problems.add("aliases", f"应是文本列表，实际是{_shown(value)}")
        return ()
    aliases = [_text(alias, f"aliases[{i}]", problems) for i, alias in enumerate(items, 1)]
    return tuple(dict.fromkeys(alias for alias in aliases if alias))


def _procedure_kind(value: Any, problems: _Problems) -> str:
    if value is None or value == "":
        return ITEM
    kind = KINDS.get(value.strip()) if isinstance(value, str) else None
    if kind is None:
        problems.add(
            "kind",
            f"未知的类型{_shown(value)}，可用：item/事项、family/同类事项引导、bundle/一件事",
        )
    return kind or ITEM


_Part = TypeVar(
    "_Part", MaterialRecord, StepRecord, FAQRecord, QuestionRecord, MemberRecord, CaseRecord
)


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
        problems.add(field, f"应是列表，实际是{_shown(value)}")
        return []
    parsed = (parse_one(item, f"{field}[{i}]", problems) for i, item in enumerate(value, 1))
    return [part for part in parsed if part is not None]


def _mapping(
    item: Any,
    field: str,
    text_limits: dict[str, int | None],
    problems: _Problems,
    other_keys: tuple[str, ...] = (),
) -> dict[str, str] | None:
    """A part's texts; plain text stands for its first key (a material given by name alone)."""
    text_keys = tuple(text_limits)
    if isinstance(item, str):
        item = {text_keys[0]: item}
    if not isinstance(item, dict):
        problems.add(field, f"应是映射或文本，实际是{_shown(item)}")
        return None
    known = text_keys + other_keys
    for key in item:
        if key not in known:
            problems.add(f"{field}.{_cut(str(key))}", f"未知的键，可用的键：{', '.join(known)}")
    texts = {
        key: _text(item.get(key), f"{field}.{key}", problems, limit)
        for key, limit in text_limits.items()
    }
    if not texts[text_keys[0]]:
        problems.add(f"{field}.{text_keys[0]}", "不能为空")
    return texts


def _material(item: Any, field: str, problems: _Problems) -> MaterialRecord | None:
    texts = _mapping(
        item, field, MATERIAL_LIMITS, problems, other_keys=("form", "copies", "required", "when")
    )
    if texts is None:
        return None
    raw = item if isinstance(item, dict) else {}
    required = raw.get("required", True)
    if not isinstance(required, bool):
        problems.add(
            f"{field}.required", f"应是 true（必需）或 false（按情形），实际是{_shown(required)}"
        )
    elif required and texts.get("condition"):
        # A required material shows no condition: its 适用情形 would vanish from the checklist.
        problems.add(
            f"{field}.required", "写了适用情形（condition），应为按情形提交：请写 required: false"
        )
    return MaterialRecord(
        form=_form(raw.get("form"), f"{field}.form", problems),
        copies=_copies(raw.get("copies", "1"), f"{field}.copies", problems),
        required=required if isinstance(required, bool) else True,
        when=_when(raw.get("when"), f"{field}.when", problems),
        **texts,
    )


def _form(value: Any, field: str, problems: _Problems) -> str:
    if value is None:
        return "original"
    form = FORMS.get(value.strip()) if isinstance(value, str) else None
    if form is None:
        problems.add(
            field,
            f"未知的形式{_shown(value)}，可用：original/原件、copy/复印件、"
            "original_and_copy/原件及复印件、electronic/电子版",
        )
    return form or "original"


def _copies(value: Any, field: str, problems: _Problems) -> int:
    text = value.strip() if isinstance(value, str) else ""
    # Matched first: int() of a long enough string of digits is slow, then refused.
    if COPIES_RE.fullmatch(text) and 1 <= int(text) <= MAX_COPIES:
        return int(text)
    problems.add(field, f"份数应是不小于 1、不超过 {MAX_COPIES} 的整数，实际是{_shown(value)}")
    return 1


def _step(item: Any, field: str, problems: _Problems) -> StepRecord | None:
    texts = _mapping(item, field, STEP_LIMITS, problems)
    return StepRecord(**texts) if texts else None


def _faq(item: Any, field: str, problems: _Problems) -> FAQRecord | None:
    texts = _mapping(item, field, FAQ_LIMITS, problems)
    return FAQRecord(**texts) if texts else None


def _question(item: Any, field: str, problems: _Problems) -> QuestionRecord | None:
    texts = _mapping(item, field, QUESTION_LIMITS, problems, other_keys=("options",))
    if texts is None:
        return None
    if not texts["text"]:
        problems.add(f"{field}.text", "不能为空：写工作人员照着问居民的话")
    raw = item if isinstance(item, dict) else {}
    options = raw.get("options")
    if options is None:
        problems.add(f"{field}.options", "缺少选项：至少写两个，例如 [本区户籍, 外地户籍]")
    return QuestionRecord(
        options=_texts(options, f"{field}.options", problems) if options is not None else (),
        **texts,
    )


def _member(item: Any, field: str, problems: _Problems) -> MemberRecord | None:
    texts = _mapping(item, field, MEMBER_LIMITS, problems, other_keys=("when",))
    if texts is None:
        return None
    _check_slug(texts["procedure"], f"{field}.procedure", problems)
    raw = item if isinstance(item, dict) else {}
    return MemberRecord(when=_when(raw.get("when"), f"{field}.when", problems), **texts)


def _case(item: Any, field: str, problems: _Problems) -> CaseRecord | None:
    texts = _mapping(item, field, CASE_LIMITS, problems, other_keys=("answers", "materials"))
    if texts is None:
        return None
    if texts["variant"]:
        _check_slug(texts["variant"], f"{field}.variant", problems)
    raw = item if isinstance(item, dict) else {}
    materials = raw.get("materials")
    return CaseRecord(
        answers=_answers(raw.get("answers"), f"{field}.answers", problems),
        materials=(
            _texts(materials, f"{field}.materials", problems, MATERIAL_LIMITS["name"])
            if materials is not None
            else ()
        ),
        **texts,
    )


def _check_slug(slug: str, field: str, problems: _Problems) -> None:
    if slug and not is_valid_slug(slug):
        problems.add(
            field,
            f"{_shown(slug)}不是有效的 slug：只能用字母、数字、连字符和下划线，"
            f"最长 {SLUG_MAX_LENGTH} 个字符",
        )


def _texts(
    value: Any, field: str, problems: _Problems, max_length: int | None = None
) -> tuple[str, ...]:
    """A list of texts, none of them empty."""
    if not isinstance(value, list):
        problems.add(field, f"应是文本列表，实际是{_shown(value)}")
        return ()
    texts = []
    for index, item in enumerate(value, start=1):
        text = _text(item, f"{field}[{index}]", problems, max_length)
        if not text and isinstance(item, str | None):
            problems.add(f"{field}[{index}]", "不能为空")
        texts.append(text)
    return tuple(texts)


def _label(key: Any, field: str, problems: _Problems) -> str:
    """A question's label used as a key (in a condition, in a case's answers)."""
    if not isinstance(key, str) or not key.strip():
        problems.add(field, f"问题简称应是文本，实际是{_shown(key)}")
        return ""
    return _text(key, f"{field}.{_cut(key.strip())}", problems, LABEL_LIMIT)


def _when(value: Any, field: str, problems: _Problems) -> tuple[Clause, ...]:
    """A condition: question label → options (any of them), or {not: options} (none of them)."""
    if value is None:
        return ()
    if value == {}:
        problems.add(field, "条件是空的：不设条件就删掉 when")
        return ()
    if not isinstance(value, dict):
        problems.add(
            field,
            f"条件应是映射（问题简称: [选项, …] 或 问题简称: {{not: [选项, …]}}），"
            f"实际是{_shown(value)}",
        )
        return ()
    clauses = []
    for key, options in value.items():
        label = _label(key, field, problems)
        where = f"{field}.{_cut(label)}"
        op = "any"
        if isinstance(options, dict) and list(options) == [NOT_KEY]:
            op, options = "none", options[NOT_KEY]
        if not isinstance(options, list):
            problems.add(
                where,
                f"应是选项列表（符合其一），或 {{not: [选项, …]}}（都不符合），"
                f"实际是{_shown(options)}",
            )
            continue
        if not options:
            problems.add(where, "至少要写一个选项")
            continue
        clauses.append(clause(label, op, _texts(options, where, problems)))
    return tuple(clauses)


def _answers(value: Any, field: str, problems: _Problems) -> tuple[tuple[str, str], ...]:
    """A case's answers: question label → the option chosen."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        problems.add(field, f"回答应是映射（问题简称: 选项），实际是{_shown(value)}")
        return ()
    answers = []
    for key, option in value.items():
        label = _label(key, field, problems)
        where = f"{field}.{_cut(label)}"
        text = _text(option, where, problems)
        if not text and isinstance(option, str | None):
            problems.add(where, "没有写选项")
        answers.append((label, text))
    return tuple(answers)


def _date(value: Any, field: str, problems: _Problems) -> datetime.date | None:
    if value is None or value == "":
        return None
    match = DATE_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        problems.add(field, f"日期应写成 YYYY-MM-DD，实际是{_shown(value)}")
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        problems.add(field, f"没有{_shown(value)}这一天")
        return None


# ---------------------------------------------------------------------------- writing


class _LiteralDumper(yaml.SafeDumper):
    """Writes multi-line text as `|` blocks, so that exported files read like hand-written ones.

    Never an anchor: the reader refuses them, and an export must import again.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _represent_text)

_PART_DEFAULTS = {"form": "original", "copies": 1, "required": True}
Part = MaterialRecord | StepRecord | FAQRecord | QuestionRecord | MemberRecord | CaseRecord


def record_to_data(record: ProcedureRecord) -> dict[str, Any]:
    """The mapping written for a record: keys in documented order, empty and defaults left out."""
    data: dict[str, Any] = {}
    for key in PROCEDURE_KEYS:
        value = getattr(record, key)
        if key in PART_KEYS:
            value = [_part_to_data(part) for part in value]
        elif key == "aliases":
            value = list(value)
        elif key == "kind" and value == ITEM:
            continue
        if value or key in ("slug", "title"):
            data[key] = value
    return data


def _part_to_data(part: Part) -> dict[str, Any]:
    values = dataclasses.asdict(part)
    if isinstance(part, CaseRecord):  # what the case is, then what it must give
        values = {key: values[key] for key in ("name", "answers", "materials", "variant")}
    data = {}
    for key, value in values.items():
        if key == "when":
            value = when_to_data(value)
        elif key == "answers":
            value = dict(value)
        elif isinstance(value, tuple):
            value = list(value)
        if value not in ("", None, [], {}) and _PART_DEFAULTS.get(key, object()) != value:
            data[key] = value
    return data


def when_to_data(clauses: Iterable[Clause]) -> dict[str, Any]:
    """A stored condition in the format's words: {户籍: [外地户籍], 代办: {not: [本人办理]}}."""
    data: dict[str, Any] = {}
    for item in clauses:
        options = list(item.get("options") or ())
        data[item.get("question", "")] = {NOT_KEY: options} if item.get("op") == "none" else options
    return data


def dump_records(records: list[ProcedureRecord] | ProcedureRecord) -> str:
    """YAML text for one record (a mapping) or several (a list)."""
    if isinstance(records, ProcedureRecord):
        data: Any = record_to_data(records)
    else:
        data = [record_to_data(record) for record in records]
    return yaml.dump(data, Dumper=_LiteralDumper, allow_unicode=True, sort_keys=False, width=100)
