"""Attaching a form to a kind of material, and taking it down: the verbs editors use.

A file is stored once by its content: the same PDF attached twice is one file. Taking a form
down ends its attachment (who, when) and keeps the file, which older versions still show.
Every change forgets the stored pages and handouts print the new state (their key names
the forms they print).
"""

import hashlib

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from blank_forms.checking import CheckedFile, FormRefused
from blank_forms.models import FormAttachment, FormFile
from procedures.models import MaterialKind, Procedure
from sopdesk import page_cache

MAX_TITLE = 100


def attach(
    checked: CheckedFile,
    *,
    kind: MaterialKind,
    role: str,
    title: str,
    by: User,
    procedure: Procedure | None = None,
) -> FormAttachment:
    """Show `checked` next to `kind`, in every procedure or only in `procedure`."""
    title = _title(title, checked.name)
    if role not in FormAttachment.Role.values:
        raise FormRefused("请选择这是空白表格还是示例样表。")
    if procedure is not None and procedure.retired_at is not None:
        raise FormRefused(f"「{procedure}」已停办，不能再添加表格。")
    with transaction.atomic():
        stored = _stored(checked, by)
        attachment = FormAttachment.objects.create(
            kind=kind,
            procedure=procedure,
            role=role,
            title=title,
            file=stored,
            added_at=timezone.now(),
            added_by=by,
        )
        page_cache.forget_pages()
    return attachment


def take_down(attachment: FormAttachment, *, by: User) -> None:
    """Stop showing `attachment`; a second request finds it already taken down."""
    with transaction.atomic():
        ended = FormAttachment.objects.filter(pk=attachment.pk, removed_at__isnull=True).update(
            removed_at=timezone.now(), removed_by=by
        )
        if not ended:
            raise FormRefused(f"「{attachment.title}」已经撤下了。")
        page_cache.forget_pages()


def _title(title: str, file_name: str) -> str:
    title = " ".join(title.split()) or file_name.rsplit(".", 1)[0].strip()
    title = title.strip("《》 ")
    if not title:
        raise FormRefused("请填写表格名称。")
    if len(title) > MAX_TITLE:
        raise FormRefused(f"表格名称不能超过 {MAX_TITLE} 个字，现在有 {len(title)} 个。")
    if any(character in title for character in '\\/:*?"<>|\x00'):
        raise FormRefused('表格名称里不能有 \\ / : * ? " < > | 这些符号（下载时用作文件名）。')
    return title


def _stored(checked: CheckedFile, by: User) -> FormFile:
    digest = hashlib.sha256(checked.content).hexdigest()
    existing = FormFile.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    stored = FormFile(
        sha256=digest,
        type=checked.type,
        size=len(checked.content),
        original_name=checked.name,
        uploaded_by=by,
    )
    stored.file.save(f"{digest}.{checked.type}", ContentFile(checked.content), save=False)
    try:
        with transaction.atomic():
            stored.save()
    except IntegrityError:  # the same file, uploaded at the same moment by someone else
        stored.file.delete(save=False)
        return FormFile.objects.get(sha256=digest)
    return stored
