"""Blank forms and sample forms (空白表格 / 示例样表) residents fill in, next to the material.

A file is stored once, by its content, and never changed or deleted. An attachment puts a file
next to one kind of material: in every procedure that asks for it (the catalogue), or in one
procedure only. Removing or replacing a form ends its attachment instead of deleting it, so a
version shows the forms it had when it was in force (see `blank_forms.shown`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from procedures.models import MaterialKind, Procedure


class FormFile(models.Model):
    """One checked upload, named by the SHA-256 of its content."""

    class Type(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word"
        XLSX = "xlsx", "Excel"
        PNG = "png", "图片"
        JPG = "jpg", "图片"

    sha256 = models.CharField("SHA-256", max_length=64, unique=True, editable=False)
    file = models.FileField("文件", upload_to="forms/", max_length=200, editable=False)
    type = models.CharField("类型", max_length=4, choices=Type.choices, editable=False)
    size = models.PositiveIntegerField("大小（字节）", editable=False)
    original_name = models.CharField("上传时的文件名", max_length=200, editable=False)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="上传人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "表格文件"

    def __str__(self) -> str:
        return self.original_name

    @property
    def size_label(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / 1024 / 1024:.1f} MB"
        return f"{max(1, round(self.size / 1024))} KB"


class FormAttachment(models.Model):
    """A form shown next to a kind of material, everywhere or in one procedure."""

    class Role(models.TextChoices):
        BLANK = "blank", "空白表格"
        SAMPLE = "sample", "示例样表"

    kind = models.ForeignKey(
        MaterialKind, on_delete=models.PROTECT, related_name="forms", verbose_name="材料"
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forms",
        verbose_name="只用于事项",
        help_text="不填：每个需要这种材料的事项都显示。",
    )
    role = models.CharField("用途", max_length=6, choices=Role.choices)
    title = models.CharField("名称", max_length=100)
    file = models.ForeignKey(
        FormFile, on_delete=models.PROTECT, related_name="attachments", verbose_name="文件"
    )
    added_at = models.DateTimeField("添加时间", db_index=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="添加人"
    )
    removed_at = models.DateTimeField("撤下时间", null=True, blank=True, db_index=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="撤下人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "表格与样表"
        ordering = ["role", "added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True, removed_by__isnull=True)
                | Q(removed_at__isnull=False, removed_by__isnull=False),
                name="form_removed_with_whom",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="form_title_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_role_display()}）"

    @property
    def download_name(self) -> str:
        """The file name a download is saved as: the title, with the file's own extension."""
        return f"{self.title}.{self.file.type}"
