"""The hall itself: its name and contact details, and how often each procedure is opened."""

from django.db import models

from procedures.models import Procedure


class HallSettings(models.Model):
    """The service hall printed at the top of every handout; one row, edited in the admin."""

    name = models.CharField("服务中心名称", max_length=100, default="幸福街道社区事务受理服务中心")
    address = models.CharField("地址", max_length=200, default="幸福路 88 号")
    hours = models.CharField(
        "办公时间", max_length=200, default="周一至周五 9:00—17:00；周六上午 9:00—12:00"
    )
    phone = models.CharField("咨询电话", max_length=100, default="021-5555 0100")

    class Meta:
        verbose_name = verbose_name_plural = "服务中心信息"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> "HallSettings":
        # Read only: a page never writes (the database may be busy with an import); the
        # row is saved when an administrator edits it.
        return cls.objects.order_by("pk").first() or cls(pk=1)


class DailyViews(models.Model):
    """How often a procedure's page was opened on a day: feeds 高频事项 on the home page."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField("日期")
    count = models.PositiveIntegerField("浏览次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "浏览统计"
        constraints = [
            models.UniqueConstraint(fields=["procedure", "day"], name="one_view_count_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.day}: {self.count}"
