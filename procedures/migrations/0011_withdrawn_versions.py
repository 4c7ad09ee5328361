"""Withdrawn versions: a scheduled version taken back before its date, with who, when and why.

The immutability triggers are made anew (0003's, as the database had them, come off first):
besides publishing's `published` → `superseded`, they now let a published version become
`withdrawn`, changing nothing but its status and the withdrawal's own columns. Restores use
the definitions here (see backups/database.py).
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


PREVIOUS = importlib.import_module("procedures.migrations.0003_immutability_triggers")
VERSION_COLUMNS = PREVIOUS.VERSION_COLUMNS
PART_TABLES = PREVIOUS.PART_TABLES
MESSAGE = PREVIOUS.MESSAGE
WITHDRAWAL_COLUMNS = ("withdrawn_at", "withdrawn_by_id", "withdrawn_reason")
LEAVING_RECORD = "OLD.status = 'published' AND NEW.status IN ('superseded', 'withdrawn')"


def _sqlite_sql() -> tuple[list[str], list[str]]:
    create, drop = PREVIOUS._sqlite_sql()
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in VERSION_COLUMNS)
    create[0] = f"""CREATE TRIGGER procedures_version_immutable
        BEFORE UPDATE ON procedures_procedureversion
        WHEN OLD.status <> 'draft' AND NOT ({LEAVING_RECORD} AND {same})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    return create, drop


def _postgresql_sql() -> tuple[list[str], list[str]]:
    create, drop = PREVIOUS._postgresql_sql()
    ignored = " - ".join(f"'{c}'" for c in ("status", *WITHDRAWAL_COLUMNS))
    create[0] = f"""CREATE OR REPLACE FUNCTION procedures_version_immutable() RETURNS trigger AS $$
        BEGIN
            IF OLD.status <> 'draft' AND NOT (
                {LEAVING_RECORD}
                AND (to_jsonb(NEW) - {ignored}) = (to_jsonb(OLD) - {ignored})) THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql"""
    return create, drop


def _statements(schema_editor) -> tuple[list[str], list[str]]:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        return _sqlite_sql()
    if vendor == "postgresql":
        return _postgresql_sql()
    return [], []


def create_triggers(apps, schema_editor):
    for statement in _statements(schema_editor)[0]:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    for statement in _statements(schema_editor)[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('procedures', '0010_material_kind_required'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(PREVIOUS.drop_triggers, PREVIOUS.create_triggers),
        migrations.RemoveConstraint(
            model_name='procedureversion',
            name='version_state_consistent',
        ),
        migrations.AddField(
            model_name='procedureversion',
            name='withdrawn_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='撤回时间'),
        ),
        migrations.AddField(
            model_name='procedureversion',
            name='withdrawn_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='撤回人'),
        ),
        migrations.AddField(
            model_name='procedureversion',
            name='withdrawn_reason',
            field=models.CharField(blank=True, editable=False, max_length=300, verbose_name='撤回原因'),
        ),
        migrations.AlterField(
            model_name='procedureversion',
            name='status',
            field=models.CharField(choices=[('draft', '草稿'), ('published', '已发布'), ('superseded', '已废止'), ('withdrawn', '已撤回')], default='draft', editable=False, max_length=12, verbose_name='状态'),
        ),
        migrations.AddConstraint(
            model_name='procedureversion',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('number__isnull', True), ('published_at__isnull', True), ('status', 'draft')), models.Q(('status__in', ['published', 'superseded', 'withdrawn']), ('number__isnull', False), ('published_at__isnull', False), ('effective_from__isnull', False), models.Q(('change_summary', ''), _negated=True)), _connector='OR'), name='version_state_consistent'),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
