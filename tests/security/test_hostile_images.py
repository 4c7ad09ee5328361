"""Images that broke or fooled the upload (security review, issue 11, finding 9): a long thin
image that took 1.2 GB to shrink, phone photos stored sideways, 16-bit PNGs stored white and
phones' MPO JPEGs refused. Each is built in memory with Pillow.
"""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from procedures.uploads import UploadRefused, store_image

ORIENTATION = 0x0112
ROTATED_90_CLOCKWISE = 6  # as a phone held upright stores its photo


def upload(content: bytes, name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def stored(url: str, settings) -> Image.Image:
    return Image.open(settings.MEDIA_ROOT / url.removeprefix(settings.MEDIA_URL))


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` × `height` pixels, with almost none behind it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "content",
    [png_header(1, 39_000_000), encoded(Image.new("1", (12_000, 1)), "PNG")],
    ids=["1x39000000-header", "12000x1"],
)
def test_an_image_longer_than_10000_pixels_is_refused_before_decoding(content):
    with pytest.raises(UploadRefused, match="图片尺寸过大.*每边不能超过 10000 像素"):
        store_image(upload(content))


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"\xff\xd8\xff\xe0garbagejpeg", "文件已损坏，或者不是真正的图片"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 broken", "文件已损坏，或者不是真正的图片"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "只能上传 PNG、JPEG、GIF 或 WebP"),
    ],
    ids=["damaged-jpeg", "damaged-webp", "svg"],
)
def test_a_damaged_image_is_told_apart_from_a_file_of_another_kind(content, said):
    with pytest.raises(UploadRefused, match=said):
        store_image(upload(content))


def test_a_photo_is_stored_upright_as_its_exif_orientation_says(settings):
    photo = Image.new("RGB", (40, 20), "red")
    photo.paste("blue", (20, 0, 40, 20))
    exif = Image.Exif()
    exif[ORIENTATION] = ROTATED_90_CLOCKWISE
    url = store_image(upload(encoded(photo, "JPEG", exif=exif.tobytes()), "photo.jpg"))
    upright = stored(url, settings)
    assert upright.size == (20, 40)
    red, green, blue = upright.getpixel((10, 5))
    assert red > 200 and blue < 60  # turned clockwise: what was on the left is on top
    assert ORIENTATION not in upright.getexif()


def test_a_16_bit_png_keeps_its_shades_of_grey(settings):
    scan = Image.new("I;16", (20, 10), 0x1000)
    scan.paste(Image.new("I;16", (10, 10), 0xC000), (10, 0))
    grey = stored(store_image(upload(encoded(scan, "PNG"))), settings)
    assert grey.getpixel((5, 5)) == (16, 16, 16, 255)
    assert grey.getpixel((15, 5)) == (192, 192, 192, 255)


def test_a_phones_mpo_photo_is_stored_as_a_jpeg_of_its_first_frame(settings):
    photo, depth_map = Image.new("RGB", (30, 20), "red"), Image.new("RGB", (30, 20), "blue")
    mpo = encoded(photo, "MPO", save_all=True, append_images=[depth_map])
    assert Image.open(io.BytesIO(mpo)).format == "MPO"
    url = store_image(upload(mpo, "photo.jpg"))
    assert url.endswith(".jpg")
    jpeg = stored(url, settings)
    assert jpeg.format == "JPEG" and jpeg.size == (30, 20)
    red, green, blue = jpeg.getpixel((15, 10))
    assert red > 200 and blue < 60
