"""Attaching forms to a kind of material, everywhere or in one procedure; taking them down;
and which forms each version shows, the old ones included."""

import datetime

import pytest
from django.utils import timezone

from blank_forms import attaching
from blank_forms.checking import FormRefused, checked
from blank_forms.models import FormAttachment, FormFile
from blank_forms.shown import forms_for, printed_mark
from procedures import publishing
from procedures.models import MaterialKind
from sopdesk import page_cache
from tests.blank_forms.files import docx_bytes, pdf_bytes, upload
from tests.factories import make_published, publish_change

pytestmark = pytest.mark.django_db

BOOKLET = "户口簿"


def attach_pdf(by, *, title="户口簿复印样例", role="sample", procedure=None, content=None):
    return attaching.attach(
        checked(upload(f"{title}.pdf", content or pdf_bytes())),
        kind=MaterialKind.objects.get(name=BOOKLET),
        role=role,
        title=title,
        by=by,
        procedure=procedure,
    )


def titles(version, kind_name=BOOKLET) -> list[str]:
    kind = MaterialKind.objects.get(name=kind_name)
    return [form.title for form in forms_for(version).get(kind.pk, [])]


def test_a_form_on_the_catalogue_shows_in_every_procedure_asking_for_the_kind(editor):
    births = make_published("生育服务手册")
    residence = make_published("户籍证明", materials=({"name": BOOKLET},))
    other = make_published("老年证", materials=({"name": "居民身份证"},))
    attach_pdf(editor)
    assert titles(births) == titles(residence) == ["户口簿复印样例"]
    assert forms_for(other) == {}


def test_a_form_for_one_procedure_shows_there_only_and_first(editor):
    births = make_published("生育服务手册")
    residence = make_published("户籍证明", materials=({"name": BOOKLET},))
    attach_pdf(editor, title="通用样例")
    attach_pdf(editor, title="生育专用样例", procedure=births.procedure, content=pdf_bytes("x"))
    assert titles(births) == ["生育专用样例", "通用样例"]
    assert titles(residence) == ["通用样例"]


def test_the_same_file_twice_is_stored_once(editor):
    make_published()
    attach_pdf(editor, title="样例一")
    attach_pdf(editor, title="样例二", role="blank")
    assert FormFile.objects.count() == 1 and FormAttachment.objects.count() == 2


def test_the_title_defaults_to_the_file_name_and_loses_book_title_marks(editor):
    make_published()
    form = attaching.attach(
        checked(upload("《户口簿复印件要求》.docx", docx_bytes())),
        kind=MaterialKind.objects.get(name=BOOKLET),
        role="blank",
        title="  ",
        by=editor,
    )
    assert form.title == "户口簿复印件要求" and form.download_name == "户口簿复印件要求.docx"


@pytest.mark.parametrize(
    ("title", "words"),
    [("表" * 101, "不能超过 100 个字"), ("a/b", "不能有"), ('"引号"', "不能有")],
)
def test_a_bad_title_is_refused_and_nothing_is_saved(editor, title, words):
    make_published()
    with pytest.raises(FormRefused, match=words):
        attach_pdf(editor, title=title)
    assert not FormAttachment.objects.exists() and not FormFile.objects.exists()


def test_a_role_must_be_chosen(editor):
    make_published()
    with pytest.raises(FormRefused, match="空白表格还是示例样表"):
        attach_pdf(editor, role="")


def test_a_retired_procedure_gets_no_new_form(editor):
    version = make_published()
    publishing.retire_procedure(version.procedure, reason="职能划转", by=editor)
    version.procedure.refresh_from_db()
    with pytest.raises(FormRefused, match="已停办"):
        attach_pdf(editor, procedure=version.procedure)


def test_taking_down_ends_the_attachment_and_keeps_the_file(editor):
    version = make_published()
    form = attach_pdf(editor)
    attaching.take_down(form, by=editor)
    form.refresh_from_db()
    assert form.removed_by == editor and form.removed_at is not None
    assert titles(version) == [] and FormFile.objects.count() == 1
    with pytest.raises(FormRefused, match="已经撤下了"):
        attaching.take_down(form, by=editor)


def test_an_old_version_shows_the_form_it_had_and_the_current_one_the_new(editor):
    v1 = make_published(effective_from=datetime.date(2024, 1, 1))
    old = attach_pdf(editor, title="旧样例")
    FormAttachment.objects.filter(pk=old.pk).update(
        added_at=timezone.make_aware(datetime.datetime(2024, 6, 1, 9))
    )
    v2 = publish_change(v1, effective_from=datetime.date(2025, 1, 1))
    old.refresh_from_db()
    attaching.take_down(old, by=editor)  # replaced today, long after v1 stopped being in force
    attach_pdf(editor, title="新样例", content=pdf_bytes("new"))
    v1.refresh_from_db()
    assert titles(v1) == ["旧样例"]
    assert titles(v2) == ["新样例"]


def test_a_form_added_after_a_version_was_superseded_is_not_shown_on_it(editor):
    v1 = make_published(effective_from=datetime.date(2024, 1, 1))
    publish_change(v1, effective_from=datetime.date(2025, 1, 1))
    attach_pdf(editor)
    v1.refresh_from_db()
    assert titles(v1) == []


def test_a_draft_shows_the_forms_attached_now(editor):
    version = make_published()
    draft = publishing.create_draft(version.procedure, by=editor)
    attach_pdf(editor)
    assert titles(draft) == ["户口簿复印样例"]


def test_each_change_forgets_the_stored_pages(editor):
    make_published()
    before = page_cache.generation()
    form = attach_pdf(editor)
    after_attach = page_cache.generation()
    attaching.take_down(form, by=editor)
    assert before != after_attach != page_cache.generation()


def test_the_handout_mark_names_each_role_once(editor):
    version = make_published()
    attach_pdf(editor, title="空白", role="blank")
    attach_pdf(editor, title="样例", role="sample", content=pdf_bytes("s"))
    attach_pdf(editor, title="空白二", role="blank", content=pdf_bytes("b"))
    forms = forms_for(version)[MaterialKind.objects.get(name=BOOKLET).pk]
    assert printed_mark(forms) == "空白表格、示例样表：可在窗口领取或扫码下载"
    assert printed_mark([]) == ""
