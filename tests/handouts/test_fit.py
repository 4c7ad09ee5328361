"""Every handout of the demo library fits (issue 15): one A4 page in normal print, two in large
print (大字版) with body text of at least 16pt and the materials table on one page, and no
page left almost empty. A page after the first says whose it is (title（续）).

Every procedure in force is printed plain, and a family or bundle also with the first answer
to its first question (a family's chosen variant; a bundle's case). A bundle is held to the
same pages and the same unbroken list.
The PDFs are read back with poppler-utils, as a resident's printer would see them; the type
size is read from WeasyPrint's laid-out boxes.
"""

import dataclasses
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import RequestFactory

from handouts import pdf as handouts
from handouts.views import _printed
from procedures.bundles import candidate_questions
from procedures.flows import param_name
from procedures.models import Procedure

# Marked so that pytest-django sets up the test database, which the module's fixture fills.
pytestmark = pytest.mark.django_db

LARGE_BODY_PT = 16
# A page after the first with printed text ending above this share of its height (from the
# top margin) holds a line or two: it should have been pulled back or rebalanced.
ALMOST_EMPTY = 0.2


@dataclasses.dataclass
class Printed:
    name: str  # slug, answers and print size: what a failure names
    kind: str
    title: str
    large: bool
    materials: list[str]
    pdf: Path
    smallest_body_pt: float

    @property
    def pages(self) -> int:
        info = poppler("pdfinfo", self.pdf)
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))

    def page_text(self, number: int) -> str:
        text = poppler("pdftotext", self.pdf, "-f", str(number), "-l", str(number))
        return re.sub(r"\s+", "", text)

    def fills(self) -> list[float]:
        """How far down each page's body the printed text reaches (0 top … 1 bottom)."""
        html = poppler("pdftotext", self.pdf, "-bbox")
        fills = []
        for page in re.findall(r"<page (.*?)</page>", html, re.S):
            height = float(re.search(r'height="([\d.]+)"', page).group(1))
            top, bottom = mm(9), height - mm(14)  # the smallest margins a layout uses
            ends = [
                float(y_max)
                for y_min, y_max in re.findall(r'yMin="([\d.]+)"[^>]*yMax="([\d.]+)"', page)
                if top <= float(y_min) and float(y_max) <= bottom
            ]
            fills.append((max(ends, default=top) - top) / (bottom - top))
        return fills


def mm(length: float) -> float:
    return length * 72 / 25.4


def poppler(tool: str, pdf: Path, *options: str) -> str:
    command = [tool, *options, str(pdf)]
    if tool == "pdftotext":
        command.append("-")
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def smallest_body_pt(document) -> float:
    """The smallest type set in the page body (the footer's margin boxes left aside)."""
    sizes = [
        box.style["font_size"]
        for page in document.pages
        for box in handouts._descendants(page._page_box.children[0])
        if type(box).__name__ == "TextBox" and box.text.strip()
    ]
    return min(sizes) * 72 / 96  # CSS px to pt


def queries(version) -> list[dict[str, str]]:
    """No answers; for a family or bundle also the first answer to its first question (an
    item's answers only leave materials out: its plain handout is the longest)."""
    questions = candidate_questions(version) if version.procedure.is_composite else []
    if not questions:
        return [{}]
    first = questions[0]
    return [{}, {param_name(first.label): param_name(first.options[0])}]


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory) -> list[Printed]:
    """Every demo handout, printed once for all the tests of this module."""
    folder = tmp_path_factory.mktemp("fit")
    found: list[Printed] = []
    with django_db_blocker.unblock(), transaction.atomic():
        # The demo library goes into the test database (SQLite's file or PostgreSQL's test_…).
        assert Path(connection.settings_dict["NAME"]).name.startswith("test")
        call_command("load_demo_library", stdout=io.StringIO())
        # The demo's forms print a line under their materials (可在窗口领取或扫码下载).
        call_command("ensure_demo_users", stdout=io.StringIO())
        call_command("load_demo_forms", stdout=io.StringIO())
        for procedure in Procedure.objects.public().order_by("slug"):
            version = procedure.current_version()
            for query in queries(version):
                shown, case = _printed(version, RequestFactory().get("/", query))
                for large in (False, True):
                    name = "-".join([procedure.slug, *query.values(), "large" * large]).strip("-")
                    document = handouts.handout_document(shown, large=large, case=case)
                    path = folder / f"{name}.pdf"
                    path.write_bytes(document.write_pdf())
                    if shown.procedure.is_composite:
                        materials = [merged.name for merged in case.merged]
                    else:
                        materials = [
                            row.material.name for row in handouts._material_rows(shown, case)
                        ]
                    found.append(
                        Printed(
                            name,
                            procedure.kind,
                            shown.title,
                            large,
                            materials,
                            path,
                            smallest_body_pt(document),
                        )
                    )
        transaction.set_rollback(True)
    return found


def test_the_whole_demo_library_is_printed(printed):
    kinds = {handout.kind for handout in printed}
    assert kinds == {"item", "family", "bundle"}
    assert len(printed) >= 2 * 45


def test_every_handout_fits_one_page_in_normal_print(printed):
    assert [(h.name, h.pages) for h in printed if not h.large and h.pages != 1] == []


def test_large_print_fits_two_pages_in_16pt_type(printed):
    over = [(h.name, h.pages) for h in printed if h.large and h.pages > 2]
    small = [
        (h.name, h.smallest_body_pt)
        for h in printed
        if h.large and h.smallest_body_pt < LARGE_BODY_PT
    ]
    assert over == []
    assert small == []


def test_the_materials_table_is_never_split_across_pages(printed):
    split = []
    for handout in printed:
        if not handout.materials:
            continue
        # A long name wraps in its cell, and pdftotext interleaves the other columns.
        names = [re.sub(r"\s+", "", name)[:10] for name in handout.materials]
        pages = [handout.page_text(number) for number in range(1, handout.pages + 1)]
        if not any(all(name in text for name in names) for text in pages):
            split.append(handout.name)
    assert split == []


def test_no_page_is_left_almost_empty_and_later_pages_carry_the_title(printed):
    almost_empty, headless = [], []
    for handout in printed:
        fills = handout.fills()
        if any(fill < ALMOST_EMPTY for fill in fills[1:]):
            almost_empty.append((handout.name, [round(fill, 2) for fill in fills]))
        for number in range(2, len(fills) + 1):
            if not handout.page_text(number).startswith(f"{handout.title}（续）"):
                headless.append((handout.name, number))
    assert almost_empty == []
    assert headless == []
