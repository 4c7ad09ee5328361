from django.contrib import admin

from practice.models import Question


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "category", "procedure", "generated", "retired_at"]
    list_filter = ["kind", "generated", "category"]
    search_fields = ["stem", "explanation", "source_key"]
    raw_id_fields = ["procedure", "version", "created_by"]
    readonly_fields = ["generated", "source_key", "source_value", "created_at", "updated_at"]
