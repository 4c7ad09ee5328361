"""The procedure library: procedures, their versions, and each version's steps, materials, FAQs.

A published version is a record of what residents were told; it never changes. Version state
(`number`, `status`, `published_*`, `Procedure.latest_version`) is written only by
`procedures.publishing`.
"""

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from procedures.exceptions import VersionLocked


class Category(models.Model):
    name = models.CharField("名称", max_length=50, unique=True)
    slug = models.SlugField("网址标识", max_length=80, unique=True)
    position = models.PositiveIntegerField("排序", default=0)
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "业务条线"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("procedures:category", args=[self.slug])


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def with_current_version(self, on: datetime.date | None = None) -> "ProcedureQuerySet":
        """Annotate the id and title of the version in force on the given day (today)."""
        in_force = ProcedureVersion.objects.in_force(on).filter(procedure=OuterRef("pk"))
        # The stubs add the annotated attributes to Procedure, which declares them already.
        return self.annotate(  # type: ignore[no-redef]
            current_version_id=Subquery(in_force.values("pk")[:1]),
            current_title=Subquery(in_force.values("title")[:1]),
        )

    def public(self, on: datetime.date | None = None) -> "ProcedureQuerySet":
        """Procedures a resident can see: not retired, with a version in force."""
        return (
            self.filter(retired_at__isnull=True)
            .with_current_version(on)
            # django-stubs checks lookups against model fields and cannot see this annotation.
            .filter(current_version_id__isnull=False)  # type: ignore[misc]
        )


class Procedure(models.Model):
    """One service item (事项). Its identity; the content lives in its versions.

    A family (同类事项：新办/补办/换领) or a bundle (一件事) is a procedure too, whose versions
    list member procedures instead of materials and steps: drafted, reviewed, published and
    versioned like any other (see `procedures.flows` and `procedures.bundles`).
    """

    class Kind(models.TextChoices):
        ITEM = "item", "事项"
        FAMILY = "family", "同类事项引导"
        BUNDLE = "bundle", "一件事"

    slug = models.SlugField(
        "网址标识",
        max_length=100,
        unique=True,
        help_text="永久不变：它印在告知单的二维码里。",
    )
    code = models.CharField("事项编码", max_length=50, blank=True)
    # Not versioned, like the code: where the official catalogue publishes this item's guide.
    catalogue_url = models.URLField(
        "省级办事指南链接",
        max_length=500,
        blank=True,
        help_text="官方事项目录中这个事项的办事指南页面。",
    )
    kind = models.CharField(
        "类型",
        max_length=10,
        choices=Kind.choices,
        default=Kind.ITEM,
        help_text="事项：有自己的材料和步骤。同类事项引导：按情形指向其中一个事项（新办/补办/换领）。"
        "一件事：按顺序办理的几个事项，合并成一份材料清单。",
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="procedures", verbose_name="业务条线"
    )
    position = models.PositiveIntegerField("条线内排序", default=0)
    aliases = models.JSONField("俗称/别名", default=list, blank=True)
    latest_version = models.OneToOneField(
        "ProcedureVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="最新发布版本",
        help_text="由发布操作设置；施行中的版本按施行日期推算。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    retired_at = models.DateTimeField("停办时间", null=True, blank=True, editable=False)
    retired_reason = models.CharField("停办原因", max_length=200, blank=True, editable=False)

    objects = ProcedureQuerySet.as_manager()

    if TYPE_CHECKING:  # on rows of ProcedureQuerySet.with_current_version() and public() only
        current_version_id: int | None
        current_title: str | None

    class Meta:
        verbose_name = verbose_name_plural = "事项"
        ordering = ["category__position", "position", "slug"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="procedure_slug_not_empty"),
        ]

    def __str__(self) -> str:
        version = self.latest_version or self.versions.order_by("-pk").first()
        return version.title if version else self.slug

    def get_absolute_url(self) -> str:
        return reverse("procedures:detail", args=[self.slug])

    def current_version(self, on: datetime.date | None = None) -> "ProcedureVersion | None":
        """The version in force on the given day (today): derived from dates, no nightly job."""
        if self.retired_at:
            return None
        return self.versions.in_force(on).first()

    def upcoming_version(self, on: datetime.date | None = None) -> "ProcedureVersion | None":
        """A published version that takes effect after the given day, if any."""
        day = on or timezone.localdate()
        return (
            self.versions.filter(status=ProcedureVersion.Status.PUBLISHED, effective_from__gt=day)
            .order_by("-number")
            .first()
        )

    def draft(self) -> "ProcedureVersion | None":
        return self.versions.filter(status=ProcedureVersion.Status.DRAFT).first()

    @property
    def is_composite(self) -> bool:
        """A family or a bundle: its versions list member procedures."""
        return self.kind != self.Kind.ITEM


class VersionQuerySet(models.QuerySet["ProcedureVersion"]):
    def on_record(self) -> "VersionQuerySet":
        return self.exclude(status=ProcedureVersion.Status.DRAFT)

    def enacted(self) -> "VersionQuerySet":
        """Versions on record that take or took effect on their date: not withdrawn ones."""
        return self.on_record().exclude(status=ProcedureVersion.Status.WITHDRAWN)

    def in_force(self, on: datetime.date | None = None) -> "VersionQuerySet":
        """The rule, once: of the versions on record effective by the given day (today), the
        highest-numbered is in force; they come in that order, the one in force first."""
        return (
            self.enacted()
            .filter(effective_from__lte=on or timezone.localdate())
            .order_by("-number")
        )

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.on_record().exists():
            raise VersionLocked("已发布的版本是办事记录，不能删除。")
        return super().delete()


class ProcedureVersion(models.Model):
    """One edition of a procedure's guide: a draft, or a published record that never changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        SUPERSEDED = "superseded", "已废止"
        # Scheduled, then taken back before it took effect (an urgent fix overtook it).
        WITHDRAWN = "withdrawn", "已撤回"

    class Review(models.TextChoices):
        """Where a draft is in review: a second person publishes what its editor submitted."""

        EDITING = "editing", "编辑中"
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回"

    class ChangeKind(models.TextChoices):
        """What a published version changed, as its reviewer judged: whether staff re-read it."""

        SUBSTANTIVE = "substantive", "实质变更"
        EDITORIAL = "editorial", "文字修订"

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="versions", verbose_name="事项"
    )
    number = models.PositiveIntegerField("版本号", null=True, blank=True, editable=False)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    effective_from = models.DateField("施行日期", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="发布人",
    )
    change_summary = models.CharField(
        "修改说明", max_length=500, blank=True, help_text="发布时必填：这一版改了什么。"
    )
    change_kind = models.CharField(
        "变更性质",
        max_length=12,
        choices=ChangeKind.choices,
        blank=True,
        editable=False,
        help_text="实质变更：工作人员需要重读；文字修订：已读记录仍然有效。第 1 版是实质变更。",
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="基于版本",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="创建人",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="撤回人",
    )
    withdrawn_reason = models.CharField("撤回原因", max_length=300, blank=True, editable=False)
    # Review of a draft, written by `procedures.reviews` only.
    review_state = models.CharField(
        "审核状态", max_length=10, choices=Review.choices, default=Review.EDITING, editable=False
    )
    submitted_at = models.DateTimeField("提交审核时间", null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="提交人",
    )
    review_comment = models.TextField("退回意见", blank=True, editable=False)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True, editable=False)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="退回人",
    )
    batch = models.ForeignKey(
        "BatchChange",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="versions",
        verbose_name="批量修订",
    )
    # Bumped on every save of a draft, so that a stale editor form is refused, not applied.
    revision = models.PositiveIntegerField("修订次数", default=0, editable=False)

    title = models.CharField("事项名称", max_length=200)
    summary = models.TextField("简介", blank=True)
    audience = models.TextField("适用对象", blank=True)
    conditions = models.TextField("受理条件", blank=True, help_text="支持 Markdown。")
    department = models.CharField("办理部门/窗口", max_length=200, blank=True)
    location = models.CharField("办理地点", max_length=300, blank=True)
    hours = models.CharField("办理时间", max_length=300, blank=True)
    phone = models.CharField("咨询电话", max_length=100, blank=True)
    time_limit = models.CharField("办理时限", max_length=200, blank=True)
    fee = models.CharField("收费", max_length=200, blank=True)
    basis = models.TextField("设定依据", blank=True)
    staff_notes = models.TextField("内部备注", blank=True, help_text="仅工作人员可见。")

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "版本"
        ordering = ["procedure", "-number"]
        permissions = [
            ("publish_procedureversion", "可以发布版本"),
            ("view_internal_notes", "可以查看内部备注"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="version_number_unique_per_procedure"
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(status="draft"),
                name="one_draft_per_procedure",
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(status="published"),
                name="one_latest_published_per_procedure",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", number__isnull=True, published_at__isnull=True)
                | (
                    Q(status__in=["published", "superseded", "withdrawn"])
                    & Q(number__isnull=False, published_at__isnull=False)
                    & Q(effective_from__isnull=False)
                    & ~Q(change_summary="")
                ),
                name="version_state_consistent",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="version_title_not_empty"),
            models.CheckConstraint(
                condition=Q(status="draft", change_kind="")
                | (~Q(status="draft") & Q(change_kind__in=["substantive", "editorial"])),
                name="version_change_kind_on_record",
            ),
        ]

    def __str__(self) -> str:
        label = f"第 {self.number} 版" if self.number else "草稿"
        return f"{self.title}（{label}）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        stored = self.stored_status()
        if stored not in (None, self.Status.DRAFT):
            raise VersionLocked(f"{self} 已发布，不能修改；请从它新建草稿。")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        if self.is_draft:  # a draft has no number and no public page: editors preview it
            return reverse("procedures:preview", args=[self.pk])
        return reverse("procedures:version", args=[self.procedure.slug, self.number])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.stored_status() not in (None, self.Status.DRAFT):
            raise VersionLocked(f"{self} 已发布，是办事记录，不能删除。")
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def content_key(self) -> tuple[object, ...]:
        """Everything a version tells residents and staff: equal keys, identical versions."""
        own = tuple(getattr(self, name) for name in VERSION_CONTENT_FIELDS)
        parts = tuple(
            tuple(
                tuple(getattr(part, name) for name in (*fields, *model.identity_fields))
                for part in getattr(self, related_name).all()
            )
            for related_name, model, fields in PARTS
        )
        return (own, parts)

    def stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return ProcedureVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()


class VersionPartQuerySet(models.QuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(version__status=ProcedureVersion.Status.DRAFT).exists():
            raise VersionLocked("已发布版本的内容不能删除。")
        return super().delete()


class VersionPart(models.Model):
    """A child row of a version (step, material, FAQ): editable only while it is a draft."""

    position = models.PositiveIntegerField("顺序", default=0)

    # Kept by a draft's copy besides the content fields (PARTS): which thing a row is.
    identity_fields: tuple[str, ...] = ()
    if TYPE_CHECKING:  # each concrete part declares its own foreign key to the version
        version: ProcedureVersion
        version_id: int

    objects = VersionPartQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.check_version_is_draft()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self.check_version_is_draft()
        return super().delete(*args, **kwargs)

    def check_version_is_draft(self) -> None:
        status = (
            ProcedureVersion.objects.filter(pk=self.version_id)
            .values_list("status", flat=True)
            .first()
        )
        if status not in (None, ProcedureVersion.Status.DRAFT):
            raise VersionLocked(f"{self.version} 已发布，它的内容不能修改或删除。")
        if self.pk is not None:
            stored_version = (
                type(self).objects.filter(pk=self.pk).values_list("version_id", flat=True).first()
            )
            if stored_version not in (None, self.version_id):
                raise VersionLocked("不能把内容从一个版本挪到另一个版本。")


class Step(VersionPart):
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="steps", verbose_name="版本"
    )
    title = models.CharField("步骤", max_length=200)
    body = models.TextField("说明", blank=True, help_text="支持 Markdown。")
    staff_note = models.TextField("内部备注", blank=True, help_text="仅工作人员可见。")

    class Meta(VersionPart.Meta):
        verbose_name = verbose_name_plural = "办理步骤"

    def __str__(self) -> str:
        return self.title


class MaterialKind(models.Model):
    """A kind of document residents bring (居民身份证, 户口簿): one identity for every procedure.

    A version's material row points to its kind and keeps its own wording, form, copies and
    condition: renaming a kind never changes what a version on record printed.
    """

    name = models.CharField("材料名称", max_length=200, unique=True)
    aliases = models.JSONField(
        "别名", default=list, blank=True, help_text="同一种材料的其他叫法，如“身份证”。"
    )
    issuer = models.CharField("出具单位", max_length=200, blank=True)
    electronic = models.BooleanField(
        "可电子核验", default=False, help_text="窗口能通过电子证照等方式核验，居民可不带原件。"
    )
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "材料目录"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="material_kind_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("procedures:material_kind", args=[self.pk])

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]


class BatchChange(models.Model):
    """One policy change to a kind of material across many procedures (批量修订).

    It made one draft in each procedure (`versions`), reviewed and published together.
    """

    class Operation(models.TextChoices):
        REMOVE = "remove", "不再需要（从清单删除）"
        CONDITIONAL = "conditional", "改为按情形提交"
        FORM = "form", "修改形式或份数"
        RENAME = "rename", "改名"

    kind = models.ForeignKey(
        MaterialKind, on_delete=models.PROTECT, related_name="batch_changes", verbose_name="材料"
    )
    operation = models.CharField("修改方式", max_length=12, choices=Operation.choices)
    condition = models.CharField("适用情形", max_length=300, blank=True)
    form = models.CharField("形式", max_length=20, blank=True)
    copies = models.PositiveIntegerField("份数", null=True, blank=True)
    new_name = models.CharField("新名称", max_length=200, blank=True)
    change_summary = models.CharField("修改说明", max_length=500)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="创建人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "批量修订"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(change_summary=""), name="batch_summary_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}：{self.get_operation_display()}"

    def get_absolute_url(self) -> str:
        return reverse("procedures:batch", args=[self.pk])


class Material(VersionPart):
    class Form(models.TextChoices):
        ORIGINAL = "original", "原件"
        COPY = "copy", "复印件"
        ORIGINAL_AND_COPY = "original_and_copy", "原件及复印件"
        ELECTRONIC = "electronic", "电子版"

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="materials", verbose_name="版本"
    )
    identity_fields = ("kind_id",)
    kind = models.ForeignKey(
        MaterialKind,
        on_delete=models.PROTECT,
        related_name="materials",
        verbose_name="材料目录",
        help_text="这是哪一种材料；不选时按材料名称匹配目录，目录里没有就新建。",
    )
    name = models.CharField("材料名称", max_length=200, help_text="本版告知居民的写法。")
    form = models.CharField("形式", max_length=20, choices=Form.choices, default=Form.ORIGINAL)
    copies = models.PositiveIntegerField("份数", default=1)
    required = models.BooleanField("是否必需", default=True, help_text="不勾选表示“按情形”提交。")
    condition = models.CharField(
        "适用情形", max_length=300, blank=True, help_text="按情形提交时：什么情况下需要。"
    )
    when = models.JSONField(
        "情形条件",
        default=list,
        blank=True,
        help_text="按情形提交时：由情形问题的回答决定是否需要（见 procedures.flows）。",
    )
    note = models.CharField("备注", max_length=300, blank=True, help_text="来源、样表等。")

    class Meta(VersionPart.Meta):
        verbose_name = verbose_name_plural = "申请材料"
        constraints = [
            models.CheckConstraint(condition=Q(copies__gte=1), name="material_copies_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def requirement_label(self) -> str:
        """必需 or 按情形: the one wording of pages, handouts, checklists and diffs."""
        return "必需" if self.required else "按情形"

    def requirement(self) -> str:
        """The requirement with its condition: 必需, or 按情形：委托他人代办的."""
        if self.required:
            return self.requirement_label()
        if not self.condition and self.when:
            from procedures.flows import needed_when  # flows reads the models' format module

            return f"{self.requirement_label()}：{needed_when(self.when)}"
        return f"{self.requirement_label()}：{self.condition or '视情况提供'}"


class FAQ(VersionPart):
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="faqs", verbose_name="版本"
    )
    question = models.CharField("问题", max_length=300)
    answer = models.TextField("回答", help_text="支持 Markdown。")

    class Meta(VersionPart.Meta):
        verbose_name = verbose_name_plural = "常见问题"

    def __str__(self) -> str:
        return self.question


class Question(VersionPart):
    """A plain-language question about the resident's case (情形问题), with its options.

    Conditions name a question by its `label` and an option by its text, so that the library
    format reads as words; the URL carries their pinyin (`procedures.flows.param_name`).
    """

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="questions", verbose_name="版本"
    )
    label = models.CharField(
        "简称", max_length=20, help_text="两三个字，条件和告知单里用它，例如“户籍”“代办”。"
    )
    text = models.CharField("问法", max_length=200, help_text="工作人员照着问居民的话。")
    options = models.JSONField(
        "选项", default=list, help_text="每行一个选项，写成能单独读懂的短语，例如“外地户籍”。"
    )
    help = models.CharField("提示", max_length=300, blank=True, help_text="怎么判断，可不填。")

    class Meta(VersionPart.Meta):
        verbose_name = verbose_name_plural = "情形问题"

    def __str__(self) -> str:
        return self.label


class Member(VersionPart):
    """A procedure of a family (one variant) or of a bundle (one step of 一件事), in order."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="members", verbose_name="版本"
    )
    identity_fields = ("target_id",)
    target = models.ForeignKey(
        Procedure,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name="事项",
    )
    when = models.JSONField(
        "情形条件", default=list, blank=True, help_text="不设条件：任何情形都办（都适用）。"
    )
    note = models.CharField(
        "说明",
        max_length=300,
        blank=True,
        help_text="何时办、为什么，例如“面积 500 ㎡ 以下不需要办理”。",
    )

    class Meta(VersionPart.Meta):
        verbose_name = verbose_name_plural = "包含的事项"

    def __str__(self) -> str:
        return str(self.target)


class FlowCase(VersionPart):
    """An editor's test case: these answers must give this variant and exactly these materials."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="cases", verbose_name="版本"
    )
    name = models.CharField("用例名称", max_length=100)
    answers = models.JSONField(
        "回答", default=list, blank=True, help_text="[{question: 简称, option: 选项}, …]"
    )
    variant = models.CharField(
        "应指向的事项",
        max_length=100,
        blank=True,
        help_text="同类事项引导：应选中的事项（网址标识）。",
    )
    materials = models.JSONField(
        "应提交的材料", default=list, blank=True, help_text="这个情形下需要提交的全部材料名称。"
    )

    class Meta(VersionPart.Meta):
        verbose_name = verbose_name_plural = "测试用例"

    def __str__(self) -> str:
        return self.name


def field_label(model: type[models.Model] | models.Model, name: str) -> str:
    """A field's name as pages, handouts, checklists and diffs show it: its verbose_name."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):  # a reverse relation or a generic key has none
        raise TypeError(f"{name} is not a field of {model._meta.label} with a verbose_name")
    return str(field.verbose_name)


# Content a version carries: the fields compared, copied into drafts, imported and exported.
VERSION_CONTENT_FIELDS = (
    "title",
    "summary",
    "audience",
    "conditions",
    "department",
    "location",
    "hours",
    "phone",
    "time_limit",
    "fee",
    "basis",
    "staff_notes",
)
MATERIAL_FIELDS = ("name", "form", "copies", "required", "condition", "when", "note")
STEP_FIELDS = ("title", "body", "staff_note")
FAQ_FIELDS = ("question", "answer")
QUESTION_FIELDS = ("label", "text", "options", "help")
MEMBER_FIELDS = ("when", "note")
CASE_FIELDS = ("name", "answers", "variant", "materials")
# Each kind of part: the version's related name for it, its model, and its content fields.
PARTS: tuple[tuple[str, type[VersionPart], tuple[str, ...]], ...] = (
    ("materials", Material, MATERIAL_FIELDS),
    ("steps", Step, STEP_FIELDS),
    ("faqs", FAQ, FAQ_FIELDS),
    ("questions", Question, QUESTION_FIELDS),
    ("members", Member, MEMBER_FIELDS),
    ("cases", FlowCase, CASE_FIELDS),
)


class ReviewRules(models.Model):
    """How this hall reviews drafts before they are published; one row, edited in the admin."""

    allow_self_approval = models.BooleanField(
        "允许发布自己编写的草稿",
        default=False,
        help_text="只有一位管理员的服务中心才需要打开。关闭时（默认），草稿必须由编写人以外、"
        "有“审核发布”权限的同事发布。",
    )

    class Meta:
        verbose_name = verbose_name_plural = "审核规则"

    def __str__(self) -> str:
        return "审核规则"

    @classmethod
    def load(cls) -> "ReviewRules":
        return cls.objects.order_by("pk").first() or cls(pk=1)  # read only, like HallSettings


class AuditEvent(models.Model):
    """Who did what to which procedure, and when. Written by `procedures.publishing` only."""

    class Action(models.TextChoices):
        CREATED = "created", "新建事项"
        DRAFT_CREATED = "draft_created", "新建草稿"
        DRAFT_SAVED = "draft_saved", "保存草稿"
        PUBLISHED = "published", "发布"
        DISCARDED = "discarded", "丢弃草稿"
        WITHDRAWN = "withdrawn", "撤回待施行版本"
        SUBMITTED = "submitted", "提交审核"
        RETURNED = "returned", "退回修改"
        DETAILS_CHANGED = "details_changed", "修改条线/编码/别名"
        RETIRED = "retired", "停办"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="audit_events", verbose_name="事项"
    )
    version_label = models.CharField("版本", max_length=250, blank=True)
    # The draft or version acted on, while it exists (a discarded draft leaves only its label).
    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name="版本记录",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    detail = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "操作记录"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.version_label}"
