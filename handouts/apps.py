from django.apps import AppConfig


class HandoutsConfig(AppConfig):
    name = "handouts"
    verbose_name = "一次性告知单"

    def ready(self) -> None:
        from handouts import checks  # noqa: F401  (registers the startup checks)
