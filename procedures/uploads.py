"""Images editors put into Markdown: checked with Pillow and re-encoded before they are stored.

Re-encoding keeps only pixels: no SVG script, no metadata, no polyglot file survives it.
"""

import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

from procedures.exceptions import ProcedureError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # far beyond any photo of a form; refuses decompression bombs
MAX_SIDE = 1600
FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "png", "WEBP": "png"}


class UploadRefused(ProcedureError):
    """An uploaded file is not an image we accept; the message says why."""


def store_image(upload: UploadedFile) -> str:
    """Check, re-encode and store an uploaded image; return its URL."""
    size = upload.size or 0  # an uploaded file always has one; the stubs allow None
    if size > MAX_BYTES:
        raise UploadRefused(
            f"图片不能超过 {MAX_BYTES // 1024 // 1024} MB，这个文件有 {size / 1024 / 1024:.1f} MB。"
        )
    image = _open(upload)
    extension = FORMATS[image.format or ""]  # _open refused any other format
    picture = image.convert("RGB" if extension == "jpg" else "RGBA")
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG" if extension == "jpg" else "PNG", optimize=True)
    name = default_storage.save(
        f"markdownx/{uuid.uuid4().hex}.{extension}", ContentFile(buffer.getvalue())
    )
    return default_storage.url(name)


def _open(upload: UploadedFile) -> Image.Image:
    refused = "只能上传 PNG、JPEG、GIF 或 WebP 图片（不接受 SVG 和其他文件）。"
    try:
        image = Image.open(upload)
        if image.format not in FORMATS:
            raise UploadRefused(refused)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise UploadRefused(f"图片尺寸过大（{width}×{height} 像素），请缩小后再上传。")
        image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise UploadRefused(refused) from None
    return image
