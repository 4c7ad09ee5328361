"""What an uploaded form may be: its type read from its content, never trusted from its name."""

import io

import pytest
from PIL import Image

from blank_forms.checking import FormRefused, checked
from tests.blank_forms.files import (
    CONTENT_TYPES,
    docx_bytes,
    jpeg_bytes,
    office_zip,
    pdf_bytes,
    png_bytes,
    upload,
    xlsx_bytes,
)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("生育登记信息表.pdf", pdf_bytes(), "pdf"),
        ("说明.docx", docx_bytes(), "docx"),
        ("清单.xlsx", xlsx_bytes(), "xlsx"),
        ("样表.png", png_bytes(), "png"),
        ("样表.JPG", jpeg_bytes(), "jpg"),
        ("样表.jpeg", jpeg_bytes(), "jpg"),
    ],
)
def test_each_accepted_type_is_read_from_its_content(name, content, kind):
    result = checked(upload(name, content))
    assert (result.type, result.name) == (kind, name)


def test_a_pdf_is_kept_byte_for_byte():
    content = pdf_bytes()
    assert checked(upload("表.pdf", content)).content == content


def test_an_image_is_re_encoded_without_its_metadata():
    content = png_bytes(comment="GPS 31.2,121.5 拍摄者手机")
    result = checked(upload("样表.png", content))
    assert b"GPS" not in result.content and result.content != content
    assert Image.open(io.BytesIO(result.content)).size == (40, 30)


def test_a_folder_in_the_uploaded_name_is_dropped():
    assert checked(upload("C:\\桌面\\表格\\生育.pdf", pdf_bytes())).name == "生育.pdf"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("空.pdf", b"", "是空文件"),
        ("网页.pdf", b"<html><script>alert(1)</script></html>", "无法识别"),
        ("图.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "无法识别"),
        ("程序.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "无法识别"),
        ("表.pdf", docx_bytes(), "内容是Word 文档，与文件名的扩展名不符"),
        ("表.docx", pdf_bytes(), "内容是PDF 文件，与文件名的扩展名不符"),
        ("表.png", jpeg_bytes(), "内容是JPEG 图片"),
        ("旧表.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "旧版 Office 文件"),
        (
            "脚本.pdf",
            pdf_bytes(extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "),
            "含有脚本",
        ),
        ("打开.pdf", pdf_bytes(extra=b"/OpenAction << /S /Launch /F (cmd.exe) >> "), "Launch"),
        ("半截.pdf", pdf_bytes()[:200], "不完整"),
        ("压缩包.docx", office_zip({"readme.txt": "hi"}), "是压缩包"),
        ("坏的.docx", b"PK\x03\x04" + b"\x00" * 100, "已损坏"),
        (
            "宏.docx",
            office_zip(
                {
                    "[Content_Types].xml": CONTENT_TYPES,
                    "word/document.xml": "<w:document/>",
                    "word/vbaProject.bin": b"\x00",
                }
            ),
            "含有宏",
        ),
        (
            "宏.xlsx",
            office_zip(
                {
                    "[Content_Types].xml": CONTENT_TYPES.replace(
                        "application/xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
                    ),
                    "xl/workbook.xml": "<workbook/>",
                }
            ),
            "含有宏",
        ),
        ("坏图.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "文件已损坏，或者不是真正的图片"),
        ("坏照片.jpg", b"\xff\xd8\xff\xe0garbagejpeg", "文件已损坏，或者不是真正的图片"),
    ],
)
def test_what_is_refused_is_named_with_the_reason(name, content, words):
    with pytest.raises(FormRefused) as refused:
        checked(upload(name, content))
    assert words in str(refused.value) and name.split(".")[0] in str(refused.value)


def test_a_file_over_the_limit_is_refused_before_it_is_read(settings):
    settings.FORM_MAX_BYTES = 1024 * 1024
    with pytest.raises(FormRefused, match="不能超过 1 MB"):
        checked(upload("大.pdf", pdf_bytes() + b"%" * (1024 * 1024)))


def test_an_office_file_that_unpacks_to_gigabytes_is_refused():
    bomb = office_zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "word/document.xml": "<w:document/>",
            "word/padding.xml": b"0" * (101 * 1024 * 1024),
        }
    )
    with pytest.raises(FormRefused, match="解压后过大"):
        checked(upload("大.docx", bomb))
