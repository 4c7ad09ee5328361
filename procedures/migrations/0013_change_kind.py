"""Whether a published version's change is substantive (staff re-read it) or editorial.

Versions already on record were published without the choice: they count as substantive,
what a reader who must stay current would assume.
"""

import importlib

from django.db import migrations, models

# SQLite rebuilds a table to add a constraint, dropping its triggers, and the triggers refuse
# the update of versions on record: they come off first and go back on last, as 0011 made them.
TRIGGERS = importlib.import_module("procedures.migrations.0011_withdrawn_versions")


def on_record_substantive(apps, schema_editor):
    versions = apps.get_model("procedures", "ProcedureVersion").objects
    versions.exclude(status="draft").update(change_kind="substantive")


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0012_reviews_and_batch_changes"),
    ]

    operations = [
        migrations.RunPython(TRIGGERS.drop_triggers, TRIGGERS.create_triggers),
        migrations.AddField(
            model_name="procedureversion",
            name="change_kind",
            field=models.CharField(
                blank=True,
                choices=[("substantive", "实质变更"), ("editorial", "文字修订")],
                editable=False,
                help_text="实质变更：工作人员需要重读；文字修订：已读记录仍然有效。第 1 版是实质变更。",
                max_length=12,
                verbose_name="变更性质",
            ),
        ),
        migrations.RunPython(on_record_substantive, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="procedureversion",
            constraint=models.CheckConstraint(
                condition=models.Q(("change_kind", ""), ("status", "draft"))
                | models.Q(
                    models.Q(("status", "draft"), _negated=True),
                    ("change_kind__in", ["substantive", "editorial"]),
                ),
                name="version_change_kind_on_record",
            ),
        ),
        migrations.RunPython(TRIGGERS.create_triggers, TRIGGERS.drop_triggers),
    ]
