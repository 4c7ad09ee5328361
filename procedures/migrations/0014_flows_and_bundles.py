"""Questions about the resident's case (情形问题), conditions on materials, families and bundles.

New parts of a version (questions, members, test cases) are guarded by the same triggers as
steps, materials and FAQs; editors get the same permissions on them.
"""

import importlib

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# The immutability triggers as 0011 defined them, plus the same guard on the new part tables.
TRIGGERS = importlib.import_module("procedures.migrations.0011_withdrawn_versions")
NEW_PART_TABLES = ("procedures_question", "procedures_member", "procedures_flowcase")
NEW_PARTS = ("question", "member", "flowcase")
EDITING_GROUPS = ("编辑", "审核发布")


def _new_part_sql(vendor: str) -> tuple[list[str], list[str]]:
    create: list[str] = []
    drop: list[str] = []
    on_record = (
        "(SELECT status FROM procedures_procedureversion WHERE id = {}.version_id) <> 'draft'"
    )
    for table in NEW_PART_TABLES:
        if vendor == "sqlite":
            create.append(
                f"""CREATE TRIGGER {table}_immutable_update BEFORE UPDATE ON {table}
                WHEN {on_record.format("OLD")} OR {on_record.format("NEW")}
                BEGIN SELECT RAISE(ABORT, '{TRIGGERS.MESSAGE}'); END"""
            )
            create.append(
                f"""CREATE TRIGGER {table}_immutable_insert BEFORE INSERT ON {table}
                WHEN {on_record.format("NEW")}
                BEGIN SELECT RAISE(ABORT, '{TRIGGERS.MESSAGE}'); END"""
            )
            drop += [
                f"DROP TRIGGER IF EXISTS {table}_immutable_update",
                f"DROP TRIGGER IF EXISTS {table}_immutable_insert",
            ]
        elif vendor == "postgresql":
            create.append(
                f"""CREATE TRIGGER {table}_immutable BEFORE INSERT OR UPDATE ON {table}
                FOR EACH ROW EXECUTE FUNCTION procedures_part_immutable()"""
            )
            drop.append(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
    return create, drop


def create_new_part_triggers(apps, schema_editor):
    for statement in _new_part_sql(schema_editor.connection.vendor)[0]:
        schema_editor.execute(statement)


def drop_new_part_triggers(apps, schema_editor):
    for statement in _new_part_sql(schema_editor.connection.vendor)[1]:
        schema_editor.execute(statement)


def create_triggers(apps, schema_editor):
    """Every immutability trigger as of this migration (a restore drops and remakes them)."""
    TRIGGERS.create_triggers(apps, schema_editor)
    create_new_part_triggers(apps, schema_editor)


def drop_triggers(apps, schema_editor):
    drop_new_part_triggers(apps, schema_editor)
    TRIGGERS.drop_triggers(apps, schema_editor)


def grant_part_permissions(apps, schema_editor):
    app_config = apps.get_app_config("procedures")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{verb}_{part}" for part in NEW_PARTS for verb in ("view", "add", "change", "delete")
    ]
    for group in Group.objects.filter(name__in=EDITING_GROUPS):
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="procedures", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0013_change_kind"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(TRIGGERS.drop_triggers, TRIGGERS.create_triggers),
        migrations.AddField(
            model_name="material",
            name="when",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="按情形提交时：由情形问题的回答决定是否需要（见 procedures.flows）。",
                verbose_name="情形条件",
            ),
        ),
        migrations.AddField(
            model_name="procedure",
            name="kind",
            field=models.CharField(
                choices=[("item", "事项"), ("family", "同类事项引导"), ("bundle", "一件事")],
                default="item",
                help_text="事项：有自己的材料和步骤。同类事项引导：按情形指向其中一个事项（新办/补办/换领）。一件事：按顺序办理的几个事项，合并成一份材料清单。",
                max_length=10,
                verbose_name="类型",
            ),
        ),
        migrations.CreateModel(
            name="FlowCase",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField(default=0, verbose_name="顺序")),
                ("name", models.CharField(max_length=100, verbose_name="用例名称")),
                (
                    "answers",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="[{question: 简称, option: 选项}, …]",
                        verbose_name="回答",
                    ),
                ),
                (
                    "variant",
                    models.CharField(
                        blank=True,
                        help_text="同类事项引导：应选中的事项（网址标识）。",
                        max_length=100,
                        verbose_name="应指向的事项",
                    ),
                ),
                (
                    "materials",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="这个情形下需要提交的全部材料名称。",
                        verbose_name="应提交的材料",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cases",
                        to="procedures.procedureversion",
                        verbose_name="版本",
                    ),
                ),
            ],
            options={
                "verbose_name": "测试用例",
                "verbose_name_plural": "测试用例",
                "ordering": ["position", "pk"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Member",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField(default=0, verbose_name="顺序")),
                (
                    "when",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="不设条件：任何情形都办（都适用）。",
                        verbose_name="情形条件",
                    ),
                ),
                (
                    "note",
                    models.CharField(
                        blank=True,
                        help_text="何时办、为什么，例如“面积 500 ㎡ 以下不需要办理”。",
                        max_length=300,
                        verbose_name="说明",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="memberships",
                        to="procedures.procedure",
                        verbose_name="事项",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="procedures.procedureversion",
                        verbose_name="版本",
                    ),
                ),
            ],
            options={
                "verbose_name": "包含的事项",
                "verbose_name_plural": "包含的事项",
                "ordering": ["position", "pk"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Question",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField(default=0, verbose_name="顺序")),
                (
                    "label",
                    models.CharField(
                        help_text="两三个字，条件和告知单里用它，例如“户籍”“代办”。",
                        max_length=20,
                        verbose_name="简称",
                    ),
                ),
                (
                    "text",
                    models.CharField(
                        help_text="工作人员照着问居民的话。", max_length=200, verbose_name="问法"
                    ),
                ),
                (
                    "options",
                    models.JSONField(
                        default=list,
                        help_text="每行一个选项，写成能单独读懂的短语，例如“外地户籍”。",
                        verbose_name="选项",
                    ),
                ),
                (
                    "help",
                    models.CharField(
                        blank=True,
                        help_text="怎么判断，可不填。",
                        max_length=300,
                        verbose_name="提示",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="questions",
                        to="procedures.procedureversion",
                        verbose_name="版本",
                    ),
                ),
            ],
            options={
                "verbose_name": "情形问题",
                "verbose_name_plural": "情形问题",
                "ordering": ["position", "pk"],
                "abstract": False,
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(grant_part_permissions, migrations.RunPython.noop),
    ]
