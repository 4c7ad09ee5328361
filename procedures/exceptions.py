"""Errors that users can cause; each message is shown to them as it is, in Chinese."""


class ProcedureError(Exception):
    """Base class: an operation on the library that was refused, with a message for the user."""


class VersionLocked(ProcedureError):
    """A published or superseded version, or one of its parts, was about to be changed."""


class NotADraft(ProcedureError):
    """The operation needs a draft, and the version is already on record."""


class DraftExists(ProcedureError):
    """The procedure already has an open draft; edit or discard it first."""


class StaleDraft(ProcedureError):
    """The draft was saved by someone else since this editor opened it."""


class PublishRefused(ProcedureError):
    """The draft is missing what publishing needs (change summary, effective date, title)."""


class ScheduledVersionPending(PublishRefused):
    """A fix would take effect before a scheduled version: say whether to carry or withdraw it."""


class ImportFormatError(ProcedureError):
    """A library file is not valid: each problem names the file, the procedure and the field."""

    def __init__(self, problems: list[str], *, rejected: int = 1) -> None:
        self.problems = problems
        self.rejected = rejected  # how many procedures (or unreadable files) the problems cover
        super().__init__("\n".join(problems))


class ImportStopped(ProcedureError):
    """Writing an import stopped at one procedure; the batches before it stay imported."""

    def __init__(self, message: str, *, record: str, imported: int) -> None:
        self.record = record  # the procedure it stopped at, as the format labels it
        self.imported = imported  # procedures written (or found unchanged) before it
        super().__init__(message)


class ReviewRefused(PublishRefused):
    """The review rules do not allow this step: not submitted, already submitted, own draft."""
