"""What an import of a Word guide left on its draft: the file's name, how sure the importer
was of each field, and the text it could not place (shown as 未识别内容 until the draft is
published or discarded)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from procedures.models import ProcedureVersion


class ImportRecord(models.Model):
    version = models.OneToOneField(
        ProcedureVersion,
        on_delete=models.CASCADE,
        related_name="word_import",
        verbose_name="草稿",
    )
    file_name = models.CharField("文件名", max_length=255)
    # {field: "高" / "中" / "低"}, with "materials", "steps", "faqs" for the lists.
    certainty = models.JSONField("识别把握", default=dict, blank=True)
    # The document as read: [{"kind", "text", "label", "rows"}], shown beside the draft.
    blocks = models.JSONField("原文", default=list, blank=True)
    unplaced = models.JSONField(
        "未识别内容", default=list, blank=True, help_text="原文中没能放进草稿的段落与表格。"
    )
    created_at = models.DateTimeField("导入时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="导入人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "Word 导入记录"

    def __str__(self) -> str:
        return self.file_name
