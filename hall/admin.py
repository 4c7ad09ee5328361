from django.contrib import admin
from django.http import HttpRequest

from hall.models import HallSettings


@admin.register(HallSettings)
class HallSettingsAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "phone"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # The one row, by those who may add it (superusers): never a second.
        return super().has_add_permission(request) and not HallSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: HallSettings | None = None) -> bool:
        return False
