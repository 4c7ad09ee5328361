"""Importing Word guides through the pages: one line per file, nothing half-saved, the
document beside its draft, 未识别内容 settled one part at a time."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from procedures.models import Procedure
from procedures.roles import EDITORS, WINDOW_STAFF
from tests.factories import make_category, make_user
from word_import.models import ImportRecord

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    return client


def docx(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (CORPUS / name).read_bytes())


def folder_zip(*names: str, extra: dict[str, bytes] | None = None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.write(CORPUS / name, f"指南/{name}")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return SimpleUploadedFile("指南.zip", buffer.getvalue())


def test_a_folder_of_guides_becomes_drafts_with_a_line_each(editor_client):
    category = make_category("计划生育")
    upload = folder_zip(
        "auto_numbered.docx",
        "missing_section.docx",
        extra={
            "指南/旧版.doc": b"\xd0\xcf\x11\xe0old",
            "指南/~$临时.docx": b"x",
            "说明.txt": b"hi",
        },
    )
    page = editor_client.post(
        reverse("word_import:upload"), {"category": category.pk, "files": [upload]}
    ).content.decode()
    assert "已建草稿“生育登记”" in page and "已建草稿“独生子女父母光荣证”" in page
    assert "旧版.doc" in page and "这是旧版 .doc 文件" in page
    assert "说明.txt" in page and "只能导入 Word 的 .docx 文件" in page
    assert "~$临时.docx" not in page  # Word's lock files are not guides
    assert "未识别内容 2 段" in page  # 温馨提示 and its paragraph
    assert Procedure.objects.count() == 2
    assert all(p.latest_version_id is None for p in Procedure.objects.all())  # nothing published


def test_a_guide_imported_again_is_flagged_as_a_likely_repeat(editor_client):
    category = make_category("计划生育")
    url = reverse("word_import:upload")
    editor_client.post(url, {"category": category.pk, "files": [folder_zip("auto_numbered.docx")]})
    again = folder_zip("auto_numbered.docx")
    page = editor_client.post(url, {"category": category.pk, "files": [again]}).content.decode()
    first = Procedure.objects.order_by("pk").first()
    assert Procedure.objects.count() == 2  # drafted all the same: two items may share a title
    assert "已有同名事项" in page and "如是重复导入，请删除这份草稿" in page
    assert reverse("admin:procedures_procedure_change", args=[first.pk]) in page


def test_a_guide_with_a_title_of_its_own_is_not_flagged(editor_client):
    category = make_category("计划生育")
    upload = folder_zip("auto_numbered.docx")
    page = editor_client.post(
        reverse("word_import:upload"), {"category": category.pk, "files": [upload]}
    ).content.decode()
    assert "已建草稿“生育登记”" in page and "已有同名事项" not in page


def test_without_a_category_or_files_nothing_is_created(editor_client):
    page = editor_client.post(
        reverse("word_import:upload"), {"files": [docx("auto_numbered.docx")]}
    )
    assert "请选择导入到哪个业务条线。" in page.content.decode()
    page = editor_client.post(reverse("word_import:upload"), {"category": make_category().pk})
    assert "请选择要导入的 .docx 文件或 .zip 压缩包。" in page.content.decode()
    assert not Procedure.objects.exists()


def test_a_broken_zip_and_a_renamed_file_are_refused_by_name(editor_client):
    files = [
        SimpleUploadedFile("坏的.zip", b"PK\x03\x04 not really"),
        SimpleUploadedFile("改名.docx", b"%PDF-1.7 a pdf"),
    ]
    page = editor_client.post(
        reverse("word_import:upload"), {"category": make_category().pk, "files": files}
    ).content.decode()
    assert "压缩包已损坏，无法打开。" in page
    assert "文件内容不是 .docx" in page
    assert not Procedure.objects.exists()


def test_the_review_page_shows_the_document_beside_its_draft(editor_client):
    editor_client.post(
        reverse("word_import:upload"),
        {"category": make_category().pk, "files": [docx("missing_section.docx")]},
    )
    record = ImportRecord.objects.get()
    page = editor_client.get(reverse("word_import:review", args=[record.pk])).content.decode()
    assert "光荣证遗失的，可到原发证机关补办。" in page  # in the original, and as 未识别
    assert "把握中" in page and "未识别内容（2 段）" in page
    editor = editor_client.get(
        reverse("admin:procedures_procedureversion_change", args=[record.version_id])
    ).content.decode()
    assert "从 Word 导入：missing_section.docx" in editor and "未识别内容（2 段）" in editor


def test_settling_an_unplaced_part_removes_that_part_once(editor_client):
    editor_client.post(
        reverse("word_import:upload"),
        {"category": make_category().pk, "files": [docx("missing_section.docx")]},
    )
    record = ImportRecord.objects.get()
    settle = reverse("word_import:settle", args=[record.pk])
    editor_client.post(settle, {"index": "0", "text": "温馨提示"})
    record.refresh_from_db()
    assert record.unplaced == ["光荣证遗失的，可到原发证机关补办。"]
    response = editor_client.post(settle, {"index": "0", "text": "温馨提示"}, follow=True)
    assert "这段未识别内容已被处理过" in response.content.decode()
    record.refresh_from_db()
    assert record.unplaced == ["光荣证遗失的，可到原发证机关补办。"]


def test_window_staff_cannot_import():
    client = Client()
    client.force_login(make_user("clerk", WINDOW_STAFF))
    assert client.get(reverse("word_import:upload")).status_code == 403


def test_the_line_names_what_is_unsure_in_the_editors_words(editor_client):
    page = editor_client.post(
        reverse("word_import:upload"),
        {"category": make_category().pk, "files": [docx("typed_numbering.docx")]},
    ).content.decode()
    assert "把握不大：申请材料" in page  # typed lines, not a table
    assert "faqs" not in page and "materials" not in page  # none of the code's names
