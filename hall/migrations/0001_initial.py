"""The hall's models, taken over from the procedures app: same tables, same rows.

The tables were made by procedures migrations 0004–0006; here only Django's state
changes, and the content types (with their permissions and admin log) follow the models.
"""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ("hallsettings", "dailyviews")


def move_content_types(apps, schema_editor):
    apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label="procedures", model__in=MODELS
    ).update(app_label="hall")


def move_content_types_back(apps, schema_editor):
    apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label="hall", model__in=MODELS
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
                    name="HallSettings",
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
                            "name",
                            models.CharField(
                                default="幸福街道社区事务受理服务中心",
                                max_length=100,
                                verbose_name="服务中心名称",
                            ),
                        ),
                        (
                            "address",
                            models.CharField(
                                default="幸福路 88 号", max_length=200, verbose_name="地址"
                            ),
                        ),
                        (
                            "hours",
                            models.CharField(
                                default="周一至周五 9:00—17:00；周六上午 9:00—12:00",
                                max_length=200,
                                verbose_name="办公时间",
                            ),
                        ),
                        (
                            "phone",
                            models.CharField(
                                default="021-5555 0100", max_length=100, verbose_name="咨询电话"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "服务中心信息",
                        "verbose_name_plural": "服务中心信息",
                        "db_table": "procedures_hallsettings",
                    },
                ),
                migrations.CreateModel(
                    name="DailyViews",
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
                        ("day", models.DateField(verbose_name="日期")),
                        ("count", models.PositiveIntegerField(default=0, verbose_name="浏览次数")),
                        (
                            "procedure",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="daily_views",
                                to="procedures.procedure",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "浏览统计",
                        "verbose_name_plural": "浏览统计",
                        "db_table": "procedures_dailyviews",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("procedure", "day"), name="one_view_count_per_day"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
