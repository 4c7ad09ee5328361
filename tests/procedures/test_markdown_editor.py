"""The Markdown editor's preview and upload endpoints: editors only, sanitised, never a 500."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from procedures import uploads
from procedures.rendering import MAX_MARKDOWN_LENGTH
from procedures.roles import EDITORS, WINDOW_STAFF
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PREVIEW, UPLOAD = "/markdownx/markdownify/", "/markdownx/upload/"


def png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def editor(client):
    client.force_login(make_user("writer", EDITORS))
    return client


def post_file(client, name, content, content_type="image/png"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(UPLOAD, {"image": upload}, headers={"x-requested-with": "XMLHttpRequest"})


@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
def test_it_rejects_anonymous_visitors(client, url):
    assert client.post(url, {"content": "x"}).status_code == 403


@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
def test_it_rejects_window_staff(client, url):
    client.force_login(make_user("window", WINDOW_STAFF))
    assert client.post(url, {"content": "x"}).status_code == 403


def test_the_preview_is_sanitised(editor):
    hostile = "**办理**<script>alert(1)</script>[x](javascript:alert(1))<img src=x onerror=a>"
    response = editor.post(PREVIEW, {"content": hostile})
    html = response.content.decode()
    assert "<strong>办理</strong>" in html
    for bad in ("<script", "javascript:", "onerror"):
        assert bad not in html


def test_a_preview_without_content_is_a_400(editor):
    assert editor.post(PREVIEW, {}).status_code == 400


def test_a_preview_over_the_length_limit_is_a_400_that_says_so(editor):
    response = editor.post(PREVIEW, {"content": "办" * (MAX_MARKDOWN_LENGTH + 1)})
    assert response.status_code == 400
    assert str(MAX_MARKDOWN_LENGTH) in response.content.decode()


def test_an_image_is_re_encoded_and_stored(editor, settings):
    response = post_file(editor, "form.png", png())
    assert response.status_code == 200
    code = response.json()["image_code"]
    assert code.startswith("![](/media/markdownx/") and code.endswith(".png)")
    stored = settings.MEDIA_ROOT / code[len("![](/media/") : -1]
    assert Image.open(stored).size == (40, 30)


@pytest.mark.parametrize(
    ("name", "content", "content_type", "says"),
    [
        ("notes.txt", "不是图片".encode(), "text/plain", "只能上传"),
        (
            "x.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
            "不接受 SVG",
        ),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "image/png", "文件已损坏"),
    ],
)
def test_a_non_image_or_svg_is_a_400_with_a_message(editor, name, content, content_type, says):
    response = post_file(editor, name, content, content_type)
    assert response.status_code == 400
    assert says in response.json()["image"][0]


def test_an_oversized_file_is_a_400(editor, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_BYTES", 1000)
    response = post_file(editor, "big.png", png((400, 400)) + b"\x00" * 2000)
    assert response.status_code == 400
    assert "不能超过" in response.json()["image"][0]


def test_a_decompression_bomb_is_a_400(editor):
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")  # 100 MP in a few KB
    response = post_file(editor, "bomb.png", buffer.getvalue())
    assert response.status_code == 400
    assert "尺寸过大" in response.json()["image"][0]


def test_a_missing_file_is_a_400(editor):
    response = editor.post(UPLOAD, {})
    assert response.status_code == 400
