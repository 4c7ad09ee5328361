"""The provincial guide's link of a procedure, filled by `import_catalogue` (issue 14)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0014_flows_and_bundles"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="catalogue_url",
            field=models.URLField(
                blank=True,
                help_text="官方事项目录中这个事项的办事指南页面。",
                max_length=500,
                verbose_name="省级办事指南链接",
            ),
        ),
    ]
