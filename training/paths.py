"""Reading paths: which procedures each holds, in which order, and whom they are assigned to.

A 条线's path holds its public procedures in the curated order (`Procedure.position`), the
high-frequency ones first as the home page picks them (`hall.tracking.most_viewed`): a new hire
learns first what the window is asked most. A custom path holds what its trainer listed, in
their order. Retired procedures and those with no version in force drop out of every path.
"""

import dataclasses
import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery

from hall.tracking import most_viewed
from procedures.models import Category, Procedure, ProcedureVersion
from training.models import Assignment, ReadingPath
from training.roles import Account


@dataclasses.dataclass(frozen=True)
class Shelf:
    """The public procedures, loaded once for a page that shows one path or several."""

    procedures: dict[int, Procedure]  # in the curated order, with `current_number`
    popular: dict[int, int]  # procedure id → rank among the high-frequency ones

    @classmethod
    def load(cls) -> "Shelf":
        in_force = ProcedureVersion.objects.in_force().filter(procedure=OuterRef("pk"))
        procedures = Procedure.objects.public().annotate(
            current_number=Subquery(in_force.values("number")[:1])
        )
        popular = {p.pk: rank for rank, p in enumerate(most_viewed())}
        return cls({p.pk: p for p in procedures}, popular)

    def procedures_of(self, path: ReadingPath) -> list[Procedure]:
        if path.category_id is not None:
            mine = [p for p in self.procedures.values() if p.category_id == path.category_id]
            # sorted() is stable: after the high-frequency ones, the curated order stays.
            return sorted(mine, key=lambda p: self.popular.get(p.pk, len(self.popular)))
        return [
            self.procedures[item.procedure_id]
            for item in path.items.all()
            if item.procedure_id in self.procedures
        ]

    def in_force_numbers(self, procedures: Iterable[Procedure]) -> dict[int, int]:
        return {p.pk: p.current_number for p in procedures}  # type: ignore[attr-defined]


def visible_paths() -> QuerySet[ReadingPath]:
    """Every path, ready for `Shelf.procedures_of`."""
    return ReadingPath.objects.select_related("category").prefetch_related("items")


def paths_of(user: Account) -> tuple[list[Assignment], list[ReadingPath]]:
    """The user's assignments (soonest due first), then every other path."""
    assignments = list(
        Assignment.objects.filter(user_id=user.pk)
        .select_related("path__category")
        .prefetch_related("path__items")
    )
    assigned = {a.path_id for a in assignments}
    return assignments, [p for p in visible_paths() if p.pk not in assigned]


def neighbours(
    procedures: Sequence[Procedure], procedure: Procedure
) -> tuple[int, Procedure | None, Procedure | None] | None:
    """Where `procedure` stands in a path (1-based), and the procedures before and after it."""
    ids = [p.pk for p in procedures]
    if procedure.pk not in ids:
        return None
    index = ids.index(procedure.pk)
    previous = procedures[index - 1] if index > 0 else None
    following = procedures[index + 1] if index + 1 < len(procedures) else None
    return index + 1, previous, following


def ensure_category_paths(categories: Iterable[Category]) -> None:
    """Every 条线 has its reading path, made when its first procedure is published."""
    have = set(ReadingPath.objects.values_list("category_id", flat=True))
    ReadingPath.objects.bulk_create(
        [ReadingPath(category=c) for c in categories if c.pk not in have],
        ignore_conflicts=True,
    )


@transaction.atomic
def assign_path(
    path: ReadingPath, *, users: Iterable, due_date: datetime.date | None, by: Account
) -> list[Assignment]:
    """Assign the path to each user; assigning it again moves the due date."""
    return [
        Assignment.objects.update_or_create(
            user=user,
            path=path,
            defaults={"due_date": due_date, "assigned_by": by},
        )[0]
        for user in users
    ]


def unassign(assignment: Assignment) -> None:
    assignment.delete()


def assignment_counts() -> dict[int, int]:
    """Path id → how many people it is assigned to."""
    rows = Assignment.objects.values("path_id").annotate(n=Count("pk")).values_list("path_id", "n")
    return dict(rows)


def path_named(value: str | None) -> ReadingPath | None:
    """The path a `?path=` names, or None for anything else (a stale link, a typo)."""
    if not value or not value.isdigit() or len(value) > 18:
        return None
    return visible_paths().filter(pk=int(value)).first()
