from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = "办事指南"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from procedures import kept_permissions

        kept_permissions.connect()
