from django.contrib import admin

from upkeep.models import CategoryUpkeep, Report


@admin.register(CategoryUpkeep)
class CategoryUpkeepAdmin(admin.ModelAdmin):
    list_display = ["category", "owner", "backup", "interval_days"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read only: reports are filed and closed on their pages, where the rules are kept."""

    list_display = ["procedure", "where", "cause", "status", "due_on", "reporter", "created_at"]
    list_filter = ["status", "cause", "procedure__category"]
    search_fields = ["description", "case_number", "part_label"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
