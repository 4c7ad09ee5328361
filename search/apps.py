from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "搜索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from search import receivers  # noqa: F401  (connects to the library's signals)
