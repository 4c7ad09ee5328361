"""复核: the owner looks at the version in force and records 已复核，无需修改 (or publishes)."""

from django.contrib.auth.models import User
from django.db import transaction

from procedures.models import Procedure
from upkeep.exceptions import Refused
from upkeep.models import ReviewCheck
from upkeep.reports import clean_text


@transaction.atomic
def confirm_unchanged(procedure: Procedure, *, by: User, note: str = "") -> ReviewCheck:
    """Kept in the history and resetting the review date."""
    version = procedure.current_version()
    if version is None:
        raise Refused("这个事项没有施行中的版本，无法复核。")
    return ReviewCheck.objects.create(
        procedure=procedure,
        version=version,
        by=by,
        note=clean_text(note, limit=300, what="复核说明", required=False),
    )
