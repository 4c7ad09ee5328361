from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "hall"
    verbose_name = "服务中心"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hall import receivers  # noqa: F401  (counts the pages the library shows)
