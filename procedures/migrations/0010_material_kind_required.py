"""Every material row now has a kind: make it required. Editors keep the catalogue.

A separate migration from 0009, because PostgreSQL refuses to alter a table in the transaction
that just updated its rows.
"""

import importlib

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

TRIGGERS = importlib.import_module("procedures.migrations.0003_immutability_triggers")
CATALOGUE_PERMISSIONS = {
    "窗口人员": ["view_materialkind"],
    "编辑": ["view_materialkind", "add_materialkind", "change_materialkind"],
    "审核发布": ["view_materialkind", "add_materialkind", "change_materialkind"],
}


def grant_catalogue_permissions(apps, schema_editor):
    app_config = apps.get_app_config("procedures")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in CATALOGUE_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="procedures", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0009_material_kinds"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(TRIGGERS.drop_triggers, TRIGGERS.create_triggers),
        migrations.AlterField(
            model_name="material",
            name="kind",
            field=models.ForeignKey(help_text="这是哪一种材料；不选时按材料名称匹配目录，目录里没有就新建。", on_delete=django.db.models.deletion.PROTECT, related_name="materials", to="procedures.materialkind", verbose_name="材料目录"),
        ),
        migrations.AlterField(
            model_name="material",
            name="name",
            field=models.CharField(help_text="本版告知居民的写法。", max_length=200, verbose_name="材料名称"),
        ),
        migrations.AlterField(
            model_name="material",
            name="required",
            field=models.BooleanField(default=True, help_text="不勾选表示“按情形”提交。", verbose_name="是否必需"),
        ),
        migrations.RunPython(TRIGGERS.create_triggers, TRIGGERS.drop_triggers),
        migrations.RunPython(grant_catalogue_permissions, migrations.RunPython.noop),
    ]
