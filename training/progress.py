"""How far people are: a person's paths, what they must re-read, and a path's matrix."""

import dataclasses
from collections import Counter
from collections.abc import Sequence

from procedures.models import Procedure
from training.models import Assignment, ReadingPath
from training.paths import Shelf
from training.receipts import UNREAD, Reading, Status, readings
from training.roles import Account


@dataclasses.dataclass(frozen=True)
class Entry:
    procedure: Procedure
    reading: Reading
    status: Status  # with the assignment's deadline applied


@dataclasses.dataclass(frozen=True)
class PathProgress:
    path: ReadingPath
    assignment: Assignment | None
    entries: list[Entry]

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def current(self) -> int:
        return sum(entry.status == Status.CURRENT for entry in self.entries)

    @property
    def next_entry(self) -> Entry | None:
        """Where to read on: the first procedure not read in the version in force."""
        return next((e for e in self.entries if e.reading.status != Status.CURRENT), None)

    @property
    def to_reread(self) -> int:
        return sum(entry.reading.status == Status.OLD for entry in self.entries)


def progress_of(
    user: Account, paths: Sequence[tuple[ReadingPath, Assignment | None]], shelf: Shelf
) -> list[PathProgress]:
    """Each path's procedures with where `user` stands on them: one query for all receipts."""
    listed = [(path, assignment, shelf.procedures_of(path)) for path, assignment in paths]
    in_force = shelf.in_force_numbers(p for _, _, procedures in listed for p in procedures)
    found = readings([user.pk], in_force)
    return [
        PathProgress(path, assignment, entries(procedures, found, user.pk, assignment))
        for path, assignment, procedures in listed
    ]


def entries(
    procedures: Sequence[Procedure],
    found: dict[tuple[int, int], Reading],
    user_id: int,
    assignment: Assignment | None,
) -> list[Entry]:
    result = []
    for procedure in procedures:
        reading = found.get((user_id, procedure.pk), UNREAD)
        result.append(Entry(procedure, reading, reading.on(assignment)))
    return result


def to_reread(user: Account, shelf: Shelf) -> list[Entry]:
    """Procedures the user read before a substantive change: 需重读, in the library's order."""
    found = readings([user.pk], shelf.in_force_numbers(shelf.procedures.values()))
    return [
        Entry(procedure, found[(user.pk, pk)], Status.OLD)
        for pk, procedure in shelf.procedures.items()
        if (user.pk, pk) in found and found[(user.pk, pk)].status == Status.OLD
    ]


@dataclasses.dataclass(frozen=True)
class Row:
    assignment: Assignment
    cells: list[Status]

    @property
    def current(self) -> int:
        return self.cells.count(Status.CURRENT)


@dataclasses.dataclass(frozen=True)
class Matrix:
    """Clerk × procedure for one path: each cell 未读 / 已读旧版 / 已读现版 / 到期未读."""

    procedures: list[Procedure]
    rows: list[Row]

    @property
    def column_current(self) -> list[int]:
        return [
            sum(row.cells[i] == Status.CURRENT for row in self.rows)
            for i in range(len(self.procedures))
        ]

    @property
    def totals(self) -> list[tuple[Status, int]]:
        counts = Counter(cell for row in self.rows for cell in row.cells)
        return [(status, counts[status]) for status in Status]


def matrix(path: ReadingPath, shelf: Shelf) -> Matrix:
    procedures = shelf.procedures_of(path)
    assignments = list(path.assignments.select_related("user").order_by("user__username"))
    found = readings([a.user_id for a in assignments], shelf.in_force_numbers(procedures))
    rows = [
        Row(a, [e.status for e in entries(procedures, found, a.user_id, a)]) for a in assignments
    ]
    return Matrix(procedures, rows)
