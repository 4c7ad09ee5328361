"""Stored handouts answered like static files: streamed, or sent by the front server.

A stored file's name names everything it prints (see `handouts.pdf.storage_key`), so the name
is its ETag: no request reads the file to answer a revalidation. With `HANDOUT_SENDFILE` set,
Django answers only the headers and nginx (`X-Accel-Redirect`) or Apache/lighttpd
(`X-Sendfile`) sends the file itself. Either way the file is on disk: MEDIA_ROOT, a volume
the app servers share.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from handouts.pdf import STORAGE_DIR

SENDFILE_MODES = ("", "x-accel-redirect", "x-sendfile")
# Revalidate every time, with the ETag: even a numbered version's URL prints other bytes each
# day (打印日期), after a change to the hall's details or the layout, and once superseded. A
# revalidation answers 304 without reading the file; a max-age would hand out yesterday's date.
CACHE_CONTROL = "public, no-cache"


def stored_file_response(request: HttpRequest, key: str, *, filename: str) -> HttpResponseBase:
    """The stored handout `key`: 304 when the client has it, else the file, as settings say."""
    path = Path(default_storage.path(key))
    name = key.removeprefix(f"{STORAGE_DIR}/")  # 12-v3/standard-0123456789ab.pdf
    etag = f'"{name.removesuffix(".pdf").replace("/", "-")}"'
    modified = int(path.stat().st_mtime)
    conditional = get_conditional_response(request, etag=etag, last_modified=modified)
    response = conditional or _file_response(name, path)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = CACHE_CONTROL
    if conditional is None:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _file_response(name: str, path: Path) -> HttpResponseBase:
    mode = settings.HANDOUT_SENDFILE
    if mode == "x-accel-redirect":
        response = HttpResponse(content_type="application/pdf")
        response["X-Accel-Redirect"] = settings.HANDOUT_SENDFILE_PREFIX + name
        return response
    if mode == "x-sendfile":
        response = HttpResponse(content_type="application/pdf")
        response["X-Sendfile"] = str(path.resolve())
        return response
    return FileResponse(path.open("rb"), content_type="application/pdf")
