"""Reading paths, who must read them, and who read which version of a procedure.

A receipt names the version read, never just the procedure: whether it still counts after a
later version is decided when it is read (`training.receipts`), from the change kinds of the
versions published since.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from procedures.models import Category, Procedure, ProcedureVersion


class ReadingPath(models.Model):
    """What a new hire reads, in order: a 条线's public procedures, or a trainer's own list."""

    category = models.OneToOneField(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reading_path",
        verbose_name="业务条线",
        help_text="条线路径：该条线的全部事项，高频事项在前。自定义路径留空。",
    )
    name = models.CharField("名称", max_length=100, blank=True, help_text="自定义路径必填。")
    description = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="创建人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "学习路径"
        ordering = ["category__position", "category__name", "name"]
        permissions = [("manage_training", "可以分配学习路径并查看他人的学习进度")]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__isnull=False, name="")
                | Q(category__isnull=True, name__gt=""),
                name="reading_path_is_category_or_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.name}条线" if self.category else self.name

    def get_absolute_url(self) -> str:
        return reverse("training:path", args=[self.pk])

    @property
    def is_custom(self) -> bool:
        return self.category_id is None


class PathItem(models.Model):
    """One procedure of a custom path, at its place in the trainer's order."""

    path = models.ForeignKey(
        ReadingPath, on_delete=models.CASCADE, related_name="items", verbose_name="学习路径"
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="+", verbose_name="事项"
    )
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "路径中的事项"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["path", "procedure"], name="procedure_once_per_path"),
        ]

    def __str__(self) -> str:
        return f"{self.path}：{self.procedure}"

    def clean(self) -> None:
        if self.path_id and self.path.category_id:
            raise ValidationError("条线路径的事项由条线决定，不能逐项添加。")


class Assignment(models.Model):
    """A trainer asked someone to read a path, maybe by a day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reading_assignments",
        verbose_name="学习人",
    )
    path = models.ForeignKey(
        ReadingPath, on_delete=models.CASCADE, related_name="assignments", verbose_name="学习路径"
    )
    due_date = models.DateField("完成期限", null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="分配人",
    )
    assigned_at = models.DateTimeField("分配时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "学习任务"
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "path"], name="one_assignment_per_path"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.path}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.due_date is not None and self.due_date < (today or timezone.localdate())


class ReadReceipt(models.Model):
    """Someone confirmed reading one version of a procedure to its end (我已读完)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="read_receipts",
        verbose_name="阅读人",
    )
    # The version's procedure, kept on the row so that a person's receipts of a procedure are
    # one indexed lookup.
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="+", verbose_name="事项"
    )
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="+", verbose_name="版本"
    )
    read_at = models.DateTimeField("确认时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "已读确认"
        ordering = ["-read_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="one_receipt_per_version"),
        ]
        indexes = [models.Index(fields=["user", "procedure"], name="receipt_user_procedure")]

    def __str__(self) -> str:
        return f"{self.user} 已读 {self.version}"


class InboxVisit(models.Model):
    """When someone last opened 变更提醒: what changed after it is new to them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="change_inbox_visit",
        verbose_name="用户",
    )
    visited_at = models.DateTimeField("上次查看时间")

    class Meta:
        verbose_name = verbose_name_plural = "变更提醒查看记录"

    def __str__(self) -> str:
        return f"{self.user} {self.visited_at:%Y-%m-%d %H:%M}"
