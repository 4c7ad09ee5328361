"""The group 培训负责人 (frozen here, as migrations are), and a reading path for every 条线."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRAINERS = "培训负责人"
MODELS = ("readingpath", "pathitem", "assignment")
TRAINING = [
    "manage_training",
    *(f"{verb}_{model}" for model in MODELS for verb in ("view", "add", "change", "delete")),
    "view_readreceipt",
]


def create_group(apps, schema_editor):
    for label in ("procedures", "training"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=TRAINERS)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="training", codename__in=TRAINING)
        # Trainers teach what the window says, internal notes included.
        | Permission.objects.filter(
            content_type__app_label="procedures", codename="view_internal_notes"
        )
    )
    ReadingPath = apps.get_model("training", "ReadingPath")
    for category in apps.get_model("procedures", "Category").objects.all():
        ReadingPath.objects.get_or_create(category=category)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=TRAINERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("procedures", "0013_change_kind"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
