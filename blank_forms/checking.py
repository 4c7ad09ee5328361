"""What an uploaded form may be: its type read from its content, never from its name.

Accepted: PDF without scripts, launch actions or embedded files; Word (.docx) and Excel (.xlsx)
without macros or ActiveX; PNG and JPEG, whose pixels are re-encoded (no metadata, no polyglot
survives). Old binary .doc/.xls, macro-enabled files, archives and anything else are refused
with a message that says what the file is and what to do.
"""

import dataclasses
import io
import re
import zipfile
import zlib

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from procedures.exceptions import ProcedureError
from procedures.uploads import UploadRefused, reencoded_image

# A scanned A4 sample at 300 dpi is 2480 × 3508: kept readable, printed or zoomed on a phone.
IMAGE_SIDE = 3508
# What an Office file may unpack to: a form is a few hundred KB; a zip bomb is gigabytes.
MAX_UNPACKED = 100 * 1024 * 1024
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc/.xls (and .msg, .ppt)
# PDF names that run or open something: JavaScript, launch actions, files inside the file.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")
OFFICE_ACTIVE = ("vbaproject.bin", "/activex/", "vbadata.xml")
EXTENSIONS = {
    "pdf": {"pdf"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "png": {"png"},
    "jpg": {"jpg", "jpeg"},
}
LABELS = {
    "pdf": "PDF 文件",
    "docx": "Word 文档",
    "xlsx": "Excel 表格",
    "png": "PNG 图片",
    "jpg": "JPEG 图片",
}
ACCEPTED = "只接受 PDF、Word（.docx）、Excel（.xlsx）和 PNG、JPG 图片。"


class FormRefused(ProcedureError):
    """An uploaded form is not a file we serve; the message says why."""


@dataclasses.dataclass(frozen=True)
class CheckedFile:
    type: str  # a FormFile.Type value
    content: bytes
    name: str  # the uploaded name, without any folder


def max_bytes() -> int:
    return int(settings.FORM_MAX_BYTES)


def checked(upload: UploadedFile) -> CheckedFile:
    """The upload's type and bytes (an image's re-encoded), or FormRefused saying what is wrong."""
    name = _plain_name(upload.name or "")
    size = upload.size or 0
    if size == 0:
        raise FormRefused(f"「{name}」是空文件。")
    if size > max_bytes():
        raise FormRefused(
            f"「{name}」有 {size / 1024 / 1024:.1f} MB，表格文件不能超过 "
            f"{max_bytes() // 1024 // 1024} MB。扫描件请降低分辨率（200–300 dpi）后再上传。"
        )
    data = upload.read()
    kind = _type_of(data, name)
    _check_extension(name, kind)
    if kind == "pdf":
        _check_pdf(data, name)
    elif kind in ("docx", "xlsx"):
        _check_office(data, name)
    else:
        upload.seek(0)
        try:
            data, kind = reencoded_image(upload, max_side=IMAGE_SIDE)
        except UploadRefused as refused:
            raise FormRefused(f"「{name}」：{refused}") from None
    return CheckedFile(type=kind, content=data, name=name)


def _plain_name(name: str) -> str:
    return re.split(r"[\\/]", name)[-1].strip()[:200] or "未命名"


def _type_of(data: bytes, name: str) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(OLE):
        raise FormRefused(
            f"「{name}」是旧版 Office 文件（.doc/.xls）。请在 Word 或 Excel 里“另存为” .docx 或 "
            ".xlsx 后再上传。"
        )
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data, name)
    raise FormRefused(f"无法识别「{name}」的内容。{ACCEPTED}")


def _office_type(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        raise FormRefused(f"「{name}」已损坏，无法打开。") from None
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    raise FormRefused(f"「{name}」是压缩包，不是 Word 或 Excel 文件。{ACCEPTED}")


def _check_extension(name: str, kind: str) -> None:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EXTENSIONS[kind]:
        raise FormRefused(
            f"「{name}」的内容是{LABELS[kind]}，与文件名的扩展名不符。请改正扩展名"
            f"（.{kind}）后再上传。"
        )


def _check_pdf(data: bytes, name: str) -> None:
    if b"%%EOF" not in data[-2048:]:
        raise FormRefused(f"「{name}」不完整（PDF 文件没有结尾），请重新导出后上传。")
    found = PDF_ACTIVE.search(data)
    if found:
        raise FormRefused(
            f"「{name}」含有脚本、动作或内嵌文件（{found[1].decode()}），不能提供给居民下载。"
            "请用“打印为 PDF”重新生成后上传。"
        )


def _check_office(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            content_types = archive.read("[Content_Types].xml").lower()
    except (zipfile.BadZipFile, KeyError, EOFError, zlib.error):
        raise FormRefused(f"「{name}」已损坏，无法打开。") from None
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED:
        raise FormRefused(f"「{name}」解压后过大，不像是一份表格。")
    lowered = [entry.filename.lower() for entry in entries]
    if b"macroenabled" in content_types or any(
        marker in entry for entry in lowered for marker in OFFICE_ACTIVE
    ):
        raise FormRefused(
            f"「{name}」含有宏或 ActiveX 控件，不能提供给居民下载。请另存为不含宏的 "
            ".docx/.xlsx 后再上传。"
        )
