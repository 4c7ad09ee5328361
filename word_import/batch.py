"""Import a set of Word guides: each file read, recognised and turned into a draft on its own,
in its own transaction, with one line saying what was created and what needs a look."""

import dataclasses

from django.contrib.auth.models import User
from django.db import DatabaseError

from procedures.models import Category, ProcedureVersion
from word_import.blocks import NotAWordFile, read_blocks
from word_import.drafts import draft_from
from word_import.guide import recognise
from word_import.uploads import Incoming


@dataclasses.dataclass
class Line:
    name: str
    draft: ProcedureVersion | None = None
    recognised: int = 0
    unsure: list[str] = dataclasses.field(default_factory=list)
    unplaced: int = 0
    refused: str = ""

    @property
    def needs_a_look(self) -> bool:
        return bool(self.refused or self.unsure or self.unplaced)


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
        record = draft.word_import
        lines.append(
            Line(
                incoming.name,
                draft=draft,
                recognised=len(imported.recognised()),
                unsure=[name for name, sure in record.certainty.items() if sure != "高"],
                unplaced=len(record.unplaced),
            )
        )
    return lines
