"""Keeping every item true over time: who answers for it, when it was last checked, and what
staff and residents said was wrong with it.

Nothing here changes a procedure: a report is closed by a version the library publishes
(`fix_version`) or by a recorded reason, and a review by a new version or a 复核 record.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from procedures.models import Category, Procedure, ProcedureVersion

DEFAULT_INTERVAL_DAYS = 180


class Stewardship(models.Model):
    """Who answers for an item: its owner, and a backup for when they are away."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="负责人",
    )
    backup = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="备份负责人",
    )

    class Meta:
        abstract = True


class CategoryUpkeep(Stewardship):
    """A 条线's owner, backup and review interval: the default of each of its procedures."""

    category = models.OneToOneField(
        Category, on_delete=models.CASCADE, related_name="upkeep", verbose_name="业务条线"
    )
    interval_days = models.PositiveIntegerField(
        "复核周期（天）", default=DEFAULT_INTERVAL_DAYS, help_text="每隔多少天需复核一次。"
    )

    class Meta:
        verbose_name = verbose_name_plural = "条线负责人与复核周期"

    def __str__(self) -> str:
        return str(self.category)


class ProcedureUpkeep(Stewardship):
    """A procedure's own owner, backup or interval, where it differs from its 条线's."""

    procedure = models.OneToOneField(
        Procedure, on_delete=models.CASCADE, related_name="upkeep", verbose_name="事项"
    )
    interval_days = models.PositiveIntegerField(
        "复核周期（天）", null=True, blank=True, help_text="不填则按条线的复核周期。"
    )

    class Meta:
        verbose_name = verbose_name_plural = "事项负责人与复核周期"

    def __str__(self) -> str:
        return str(self.procedure)


class ReviewCheck(models.Model):
    """已复核，无需修改: the owner checked the version in force and found it still right.

    A newly published version counts as a check too; it needs no row here.
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="review_checks", verbose_name="事项"
    )
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="+", verbose_name="复核的版本"
    )
    at = models.DateTimeField("复核时间", default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="复核人",
    )
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "复核记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.procedure} {self.at:%Y-%m-%d} 已复核"


class Report(models.Model):
    """报错 / 办不成: a member of staff says something on a version is wrong, where it is."""

    class Part(models.TextChoices):
        PAGE = "page", "整个页面"
        MATERIAL = "material", "材料"
        STEP = "step", "步骤"
        FAQ = "faq", "常见问题"

    class Cause(models.TextChoices):
        # Aligned with the 办不成事 window's categories.
        MATERIAL_CHANGED = "material_changed", "材料要求已变"
        WRONG_STEP = "wrong_step", "步骤不对"
        OUTDATED = "outdated", "信息过时"
        CANNOT_COMPLETE = "cannot_complete", "居民办不成"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        OPEN = "open", "处理中"
        FIXED = "fixed", "已修改"
        UNCHANGED = "unchanged", "无需修改"

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="reports", verbose_name="事项"
    )
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="+", verbose_name="针对的版本"
    )
    part = models.CharField("位置", max_length=10, choices=Part.choices, default=Part.PAGE)
    part_id = models.PositiveBigIntegerField("位置编号", null=True, blank=True)
    part_label = models.CharField("位置说明", max_length=300, blank=True)
    cause = models.CharField("原因", max_length=20, choices=Cause.choices)
    description = models.TextField("问题描述", max_length=500)
    case_number = models.CharField("办件编号", max_length=50, blank=True)
    complex = models.BooleanField(
        "复杂问题", default=False, help_text="复杂问题 10 个工作日内处理。"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="报告人",
    )
    created_at = models.DateTimeField("报告时间", default=timezone.now, db_index=True)
    due_on = models.DateField("处理期限")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    # The draft that fixes it, then (the same row) the version that did.
    fix_version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="修改它的版本",
    )
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="处理人",
    )
    resolution = models.CharField("处理结果", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "报错"
        ordering = ["-created_at"]
        permissions = [("handle_all", "处理所有事项的报错与复核")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True)
                | (~models.Q(status="open") & models.Q(closed_at__isnull=False)),
                name="report_closed_when_not_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure}：{self.get_cause_display()}"

    def get_absolute_url(self) -> str:
        return reverse("upkeep:report", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and (today or timezone.localdate()) > self.due_on

    @property
    def where(self) -> str:
        if self.part == self.Part.PAGE:
            return "整个页面"
        return f"{self.get_part_display()}：{self.part_label}"


class PageFeedback(models.Model):
    """A resident's answer to 这个页面对您有帮助吗: no account, no address kept."""

    class Reason(models.TextChoices):
        MATERIALS_UNCLEAR = "materials_unclear", "材料写得不清楚"
        STEPS_UNCLEAR = "steps_unclear", "步骤看不懂"
        DIFFERS = "differs", "和窗口说的不一样"
        CASE_MISSING = "case_missing", "没有我的情况"
        OTHER = "other", "其他"

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="feedback", verbose_name="事项"
    )
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="+", verbose_name="版本"
    )
    helpful = models.BooleanField("有帮助")
    reason = models.CharField("原因", max_length=20, choices=Reason.choices, blank=True)
    comment = models.CharField("补充", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "居民反馈"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.procedure}：{'有帮助' if self.helpful else '没帮到'}"


class DigestSent(models.Model):
    """The day's reminder e-mail went to this person: never a second one that day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="收件人"
    )
    day = models.DateField("日期")
    sent_at = models.DateTimeField("发送时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "提醒邮件记录"
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
