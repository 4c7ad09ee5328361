"""The pages: attaching from a procedure or a material's catalogue page, the links next to a
material, the handout's mark, and downloads that are never run in the browser."""

import datetime
import subprocess
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from blank_forms import attaching
from blank_forms.checking import checked
from blank_forms.models import FormAttachment, FormFile
from handouts import pdf as handouts
from handouts.checklists import checklist_text
from procedures import publishing
from procedures.models import MaterialKind
from procedures.views.lookups import with_parts
from tests.blank_forms.files import pdf_bytes, png_bytes, upload
from tests.factories import make_published, publish_change

pytestmark = pytest.mark.django_db

BOOKLET = "户口簿"


@pytest.fixture
def births(db):
    return make_published("生育服务手册")


def booklet() -> MaterialKind:
    return MaterialKind.objects.get(name=BOOKLET)


def attached(by, *, name="户口簿样例.pdf", content=None, role="sample", procedure=None):
    return attaching.attach(
        checked(upload(name, content or pdf_bytes())),
        kind=booklet(),
        role=role,
        title=name.rsplit(".", 1)[0],
        by=by,
        procedure=procedure,
    )


def post_attach(client, url, **fields):
    data = {"role": "blank", "title": "户口簿填写说明", "scope": "here", **fields}
    data.setdefault("file", upload("说明.pdf", pdf_bytes()))
    return client.post(url, data)


def test_an_editor_attaches_a_form_for_one_procedure_from_its_page(client, editor, births):
    client.force_login(editor)
    url = reverse("blank_forms:procedure", args=[births.procedure.slug])
    page = client.get(url).content.decode()
    assert "居民身份证" in page and BOOKLET in page
    response = post_attach(client, url, kind=booklet().pk)
    assert response.status_code == 302
    form = FormAttachment.objects.get()
    assert (form.procedure, form.kind, form.role, form.title) == (
        births.procedure,
        booklet(),
        "blank",
        "户口簿填写说明",
    )
    assert "户口簿填写说明" in client.get(url).content.decode()


def test_everywhere_from_the_procedure_page_puts_it_in_the_catalogue(client, editor, births):
    client.force_login(editor)
    url = reverse("blank_forms:procedure", args=[births.procedure.slug])
    post_attach(client, url, kind=booklet().pk, scope="everywhere")
    assert FormAttachment.objects.get().procedure is None


def test_a_refused_upload_says_why_and_saves_nothing(client, editor, births):
    client.force_login(editor)
    url = reverse("blank_forms:procedure", args=[births.procedure.slug])
    response = post_attach(
        client, url, kind=booklet().pk, file=upload("表.pdf", b"<html><script>x</script>")
    )
    assert response.status_code == 200
    assert "无法识别「表.pdf」的内容" in response.content.decode()
    assert not FormAttachment.objects.exists() and not FormFile.objects.exists()


def test_a_kind_the_procedure_does_not_ask_for_is_refused(client, editor, births):
    other = MaterialKind.objects.create(name="结婚证")
    client.force_login(editor)
    url = reverse("blank_forms:procedure", args=[births.procedure.slug])
    response = post_attach(client, url, kind=other.pk)
    assert response.status_code == 200 and "有效的选项" in response.content.decode()
    assert not FormAttachment.objects.exists()


def test_a_material_only_in_the_draft_can_get_its_form(client, editor, births):
    draft = publishing.create_draft(births.procedure, by=editor)
    publishing.save_draft(
        draft,
        content={},
        parts={"materials": [{"name": "生育登记信息表"}]},
        expected_revision=draft.revision,
        by=editor,
    )
    client.force_login(editor)
    page = client.get(reverse("blank_forms:procedure", args=[births.procedure.slug]))
    assert "生育登记信息表" in page.content.decode()


def test_the_catalogue_page_attaches_for_every_procedure(client, editor, births):
    client.force_login(editor)
    kind = booklet()
    response = post_attach(client, reverse("blank_forms:kind_attach", args=[kind.pk]))
    assert response.status_code == 302 and response.url.endswith("#forms")
    assert FormAttachment.objects.get().procedure is None
    page = client.get(kind.get_absolute_url()).content.decode()
    assert "户口簿填写说明" in page and "所有需要这种材料的事项" in page


def test_the_catalogue_page_shows_a_refused_upload_next_to_the_field(client, editor, births):
    client.force_login(editor)
    kind = booklet()
    response = post_attach(
        client, reverse("blank_forms:kind_attach", args=[kind.pk]), file=upload("a.pdf", b"")
    )
    page = response.content.decode()
    assert response.status_code == 200 and kind.name in page
    assert '<details class="attach-panel" open>' in page
    assert '<p class="error" role="alert">「a.pdf」是空文件。</p>' in page
    assert "<strong>没有添加：</strong>「a.pdf」是空文件。" in page
    assert 'value="户口簿填写说明"' in page  # what was typed is kept
    assert not FormAttachment.objects.exists()


def test_window_staff_see_forms_but_may_not_attach(client, clerk, births):
    client.force_login(clerk)
    assert (
        client.get(reverse("blank_forms:procedure", args=[births.procedure.slug])).status_code
        == 403
    )
    response = post_attach(client, reverse("blank_forms:kind_attach", args=[booklet().pk]))
    assert response.status_code == 403 and not FormAttachment.objects.exists()
    assert "添加表格" not in client.get(booklet().get_absolute_url()).content.decode()


def test_residents_see_the_download_next_to_the_material(client, editor, births):
    form = attached(editor)
    page = client.get(births.procedure.get_absolute_url()).content.decode()
    link = reverse("blank_forms:download", args=[form.pk])
    row = page[page.index(f">{BOOKLET}<") :]
    assert link in row[: row.index("</li>")]
    assert "示例样表" in row[: row.index("</li>")]


def test_a_stored_page_shows_a_new_form_at_once(client, editor, births):
    url = births.procedure.get_absolute_url()
    assert "示例样表" not in client.get(url).content.decode()
    form = attached(editor)
    assert reverse("blank_forms:download", args=[form.pk]) in client.get(url).content.decode()
    attaching.take_down(form, by=editor)
    assert reverse("blank_forms:download", args=[form.pk]) not in client.get(url).content.decode()


def test_taking_down_from_the_page_returns_there(client, editor, births):
    form = attached(editor)
    client.force_login(editor)
    page = reverse("blank_forms:procedure", args=[births.procedure.slug])
    response = client.post(reverse("blank_forms:take_down", args=[form.pk]), {"next": page})
    assert response.url == page
    form.refresh_from_db()
    assert form.removed_by == editor
    again = client.post(
        reverse("blank_forms:take_down", args=[form.pk]),
        {"next": "https://evil.example/"},
        follow=True,
    )
    assert "已经撤下了" in again.content.decode()
    assert again.redirect_chain[0][0] == f"{booklet().get_absolute_url()}#forms"


def test_a_download_is_saved_never_run(client, editor, births):
    form = attached(editor, name="户口簿<script>.pdf".replace("<script>", "复印样例"))
    response = client.get(reverse("blank_forms:download", args=[form.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('户口簿复印样例.pdf')}" in disposition
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response["Cache-Control"]


def test_an_image_sample_opens_in_the_browser_still_sandboxed(client, editor, births):
    form = attached(editor, name="样表.png", content=png_bytes())
    response = client.get(reverse("blank_forms:download", args=[form.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_form_taken_down_still_downloads_for_the_old_version_showing_it(client, editor, births):
    form = attached(editor)
    attaching.take_down(form, by=editor)
    assert client.get(reverse("blank_forms:download", args=[form.pk])).status_code == 200


def test_a_file_missing_from_disk_is_a_chinese_404(client, editor, births):
    form = attached(editor)
    form.file.file.delete(save=False)
    response = client.get(reverse("blank_forms:download", args=[form.pk]))
    assert response.status_code == 404 and "到窗口领取纸质表格" in response.content.decode()


def test_the_handout_marks_the_material_and_is_printed_again(editor, births, tmp_path):
    before = handouts.stored_handout(with_parts(births.pk))
    attached(editor)
    after = handouts.stored_handout(with_parts(births.pk))
    assert before != after
    path = tmp_path / "handout.pdf"
    path.write_bytes(handouts.handout_pdf(with_parts(births.pk)))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "示例样表：可在窗口领取或扫码下载" in text.replace(" ", "")


def test_an_old_version_page_offers_the_form_it_had(client, editor):
    v1 = make_published(effective_from=datetime.date(2024, 1, 1))
    old = attached(editor, name="旧样例.pdf")
    FormAttachment.objects.filter(pk=old.pk).update(
        added_at=timezone.make_aware(datetime.datetime(2024, 3, 1))
    )
    publish_change(v1, effective_from=datetime.date(2025, 1, 1))
    attaching.take_down(FormAttachment.objects.get(pk=old.pk), by=editor)
    new = attached(editor, name="新样例.pdf", content=pdf_bytes("new"))
    slug = v1.procedure.slug
    first = client.get(reverse("procedures:version", args=[slug, 1])).content.decode()
    current = client.get(reverse("procedures:detail", args=[slug])).content.decode()
    assert "旧样例" in first and "新样例" not in first
    assert reverse("blank_forms:download", args=[new.pk]) in current and "旧样例" not in current


def test_the_copied_checklist_gives_each_form_its_link(editor, births, settings):
    settings.SITE_URL = "https://bsdt.example.gov.cn"
    form = attached(editor, name="户口簿样例.pdf")
    text = checklist_text(with_parts(births.pk))
    lines = text.splitlines()
    booklet_line = next(i for i, line in enumerate(lines) if line.startswith(f"☐ {BOOKLET}"))
    assert lines[booklet_line + 1] == (
        f"  示例样表《户口簿样例》：https://bsdt.example.gov.cn/forms/{form.pk}/"
    )
    assert text.count("示例样表") == 1
