"""Assigning owners: a 条线's owner, backup and interval, and a procedure's own where it differs."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet

from procedures.models import Category, Procedure
from procedures.roles import EDITORS, PUBLISHERS
from upkeep.exceptions import Refused
from upkeep.models import CategoryUpkeep, ProcedureUpkeep

SHORTEST, LONGEST = 7, 1095


def candidates() -> QuerySet[User]:
    """Who may own an item: editors and 审核发布 (active accounts)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=[EDITORS, PUBLISHERS]) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


def _check(
    owner: User | None, backup: User | None, interval: int | None, allowed: set[int] | None
) -> None:
    if allowed is None:
        allowed = set(candidates().values_list("pk", flat=True))
    for who, what in ((owner, "负责人"), (backup, "备份负责人")):
        if who is not None and who.pk not in allowed:
            raise Refused(f"{what}须是编辑或审核发布人员：{who.get_username()} 不是。")
    if owner is not None and backup is not None and owner.pk == backup.pk:
        raise Refused("备份负责人不能和负责人是同一个人。")
    if interval is not None and not SHORTEST <= interval <= LONGEST:
        raise Refused(f"复核周期须在 {SHORTEST} 到 {LONGEST} 天之间。")


@transaction.atomic
def assign_category(
    category: Category,
    *,
    owner: User | None,
    backup: User | None,
    interval: int,
    allowed: set[int] | None = None,
) -> CategoryUpkeep:
    """`allowed`: the ids of `candidates()`, when the caller has them already."""
    _check(owner, backup, interval, allowed)
    row, _ = CategoryUpkeep.objects.update_or_create(
        category=category, defaults={"owner": owner, "backup": backup, "interval_days": interval}
    )
    return row


@transaction.atomic
def assign_procedure(
    procedure: Procedure,
    *,
    owner: User | None,
    backup: User | None,
    interval: int | None,
    allowed: set[int] | None = None,
) -> ProcedureUpkeep | None:
    """The procedure's own stewards; all empty means it follows its 条线 again."""
    _check(owner, backup, interval, allowed)
    if owner is None and backup is None and interval is None:
        ProcedureUpkeep.objects.filter(procedure=procedure).delete()
        return None
    row, _ = ProcedureUpkeep.objects.update_or_create(
        procedure=procedure,
        defaults={"owner": owner, "backup": backup, "interval_days": interval},
    )
    return row
