class Refused(Exception):
    """A report, feedback or review that cannot be recorded as asked; the message says why."""
