"""Images editors put into Markdown: checked with Pillow and re-encoded before they are stored.

Re-encoding keeps only pixels: no SVG script, no metadata, no polyglot file survives it.
"""

import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

from procedures.exceptions import ProcedureError

MAX_BYTES = 5 * 1024 * 1024
# Checked from the file's header, before its pixels are decoded. A phone photo is at most
# about 8000 × 6000; a long thin image would still need its full size in memory to shrink.
MAX_SOURCE_SIDE = 10_000
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
# MPO: the JPEG that phones write with a second, depth or preview, frame; the first is the photo.
FORMATS = {"PNG": "png", "JPEG": "jpg", "MPO": "jpg", "GIF": "png", "WEBP": "png"}
# How those formats begin: a file that begins so and does not open is damaged, not of a wrong kind.
SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
DAMAGED = (
    "文件已损坏，或者不是真正的图片，打不开。请用看图软件打开看看，重新保存或重新扫描后再上传。"
)


class UploadRefused(ProcedureError):
    """An uploaded file is not an image we accept; the message says why."""


def store_image(upload: UploadedFile) -> str:
    """Check, re-encode and store an uploaded image; return its URL."""
    content, extension = reencoded_image(upload, max_side=MAX_SIDE)
    name = default_storage.save(f"markdownx/{uuid.uuid4().hex}.{extension}", ContentFile(content))
    return default_storage.url(name)


def reencoded_image(upload: UploadedFile, *, max_side: int) -> tuple[bytes, str]:
    """Check an uploaded image and re-encode its pixels, at most `max_side` a side: the bytes
    and their extension ("png" or "jpg"). Raises UploadRefused, saying why, for anything else."""
    size = upload.size or 0  # an uploaded file always has one; the stubs allow None
    if size > MAX_BYTES:
        raise UploadRefused(
            f"图片不能超过 {MAX_BYTES // 1024 // 1024} MB，这个文件有 {size / 1024 / 1024:.1f} MB。"
        )
    image = _open(upload, max_side)
    extension = FORMATS[image.format or ""]  # _open refused any other format
    picture = _eight_bit(_upright(image))
    if picture.mode in ("1", "P", "PA"):  # these would shrink pixel by pixel: colour them first
        picture = picture.convert("RGBA")
    picture.thumbnail((max_side, max_side))  # before converting: no second full-size copy
    picture = picture.convert("RGB" if extension == "jpg" else "RGBA")
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG" if extension == "jpg" else "PNG", optimize=True)
    return buffer.getvalue(), extension


def _open(upload: UploadedFile, max_side: int) -> Image.Image:
    refused = "只能上传 PNG、JPEG、GIF 或 WebP 图片（不接受 SVG 和其他文件）。"
    try:
        image = Image.open(upload)  # reads the header only
        if image.format not in FORMATS:
            raise UploadRefused(refused)
        width, height = image.size
        if max(width, height) > MAX_SOURCE_SIDE or width * height > MAX_PIXELS:
            raise UploadRefused(
                f"图片尺寸过大（{width}×{height} 像素）：每边不能超过 {MAX_SOURCE_SIDE} 像素，"
                f"总共不能超过 {MAX_PIXELS // 10_000} 万像素。请缩小后再上传。"
            )
        image.draft(None, (max_side, max_side))  # a JPEG decodes at 1/2, 1/4 or 1/8 size
        image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise UploadRefused(DAMAGED if _begins_as_image(upload) else refused) from None
    return image


def _begins_as_image(upload: UploadedFile) -> bool:
    upload.seek(0)
    head: bytes = upload.read(12)
    return head.startswith(SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def _eight_bit(image: Image.Image) -> Image.Image:
    """16-bit greyscale (PNG's "I;16") as 8-bit: Pillow's own conversion clips it to white."""
    if not image.mode.startswith("I"):
        return image
    return image.convert("I").point(lambda value: value / 256).convert("L")


def _upright(image: Image.Image) -> Image.Image:
    """Turned as the camera's EXIF orientation says: phones store photos sideways."""
    ImageOps.exif_transpose(image, in_place=True)  # in place: no copy of a large image
    return image
