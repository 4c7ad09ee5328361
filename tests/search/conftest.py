from django.contrib.auth.models import AnonymousUser

from search import queries

ANONYMOUS = AnonymousUser()


def slugs(query: str, user=ANONYMOUS, **options) -> list[str]:
    """What most search tests compare: the slugs of the results that answer, best first."""
    return [result.slug for result in queries.search(query, user=user, **options).results]


def related_slugs(query: str, user=ANONYMOUS, **options) -> list[str]:
    """The slugs of the weaker results (可能相关), best first."""
    return [result.slug for result in queries.search(query, user=user, **options).related]
