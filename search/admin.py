"""The search tables editors keep: synonyms, the referral list, and the unanswered queries."""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from search.forms import ReferralForm
from search.models import Referral, SearchMiss, Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Words residents use for what the guides call otherwise; search treats a group alike."""

    list_display = ["words", "note", "updated_at"]
    search_fields = ["words", "note"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """What the hall does not handle and where to go: shown when a search names it."""

    form = ReferralForm
    list_display = ["title", "keyword_list", "where", "phone", "hours", "updated_at"]
    search_fields = ["title", "keywords", "where", "address"]

    @admin.display(description="关键词")
    def keyword_list(self, referral: Referral) -> str:
        return "、".join(referral.keywords)


@admin.register(SearchMiss)
class SearchMissAdmin(admin.ModelAdmin):
    """Queries search could not answer, most frequent first: each is a missing alias, synonym
    or referral (结果: 未找到, 仅弱匹配, 转介)."""

    list_display = ["query", "kind", "count", "last_seen", "first_seen", "teach_link"]
    list_filter = ["kind"]
    search_fields = ["query"]
    ordering = ["-count", "-last_seen"]
    readonly_fields = ["query", "kind", "count", "first_seen", "last_seen"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SearchMiss | None = None) -> bool:
        return False

    @admin.display(description="处理")
    def teach_link(self, miss: SearchMiss) -> str:
        return format_html('<a href="{}">教搜索</a>', reverse("search:miss", args=[miss.pk]))
