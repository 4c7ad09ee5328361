"""The three groups that use SOPDesk, with their permissions (frozen here, as migrations are)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PARTS = ("step", "material", "faq")
ROLES = {
    "窗口人员": ["view_internal_notes", "view_procedure", "view_procedureversion"],
    "编辑": [
        "view_internal_notes",
        "view_category",
        "view_procedure",
        "add_procedure",
        "change_procedure",
        "view_procedureversion",
        "add_procedureversion",
        "change_procedureversion",
        *(f"{verb}_{part}" for part in PARTS for verb in ("view", "add", "change", "delete")),
    ],
}
ROLES["审核发布"] = [
    *ROLES["编辑"],
    "publish_procedureversion",
    "delete_procedureversion",
    "add_category",
    "change_category",
    "view_auditevent",
]


def create_groups(apps, schema_editor):
    app_config = apps.get_app_config("procedures")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="procedures", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
