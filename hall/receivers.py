"""The hall counts the procedure pages the library shows (高频事项, 我最近查看)."""

from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest

from hall.tracking import record_view
from procedures import signals
from procedures.models import Procedure
from sopdesk.bookkeeping import client_of


@receiver(signals.procedure_viewed, dispatch_uid="hall.count_view")
def count_view(
    sender: type[Procedure], *, procedure: Procedure, request: HttpRequest, **kwargs: Any
) -> None:
    session = request.session if request.user.is_authenticated else None
    record_view(procedure, session, client=client_of(request))
