"""A recognised Word guide becomes a new procedure's draft, never a published version.

Field lengths are the models': text longer than a field holds is cut there and the whole text
is kept in 未识别内容, so nothing is lost. Materials are matched to the catalogue by
`save_draft` as any editor's are.
"""

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Model

from procedures import publishing
from procedures.library_format import derive_slug
from procedures.models import FAQ, Category, Material, Procedure, ProcedureVersion, Step
from word_import.blocks import Block
from word_import.guide import Imported
from word_import.models import ImportRecord

LONG_TEXT = {"audience", "conditions", "basis"}


def _fits(model: type[Model], field: str, value: str, leftovers: list[str]) -> str:
    limit = getattr(model._meta.get_field(field), "max_length", None)
    if limit and len(value) > limit:
        leftovers.append(value)
        return value[: limit - 1] + "…"
    return value


def free_slug(title: str) -> str:
    base = derive_slug(title) or "shi-xiang"
    slug, n = base, 2
    while Procedure.objects.filter(slug=slug).exists():
        slug = f"{base[:90]}-{n}"
        n += 1
    return slug


@transaction.atomic
def draft_from(
    imported: Imported,
    *,
    file_name: str,
    category: Category,
    by: User,
    blocks: list[Block] | None = None,
) -> ProcedureVersion:
    leftovers = list(imported.unplaced)
    title_field = imported.fields.get("title")
    title = title_field.value if title_field else file_name.rsplit(".", 1)[0]
    title = _fits(ProcedureVersion, "title", title, leftovers)
    draft = publishing.create_procedure(
        slug=free_slug(title), category=category, title=title, by=by
    )
    content = {}
    for name, field in imported.fields.items():
        if name == "title":
            continue
        value = field.value
        content[name] = (
            value if name in LONG_TEXT else _fits(ProcedureVersion, name, value, leftovers)
        )
    materials = [
        {
            key: (_fits(Material, key, value, leftovers) if isinstance(value, str) else value)
            for key, value in material.items()
        }
        for material in imported.materials
    ]
    steps = [
        {"title": _fits(Step, "title", step["title"], leftovers), "body": step["body"]}
        for step in imported.steps
    ]
    faqs = [
        {"question": _fits(FAQ, "question", faq["question"], leftovers), "answer": faq["answer"]}
        for faq in imported.faqs
    ]
    draft = publishing.save_draft(
        draft,
        content=content,
        parts={"materials": materials, "steps": steps, "faqs": faqs},
        expected_revision=draft.revision,
        by=by,
    )
    certainty = {name: field.sure for name, field in imported.fields.items()}
    certainty.update(
        materials=imported.materials_sure, steps=imported.steps_sure, faqs=imported.faqs_sure
    )
    ImportRecord.objects.create(
        version=draft,
        file_name=file_name[:255],
        certainty=certainty,
        unplaced=leftovers,
        blocks=[
            {"kind": b.kind, "text": b.text, "label": b.label, "rows": b.rows} for b in blocks or []
        ],
        created_by=by,
    )
    return draft
