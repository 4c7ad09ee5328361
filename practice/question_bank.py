"""The question bank writes itself: questions from the version in force of each public procedure.

Each generator reads one procedure's structured content (materials, steps, aliases) and its
siblings (for wrong options): at most `MAX_SIBLINGS` public procedures of the same 条线, its
neighbours in the 条线's order, so that regenerating a procedure costs the same in a 条线 of five
procedures or of a thousand. Only 事项 (`kind="item"`) have questions: families and bundles
list member procedures, not materials and steps. The generators return specs keyed by the field
they ask about (`material:<kind id>:form`). `refresh_procedures` compares them with the live
questions: the same key and content keep their row; a changed answer retires the question on a
substantive version (its cards start again) and is updated in place on an editorial one (cards
kept); a key no longer generated retires its question. Wrong options are drawn with a random
generator seeded by procedure and key, so that the same library always gives the same questions.
"""

import dataclasses
import datetime
import itertools
import json
import random
from collections import Counter
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from practice.models import LETTERS, BankSource, Question
from procedures.models import Material, Procedure, ProcedureVersion, Step

# ProcedureVersion.ChangeKind.EDITORIAL (文字修订): wording only, the answers stand.
EDITORIAL = "editorial"
MAX_OPTIONS = 4
# A single-choice question needs this many wrong options to be worth asking.
MIN_WRONG = 2
# Wrong options come from this many siblings at most: the procedure's neighbours in its 条线.
MAX_SIBLINGS = 30
ITEM = "item"  # Procedure.Kind.ITEM: the only kind with materials and steps of its own


@dataclasses.dataclass(frozen=True)
class Spec:
    """One generated question, before it is a row."""

    key: str
    kind: str
    stem: str
    options: tuple[str, ...]
    answer: str
    explanation: str
    value: str


@dataclasses.dataclass(frozen=True)
class Subject:
    """A public procedure, its version in force, and that version's materials and steps."""

    procedure: Procedure
    version: ProcedureVersion
    materials: tuple[Material, ...]
    steps: tuple[Step, ...]

    @property
    def title(self) -> str:
        return self.version.title

    def material_names(self) -> set[str]:
        return {material.name for material in self.materials}


Generator = Callable[[Subject, list[Subject]], list[Spec]]


def refresh_changed(procedure_ids: list[int]) -> None:
    """After a publish: regenerate these procedures now, and mark the rest of their 条线 stale
    (their wrong options come from each other) for `refresh_stale`, so that an import's batch
    transaction grows with the batch, not with the library."""
    refresh_procedures(procedure_ids)
    # Plain lists of ids, not nested subqueries: PostgreSQL plans those as nested loops when
    # its statistics do not know the rows yet (an import's first batches), cubic in the 条线.
    categories = set(
        Procedure.objects.filter(pk__in=procedure_ids).values_list("category_id", flat=True)
    )
    siblings = list(
        Procedure.objects.filter(category_id__in=categories)
        .exclude(pk__in=procedure_ids)
        .values_list("pk", flat=True)
    )
    BankSource.objects.filter(procedure_id__in=siblings, version__isnull=False).update(version=None)


def refresh_procedures(procedure_ids: Iterable[int]) -> Counter[str]:
    """Regenerate the questions of these procedures; returns their questions per generator.

    Loads these procedures and their siblings only: the work grows with the batch, not with
    the size of their 条线."""
    procedures = list(Procedure.objects.filter(pk__in=set(procedure_ids)))
    rosters = load_rosters({procedure.category_id for procedure in procedures})
    in_force = {pk: version for roster in rosters.values() for pk, version in roster.items()}
    orders = {category_id: list(roster) for category_id, roster in rosters.items()}
    places = {pk: index for order in orders.values() for index, pk in enumerate(order)}
    windows = {
        procedure.pk: sibling_ids(orders[procedure.category_id], places[procedure.pk])
        for procedure in procedures
        if procedure.pk in places
    }
    loaded = {pk for window in windows.values() for pk in window} | set(windows)
    subjects = load_subject_rows(
        {pk: in_force[pk] for pk in loaded},
        known={procedure.pk: procedure for procedure in procedures},
    )
    counts: Counter[str] = Counter()
    with transaction.atomic():
        for procedure in procedures:
            subject = subjects.get(procedure.pk)
            siblings = [subjects[pk] for pk in windows.get(procedure.pk, ())]
            counts.update(refresh_one(procedure, subject, siblings))
    return counts


def refresh_all() -> Counter[str]:
    return refresh_procedures(Procedure.objects.values_list("pk", flat=True))


def refresh_stale() -> list[int]:
    """Regenerate procedures whose version in force is not the one their questions came from
    (a scheduled version took effect, a procedure was retired); returns their ids."""
    # django-stubs cannot see the annotation public() adds.
    items = Procedure.objects.public().filter(kind=ITEM)
    public = dict(items.values_list("pk", "current_version_id"))  # type: ignore[misc]
    built = dict(BankSource.objects.values_list("procedure_id", "version_id"))
    stale = [pk for pk, version_id in public.items() if built.get(pk) != version_id]
    stale += [pk for pk, version_id in built.items() if version_id and pk not in public]
    if stale:
        refresh_procedures(stale)
    return stale


def load_rosters(category_ids: set[int]) -> dict[int, dict[int, int]]:
    """The public 事项 of these 条线 in their order, as {category: {procedure: version in force}}.

    Ids only: one light query, whatever the size of the 条线."""
    rows = (
        Procedure.objects.public()
        .filter(category_id__in=category_ids, kind=ITEM)
        .order_by("category_id", "position", "slug", "pk")
        .values_list("pk", "category_id", "current_version_id")  # type: ignore[misc]
    )
    rosters: dict[int, dict[int, int]] = {pk: {} for pk in category_ids}
    for pk, category_id, version_id in rows:
        rosters[category_id][pk] = version_id
    return rosters


def sibling_ids(order: list[int], index: int) -> list[int]:
    """The `MAX_SIBLINGS` procedures nearest `order[index]` in its 条线's order: a window around
    it, shifted inward at either end of the 条线; every other one in a smaller 条线."""
    start = min(max(0, index - MAX_SIBLINGS // 2), max(0, len(order) - MAX_SIBLINGS - 1))
    window = order[start : start + MAX_SIBLINGS + 1]
    return [pk for pk in window if pk != order[index]]


def load_subject_rows(
    versions: dict[int, int], *, known: dict[int, Procedure] | None = None
) -> dict[int, Subject]:
    """Subjects for {procedure: version in force}, by procedure: the fields the generators
    read, and no more. Procedures in `known` are not fetched again."""
    known = known or {}
    procedures = dict(known)
    missing = [pk for pk in versions if pk not in procedures]
    procedures.update(
        Procedure.objects.filter(pk__in=missing).only("pk", "category_id", "aliases").in_bulk()
    )
    rows = ProcedureVersion.objects.filter(pk__in=list(versions.values())).only(
        "pk", "procedure_id", "number", "title", "change_kind"
    )
    rows = rows.prefetch_related(
        Prefetch(
            "materials",
            Material.objects.only(
                "pk",
                "version_id",
                "position",
                "kind_id",
                "name",
                "form",
                "copies",
                "required",
                "condition",
            ),
        ),
        Prefetch("steps", Step.objects.only("pk", "version_id", "position", "title")),
    )
    return {
        version.procedure_id: Subject(
            procedures[version.procedure_id],
            version,
            tuple(version.materials.all()),
            tuple(version.steps.all()),
        )
        for version in rows
    }


def load_subjects(category_ids: set[int]) -> dict[int, list[Subject]]:
    """Every public 事项 of these 条线 with its version in force, by 条线, in the 条线's order."""
    rosters = load_rosters(category_ids)
    subjects = load_subject_rows(
        {pk: version for roster in rosters.values() for pk, version in roster.items()}
    )
    return {category_id: [subjects[pk] for pk in roster] for category_id, roster in rosters.items()}


def refresh_one(
    procedure: Procedure, subject: Subject | None, siblings: list[Subject]
) -> Counter[str]:
    """Make this procedure's generated questions those of `subject` (none when it is not a
    public 事项: retired, not yet in force, a family or a bundle)."""
    if subject is None:
        specs: list[Spec] = []
        version = None
    else:
        specs = [spec for generate in GENERATORS.values() for spec in generate(subject, siblings)]
        version = subject.version
    apply_specs(procedure, version, specs, editorial=is_editorial(version))
    if version is not None or BankSource.objects.filter(procedure=procedure).exists():
        BankSource.objects.update_or_create(procedure=procedure, defaults={"version": version})
    return Counter(generator_of(spec.key) for spec in specs)


def is_editorial(version: ProcedureVersion | None) -> bool:
    return getattr(version, "change_kind", "") == EDITORIAL


def apply_specs(
    procedure: Procedure,
    version: ProcedureVersion | None,
    specs: list[Spec],
    *,
    editorial: bool,
) -> None:
    """Make the live generated questions of `procedure` be `specs`, keeping what is unchanged."""
    live = {
        question.source_key: question
        for question in Question.objects.live().filter(procedure=procedure, generated=True)
    }
    now = timezone.now()
    for spec in specs:
        question = live.pop(spec.key, None)
        if question is not None and question.source_value != spec.value and not editorial:
            retire(question, now)
            question = None
        if question is None:
            question = Question(procedure=procedure, generated=True, source_key=spec.key)
        elif matches(question, spec, version, procedure):
            continue
        fill(question, spec, version, procedure)
        question.save()
    for question in live.values():
        retire(question, now)


def matches(
    question: Question, spec: Spec, version: ProcedureVersion | None, procedure: Procedure
) -> bool:
    return (
        question.kind == spec.kind
        and question.stem == spec.stem
        and question.options == list(spec.options)
        and question.answer == spec.answer
        and question.explanation == spec.explanation
        and question.source_value == spec.value
        and question.version_id == (version.pk if version else None)
        and question.category_id == procedure.category_id
    )


def fill(
    question: Question, spec: Spec, version: ProcedureVersion | None, procedure: Procedure
) -> None:
    question.kind = spec.kind
    question.stem = spec.stem
    question.options = list(spec.options)
    question.answer = spec.answer
    question.explanation = spec.explanation
    question.source_value = spec.value
    question.version = version
    question.category_id = procedure.category_id


def retire(question: Question, now: datetime.datetime) -> None:
    question.retired_at = now
    question.save(update_fields=["retired_at"])


def generator_of(key: str) -> str:
    """The generator a key came from: `material:12:form` → form."""
    head, _, rest = key.partition(":")
    if head in ("alias", "materials", "steps"):
        return {"alias": "alias", "materials": "required", "steps": "order"}[head]
    return rest.rpartition(":")[2]


# ------------------------------------------------------------------ building a spec


def choice_spec(
    subject: Subject,
    key: str,
    *,
    stem: str,
    right: list[str],
    wrong: list[str],
    explanation: str,
    value: str,
    kind: str = Question.Kind.SINGLE,
) -> Spec:
    """A single (one right option) or multiple choice question with its options in a stable
    order drawn from procedure and key."""
    rng = random.Random(f"{subject.procedure.pk}|{key}")
    options = [*right, *wrong]
    rng.shuffle(options)
    answer = "".join(LETTERS[i] for i, option in enumerate(options) if option in right)
    return Spec(key, kind, stem, tuple(options), answer, explanation, value)


def pick(pool: Iterable[str], count: int, *, seed: str) -> list[str]:
    """`count` distinct strings of `pool` (all of them if fewer), the same ones every time."""
    unique = sorted(set(pool))
    if len(unique) <= count:
        return unique
    return random.Random(seed).sample(unique, count)


def sibling_materials(subject: Subject, siblings: list[Subject]) -> list[str]:
    """Names of materials the siblings ask for and this procedure does not."""
    own_kinds = {material.kind_id for material in subject.materials}
    own_names = subject.material_names()
    return [
        material.name
        for sibling in siblings
        for material in sibling.materials
        if material.kind_id not in own_kinds and not overlaps(material.name, own_names)
    ]


def overlaps(name: str, names: set[str]) -> bool:
    """残疾人证或医院诊断证明 is no wrong option where 残疾人证 is right: one holds the other."""
    return any(name in other or other in name for other in names)


def describe(material: Material) -> str:
    return (
        f"{material.name}：{material.get_form_display()}，{material.copies} 份，"
        f"{material.requirement()}"
    )


def where(subject: Subject) -> str:
    return f"见「{subject.title}」第 {subject.version.number} 版的申请材料。"


# ------------------------------------------------------------------ the generators


def required_materials(subject: Subject, siblings: list[Subject]) -> list[Spec]:
    """必需 vs 按情形: which of these does everyone bring (多选)."""
    required = [m.name for m in subject.materials if m.required]
    conditional = [m.name for m in subject.materials if not m.required]
    key = "materials:required"
    seed = f"{subject.procedure.pk}|{key}"
    right = pick(required, MAX_OPTIONS - 1, seed=seed)
    if not right:
        return []
    wrong = pick(conditional, MAX_OPTIONS - len(right), seed=seed)
    wrong += pick(
        sibling_materials(subject, siblings), MAX_OPTIONS - len(right) - len(wrong), seed=seed
    )
    wrong = [name for name in dict.fromkeys(wrong) if name not in right]
    if not wrong:
        return []
    needed = f"必需材料：{'、'.join(required)}。"
    cases = "；".join(
        f"{m.name}（{m.condition or '视情况提供'}）" for m in subject.materials if not m.required
    )
    return [
        choice_spec(
            subject,
            key,
            stem=f"办理「{subject.title}」时，以下哪些是每位申请人都必须提交的材料（必需材料）？",
            right=right,
            wrong=wrong,
            explanation=needed + (f"按情形提交：{cases}。" if cases else "") + where(subject),
            value=json.dumps(
                {"required": sorted(required), "conditional": sorted(conditional)},
                ensure_ascii=False,
            ),
            kind=Question.Kind.MULTIPLE,
        )
    ]


def material_forms(subject: Subject, siblings: list[Subject]) -> list[Spec]:
    """原件 or 复印件: the form of each material (options: the four forms, in their order)."""
    forms = [label for _, label in Material.Form.choices]
    specs = []
    for material in subject.materials:
        label = material.get_form_display()
        specs.append(
            Spec(
                key=f"material:{material.kind_id}:form",
                kind=Question.Kind.SINGLE,
                stem=f"办理「{subject.title}」时，「{material.name}」应提交哪种形式？",
                options=tuple(forms),
                answer=LETTERS[forms.index(label)],
                explanation=f"{describe(material)}。{where(subject)}",
                value=material.form,
            )
        )
    return specs


def material_copies(subject: Subject, siblings: list[Subject]) -> list[Spec]:
    """How many copies, for materials handed in as copies or more than one."""
    specs = []
    copy_forms = (Material.Form.COPY, Material.Form.ORIGINAL_AND_COPY)
    for material in subject.materials:
        if material.form not in copy_forms and material.copies == 1:
            continue
        first = max(1, material.copies - 1)
        numbers = range(first, first + MAX_OPTIONS)
        specs.append(
            Spec(
                key=f"material:{material.kind_id}:copies",
                kind=Question.Kind.SINGLE,
                stem=f"办理「{subject.title}」时，「{material.name}」"
                f"（{material.get_form_display()}）要交几份？",
                options=tuple(f"{n} 份" for n in numbers),
                answer=LETTERS[material.copies - first],
                explanation=f"{describe(material)}。{where(subject)}",
                value=str(material.copies),
            )
        )
    return specs


def material_conditions(subject: Subject, siblings: list[Subject]) -> list[Spec]:
    """A case's extra material (按情形, with a condition): 委托他人代办的，还需要带什么？"""
    specs = []
    pool = sibling_materials(subject, siblings)
    for material in subject.materials:
        condition = material.condition.strip().rstrip("，。；")
        if material.required or not condition:
            continue
        key = f"material:{material.kind_id}:condition"
        wrong = pick(pool, MAX_OPTIONS - 1, seed=f"{subject.procedure.pk}|{key}")
        if len(wrong) < MIN_WRONG:
            continue
        specs.append(
            choice_spec(
                subject,
                key,
                stem=f"办理「{subject.title}」，{condition}，还需要带什么材料？",
                right=[material.name],
                wrong=wrong,
                explanation=f"{describe(material)}。{where(subject)}",
                value=f"{material.name}|{condition}",
            )
        )
    return specs


def step_order(subject: Subject, siblings: list[Subject]) -> list[Spec]:
    """The right order of the steps (three steps or more)."""
    titles = [step.title for step in subject.steps]
    if len(titles) < 3:
        return []
    right = " → ".join(titles)
    orders = [
        titles[:i] + [titles[i + 1], titles[i]] + titles[i + 2 :] for i in range(len(titles) - 1)
    ]
    orders.append(titles[::-1])
    candidates = [" → ".join(order) for order in orders]
    key = "steps:order"
    wrong = pick(
        [c for c in candidates if c != right], MAX_OPTIONS - 1, seed=f"{subject.procedure.pk}|{key}"
    )
    if len(wrong) < MIN_WRONG:
        return []
    numbered = "；".join(f"{n}. {title}" for n, title in enumerate(titles, 1))
    return [
        choice_spec(
            subject,
            key,
            stem=f"办理「{subject.title}」的正确流程是？",
            right=[right],
            wrong=wrong,
            explanation=f"办理流程：{numbered}。",
            value=right,
        )
    ]


def next_steps(subject: Subject, siblings: list[Subject]) -> list[Spec]:
    """Which step comes after X (three steps or more)."""
    titles = [step.title for step in subject.steps]
    if len(titles) < 3:
        return []
    others = [s.title for sibling in siblings for s in sibling.steps if s.title not in titles]
    specs = []
    for before, after in itertools.pairwise(titles):
        if before == after:
            continue
        key = f"step:{before[:100]}:next"
        seed = f"{subject.procedure.pk}|{key}"
        wrong = pick([t for t in titles if t not in (before, after)], MAX_OPTIONS - 1, seed=seed)
        wrong += pick(others, MAX_OPTIONS - 1 - len(wrong), seed=seed)
        if len(wrong) < MIN_WRONG:
            continue
        specs.append(
            choice_spec(
                subject,
                key,
                stem=f"办理「{subject.title}」时，「{before}」之后的下一步是？",
                right=[after],
                wrong=wrong,
                explanation=f"办理流程：{' → '.join(titles)}。",
                value=after,
            )
        )
    return specs


def resident_words(subject: Subject, siblings: list[Subject]) -> list[Spec]:
    """居民说……，应办哪个事项: from each alias; wrong options are sibling procedures."""
    specs = []
    for alias in dict.fromkeys(subject.procedure.aliases):
        if not isinstance(alias, str) or not alias.strip() or alias == subject.title:
            continue
        key = f"alias:{alias[:100]}"
        pool = [
            s.title
            for s in siblings
            if s.title != subject.title and alias not in (s.title, *s.procedure.aliases)
        ]
        wrong = pick(pool, MAX_OPTIONS - 1, seed=f"{subject.procedure.pk}|{key}")
        if len(wrong) < MIN_WRONG:
            continue
        specs.append(
            choice_spec(
                subject,
                key,
                stem=f"居民说：“我来办{alias}。”应办哪个事项？",
                right=[subject.title],
                wrong=wrong,
                explanation=f"“{alias}”是「{subject.title}」的俗称。",
                value=subject.title,
            )
        )
    return specs


# Each generator and what it asks, in the order the command prints them.
GENERATORS: dict[str, Generator] = {
    "required": required_materials,
    "form": material_forms,
    "copies": material_copies,
    "condition": material_conditions,
    "order": step_order,
    "next": next_steps,
    "alias": resident_words,
}
GENERATOR_LABELS = {
    "required": "必需材料",
    "form": "原件或复印件",
    "copies": "份数",
    "condition": "按情形材料",
    "order": "步骤顺序",
    "next": "下一步",
    "alias": "居民说法",
}
