"""Pages a resident reads, stored once and served without rendering them again (issue 15).

A version on record never changes: the page of a procedure, a category or the hall's home
page is the same for every resident until the library, the hall's settings, the day or the
deployment changes. A view that says so (`cached_for_residents`, `cache_for_residents`) has its
page stored in the cache `pages`, shared by the workers; the middleware answers the next
resident from there, before sessions, authentication or the database are touched, with an
ETag and a Last-Modified, and 304 Not Modified to a browser or proxy that has the page already.

Each stored page is keyed by
- the deployment's revision (templates, code and static manifest: a new deployment never
  serves a page rendered by the old one);
- the generation of the site, a number in the shared cache that every change to what pages
  show replaces (`forget_pages`: publishing, retiring, details, an import batch, a restore,
  the hall's settings, a category or a kind of material edited; the receivers are in
  `hall/receivers.py`). Pages show their neighbours, the members of a bundle and the
  category's list, so one change may touch many pages: they are all forgotten, and each is
  rendered again once when next asked (publishing happens a few times a day);
- the local date: a version scheduled for a day is in force from that day's first request;
- the path and query string.

Only visitors without a session are served from the cache: staff pages name the user, carry
internal notes and a CSRF token, and are rendered each time (`Cache-Control: private`). What
they show of a version is the same for everyone who sees it as they do: a view keeps that part
(`fragment_key`, `fragment`, `keep_fragment`) under the same revision, generation and date, and
renders only the reader's parts around it.
"""

import dataclasses
import functools
import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from procedures import signals
from procedures.models import Procedure

ALIAS = "pages"
GENERATION = "pages:generation"
DAY = 24 * 60 * 60
# A visitor holding one of these cookies may see something made for them: rendered each time.
PERSONAL_COOKIES = ("messages",)
# Headers of the rendered page kept with it; others are the outer middleware's.
LEFT_OUT_HEADERS = {"set-cookie", "date"}


@dataclasses.dataclass(frozen=True)
class Mark:
    """What a view says of its page: stored for `timeout` s; `viewed`, the procedure it shows."""

    timeout: int = DAY
    viewed: tuple[int, str] | None = None


@dataclasses.dataclass(frozen=True)
class StoredPage:
    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: float
    viewed: tuple[int, str] | None


def cache_for_residents(
    response: HttpResponse, *, timeout: int = DAY, viewed: Procedure | None = None
) -> HttpResponse:
    """Let the middleware store this page for residents (`viewed`: counted on each hit)."""
    response.page_cache = Mark(timeout, (viewed.pk, viewed.slug) if viewed else None)  # type: ignore[attr-defined]
    return response


def cached_for_residents(
    *, timeout: int = DAY
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view whose page, asked for without a query string, is the same for every resident."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if not request.GET:
                cache_for_residents(response, timeout=timeout)
            return response

        return wrapped

    return decorator


def forget_pages() -> None:
    """A new generation: every stored page is forgotten."""
    renew(GENERATION)


def renew(name: str) -> None:
    """A new generation under `name` in this cache: what was kept under the old one is forgotten.

    At once, and again when the change commits: what was read meanwhile from the rows as they
    were before it is kept under the first new generation, and is never read.
    """
    _new_generation(name)
    transaction.on_commit(functools.partial(_new_generation, name))


def _new_generation(name: str = GENERATION) -> None:
    # The clock, not a counter: never a number used before, even after the cache was emptied.
    caches[ALIAS].set(name, time.time_ns(), None)


def generation(name: str = GENERATION) -> int:
    pages = caches[ALIAS]
    value = pages.get(name)
    if value is None:
        pages.add(name, time.time_ns(), None)
        value = pages.get(name)
    return int(value or 0)


@functools.cache
def computed_revision() -> str:
    """A digest of what renders pages: the project's templates and code, the static manifest."""
    base = Path(settings.BASE_DIR)
    engines = cast(list[dict[str, list[str]]], settings.TEMPLATES)
    folders = [Path(d) for engine in engines for d in engine.get("DIRS", [])]
    folders += [Path(c.path) for c in apps.get_app_configs() if Path(c.path).is_relative_to(base)]
    folders.append(base / "sopdesk")
    files = [
        path
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.suffix in (".py", ".html", ".txt") and path.is_file()
    ]
    files.append(Path(settings.STATIC_ROOT) / "staticfiles.json")
    return revision_of(files)


def revision_of(files: list[Path]) -> str:
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(set(files)):
        if path.is_file():
            digest.update(str(path).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def revision() -> str:
    """PAGE_CACHE_REVISION (e.g. the commit deployed), else the digest of this deployment."""
    return settings.PAGE_CACHE_REVISION or computed_revision()


def is_resident(request: HttpRequest) -> bool:
    """No session and no pending message: nothing on the page can be meant for this visitor."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and not any(
        name in cookies for name in PERSONAL_COOKIES
    )


def page_key(request: HttpRequest) -> str:
    where = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    day = timezone.localdate().isoformat()
    return f"page:{revision()}:{generation()}:{day}:resident:{where}"


def fragment_key(name: str, *parts: object) -> str:
    """Where a part of a page, the same for every reader with the same `parts`, is kept.

    Read it before rendering what is kept there, as `page_key`: a part rendered during a change
    is kept under the generation that change leaves behind, and never read.
    """
    what = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    day = timezone.localdate().isoformat()
    return f"fragment:{revision()}:{generation()}:{day}:{name}:{what}"


def fragment(key: str) -> object:
    return caches[ALIAS].get(key)


def keep_fragment(key: str, value: object, *, timeout: int = DAY) -> None:
    caches[ALIAS].set(key, value, timeout)


class PageCacheMiddleware:
    """Right after WhiteNoise: serves stored resident pages, stores the ones views mark."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        revision()  # read the files once, as the worker starts, not during a request

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "GET" or not is_resident(request):
            return _for_staff(self.get_response(request))
        key = page_key(request)  # before rendering: a page rendered during a change is lost
        stored = caches[ALIAS].get(key)
        if isinstance(stored, StoredPage):
            _count_view(stored, request)
            return _answer(request, stored)
        response = self.get_response(request)
        mark = getattr(response, "page_cache", None)
        if mark is None or not _storable(request, response):
            return _for_staff(response)
        stored = _store(key, response, mark)
        return _answer(request, stored)


def _for_staff(response: HttpResponse) -> HttpResponse:
    """A page that could have been stored, rendered for someone: never in a shared cache."""
    if getattr(response, "page_cache", None) is not None:
        patch_cache_control(response, private=True, no_cache=True)
    return response


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_USED")  # the page holds a CSRF token
    )


def _store(key: str, response: HttpResponse, mark: Mark) -> StoredPage:
    content = response.content
    stored = StoredPage(
        content=content,
        headers=tuple(
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in LEFT_OUT_HEADERS
        ),
        etag=f'"{hashlib.blake2b(content, digest_size=16).hexdigest()}"',
        last_modified=time.time(),
        viewed=mark.viewed,
    )
    caches[ALIAS].set(key, stored, mark.timeout)
    return stored


def _answer(request: HttpRequest, stored: StoredPage) -> HttpResponse:
    response = HttpResponse(stored.content)
    for name, value in stored.headers:
        response.headers[name] = value
    response.headers["ETag"] = stored.etag
    response.headers["Last-Modified"] = http_date(stored.last_modified)
    response.headers["Cache-Control"] = settings.PAGE_CACHE_CONTROL
    modified = int(stored.last_modified)
    return (
        get_conditional_response(
            request, etag=stored.etag, last_modified=modified, response=response
        )
        or response
    )


def _count_view(stored: StoredPage, request: HttpRequest) -> None:
    """A stored procedure page shown is a page view, as when it was rendered."""
    if stored.viewed is None:
        return
    pk, slug = stored.viewed
    procedure = Procedure(pk=pk, slug=slug)
    signals.procedure_viewed.send(sender=Procedure, procedure=procedure, request=request)
