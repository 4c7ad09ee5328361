"""Moving a library between YAML files and the database: import and export.

Parsing and validating the format is `library_format`'s job; every write goes through
`publishing`. An import first checks every procedure, so a run with one bad procedure writes
nothing. It then writes them in batches of whole procedures, each batch one transaction of
about a second: on SQLite a transaction holds the database's only write lock, and a request
that must write (a staff login, a session) waits for it at most that long instead of for the
whole import. A write phase stopped half-way (a crash, an editor opening a draft meanwhile)
leaves the batches before it imported and says so; running the same files again imports the
rest, as what was imported counts as unchanged.
"""

import dataclasses
import datetime
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Model, Prefetch
from django.utils import timezone

from procedures import bundles, catalogue, flows, planner_statistics, publishing, signals
from procedures.exceptions import ImportFormatError, ImportStopped, ProcedureError
from procedures.library_format import (
    ITEM,
    SLUG_MAX_LENGTH,
    CaseRecord,
    Clause,
    FAQRecord,
    MaterialRecord,
    MemberRecord,
    ProcedureRecord,
    QuestionRecord,
    StepRecord,
    clause,
    derive_slug,
    dump_records,
    is_valid_slug,
    read_library,
)
from procedures.models import (
    FAQ,
    PARTS,
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

Progress = Callable[[int, int], None]
FIRST_PUBLISH_SUMMARY = "首次发布"
UPDATE_SUMMARY = "导入更新"
# Category.slug holds 80 characters: room is left for the "-N" that tells apart two names
# with the same pinyin.
CATEGORY_SLUG_BASE_LENGTH = 70
# A batch ends with the first procedure that finishes after this long: the longest a write
# waits for an import on SQLite (its busy timeout is 20 s).
BATCH_SECONDS = 1.0
# After each batch on SQLite the import steps aside this long, so that requests waiting for
# the lock get it first: SQLite's busy handler tries again at most every 100 ms.
SQLITE_PAUSE_SECONDS = 0.15


@dataclasses.dataclass
class ImportSummary:
    created: list[str] = dataclasses.field(default_factory=list)
    new_versions: list[str] = dataclasses.field(default_factory=list)
    unchanged: list[str] = dataclasses.field(default_factory=list)
    details_updated: list[str] = dataclasses.field(default_factory=list)

    def add(self, other: "ImportSummary") -> None:
        for field in dataclasses.fields(self):
            getattr(self, field.name).extend(getattr(other, field.name))

    @property
    def written(self) -> int:
        return len(self.created) + len(self.new_versions) + len(self.unchanged)


def import_library(
    paths: Iterable[str | Path],
    *,
    publish: bool,
    by: publishing.User = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import every procedure under `paths`.

    Raises ImportFormatError having written nothing when a file or a procedure is not valid,
    and ImportStopped, naming what was imported before, when writing stops half-way.
    """
    records = read_library(paths)
    existing = _existing_procedures(records)
    problems, rejected, kept_drafts = _check_records(records, existing, publish=publish)
    if problems:
        raise ImportFormatError(problems, rejected=len(rejected))
    records = write_order(records)
    summary = ImportSummary()
    statistics = planner_statistics.Statistics()
    done = 0
    while done < len(records):
        batch = ImportSummary()
        try:
            done = _import_batch(
                records, done, existing, kept_drafts, publish=publish, by=by, summary=batch
            )
        except _RecordFailed as failed:
            raise ImportStopped(
                str(failed.error), record=failed.record.label(), imported=summary.written
            ) from failed.error
        summary.add(batch)
        statistics.after_batch(done)
        if progress:
            progress(done, len(records))
        if done < len(records) and connection.vendor == "sqlite":
            time.sleep(SQLITE_PAUSE_SECONDS)
    return summary


class _RecordFailed(Exception):
    def __init__(self, record: ProcedureRecord, error: ProcedureError) -> None:
        self.record, self.error = record, error


def _import_batch(
    records: list[ProcedureRecord],
    start: int,
    existing: dict[str, Procedure],
    kept_drafts: set[str],
    *,
    publish: bool,
    by: publishing.User,
    summary: ImportSummary,
) -> int:
    """Write records from `start` for about BATCH_SECONDS in one transaction; the next start."""
    began = time.monotonic()
    done = start
    # Receivers (search) hear of the batch's procedures once, at its end: several times
    # faster than once per publish.
    with transaction.atomic(), signals.batched():
        while done < len(records) and (done == start or time.monotonic() - began < BATCH_SECONDS):
            record = records[done]
            try:
                _import_record(
                    record,
                    existing.get(record.slug),
                    draft_kept=record.slug in kept_drafts,
                    publish=publish,
                    by=by,
                    summary=summary,
                )
            except ProcedureError as error:
                raise _RecordFailed(record, error) from error
            done += 1
    return done


def write_order(records: list[ProcedureRecord]) -> list[ProcedureRecord]:
    """Items first, then families and bundles, each in file order: a bundle's members must be
    written (and, with --publish, in force) before it is published."""
    return sorted(records, key=lambda record: record.kind != ITEM)


def _existing_procedures(records: list[ProcedureRecord]) -> dict[str, Procedure]:
    slugs = [record.slug for record in records]
    found: dict[str, Procedure] = {}
    for start in range(0, len(slugs), 500):
        queryset = Procedure.objects.filter(slug__in=slugs[start : start + 500])
        found.update((p.slug, p) for p in queryset.select_related("category", "latest_version"))
    return found


def _check_records(
    records: list[ProcedureRecord], existing: dict[str, Procedure], *, publish: bool
) -> tuple[list[str], list[str], set[str]]:
    """Model-level validation of every record, and `flows.check` of its questions,
    conditions, members and cases, before anything is written.

    An open draft is an editor's work and is never overwritten. An import of drafts leaves
    one that holds exactly the record's content (an earlier import's, say one stopped
    half-way) as it is.
    """
    drafts = _drafts(existing)
    problems: list[str] = []
    rejected: list[str] = []
    kept_drafts: set[str] = set()
    checker = _FlowChecker(records, existing, publish=publish)
    for record in records:
        found = list(_record_problems(record))
        found += _kind_problems(record, existing.get(record.slug))
        if record.has_flow:
            found += checker.problems(record)
        draft = drafts.get(record.slug)
        if draft is not None and not publish and same_content(record, record_for_version(draft)):
            kept_drafts.add(record.slug)
        elif draft is not None:
            found.append("该事项已有未发布的草稿：请先在系统里发布或丢弃它，再导入新内容")
        if found:
            rejected.append(record.slug)
            problems.extend(f"{record.source}: 事项{record.label()}: {item}" for item in found)
    return problems, rejected, kept_drafts


def _drafts(existing: dict[str, Procedure]) -> dict[str, ProcedureVersion]:
    drafts: dict[str, ProcedureVersion] = {}
    procedures = list(existing.values())
    for start in range(0, len(procedures), 500):
        queryset = ProcedureVersion.objects.filter(
            status=ProcedureVersion.Status.DRAFT, procedure__in=procedures[start : start + 500]
        ).select_related("procedure__category")
        queryset = queryset.prefetch_related(
            "materials__kind", "steps", "faqs", "questions", "members__target", "cases"
        )
        drafts.update((draft.procedure.slug, draft) for draft in queryset)
    return drafts


def _record_problems(record: ProcedureRecord) -> Iterable[str]:
    version = ProcedureVersion(
        **{name: getattr(record, name) for name in VERSION_CONTENT_FIELDS},
        change_summary=record.change_summary,
    )
    yield from _validation_messages(version, "", exclude=["procedure"])
    rows = part_rows(record)
    for related_name, model, fields in PARTS:
        for index, given in enumerate(rows[related_name], start=1):
            row = model(**{field: given[field] for field in fields})
            prefix = f"{related_name}[{index}]."
            yield from _validation_messages(row, prefix, exclude=["version", "kind", "target"])


def _kind_problems(record: ProcedureRecord, procedure: Procedure | None) -> list[str]:
    if procedure is None or procedure.kind == record.kind:
        return []
    names = dict(Procedure.Kind.choices)
    return [
        f"字段 kind: 库里这个事项的类型是“{names[procedure.kind]}”，文件里是"
        f"“{names[record.kind]}”（{record.kind}）；类型不能通过导入修改"
    ]


def part_rows(record: ProcedureRecord) -> dict[str, list[dict[str, Any]]]:
    """A record's parts as the database stores them, by related name; a member's row names its
    procedure only by slug (`procedure`): `save_draft` needs it as `target`."""
    return {
        "materials": [
            {**dataclasses.asdict(material), "when": _stored(material.when)}
            for material in record.materials
        ],
        "steps": [dataclasses.asdict(step) for step in record.steps],
        "faqs": [dataclasses.asdict(faq) for faq in record.faqs],
        "questions": [
            {**dataclasses.asdict(question), "options": list(question.options)}
            for question in record.questions
        ],
        "members": [
            {"procedure": member.procedure, "when": _stored(member.when), "note": member.note}
            for member in record.members
        ],
        "cases": [
            {
                "name": case.name,
                "answers": [
                    {"question": label, "option": option} for label, option in case.answers
                ],
                "variant": case.variant,
                "materials": list(case.materials),
            }
            for case in record.cases
        ],
    }


def _stored(when: Iterable[Clause]) -> list[Clause]:
    return [clause(c["question"], c["op"], c["options"]) for c in when]


class _FlowChecker:
    """`flows.check` for an import's records, before anything is written.

    A member is looked for first among the records of the import, as it will be once written
    (with --publish, only if it takes effect by today: until then the version in force is
    the one a bundle is published with), then among the procedures in force.
    """

    def __init__(
        self, records: list[ProcedureRecord], existing: dict[str, Procedure], *, publish: bool
    ) -> None:
        self.kinds: dict[str, MaterialKind] | None = None
        today = timezone.localdate()
        targets = {member.procedure for record in records for member in record.members}
        self.resolve = bundles.database_resolver(
            substitute={
                record.slug: self.flow(record)
                for record in records
                if record.slug in targets
                and _in_force_once_written(record, existing.get(record.slug), publish, today)
            }
        )

    def flow(self, record: ProcedureRecord) -> flows.Flow:
        if self.kinds is None:
            self.kinds = catalogue.kinds_by_name()
        return flow_of_record(record, kinds=self.kinds)

    def problems(self, record: ProcedureRecord) -> list[str]:
        flow = self.flow(record)
        members = tuple(
            dataclasses.replace(member, title=target.title if target else "")
            for member, target in ((m, self.resolve(m.slug)) for m in flow.members)
        )
        flow = dataclasses.replace(flow, members=members)
        return flows.blocking_messages(flow, self.resolve)


def _in_force_once_written(
    record: ProcedureRecord, procedure: Procedure | None, publish: bool, today: datetime.date
) -> bool:
    if procedure is not None and procedure.retired_at is not None:
        return False
    return not publish or record.effective_from is None or record.effective_from <= today


def flow_of_record(
    record: ProcedureRecord, *, kinds: Mapping[str, MaterialKind] | None = None
) -> flows.Flow:
    """A record's flow as `flows.flow_of_version` will give it once imported.

    A material is known by its kind in the catalogue (`kinds`, from
    `catalogue.kinds_by_name`), as the import will attach it; a name the catalogue does not
    know becomes a kind of that name.
    """
    known = kinds or {}

    def flow_material(material: MaterialRecord) -> flows.FlowMaterial:
        name = catalogue.normalized(material.kind or material.name)
        kind = known.get(name)
        return flows.FlowMaterial(
            name=material.name,
            kind=kind.name if kind else name,
            form=material.form,
            copies=material.copies,
            required=material.required,
            condition=material.condition,
            when=material.when,
            note=material.note,
            electronic=bool(kind and kind.electronic),
        )

    return flows.Flow(
        kind=record.kind,
        title=record.title,
        questions=tuple(
            flows.FlowQuestion(q.label, q.text, q.options, q.help) for q in record.questions
        ),
        materials=tuple(flow_material(material) for material in record.materials),
        members=tuple(
            flows.FlowMember(slug=m.procedure, title="", when=m.when, note=m.note)
            for m in record.members
        ),
        cases=tuple(
            flows.FlowCase(c.name, c.answers, c.variant, c.materials) for c in record.cases
        ),
    )


def _validation_messages(instance: Model, prefix: str, *, exclude: list[str]) -> Iterable[str]:
    try:
        instance.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                yield f"字段 {prefix}{field}: {message}"


def _import_record(
    record: ProcedureRecord,
    procedure: Procedure | None,
    *,
    draft_kept: bool,
    publish: bool,
    by: publishing.User,
    summary: ImportSummary,
) -> None:
    category = _category(record.category)
    if procedure is None:
        draft = publishing.create_procedure(
            slug=record.slug,
            category=category,
            title=record.title,
            code=record.code,
            aliases=record.aliases,
            kind=record.kind,
            catalogue_url=record.catalogue_url,
            by=by,
        )
        _fill_and_maybe_publish(
            draft, record, publish=publish, by=by, default_summary=FIRST_PUBLISH_SUMMARY
        )
        summary.created.append(record.slug)
        return
    # A file without the provincial link keeps the one the catalogue import set.
    if publishing.update_procedure_details(
        procedure,
        category=category,
        code=record.code,
        aliases=record.aliases,
        catalogue_url=record.catalogue_url or None,
        by=by,
    ):
        summary.details_updated.append(record.slug)
    latest = procedure.latest_version
    if latest is not None and same_content(record, record_for_version(latest)):
        summary.unchanged.append(record.slug)
        return
    if draft_kept:  # its open draft already holds this content
        summary.unchanged.append(record.slug)
        return
    draft = publishing.create_draft(procedure, by=by)
    _fill_and_maybe_publish(draft, record, publish=publish, by=by, default_summary=UPDATE_SUMMARY)
    summary.new_versions.append(record.slug)


def _fill_and_maybe_publish(
    draft: ProcedureVersion,
    record: ProcedureRecord,
    *,
    publish: bool,
    by: publishing.User,
    default_summary: str,
) -> None:
    content = {name: getattr(record, name) for name in VERSION_CONTENT_FIELDS}
    content["change_summary"] = record.change_summary
    content["effective_from"] = record.effective_from
    parts = part_rows(record)
    parts["members"] = _with_targets(parts["members"])
    draft = publishing.save_draft(
        draft, content=content, parts=parts, expected_revision=draft.revision, by=by
    )
    if publish:
        publishing.publish_version(
            draft,
            by=by,
            change_summary=record.change_summary or default_summary,
            effective_from=record.effective_from or timezone.localdate(),
        )


def _with_targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Member rows naming their procedure (`target`), as save_draft takes them."""
    slugs = [row["procedure"] for row in rows]
    targets = Procedure.objects.in_bulk(slugs, field_name="slug")
    missing = [slug for slug in slugs if slug not in targets]
    if missing:  # checked before writing: only a procedure deleted since then
        raise ProcedureError(f"包含的事项 {'、'.join(missing)} 已不存在。")
    return [
        {"target": targets[row["procedure"]], "when": row["when"], "note": row["note"]}
        for row in rows
    ]


def _category(name: str) -> Category:
    category = Category.objects.filter(name=name).first()
    if category is None:
        slug = derive_slug(name, max_length=CATEGORY_SLUG_BASE_LENGTH) or "category"
        if Category.objects.filter(slug=slug).exists():
            slug = f"{slug}-{Category.objects.count() + 1}"
        last = Category.objects.aggregate(Max("position"))["position__max"] or 0
        category = Category.objects.create(name=name, slug=slug, position=last + 1)
    return category


def same_content(a: ProcedureRecord, b: ProcedureRecord) -> bool:
    """Whether two records carry the same version content (identity and version notes aside)."""

    def content(record: ProcedureRecord) -> ProcedureRecord:
        return dataclasses.replace(
            record,
            slug="",
            code="",
            catalogue_url="",
            category="",
            aliases=(),
            change_summary="",
            effective_from=None,
        )

    return content(a) == content(b)


def record_for_version(version: ProcedureVersion) -> ProcedureRecord:
    procedure = version.procedure
    return ProcedureRecord(
        slug=procedure.slug,
        kind=procedure.kind,
        code=procedure.code,
        catalogue_url=procedure.catalogue_url,
        category=procedure.category.name,
        aliases=tuple(procedure.aliases),
        change_summary=version.change_summary,
        effective_from=version.effective_from,
        questions=tuple(
            QuestionRecord(q.label, q.text, tuple(str(o) for o in q.options or ()), q.help)
            for q in version.questions.all()
        ),
        materials=tuple(
            MaterialRecord(
                **{f: getattr(m, f) for f in _fields(MaterialRecord) if f not in ("kind", "when")},
                kind=m.kind.name if m.kind.name != m.name else "",
                when=_clauses(m.when),
            )
            for m in version.materials.all()
        ),
        steps=tuple(
            StepRecord(**{f: getattr(s, f) for f in _fields(StepRecord)})
            for s in version.steps.all()
        ),
        faqs=tuple(
            FAQRecord(**{f: getattr(q, f) for f in _fields(FAQRecord)}) for q in version.faqs.all()
        ),
        members=tuple(
            MemberRecord(m.target.slug, _clauses(m.when), m.note) for m in version.members.all()
        ),
        cases=tuple(
            CaseRecord(
                name=c.name,
                answers=flows.stored_answers(c.answers),
                variant=c.variant,
                materials=tuple(str(m) for m in c.materials or ()),
            )
            for c in version.cases.all()
        ),
        **{name: getattr(version, name) for name in VERSION_CONTENT_FIELDS},
    )


def _fields(record_class: type[MaterialRecord | StepRecord | FAQRecord]) -> list[str]:
    return [field.name for field in dataclasses.fields(record_class)]


def _clauses(value: Any) -> tuple[Clause, ...]:
    """A stored condition as a record holds it (see `library_format.clause`)."""
    return tuple(
        clause(
            str(c.get("question", "")),
            str(c.get("op", flows.ANY)),
            [str(o) for o in c.get("options") or ()],
        )
        for c in flows.condition_from_data(value)
    )


def export_library(outdir: Path, *, on: datetime.date | None = None) -> list[Path]:
    """Write the version in force of every public procedure to OUTDIR/<slug>.yaml.

    Every file written is inside OUTDIR: if a slug is not a plain file name, or a file to
    write is a link or a folder, it raises ProcedureError having written nothing.
    """
    public = Procedure.objects.public(on)
    problems = _export_problems(outdir, public.values_list("pk", "slug"))
    if problems:
        raise ProcedureError("\n".join([*problems, "本次没有导出任何内容。"]))
    outdir.mkdir(parents=True, exist_ok=True)
    # django-stubs resolves values_list() names against model fields, not annotations.
    ids = list(public.values_list("current_version_id", flat=True))  # type: ignore[misc]
    written = []
    for start in range(0, len(ids), 500):
        versions = (
            ProcedureVersion.objects.filter(pk__in=ids[start : start + 500])
            .select_related("procedure__category")
            .prefetch_related(
                Prefetch(
                    "materials", Material.objects.select_related("kind").order_by("position", "pk")
                ),
                Prefetch("steps", Step.objects.order_by("position", "pk")),
                Prefetch("faqs", FAQ.objects.order_by("position", "pk")),
                Prefetch("questions", Question.objects.order_by("position", "pk")),
                Prefetch(
                    "members", Member.objects.select_related("target").order_by("position", "pk")
                ),
                Prefetch("cases", FlowCase.objects.order_by("position", "pk")),
            )
        )
        for version in versions:
            path = outdir / f"{version.procedure.slug}.yaml"
            path.write_text(dump_records(record_for_version(version)), encoding="utf-8")
            written.append(path)
    return sorted(written)


def _export_problems(outdir: Path, procedures: Iterable[tuple[int, str]]) -> list[str]:
    problems = []
    for pk, slug in procedures:
        path = outdir / f"{slug}.yaml"
        if not is_valid_slug(slug):
            problems.append(
                f"事项 #{pk} 的 slug {slug[:40]!r} 不能用作文件名"
                f"（只能用字母、数字、连字符和下划线，最长 {SLUG_MAX_LENGTH} 个字符）"
            )
        elif path.is_symlink() or (path.exists() and not path.is_file()):
            problems.append(f"{path}: 已存在，且是符号链接或文件夹，不会覆盖")
    return problems
