from django.apps import AppConfig


class BlankFormsConfig(AppConfig):
    name = "blank_forms"
    verbose_name = "空白表格与示例样表"
    default_auto_field = "django.db.models.BigAutoField"
