from django.contrib import admin

from hall.models import HallSettings


@admin.register(HallSettings)
class HallSettingsAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "phone"]

    def has_add_permission(self, request):
        return not HallSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
