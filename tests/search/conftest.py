from django.contrib.auth.models import AnonymousUser

from search import queries

ANONYMOUS = AnonymousUser()


def slugs(query: str, user=ANONYMOUS, **options) -> list[str]:
    """What most search tests compare: the slugs found, best first."""
    return [result.slug for result in queries.search(query, user=user, **options)]
