"""Who reports and who handles (frozen here, as migrations are): every staff group may report
and read reports; 审核发布 handle every item's and read them in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTERS = ("窗口人员", "编辑", "审核发布", "培训负责人")
PUBLISHERS = "审核发布"


def grant(apps, schema_editor):
    app_config = apps.get_app_config("upkeep")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permission(codename):
        return Permission.objects.get(content_type__app_label="upkeep", codename=codename)

    for name in REPORTERS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission("add_report"))
    publishers, _ = Group.objects.get_or_create(name=PUBLISHERS)
    publishers.permissions.add(permission("handle_all"), permission("view_report"))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=REPORTERS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="upkeep",
                codename__in=["add_report", "handle_all", "view_report"],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("upkeep", "0001_initial"),
        ("procedures", "0002_roles"),
        ("training", "0002_trainers"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
