from django.apps import AppConfig


class UpkeepConfig(AppConfig):
    name = "upkeep"
    verbose_name = "报错与复核"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from upkeep import receivers  # noqa: F401  (a published fix closes its reports)
