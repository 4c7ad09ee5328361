"""Staff print a procedure page for a resident (Ctrl+P): no internal note reaches the paper."""

import subprocess

import pytest

from procedures.roles import WINDOW_STAFF
from tests.browser.conftest import log_in
from tests.factories import make_published, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STEP_NOTE = "核对户籍地"  # the factories' internal note on the first step
VERSION_NOTE = "内部：先查系统"


def test_a_staff_page_printed_to_pdf_carries_no_internal_note(page, tmp_path, screenshot):
    version = make_published("生育服务手册")
    make_user("window", WINDOW_STAFF)
    log_in(page, "window")
    page.goto(f"/procedures/{version.procedure.slug}/")
    on_screen = page.locator("main").inner_text()
    assert STEP_NOTE in on_screen and VERSION_NOTE in on_screen  # staff do see them
    page.emulate_media(media="print")
    screenshot("print-staff-page", full_page=True)
    pdf = tmp_path / "page.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "居民身份证" in text  # the guide itself is printed
    assert STEP_NOTE not in text and VERSION_NOTE not in text and "内部" not in text
