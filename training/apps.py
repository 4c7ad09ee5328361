from django.apps import AppConfig


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "training"
    verbose_name = "学习与培训"

    def ready(self) -> None:
        from training import receivers  # noqa: F401  (connects the receivers)
