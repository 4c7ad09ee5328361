"""Custom reading paths are edited here by trainers: a name, and procedures in their order."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from training.models import Assignment, PathItem, ReadingPath, ReadReceipt


class PathItemInline(admin.TabularInline):
    model = PathItem
    extra = 3
    autocomplete_fields = ["procedure"]
    fields = ["position", "procedure"]


@admin.register(ReadingPath)
class ReadingPathAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "created_at"]
    fields = ["name", "description"]
    inlines = [PathItemInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReadingPath]:
        # 条线 paths follow their category: nothing to edit here.
        return super().get_queryset(request).filter(category__isnull=True)

    def save_model(self, request: HttpRequest, obj: ReadingPath, form: Any, change: bool) -> None:
        if not change and request.user.is_authenticated:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "path", "due_date", "assigned_by"]
    list_filter = ["path"]
    autocomplete_fields = ["user"]
    fields = ["user", "path", "due_date"]


@admin.register(ReadReceipt)
class ReadReceiptAdmin(admin.ModelAdmin):
    """A record of who read what: never edited, only looked up."""

    list_display = ["user", "version", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["user__username", "version__title"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
