"""Blank and sample forms in the browser (issue 17): an editor attaches a sample to 居民户口簿
in the material catalogue; every procedure asking for it shows the download, on a phone
too; it downloads as a file never run by the browser; the handout marks it; a blank form
for one procedure only appears there."""

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from blank_forms.models import FormAttachment
from procedures.roles import EDITORS
from tests.blank_forms.files import docx_bytes, pdf_bytes
from tests.browser.conftest import log_in
from tests.factories import make_category, make_published, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BOOKLET = "居民户口簿"


@pytest.fixture
def library(db):
    category = make_category("社区事务")
    materials = (
        {"name": "居民身份证", "form": "original"},
        {"name": BOOKLET, "form": "original_and_copy"},
    )
    asking = [
        make_published("生育服务手册", slug="sheng-yu", category=category, materials=materials),
        make_published("居住证办理", slug="ju-zhu-zheng", category=category, materials=materials),
    ]
    make_published(
        "老年证", slug="lao-nian-zheng", category=category, materials=[{"name": "居民身份证"}]
    )
    make_user("xiaoli", EDITORS, is_staff=True, first_name="小李")
    return asking


def test_a_form_attached_to_the_booklet_appears_everywhere_and_downloads_safely(
    page, phone, screenshot, library, tmp_path
):
    sample = tmp_path / "户口簿样例.pdf"
    sample.write_bytes(pdf_bytes())
    fake = tmp_path / "户口簿.pdf"
    fake.write_text("<html><script>alert('x')</script></html>")

    log_in(page, "xiaoli")
    page.goto("/materials/")
    page.get_by_role("link", name=BOOKLET).first.click()
    panel = page.locator("#forms")
    assert "这种材料还没有可下载的表格" in panel.inner_text()

    # A web page renamed .pdf: refused, with its name and why.
    panel.get_by_label("示例样表").check()
    panel.get_by_label("表格名称").fill("居民户口簿复印样例")
    panel.get_by_label("文件").set_input_files(str(fake))
    panel.get_by_role("button", name="上传并添加").click()
    refused = page.locator(".attach-refused")
    refused.wait_for()
    assert "没有添加：无法识别「户口簿.pdf」的内容" in refused.inner_text()
    assert not FormAttachment.objects.exists()
    screenshot("forms-1-refused")

    panel = page.locator("#forms")
    panel.get_by_label("示例样表").check()
    panel.get_by_label("表格名称").fill("居民户口簿复印样例")
    panel.get_by_label("文件").set_input_files(str(sample))
    panel.get_by_role("button", name="上传并添加").click()
    page.get_by_text("已添加示例样表「居民户口簿复印样例」").wait_for()
    assert "所有需要这种材料的事项" in page.locator("#forms").inner_text()
    screenshot("forms-2-catalogue", full_page=True)

    # Every procedure asking for 居民户口簿 shows it next to the material, on a phone too.
    for slug in ("sheng-yu", "ju-zhu-zheng"):
        phone.goto(f"/procedures/{slug}/")
        row = phone.locator(".checklist__item", has_text=BOOKLET)
        link = row.get_by_role("link", name="居民户口簿复印样例")
        assert "示例样表" in link.inner_text()
        row.scroll_into_view_if_needed()
        phone.screenshot(path=f"var/screenshots/forms-3-phone-{slug}.png")
        with phone.expect_download() as waiting:
            link.click()
        download = waiting.value
        assert download.suggested_filename == "居民户口簿复印样例.pdf"
        assert Path(download.path()).read_bytes() == pdf_bytes()
    phone.goto("/procedures/lao-nian-zheng/")
    assert phone.locator(".form-download").count() == 0

    # Downloaded as a file, whatever it holds: never shown inline, no script may run.
    href = page.goto("/procedures/sheng-yu/") and page.locator(".form-download").get_attribute(
        "href"
    )
    headers = page.request.get(href).headers
    assert headers["content-disposition"].startswith("attachment;")
    assert headers["content-security-policy"].startswith("default-src 'none'")
    assert headers["x-content-type-options"] == "nosniff"

    # The handout tells the resident where to get it.
    handout = tmp_path / "handout.pdf"
    handout.write_bytes(page.request.get("/procedures/sheng-yu/handout.pdf").body())
    text = subprocess.run(
        ["pdftotext", str(handout), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "示例样表：可在窗口领取或扫码下载" in "".join(text.split())
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "70",
            "-png",
            "-singlefile",
            str(handout),
            "var/screenshots/forms-4-handout",
        ],
        check=True,
    )


def test_a_blank_form_for_one_procedure_appears_there_only(page, screenshot, library, tmp_path):
    blank = tmp_path / "生育登记填写说明.docx"
    blank.write_bytes(docx_bytes())
    log_in(page, "xiaoli")
    page.goto("/procedures/sheng-yu/")
    page.get_by_role("link", name="表格与样表").click()
    page.get_by_label("材料", exact=True).select_option(label=BOOKLET)
    page.get_by_label("仅本事项").check()
    page.get_by_label("空白表格").check()
    page.get_by_label("文件").set_input_files(str(blank))
    page.get_by_role("button", name="上传并添加").click()
    page.get_by_text("已添加空白表格「生育登记填写说明」").wait_for()
    screenshot("forms-5-procedure-page", full_page=True)

    page.goto("/procedures/sheng-yu/")
    assert "生育登记填写说明" in page.locator(".checklist__item", has_text=BOOKLET).inner_text()
    page.goto("/procedures/ju-zhu-zheng/")
    assert page.locator(".form-download").count() == 0


def test_a_refused_upload_comes_back_in_view_and_says_a_damaged_photo_is_damaged(
    page, screenshot, library, tmp_path
):
    """At 1366 × 768 the attach form of a procedure with many materials is below the fold: a
    refused upload must not come back at the top of the page, where nothing seems to happen."""
    names = ["《残疾人证申办表》", "居住证", BOOKLET, "居民身份证", "既往病历", "监护关系证明"]
    make_published(
        "残疾人证", slug="can-ji-ren-zheng", materials=[{"name": n} for n in [*names, "近期照片"]]
    )
    photo = tmp_path / "照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0garbagejpeg")
    log_in(page, "xiaoli")
    page.goto("/forms/procedures/can-ji-ren-zheng/")
    page.get_by_label("材料", exact=True).select_option(label="近期照片")
    page.get_by_label("仅本事项").check()
    page.get_by_label("示例样表").check()
    page.get_by_label("文件").set_input_files(str(photo))
    page.get_by_role("button", name="上传并添加").click()

    refused = page.locator(".attach-refused")
    expect(refused).to_be_in_viewport()
    assert "「照片.jpg」：文件已损坏，或者不是真正的图片" in refused.inner_text()
    expect(page.locator(".field--error .error")).to_be_in_viewport()
    assert "只能上传" not in page.locator("main").inner_text()
    screenshot("forms-6-refused-in-view")
    assert not FormAttachment.objects.exists()
