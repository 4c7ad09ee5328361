"""What search keeps beside the library: synonyms and referrals editors maintain, the queries
search could not answer, and the index."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from procedures.models import Procedure, ProcedureVersion


class Synonym(models.Model):
    """Words residents and guides use for one thing (退伍 = 退役): search treats them alike."""

    words = models.CharField(
        "同义词",
        max_length=200,
        unique=True,
        help_text="两个或更多的词，用空格、逗号或顿号分开，如：退伍 退役 复员。",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "搜索同义词"
        ordering = ["words"]

    def __str__(self) -> str:
        return self.words

    def word_list(self) -> list[str]:
        return [word for word in re.split(r"[\s,，、;；/|=]+", self.words) if word]

    def clean(self) -> None:
        if len(set(self.word_list())) < 2:
            raise ValidationError({"words": "至少填写两个不同的词。"})


class Referral(models.Model):
    """Something residents ask for that the hall does not handle, and where to go instead.

    Search shows it when a query names it (`search.referrals`): in place of results when no
    procedure answers, as a note under them when some do.
    """

    title = models.CharField(
        "事项或说法", max_length=100, unique=True, help_text="如：住房公积金提取。"
    )
    keywords = models.JSONField(
        "关键词",
        default=list,
        blank=True,
        help_text="居民的说法，搜索词含其中一个即显示本条，如：公积金、提取公积金。",
    )
    where = models.CharField("去哪里办", max_length=100, help_text="如：市住房公积金管理中心。")
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("电话", max_length=50, blank=True)
    hours = models.CharField("办公时间", max_length=100, blank=True)
    note = models.TextField("说明", max_length=500, blank=True)
    url = models.URLField("网址", blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "转介清单"
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.title} → {self.where}"

    def clean(self) -> None:
        words = self.keywords if isinstance(self.keywords, list) else None
        if words is None or not all(isinstance(word, str) for word in words):
            raise ValidationError({"keywords": "关键词应是一组词。"})


class SearchMiss(models.Model):
    """A query search could not answer: editors add an alias, a synonym or a referral.

    `kind` says how it went the last time it was asked: nothing found, only weak matches, or
    sent elsewhere by the referral list.
    """

    class Kind(models.TextChoices):
        MISS = "miss", "未找到"
        REFERRAL = "referral", "转介"
        WEAK = "weak", "仅弱匹配"

    query = models.CharField("搜索词", max_length=100, unique=True)
    kind = models.CharField("结果", max_length=10, choices=Kind.choices, default=Kind.MISS)
    count = models.PositiveIntegerField("次数", default=0)
    first_seen = models.DateTimeField("首次", auto_now_add=True)
    last_seen = models.DateTimeField("最近", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "未找到的搜索"
        ordering = ["-count", "-last_seen"]

    def __str__(self) -> str:
        return f"{self.query}（{self.count} 次）"


class SearchEntry(models.Model):
    """A version in the search index, folded for scoring; written by `search.indexing` only.

    The full-text tables beside it (SQLite FTS5, PostgreSQL tsvector) are keyed by the same
    version id. Versions in force today or later are indexed; the query keeps the one whose
    window holds today, so a version dated in the future comes into force with no job running.
    """

    version = models.OneToOneField(
        ProcedureVersion, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    valid_from = models.DateField("生效日")
    valid_until = models.DateField("失效日", null=True, help_text="下一版施行之日；空表示仍施行。")
    title = models.CharField("事项名称", max_length=200)
    head = models.TextField("名称与俗称", help_text="折叠后：第一行名称，其后每行一个俗称。")
    head_pinyin = models.TextField("名称拼音", blank=True)
    head_initials = models.TextField("名称首字母", blank=True)
    materials = models.TextField("材料", blank=True)
    materials_pinyin = models.TextField("材料拼音", blank=True)
    body = models.TextField("正文", blank=True)
    internal = models.TextField("内部备注", blank=True)
    # The text as written, piece by piece (alias, material, step, FAQ…), to cut snippets from.
    snippets = models.JSONField("摘要来源", default=list, blank=True)
    internal_snippets = models.JSONField("内部摘要来源", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "搜索索引"

    def __str__(self) -> str:
        return self.title
