"""Writing the index: the entries of the versions in force today or later, and their terms.

Publishing sends `procedures_changed`; `search.receivers` calls `index_procedures` within the
same transaction, so the index commits or rolls back with the change. Each version gets a
`SearchEntry` (folded fields to score from, and the text as written to cut snippets from) and
its terms in the database's full-text index (`search.backends`).

Versions in force today and those published to take effect later are indexed, each with the
days it is in force; the query keeps the one whose days hold today, so a version dated in the
future comes into force with no job running.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Sequence

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from procedures.models import FAQ, Material, Procedure, ProcedureVersion, Step
from search import analyzer, backends, kept
from search.models import SearchEntry

# Procedures per round: each round loads their versions, materials, steps and FAQs at once.
BATCH_SIZE = 500
# When a version is in force: from its date until (not including) the next one's, or for good.
Window = tuple[datetime.date, datetime.date | None]


def in_force_windows(
    versions: Iterable[tuple[int, int, datetime.date]], *, today: datetime.date
) -> dict[int, Window]:
    """Of versions (id, number, effective_from) of one procedure, those in force today or later.

    A version is in force from its date until a later-numbered version takes effect (the
    highest number in force wins), so its window ends at the earliest date among later ones.
    """
    ordered = sorted(versions, key=lambda v: v[1])
    windows = {}
    for index, (version_id, _, start) in enumerate(ordered):
        later = [effective for _, _, effective in ordered[index + 1 :]]
        until = min(later) if later else None
        if until is not None and (until <= start or until <= today):
            continue
        windows[version_id] = (start, until)
    return windows


def index_procedures(procedure_ids: Sequence[int]) -> int:
    """Bring these procedures' entries up to date; call inside the transaction that changed them."""
    return _index(list(procedure_ids))


def rebuild_index(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Index every procedure from scratch; returns the number of entries written."""
    ids = list(Procedure.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        backends.for_connection().clear()
        SearchEntry.objects.all().delete()
        kept.renew()
        return _index(ids, clear=False, progress=progress)


def _index(
    procedure_ids: Sequence[int],
    *,
    clear: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    written = 0
    for start in range(0, len(procedure_ids), BATCH_SIZE):
        written += _index_batch(procedure_ids[start : start + BATCH_SIZE], clear=clear)
        if progress:
            progress(min(start + BATCH_SIZE, len(procedure_ids)), len(procedure_ids))
    return written


def _index_batch(procedure_ids: Sequence[int], *, clear: bool) -> int:
    today = timezone.localdate()
    backend = backends.for_connection()
    if clear:
        old = list(
            SearchEntry.objects.filter(procedure_id__in=procedure_ids).values_list(
                "version_id", flat=True
            )
        )
        backend.delete(old)
        SearchEntry.objects.filter(version_id__in=old).delete()
    windows = _windows(procedure_ids, today=today)
    versions = (
        ProcedureVersion.objects.filter(pk__in=windows)
        .select_related("procedure__category")
        .prefetch_related(
            Prefetch("materials", Material.objects.order_by("position", "pk")),
            Prefetch("steps", Step.objects.order_by("position", "pk")),
            Prefetch("faqs", FAQ.objects.order_by("position", "pk")),
            "questions",
            "members__target__latest_version",
        )
    )
    entries, rows = [], []
    for version in versions:
        entry, terms = _document(version, *windows[version.pk])
        entries.append(entry)
        rows.append((version.pk, terms))
    backend.delete([version_id for version_id, _ in rows])
    SearchEntry.objects.bulk_create(entries, batch_size=200)
    backend.insert(rows)
    kept.renew()
    return len(entries)


def _windows(procedure_ids: Sequence[int], *, today: datetime.date) -> dict[int, Window]:
    live = set(
        Procedure.objects.filter(pk__in=procedure_ids, retired_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    by_procedure: dict[int, list] = {}
    rows = ProcedureVersion.objects.enacted().filter(procedure_id__in=live)
    for version_id, procedure_id, number, effective in rows.values_list(
        "pk", "procedure_id", "number", "effective_from"
    ):
        by_procedure.setdefault(procedure_id, []).append((version_id, number, effective))
    windows = {}
    for versions in by_procedure.values():
        windows.update(in_force_windows(versions, today=today))
    return windows


def _document(
    version: ProcedureVersion, valid_from: datetime.date, valid_until: datetime.date | None
) -> tuple[SearchEntry, dict[str, set[str]]]:
    """The entry a version is scored from, and its full-text terms by column."""
    procedure = version.procedure
    fold = analyzer.fold
    title = _line(fold(version.title))
    aliases = [line for line in (_line(fold(a)) for a in procedure.aliases) if line]
    materials = "\n".join(
        fold(" ".join(filter(None, (m.name, m.condition, m.note)))) for m in version.materials.all()
    )
    public_parts = [
        version.summary,
        version.audience,
        version.conditions,
        version.department,
        version.location,
        version.phone,
        version.time_limit,
        version.fee,
        version.basis,
        procedure.category.name,
        procedure.code,
        *(f"{step.title} {step.body}" for step in version.steps.all()),
        *(f"{faq.question} {faq.answer}" for faq in version.faqs.all()),
        # A case's words (外地户籍, 丢失补办) and, for a family or 一件事, what it includes.
        *(f"{q.text} {' '.join(map(str, q.options))}" for q in version.questions.all()),
        *(f"{member.target} {member.note}" for member in version.members.all()),
    ]
    internal_parts = [version.staff_notes, *(step.staff_note for step in version.steps.all())]
    body = fold("\n".join(filter(None, public_parts)))
    internal = fold("\n".join(filter(None, internal_parts)))
    snippets, internal_snippets = _snippet_sources(version)
    entry = SearchEntry(
        version_id=version.pk,
        procedure_id=procedure.pk,
        valid_from=valid_from,
        valid_until=valid_until,
        title=version.title,
        snippets=snippets,
        internal_snippets=internal_snippets,
        head="\n".join([title, *aliases]),
        head_pinyin="\n".join(analyzer.line_syllables(line) for line in [title, *aliases]),
        head_initials="\n".join(analyzer.initials_line(line) for line in [title, *aliases]),
        materials=materials,
        materials_pinyin=analyzer.material_pinyin(materials),
        body=body,
        internal=internal,
    )
    terms = {
        "title": analyzer.head_terms([title]),
        "aliases": analyzer.head_terms(aliases),
        "materials": analyzer.text_terms(materials, unigrams=True, homophones=True),
        "body": analyzer.text_terms(body, unigrams=False),
        "internal": analyzer.text_terms(internal, unigrams=False),
    }
    return entry, terms


def _line(text: str) -> str:
    return " ".join(text.split())


# Fields shown in snippets after the parts, with their labels.
VERSION_TEXT = (
    ("audience", "适用对象"),
    ("conditions", "受理条件"),
    ("location", "办理地点"),
    ("hours", "办理时间"),
    ("time_limit", "办理时限"),
    ("fee", "收费"),
    ("basis", "设定依据"),
)


def _snippet_sources(version: ProcedureVersion) -> tuple[list[str], list[str]]:
    """The text of a version as written, one piece per field or part, in reading order."""
    aliases = version.procedure.aliases
    pieces = ["俗称：" + "、".join(aliases) if aliases else "", version.summary]
    for material in version.materials.all():
        condition = f"（{material.condition}）" if material.condition else ""
        pieces.append(f"材料：{material.name}{condition}")
    pieces += [f"{step.title}：{step.body}" for step in version.steps.all()]
    pieces += [f"问：{faq.question} 答：{faq.answer}" for faq in version.faqs.all()]
    pieces += [
        f"{label}：{getattr(version, name)}"
        for name, label in VERSION_TEXT
        if getattr(version, name)
    ]
    notes = [version.staff_notes, *(step.staff_note for step in version.steps.all())]
    internal = [f"内部备注：{note}" for note in notes if note]
    return _plain_pieces(pieces), _plain_pieces(internal)


def _plain_pieces(pieces: Iterable[str]) -> list[str]:
    return [plain for plain in (_plain(piece) for piece in pieces) if plain]


MARKDOWN_RE = re.compile(r"\*\*|__|`|^#+\s*|^\s*[-*+]\s+|^\s*\d+\.\s+", re.MULTILINE)
LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _plain(text: str) -> str:
    return " ".join(MARKDOWN_RE.sub("", LINK_RE.sub(r"\1", text)).split())
