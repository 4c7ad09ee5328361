"""Database triggers: a version on record, and its parts, cannot be changed even by raw SQL.

The only update allowed on a version on record is publishing's `published` → `superseded`.
Deletes are refused by the model and QuerySet guards (a DELETE trigger would also block the
test runner's table flush on SQLite). A migration that adds a column to ProcedureVersion must
recreate the SQLite trigger with that column.
"""

from django.db import migrations

VERSION_COLUMNS = (
    "id", "procedure_id", "number", "effective_from", "published_at", "published_by_id",
    "change_summary", "based_on_id", "created_at", "created_by_id", "updated_at", "revision",
    "title", "summary", "audience", "conditions", "department", "location", "hours", "phone",
    "time_limit", "fee", "basis", "staff_notes",
)
PART_TABLES = ("procedures_step", "procedures_material", "procedures_faq")
MESSAGE = "procedure version is on record and cannot be changed"


def _sqlite_sql() -> tuple[list[str], list[str]]:
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in VERSION_COLUMNS)
    create = [
        f"""CREATE TRIGGER procedures_version_immutable
        BEFORE UPDATE ON procedures_procedureversion
        WHEN OLD.status <> 'draft' AND NOT (
            OLD.status = 'published' AND NEW.status = 'superseded' AND {same})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    ]
    drop = ["DROP TRIGGER IF EXISTS procedures_version_immutable"]
    on_record = "(SELECT status FROM procedures_procedureversion WHERE id = {}.version_id) <> 'draft'"
    for table in PART_TABLES:
        create.append(
            f"""CREATE TRIGGER {table}_immutable_update BEFORE UPDATE ON {table}
            WHEN {on_record.format('OLD')} OR {on_record.format('NEW')}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
        )
        create.append(
            f"""CREATE TRIGGER {table}_immutable_insert BEFORE INSERT ON {table}
            WHEN {on_record.format('NEW')}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
        )
        drop += [f"DROP TRIGGER IF EXISTS {table}_immutable_update",
                 f"DROP TRIGGER IF EXISTS {table}_immutable_insert"]
    return create, drop


def _postgresql_sql() -> tuple[list[str], list[str]]:
    create = [
        f"""CREATE OR REPLACE FUNCTION procedures_version_immutable() RETURNS trigger AS $$
        BEGIN
            IF OLD.status <> 'draft' AND NOT (
                OLD.status = 'published' AND NEW.status = 'superseded'
                AND (to_jsonb(NEW) - 'status') = (to_jsonb(OLD) - 'status')) THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER procedures_version_immutable
        BEFORE UPDATE ON procedures_procedureversion
        FOR EACH ROW EXECUTE FUNCTION procedures_version_immutable()""",
        f"""CREATE OR REPLACE FUNCTION procedures_part_immutable() RETURNS trigger AS $$
        BEGIN
            IF (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM procedures_procedureversion
                    WHERE id = OLD.version_id AND status <> 'draft'))
               OR EXISTS (SELECT 1 FROM procedures_procedureversion
                    WHERE id = NEW.version_id AND status <> 'draft') THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
    ]
    drop = [
        "DROP TRIGGER IF EXISTS procedures_version_immutable ON procedures_procedureversion",
        "DROP FUNCTION IF EXISTS procedures_version_immutable()",
    ]
    for table in PART_TABLES:
        create.append(
            f"""CREATE TRIGGER {table}_immutable BEFORE INSERT OR UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION procedures_part_immutable()"""
        )
        drop.insert(0, f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
    drop.append("DROP FUNCTION IF EXISTS procedures_part_immutable()")
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
    dependencies = [("procedures", "0002_roles")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
