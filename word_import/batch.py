"""Import a set of Word guides: each file read, recognised and turned into a draft on its own,
in its own transaction, with one line saying what was created and what needs a look."""

import dataclasses

from django.contrib.auth.models import User
from django.db import DatabaseError

from procedures.models import Category, Procedure, ProcedureVersion
from word_import.blocks import NotAWordFile, read_blocks
from word_import.drafts import draft_from
from word_import.guide import SURE, Imported, recognise
from word_import.models import ImportRecord
from word_import.uploads import Incoming


@dataclasses.dataclass
class Line:
    name: str
    draft: ProcedureVersion | None = None
    recognised: int = 0
    unsure: list[str] = dataclasses.field(default_factory=list)
    unplaced: int = 0
    refused: str = ""
    # Another procedure of the same title: the same guide imported twice, most likely.
    same_title: Procedure | None = None

    @property
    def needs_a_look(self) -> bool:
        return bool(self.refused or self.unsure or self.unplaced or self.same_title)


def import_files(files: list[Incoming], *, category: Category, by: User) -> list[Line]:
    lines = []
    for incoming in files:
        if incoming.data is None:
            lines.append(Line(incoming.name, refused=incoming.refused))
            continue
        try:
            blocks = read_blocks(incoming.data)
            imported = recognise(blocks)
            draft = draft_from(
                imported, file_name=incoming.name, category=category, by=by, blocks=blocks
            )
        except NotAWordFile as refused:
            lines.append(Line(incoming.name, refused=str(refused)))
            continue
        except (DatabaseError, ValueError) as error:
            lines.append(Line(incoming.name, refused=f"没能建立草稿：{error}"))
            continue
        record = ImportRecord.objects.get(version_id=draft.pk)
        lines.append(
            Line(
                incoming.name,
                draft=draft,
                recognised=len(imported.recognised()),
                unsure=unsure(imported),
                unplaced=len(record.unplaced),
                same_title=same_title(draft),
            )
        )
    return lines


def same_title(draft: ProcedureVersion) -> Procedure | None:
    """A procedure still handled, other than the draft's, with a version of the draft's title."""
    others = Procedure.objects.exclude(pk=draft.procedure_id).filter(retired_at__isnull=True)
    return others.filter(versions__title=draft.title).order_by("pk").first()


LISTS = {"materials": "申请材料", "steps": "办理流程", "faqs": "常见问题"}


def unsure(imported: Imported) -> list[str]:
    """What was found but with less than full certainty, in the editor's words."""
    names = [
        str(getattr(ProcedureVersion._meta.get_field(name), "verbose_name", name))
        for name, field in imported.fields.items()
        if field.sure != SURE
    ]
    names += [
        label
        for name, label in LISTS.items()
        if getattr(imported, name) and getattr(imported, f"{name}_sure") != SURE
    ]
    return names
