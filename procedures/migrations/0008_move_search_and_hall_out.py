"""Search and hall models move to their own apps; login failures go to django-axes.

The tables stay where they are here (only Django's idea of the models changes); the `search`
and `hall` apps take them over in their first migrations, then rename them. The old
LoginFailure rows are dropped: they only counted for 15 minutes.
"""

from django.db import migrations

MOVED = ("synonym", "searchmiss", "searchentry", "hallsettings", "dailyviews")


def forget_login_failures(apps, schema_editor):
    # Its permissions go with it (cascade); admin log entries keep their text.
    apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label="procedures", model="loginfailure"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0007_login_failures"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="dailyviews", name="procedure"),
                migrations.RemoveField(model_name="searchentry", name="procedure"),
                migrations.RemoveField(model_name="searchentry", name="version"),
                migrations.DeleteModel(name="HallSettings"),
                migrations.DeleteModel(name="SearchMiss"),
                migrations.DeleteModel(name="Synonym"),
                migrations.DeleteModel(name="DailyViews"),
                migrations.DeleteModel(name="SearchEntry"),
            ],
        ),
        migrations.DeleteModel(name="LoginFailure"),
        migrations.RunPython(forget_login_failures, migrations.RunPython.noop),
    ]
