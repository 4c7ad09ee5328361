"""What an editor uploads: .docx files, or a .zip of them (a shared folder zipped), checked
before anything is read: size, count, what each file is, and a .zip's expanded size from its
headers (a small .zip can hold gigabytes)."""

import contextlib
import dataclasses
import io
import zipfile
from collections.abc import Iterable
from pathlib import PurePosixPath

from django.core.files.uploadedfile import UploadedFile

MAX_FILE = 10 * 1024 * 1024
MAX_FILES = 200
MAX_EXPANDED = 200 * 1024 * 1024
DOCX_MAGIC = b"PK\x03\x04"


@dataclasses.dataclass
class Incoming:
    name: str
    data: bytes | None
    refused: str = ""  # why this file is not imported


def incoming(files: Iterable[UploadedFile]) -> list[Incoming]:
    found: list[Incoming] = []
    for upload in files:
        name = PurePosixPath((upload.name or "未命名").replace("\\", "/")).name
        if upload.size is not None and upload.size > MAX_FILE * 5:
            found.append(Incoming(name, None, "文件超过 50 MB，请分批上传。"))
            continue
        data = upload.read()
        if name.lower().endswith(".zip"):
            found += _unzip(name, data)
        else:
            found.append(_one(name, data))
        if len(found) > MAX_FILES:
            return found[:MAX_FILES] + [Incoming("……", None, f"一次最多导入 {MAX_FILES} 个文件。")]
    return found


def _one(name: str, data: bytes) -> Incoming:
    lower = name.lower()
    if lower.endswith(".doc") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return Incoming(
            name, None, "这是旧版 .doc 文件：请在 Word 或 WPS 中另存为 .docx 后再导入。"
        )
    if not lower.endswith(".docx"):
        return Incoming(name, None, "只能导入 Word 的 .docx 文件（或装有它们的 .zip）。")
    if len(data) > MAX_FILE:
        return Incoming(name, None, "文件超过 10 MB：多半含有大量图片，请删去图片后再导入。")
    if not data.startswith(DOCX_MAGIC):
        return Incoming(name, None, "文件内容不是 .docx（可能已损坏，或只是改了扩展名）。")
    return Incoming(name, data)


def _unzip(name: str, data: bytes) -> list[Incoming]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not PurePosixPath(info.filename).name.startswith(("~$", "."))
            and "__MACOSX" not in info.filename
        ]
    except zipfile.BadZipFile:
        return [Incoming(name, None, "压缩包已损坏，无法打开。")]
    if sum(info.file_size for info in entries) > MAX_EXPANDED:
        return [Incoming(name, None, "压缩包解开后超过 200 MB，请分批压缩上传。")]
    found = []
    for info in entries[:MAX_FILES]:
        inner = _decoded(info)
        if info.file_size > MAX_FILE:
            found.append(
                Incoming(inner, None, "文件超过 10 MB：多半含有大量图片，请删去图片后再导入。")
            )
            continue
        found.append(_one(inner, archive.read(info)))
    return found


def _decoded(info: zipfile.ZipInfo) -> str:
    """Names zipped on Chinese Windows are GBK without the UTF-8 flag."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gbk")
    return PurePosixPath(name).name
