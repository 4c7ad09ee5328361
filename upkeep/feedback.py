"""这个页面对您有帮助吗: a resident's answer, without an account.

Each client (its address, as the login throttle sees it) may answer 3 times a day about one
procedure and 20 times an hour in all; further answers are thanked for and not recorded.
"""

from django.http import HttpRequest

from procedures.models import Procedure, ProcedureVersion
from sopdesk.bookkeeping import client_of, within_quota
from upkeep.exceptions import Refused
from upkeep.models import PageFeedback
from upkeep.reports import clean_text

PER_PROCEDURE_A_DAY = 3
IN_ALL_AN_HOUR = 20


def record_feedback(
    request: HttpRequest,
    procedure: Procedure,
    *,
    version_id: str | None,
    helpful: bool,
    reason: str = "",
    comment: str = "",
) -> PageFeedback | None:
    """The feedback recorded, or None when the client's quota is used up."""
    version = (
        ProcedureVersion.objects.on_record().filter(procedure=procedure, pk=int(version_id)).first()
        if version_id and version_id.isdigit()
        else None
    )
    if version is None:
        raise Refused("这个页面已经更新，请刷新后再提交。")
    if reason and reason not in PageFeedback.Reason.values:
        raise Refused("请从列表中选择原因。")
    text = clean_text(comment, limit=200, what="补充说明", required=False)
    client = client_of(request)
    if not (
        within_quota(f"feedback:{client}:{procedure.pk}", limit=PER_PROCEDURE_A_DAY, seconds=86400)
        and within_quota(f"feedback:{client}", limit=IN_ALL_AN_HOUR, seconds=3600)
    ):
        return None
    return PageFeedback.objects.create(
        procedure=procedure,
        version=version,
        helpful=helpful,
        reason="" if helpful else reason,
        comment="" if helpful else text,
    )
