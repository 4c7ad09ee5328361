"""Handouts (一次性告知单): a version printed on A4 for residents to take home.

A version on record never changes, so each PDF is generated once and then served from
`default_storage`, shared by every worker. The storage key names the version and the variant,
plus a hash of everything else the page prints that can change: the hall's details, the site
address in the QR code, the layout, and the printed date (打印日期). Each day's first request
for a handout therefore renders it again, and older files of that version are removed.

A handout for a case (情形引导: `?hu-ji=wai-di-hu-ji`) prints only what that case needs. Its
variant names the answers, read by `procedures.views.guides.case_of`, which keeps valid answers
only: a URL with made-up parameters is the plain handout, never a new stored file. A family's or
bundle's handout also hashes the member versions it prints, which change without it changing.
"""

import base64
import dataclasses
import datetime
import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML, URLFetcher
from weasyprint.document import Document
from weasyprint.text.ffi import ffi, fontconfig

from hall.models import HallSettings
from procedures.models import Material, ProcedureVersion, field_label
from procedures.timeline import standing
from procedures.views.guides import Case, case_of

# Bump when a template in handouts/templates/handouts changes, so stored PDFs are printed anew.
HANDOUT_LAYOUT_VERSION = 5
FONT_FAMILY = "Noto Sans CJK SC"
STORAGE_DIR = "handouts"


class HandoutFontMissing(RuntimeError):
    """The Chinese font handouts are set in is not installed: printing would give empty boxes."""


def handout_pdf(
    version: ProcedureVersion, *, large: bool = False, case: Case | None = None
) -> bytes:
    """The handout of `version` (for a case): from storage if printed today, else rendered."""
    hall = HallSettings.load()
    today = timezone.localdate()
    case = case or case_of(version, {})
    if version.is_draft:  # a draft still changes: never store it
        return render_handout(version, large=large, hall=hall, printed_on=today, case=case)
    key = storage_key(version, large=large, hall=hall, printed_on=today, case=case)
    try:
        with default_storage.open(key, "rb") as stored:
            printed: bytes = stored.read()
            return printed
    except FileNotFoundError:
        pass
    pdf = render_handout(version, large=large, hall=hall, printed_on=today, case=case)
    _store(key, pdf)
    _remove_older_files(key)
    return pdf


def render_handout(
    version: ProcedureVersion,
    *,
    large: bool = False,
    hall: HallSettings | None = None,
    printed_on: datetime.date | None = None,
    case: Case | None = None,
) -> bytes:
    """Render the handout as PDF bytes; refuses to print when the Chinese font is missing."""
    check_cjk_font()
    hall = hall or HallSettings.load()
    printed_on = printed_on or timezone.localdate()
    case = case or case_of(version, {})
    composite = version.procedure.is_composite
    context = {
        "version": version,
        "case": case,
        "materials": _material_rows(version, case),
        "steps": list(version.steps.all()),
        "hall": hall,
        "contacts": _contacts(version, hall),
        "printed_on": printed_on,
        "notice": standing(version, on=printed_on).notice(),
        "qr_code": _qr_data_uri(public_page_url(version, case)),
        "large": large,
        "font_family": FONT_FAMILY,
    }
    template = "handouts/guide.html" if composite else "handouts/handout.html"
    document = _layout(template, context)
    if len(document.pages) > 1 and not large:
        # A handout that would leave a line or two on a second page is set tighter (spacing,
        # margins), never in smaller type: the 一次性告知单 should be one sheet.
        tighter = _layout(template, {**context, "compact": True})
        if len(tighter.pages) < len(document.pages):
            document = tighter
    pdf: bytes = document.write_pdf()
    return pdf


def _layout(template: str, context: dict[str, object]) -> Document:
    html = render_to_string(template, context)
    # Only the inline QR code is fetched: a worker must not call the network (or its own site).
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).render()


def storage_key(
    version: ProcedureVersion,
    *,
    large: bool,
    hall: HallSettings,
    printed_on: datetime.date,
    case: Case | None = None,
) -> str:
    printed = [
        HANDOUT_LAYOUT_VERSION,
        settings.SITE_URL,
        hall.name,
        hall.address,
        hall.hours,
        hall.phone,
        printed_on.isoformat(),
        # A version is superseded, or a change announced, without the version changing.
        standing(version, on=printed_on).notice(),
        # A member publishes a new version without the family or bundle changing.
        [stage.view.version.pk if stage.view.version else None for stage in case.stages]
        if case
        else [],
    ]
    digest = hashlib.sha256(json.dumps(printed, ensure_ascii=False).encode()).hexdigest()[:12]
    variant = "large" if large else "standard"
    if case is not None and case.answers:
        # No "-" inside the variant: older files are found by the text before the first one.
        variant += "_" + hashlib.sha256(case.cache_key.encode()).hexdigest()[:12]
    return f"{STORAGE_DIR}/{version.pk}-v{version.number}/{variant}-{digest}.pdf"


def public_page_url(version: ProcedureVersion, case: Case | None = None) -> str:
    """The live page of the procedure: an old handout's QR code leads to today's rules.

    For a case, the page opens narrowed to the same answers.
    """
    url = settings.SITE_URL + version.procedure.get_absolute_url()
    return f"{url}?{case.query}" if case is not None and case.query else url


@dataclasses.dataclass(frozen=True)
class MaterialRow:
    material: Material
    waiting: bool = False  # 待确认: a question not yet answered decides it
    reason: str = ""


def _material_rows(version: ProcedureVersion, case: Case) -> list[MaterialRow]:
    """Every material, or for a case only those it needs, then those still 待确认."""
    if not case.answers:
        return [MaterialRow(m) for m in version.materials.all()]
    rows = [MaterialRow(n.item, reason=n.reason) for n in case.needed]
    return rows + [
        MaterialRow(n.item, waiting=bool(n.item.when), reason=n.reason) for n in case.maybe
    ]


def check_cjk_font() -> None:
    if not _font_installed(FONT_FAMILY):
        raise HandoutFontMissing(f"未找到中文字体 {FONT_FAMILY}，请安装 fonts-noto-cjk")


@functools.cache
def _font_installed(family: str) -> bool:
    """Ask fontconfig, as WeasyPrint will, whether `family` itself or only a substitute is there.

    Without it, text would come out in whatever font fontconfig falls back to, or as empty boxes.
    """
    pattern = fontconfig.FcPatternCreate()
    try:
        fontconfig.FcPatternAddString(pattern, b"family", family.encode())
        fontconfig.FcConfigSubstitute(ffi.NULL, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        match = fontconfig.FcFontMatch(ffi.NULL, pattern, ffi.new("FcResult *"))
    finally:
        fontconfig.FcPatternDestroy(pattern)
    if match == ffi.NULL:
        return False
    try:
        name = ffi.new("FcChar8 **")
        found = fontconfig.FcPatternGetString(match, b"family", 0, name)
        is_family: bool = (
            found == fontconfig.FcResultMatch and ffi.string(name[0]).decode() == family
        )
        return is_family
    finally:
        fontconfig.FcPatternDestroy(match)


def _contacts(version: ProcedureVersion, hall: HallSettings) -> list[tuple[str, str]]:
    """Where, when and whom to call: the version's own details, else the hall's."""
    fallbacks = {
        "department": hall.name,
        "location": hall.address,
        "hours": hall.hours,
        "phone": hall.phone,
    }
    return [
        (field_label(ProcedureVersion, name), value)
        for name in ("department", "location", "hours", "phone", "time_limit", "fee")
        if (value := getattr(version, name) or fallbacks.get(name, ""))
    ]


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=0)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def _store(key: str, pdf: bytes) -> None:
    """Write so that a concurrent request never reads a half-written file."""
    try:
        path = Path(default_storage.path(key))
    except NotImplementedError:  # object stores publish an upload only once it is complete
        default_storage.save(key, ContentFile(pdf))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "wb") as part:
        part.write(pdf)
        part.flush()
        os.fsync(part.fileno())
    os.chmod(temporary, getattr(default_storage, "file_permissions_mode", None) or 0o644)
    os.replace(temporary, path)


def _remove_older_files(key: str) -> None:
    """Drop this version's files of the same variant printed on other days or settings."""
    directory, name = key.rsplit("/", 1)
    variant = name.split("-", 1)[0]
    for other in default_storage.listdir(directory)[1]:
        if other != name and other.startswith(f"{variant}-") and other.endswith(".pdf"):
            default_storage.delete(f"{directory}/{other}")
