"""Who attaches forms (frozen here, as migrations are): editors and 审核发布, as they edit."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGERS = ("编辑", "审核发布")
CODENAMES = ["add_formattachment", "view_formattachment"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("blank_forms")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="blank_forms", codename__in=CODENAMES
    )
    for name in MANAGERS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=MANAGERS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="blank_forms", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("blank_forms", "0001_initial"),
        ("procedures", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
