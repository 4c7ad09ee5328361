"""Importing a hall's Word guides, in the browser (issue 17): an editor uploads a zipped folder,
reads the line per file, opens one guide beside its draft, places a paragraph the importer
could not, marks it 已处理 and submits the draft for review."""

import zipfile
from pathlib import Path

import pytest

from procedures.models import ProcedureVersion
from procedures.roles import EDITORS
from tests.browser.conftest import log_in, save_draft
from tests.factories import make_category, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CORPUS = Path(__file__).parent.parent / "word_import" / "corpus"
GUIDES = ("auto_numbered.docx", "typed_numbering.docx", "missing_section.docx", "scanned_only.docx")


def test_an_editor_imports_a_folder_reviews_one_and_submits_it(page, screenshot, tmp_path):
    make_category("计划生育")
    make_user("xiaoli", EDITORS, is_staff=True, first_name="小李")
    folder = tmp_path / "办事指南.zip"
    with zipfile.ZipFile(folder, "w") as archive:
        for name in GUIDES:
            archive.write(CORPUS / name, f"办事指南/{name}")
        archive.writestr("办事指南/旧表格.doc", b"\xd0\xcf\x11\xe0old")

    log_in(page, "xiaoli")
    page.goto("/edit/drafts/")
    page.get_by_role("link", name="导入 Word 办事指南…").click()
    page.select_option("#id_category", label="计划生育")
    page.set_input_files("#id_files", str(folder))
    screenshot("word-import-1-upload")
    page.get_by_role("button", name="导入").click()
    lines = page.locator(".word-import-lines")
    lines.wait_for()
    text = lines.inner_text()
    for title in ("生育登记", "最低生活保障申请", "独生子女父母光荣证", "城乡居民医保参保登记"):
        assert f"已建草稿“{title}”" in text
    assert "旧表格.doc" in text and "另存为 .docx" in text
    screenshot("word-import-2-lines", full_page=True)

    # The guide with a section the importer does not know: beside its draft.
    row = lines.locator("tr", has_text="missing_section.docx")
    row.get_by_role("link", name="对照原文").click()
    page.get_by_role("heading", name="原文", exact=True).wait_for()
    assert "温馨提示" in page.locator(".word-import-original").inner_text()
    assert "未识别内容（2 段）" in page.locator(".word-import-draft").inner_text()
    screenshot("word-import-3-side-by-side", full_page=True)

    # In the draft editor: the tip goes into 受理条件, and both parts are marked 已处理.
    page.get_by_role("link", name="编辑草稿").click()
    panel = page.locator(".word-import-panel")
    assert "未识别内容（2 段）" in panel.inner_text()
    conditions = page.locator("#id_conditions")
    conditions.fill(conditions.input_value() + "\n\n光荣证遗失的，可到原发证机关补办。")
    save_draft(page)
    for _ in range(2):
        page.locator(".word-import-panel").get_by_role("button", name="已处理").first.click()
        page.get_by_text("已标记为处理完毕。").wait_for()
    assert "没有未识别内容。" in page.locator(".word-import-panel").inner_text()
    screenshot("word-import-4-settled", full_page=True)

    page.get_by_role("link", name="提交审核…").click()
    page.fill("#id_change_summary", "由 Word 办事指南导入")
    page.get_by_role("button", name="提交审核", exact=True).click()
    page.get_by_text("已提交审核：“独生子女父母光荣证”").wait_for()
    draft = ProcedureVersion.objects.get(title="独生子女父母光荣证")
    assert draft.review_state == ProcedureVersion.Review.SUBMITTED
    assert "光荣证遗失的" in draft.conditions and draft.number is None


def test_a_guide_imported_twice_is_flagged_with_a_link_to_the_first(page, screenshot):
    make_category("计划生育")
    make_user("xiaoli", EDITORS, is_staff=True, first_name="小李")
    log_in(page, "xiaoli")
    for _ in range(2):
        page.goto("/edit/drafts/")
        page.get_by_role("link", name="导入 Word 办事指南…").click()
        page.select_option("#id_category", label="计划生育")
        page.set_input_files("#id_files", str(CORPUS / "auto_numbered.docx"))
        page.get_by_role("button", name="导入").click()
        page.locator(".word-import-lines").wait_for()
    flag = page.locator(".word-import-same")
    assert "已有同名事项" in flag.inner_text() and "如是重复导入" in flag.inner_text()
    screenshot("word-import-5-imported-twice", full_page=True)
    flag.get_by_role("link").click()
    page.get_by_text("全部版本").wait_for()
    assert ProcedureVersion.objects.filter(title="生育登记").count() == 2
