"""The search tables editors keep: synonyms, and the queries that found nothing."""

from django.contrib import admin
from django.http import HttpRequest

from search.models import SearchMiss, Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Words residents use for what the guides call otherwise; search treats a group alike."""

    list_display = ["words", "note", "updated_at"]
    search_fields = ["words", "note"]


@admin.register(SearchMiss)
class SearchMissAdmin(admin.ModelAdmin):
    """Queries that found nothing, most frequent first: each is a missing alias or synonym."""

    list_display = ["query", "count", "last_seen", "first_seen"]
    search_fields = ["query"]
    ordering = ["-count", "-last_seen"]
    readonly_fields = ["query", "count", "first_seen", "last_seen"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SearchMiss | None = None) -> bool:
        return False
