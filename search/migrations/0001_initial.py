"""Search's models, taken over from the procedures app: same tables, same rows.

The tables were made by procedures migrations 0004–0006; here only Django's state
changes, and the content types (with their permissions and admin log) follow the models.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

MODELS = ("searchmiss", "synonym", "searchentry")


def move_content_types(apps, schema_editor):
    apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label="procedures", model__in=MODELS
    ).update(app_label="search")


def move_content_types_back(apps, schema_editor):
    apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label="search", model__in=MODELS
    ).update(app_label="procedures")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("procedures", "0008_move_search_and_hall_out"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchMiss",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "query",
                            models.CharField(max_length=100, unique=True, verbose_name="搜索词"),
                        ),
                        ("count", models.PositiveIntegerField(default=0, verbose_name="次数")),
                        (
                            "first_seen",
                            models.DateTimeField(auto_now_add=True, verbose_name="首次"),
                        ),
                        (
                            "last_seen",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="最近"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "未找到的搜索",
                        "verbose_name_plural": "未找到的搜索",
                        "db_table": "procedures_searchmiss",
                        "ordering": ["-count", "-last_seen"],
                    },
                ),
                migrations.CreateModel(
                    name="Synonym",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "words",
                            models.CharField(
                                help_text="两个或更多的词，用空格、逗号或顿号分开，如：退伍 退役 复员。",
                                max_length=200,
                                unique=True,
                                verbose_name="同义词",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="修改时间"),
                        ),
                    ],
                    options={
                        "verbose_name": "搜索同义词",
                        "verbose_name_plural": "搜索同义词",
                        "db_table": "procedures_synonym",
                        "ordering": ["words"],
                    },
                ),
                migrations.CreateModel(
                    name="SearchEntry",
                    fields=[
                        (
                            "version",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="+",
                                serialize=False,
                                to="procedures.procedureversion",
                            ),
                        ),
                        ("valid_from", models.DateField(verbose_name="生效日")),
                        (
                            "valid_until",
                            models.DateField(
                                help_text="下一版施行之日；空表示仍施行。",
                                null=True,
                                verbose_name="失效日",
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="事项名称")),
                        (
                            "head",
                            models.TextField(
                                help_text="折叠后：第一行名称，其后每行一个俗称。",
                                verbose_name="名称与俗称",
                            ),
                        ),
                        ("head_pinyin", models.TextField(blank=True, verbose_name="名称拼音")),
                        ("head_initials", models.TextField(blank=True, verbose_name="名称首字母")),
                        ("materials", models.TextField(blank=True, verbose_name="材料")),
                        ("materials_pinyin", models.TextField(blank=True, verbose_name="材料拼音")),
                        ("body", models.TextField(blank=True, verbose_name="正文")),
                        ("internal", models.TextField(blank=True, verbose_name="内部备注")),
                        (
                            "snippets",
                            models.JSONField(blank=True, default=list, verbose_name="摘要来源"),
                        ),
                        (
                            "internal_snippets",
                            models.JSONField(blank=True, default=list, verbose_name="内部摘要来源"),
                        ),
                        (
                            "procedure",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="procedures.procedure",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "搜索索引",
                        "verbose_name_plural": "搜索索引",
                        "db_table": "procedures_searchentry",
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
