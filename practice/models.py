"""The question bank (题库) and each clerk's practice: questions, cards, answers.

Generated questions are written by `practice.question_bank` only, from the version in force of
a public procedure; a clerk's card is written by `practice.scheduling` only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from procedures.models import Category, Procedure, ProcedureVersion

LETTERS = "ABCDEF"


class QuestionQuerySet(models.QuerySet["Question"]):
    def live(self) -> "QuestionQuerySet":
        return self.filter(retired_at__isnull=True)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "单选"
        MULTIPLE = "multiple", "多选"
        JUDGE = "judge", "判断"

    kind = models.CharField("题型", max_length=10, choices=Kind.choices)
    stem = models.TextField("题干")
    options = models.JSONField("选项", help_text="按 A、B、C… 的顺序；判断题为“正确”“错误”。")
    answer = models.CharField("答案", max_length=6, help_text="正确选项的字母，如 B 或 ACD。")
    explanation = models.TextField("解析", blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="业务条线",
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="来源事项",
    )
    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="来源版本",
    )
    source_key = models.CharField(
        "来源字段", max_length=120, blank=True, help_text="如 material:12:form（材料 12 的形式）。"
    )
    # The fact the question asks about, as the version said it: a change of it is a change of
    # the answer, which a substantive version retires and an editorial one updates in place.
    source_value = models.TextField("来源内容", blank=True)
    generated = models.BooleanField("自动生成", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="出题人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "题目"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "source_key"],
                condition=Q(generated=True, retired_at__isnull=True),
                name="one_live_question_per_source_field",
            ),
            models.CheckConstraint(
                condition=Q(generated=False) | Q(procedure__isnull=False, version__isnull=False),
                name="generated_question_has_a_source",
            ),
            models.CheckConstraint(condition=~Q(stem=""), name="question_stem_not_empty"),
            models.CheckConstraint(condition=~Q(answer=""), name="question_answer_not_empty"),
        ]

    def __str__(self) -> str:
        return f"【{self.get_kind_display()}】{self.stem[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("practice:question_edit", args=[self.pk])

    def lettered_options(self) -> list[tuple[str, str]]:
        return list(zip(LETTERS, self.options, strict=False))

    def answer_text(self) -> str:
        """The right option(s) as a clerk reads them: “B. 原件及复印件”."""
        return "；".join(
            f"{letter}. {text}" for letter, text in self.lettered_options() if letter in self.answer
        )


class Card(models.Model):
    """One clerk's memory of one question: FSRS's card, and when it is due again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practice_cards",
        verbose_name="练习人",
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="cards", verbose_name="题目"
    )
    state = models.JSONField("记忆状态", help_text="fsrs.Card.to_dict()。")
    due = models.DateTimeField("下次复习", db_index=True)
    reps = models.PositiveIntegerField("作答次数", default=0)
    lapses = models.PositiveIntegerField("答错次数", default=0)
    created_at = models.DateTimeField("首次练习", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "练习卡片"
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="one_card_per_clerk"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.question}"


class Answer(models.Model):
    """One answer a clerk gave: what they chose and whether it was right (the trainer's stats)."""

    class Rating(models.IntegerChoices):  # fsrs.Rating's values
        AGAIN = 1, "答错"
        HARD = 2, "困难"
        GOOD = 3, "一般"
        EASY = 4, "简单"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practice_answers",
        verbose_name="练习人",
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name="题目"
    )
    chosen = models.CharField("所选", max_length=6)
    correct = models.BooleanField("答对")
    rating = models.PositiveSmallIntegerField("评分", choices=Rating.choices)
    answered_at = models.DateTimeField("作答时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "作答记录"
        ordering = ["-answered_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.question} · {'对' if self.correct else '错'}"

    def get_absolute_url(self) -> str:
        return reverse("practice:result", args=[self.pk])


class BankSource(models.Model):
    """Which version of a procedure its generated questions were last built from.

    A scheduled version takes effect without a signal: a procedure whose version in force is not
    this one is regenerated before questions are served.
    """

    procedure = models.OneToOneField(
        Procedure, on_delete=models.CASCADE, related_name="+", verbose_name="事项"
    )
    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="出题版本",
    )
    refreshed_at = models.DateTimeField("生成时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "题库来源"

    def __str__(self) -> str:
        return f"{self.procedure}：{self.version or '无施行版本'}"
