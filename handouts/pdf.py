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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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

from blank_forms.models import FormAttachment
from blank_forms.shown import forms_of_material, printed_mark
from hall.models import HallSettings
from procedures.models import Material, ProcedureVersion, field_label
from procedures.timeline import standing
from procedures.views.guides import Case, case_of

# Bump when a template in handouts/templates/handouts changes, so stored PDFs are printed anew.
HANDOUT_LAYOUT_VERSION = 7
FONT_FAMILY = "Noto Sans CJK SC"
STORAGE_DIR = "handouts"


class HandoutFontMissing(RuntimeError):
    """The Chinese font handouts are set in is not installed: printing would give empty boxes."""


def handout_pdf(
    version: ProcedureVersion, *, large: bool = False, case: Case | None = None
) -> bytes:
    """The handout of `version` (for a case): from storage if printed today, else rendered."""
    if version.is_draft:  # a draft still changes: never store it
        return render_handout(version, large=large, case=case or case_of(version, {}))
    with default_storage.open(stored_handout(version, large=large, case=case), "rb") as stored:
        printed: bytes = stored.read()
        return printed


def stored_handout(
    version: ProcedureVersion, *, large: bool = False, case: Case | None = None
) -> str:
    """The storage key of today's handout of `version`, a version on record: printed and stored
    first when absent. The key names everything printed, so a stored file never changes."""
    hall = HallSettings.load()
    today = timezone.localdate()
    case = case or case_of(version, {})
    key = storage_key(version, large=large, hall=hall, printed_on=today, case=case)
    if not default_storage.exists(key):
        pdf = render_handout(version, large=large, hall=hall, printed_on=today, case=case)
        _store(key, pdf)
        _remove_older_files(key)
    return key


def render_handout(
    version: ProcedureVersion,
    *,
    large: bool = False,
    hall: HallSettings | None = None,
    printed_on: datetime.date | None = None,
    case: Case | None = None,
) -> bytes:
    """Render the handout as PDF bytes; refuses to print when the Chinese font is missing."""
    document = handout_document(version, large=large, hall=hall, printed_on=printed_on, case=case)
    pdf: bytes = document.write_pdf()
    return pdf


def handout_document(
    version: ProcedureVersion,
    *,
    large: bool = False,
    hall: HallSettings | None = None,
    printed_on: datetime.date | None = None,
    case: Case | None = None,
) -> Document:
    """The handout laid out on its pages, in the first layout that fits (see `LAYOUTS`)."""
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
        "used_by_stage": _used_by_stage(case),
    }
    template = "handouts/guide.html" if composite else "handouts/handout.html"
    return _fitted(template, context, pages=2 if large else 1)


# The layouts tried in turn until one fits: the same type size in each, only set tighter
# (spacing, margins), or rebalanced (in large print the materials on page 1, where and how on
# page 2, rather than a line or two left over), then denser (only the first paragraph of each
# step; a bundle's list without each procedure's wording and notes, naming the procedures by
# their number in 办理顺序: the QR code leads to the rest).
LAYOUTS: tuple[dict[str, bool], ...] = (
    {},
    {"compact": True},
    {"rebalance": True},
    {"compact": True, "rebalance": True},
    {"compact": True, "dense": True},
)
# A family's or bundle's page has no contacts section to move to page 2; a bundle's merged
# list may, as a last resort, break between rows rather than run to a third page in large print.
GUIDE_LAYOUTS = (
    *(layout for layout in LAYOUTS if "rebalance" not in layout),
    {"compact": True, "dense": True, "table_may_break": True},
)
# A page filled less than this is "almost empty": a line or two, or only the header.
ALMOST_EMPTY = 0.25
# Content this many times the pages wanted is too much for tighter spacing alone: go dense.
FAR_OVER = 1.3


@dataclasses.dataclass(frozen=True)
class Fit:
    """How a layout falls on the pages: a handout should take `wanted` pages or fewer, keep the
    materials table on one page, and leave no page almost empty."""

    pages: int
    wanted: int
    table_pages: int  # pages the materials table is printed on
    fills: tuple[float, ...]  # the share of each page's height that is printed on

    @property
    def almost_empty(self) -> int:
        """Pages holding a line or two (or page 1 only the header, the table pushed on)."""
        return sum(fill < ALMOST_EMPTY for fill in self.fills) if self.pages > 1 else 0

    @property
    def faults(self) -> tuple[int, int, int, int]:
        """Lower is better, most important first."""
        return (
            max(self.pages - self.wanted, 0),
            max(self.table_pages - 1, 0),
            self.almost_empty,
            self.pages,
        )

    @property
    def fits(self) -> bool:
        return self.faults[:3] == (0, 0, 0)


def _fitted(template: str, context: dict[str, object], *, pages: int) -> Document:
    """The first layout that fits in `pages` pages, else the one that comes closest."""
    best: tuple[Fit, Document] | None = None
    layouts = list(GUIDE_LAYOUTS if template == "handouts/guide.html" else LAYOUTS)
    while layouts:
        layout = layouts.pop(0)
        document = _layout(template, {**context, **layout})
        fit = fit_of(document, wanted=pages)
        if best is None or fit.faults < best[0].faults:
            best = (fit, document)
        if fit.fits:
            break
        if sum(fit.fills) > pages * FAR_OVER:
            # Spacing will not save this much (a bundle's long list): go to the densest.
            layouts = [later for later in layouts if later.get("dense")]
    assert best is not None
    return best[1]


def fit_of(document: Document, *, wanted: int) -> Fit:
    table_pages = 0
    fills = []
    for page in document.pages:
        # WeasyPrint has no public API for where boxes fell on a page; its Page keeps the laid-out
        # box tree as `_page_box` (stable since v53). tests/handouts/test_fit.py breaks if it goes.
        page_box = page._page_box
        boxes = list(_descendants(page_box.children[0]))  # the root box: margin boxes follow
        if any(_is_materials_table(box) for box in boxes):
            table_pages += 1
        top = page_box.content_box_y()
        bottom = max(
            (
                box.position_y + box.margin_height()
                for box in boxes
                if not getattr(box, "children", None)
            ),
            default=top,
        )
        fills.append(max(bottom - top, 0) / (page_box.height or 1))
    return Fit(len(document.pages), wanted, table_pages, tuple(fills))


def _descendants(box: Any) -> Iterator[Any]:
    yield box
    children = box.all_children() if hasattr(box, "all_children") else ()
    for child in children:
        yield from _descendants(child)


def _is_materials_table(box: Any) -> bool:
    element = getattr(box, "element", None)
    return (
        getattr(box, "element_tag", None) == "table"
        and element is not None
        and "materials" in (element.get("class") or "").split()
    )


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
        # A form attached or taken down: the mark 可在窗口领取或扫码下载 comes or goes.
        sorted(
            form.pk
            for row in _material_rows(version, case or case_of(version, {}))
            for form in row.forms
        ),
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

    @property
    def forms(self) -> list[FormAttachment]:
        """Its 空白表格/示例样表, which the QR page offers for download."""
        return forms_of_material(self.material)

    @property
    def forms_mark(self) -> str:
        return printed_mark(self.forms)


def _material_rows(version: ProcedureVersion, case: Case) -> list[MaterialRow]:
    """Every material, or for a case only those it needs, then those still 待确认."""
    if not case.answers:
        return [MaterialRow(m) for m in version.materials.all()]
    rows = [MaterialRow(n.item, reason=n.reason) for n in case.needed]
    return rows + [
        MaterialRow(n.item, waiting=bool(n.item.when), reason=n.reason) for n in case.maybe
    ]


CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _used_by_stage(case: Case) -> dict[str, str]:
    """A bundle's merged material → the numbers, in 办理顺序, of the procedures that use it
    (①③): what the denser layout prints instead of their titles."""
    numbers = {}
    for number, stage in enumerate(case.stages, start=1):
        title = stage.view.version.title if stage.view.version else str(stage.view.procedure)
        numbers[title] = CIRCLED[number - 1] if number <= len(CIRCLED) else f"({number})"
    return {
        material.name: "".join(numbers.get(title, f"〔{title}〕") for title in material.used_for)
        for material in case.merged
    }


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
