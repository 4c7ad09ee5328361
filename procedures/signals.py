"""What the library tells the apps around it, sent after the work (Wagtail's pattern).

The library core imports none of the apps that react to it: search indexes, the hall counts
page views, and whatever comes next listens here. Receivers react to work already done; they
never do the library's work themselves.
"""

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from django.dispatch import Signal

# Sent by every publishing verb that changes what a procedure shows (published, details,
# retired), inside its transaction after the work, so that a receiver's writes commit or roll
# back with it. Argument: procedure_ids (a list). Within `batched()` they are sent once, at
# the end, for all the procedures changed meanwhile (an import of thousands).
procedures_changed = Signal()

# Sent by `publish_version` inside its transaction, after the draft went on record.
# Argument: version (the published version). Reports linked to the draft close with it.
version_published = Signal()

# Sent by every verb that moves a draft into or out of review — submitted, sent back, changed
# after it was submitted, discarded or published while in review — inside its transaction after
# the work. Argument: version (the draft, deleted if discarded). What waits for whom changed.
review_changed = Signal()

# Sent after the whole library was replaced (a restore), inside its transaction.
library_replaced = Signal()

# Sent when a procedure's page in force is shown. Arguments: procedure, request.
procedure_viewed = Signal()

_pending: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "procedures_changed_pending", default=None
)


def notify_changed(procedure_ids: Iterable[int]) -> None:
    """Send `procedures_changed` now, or at the end of the enclosing `batched()` block."""
    pending = _pending.get()
    if pending is not None:
        pending.update(procedure_ids)
        return
    procedures_changed.send(sender=None, procedure_ids=sorted(procedure_ids))


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Hold back `procedures_changed` until the block ends, then send it once for all."""
    if _pending.get() is not None:  # nested: the outermost block sends
        yield
        return
    pending: set[int] = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending:
        procedures_changed.send(sender=None, procedure_ids=sorted(pending))
