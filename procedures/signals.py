"""Extension points sent after the work is committed; receivers never do the work itself."""

from django.dispatch import Signal

# Sent after a version is published and the transaction committed. Argument: version.
version_published = Signal()
