from django.apps import AppConfig


class WordImportConfig(AppConfig):
    name = "word_import"
    verbose_name = "Word 导入"
    default_auto_field = "django.db.models.BigAutoField"
