"""Custom reading paths are edited here by trainers: a name, and procedures in their order."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.http import HttpRequest

from procedures.models import Procedure
from training.models import Assignment, PathItem, ReadingPath, ReadReceipt


class ProcedureChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Procedure) -> str:
        title = getattr(obj, "current_title", None) or str(obj)
        return f"{obj.category} · {title}"


class PathItemInline(admin.TabularInline):
    model = PathItem
    extra = 3
    fields = ["position", "procedure"]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        # A plain list, grouped by 条线: the admin's autocomplete would ask for rights on
        # procedures themselves, which a trainer does not have (and does not need).
        if db_field.name == "procedure":
            queryset = (
                Procedure.objects.with_current_version()
                .select_related("category")
                .order_by("category__position", "category__name", "position", "pk")
            )
            return ProcedureChoice(queryset=queryset, label="事项", **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
