from django.apps import AppConfig


class PracticeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "practice"
    verbose_name = "题库与练习"

    def ready(self) -> None:
        from practice import receivers  # noqa: F401  (connects to the library's signals)
