"""The blank_forms rows of the backup tests' library: a form for every procedure asking for a
kind, one for a single procedure, one taken down; their files are media files."""

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from blank_forms import attaching
from blank_forms.checking import checked
from procedures.models import Material, Procedure
from tests.blank_forms.files import docx_bytes, pdf_bytes


def add_form_rows() -> None:
    editor = get_user_model().objects.get(username="editor")
    material = Material.objects.filter(kind__isnull=False).select_related("kind").first()
    assert material is not None and material.kind is not None
    birth = Procedure.objects.get(versions__number=1, versions__title="生育服务手册")
    attaching.attach(
        checked(SimpleUploadedFile("样表.pdf", pdf_bytes())),
        kind=material.kind,
        role="sample",
        title=f"{material.kind.name}样表",
        by=editor,
    )
    only_here = attaching.attach(
        checked(SimpleUploadedFile("填写说明.docx", docx_bytes())),
        kind=material.kind,
        role="blank",
        title="填写说明",
        by=editor,
        procedure=birth,
    )
    attaching.take_down(only_here, by=editor)
