"""The database side of a backup: which models it holds, reading their rows, replacing them.

A backup holds every model of every app except those in `LEFT_OUT`, each with its reason: a
new model is saved by default, and tests/backups/test_coverage.py fails until a backup and a
restore are shown to bring its rows back, or it is listed here. Rows are Django's
serialization; foreign keys to users, groups, content types and permissions name them by
natural key, and content types and permissions themselves too (their ids differ from one
database to another). A restore empties every table but those two, whose rows it matches, once
every row passed its model's own validation.
"""

import importlib

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from procedures import signals
from procedures.models import Procedure
from sopdesk.sessions import forget_sessions

# Their ids differ from one database to another: rows are matched by natural key instead.
NATURAL_KEY_MODELS = (ContentType, Permission)
# Models not in a backup, and why. A restore still empties their tables: nothing may be left
# pointing at users or versions that are gone.
LEFT_OUT = {
    "search.searchentry": "由发布内容推算：恢复后重建搜索索引",
    "sessions.session": "登录状态不随备份迁移：恢复后请重新登录",
    "axes.accessattempt": "登录失败记录只用于限制登录，最多保留 24 小时",
    "axes.accessattemptexpiration": "登录失败记录只用于限制登录，最多保留 24 小时",
    "axes.accessfailurelog": "登录失败记录只用于限制登录，最多保留 24 小时",
    "axes.accesslog": "不记录成功登录（AXES_DISABLE_ACCESS_LOG）",
}
# The immutability triggers as the latest migration that defines them made them.
TRIGGERS = importlib.import_module("procedures.migrations.0014_flows_and_bundles")


def saved_models() -> list[type[models.Model]]:
    """The models in a backup, ordered so that rows come after those they name by natural key.

    Many-to-many tables created by Django are saved with the model declaring the field.
    """
    own = [
        model
        for model in replaced_models()
        if not model._meta.auto_created and model._meta.label_lower not in LEFT_OUT
    ]
    return serializers.sort_dependencies([(None, [*NATURAL_KEY_MODELS, *own])], allow_cycles=True)


def replaced_models() -> list[type[models.Model]]:
    """What a restore empties: every table, but the content types and permissions it matches.

    A proxy model has no table of its own: its rows are its concrete model's.
    """
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model not in NATURAL_KEY_MODELS and not model._meta.proxy
    ]


def counts(rows: list[dict]) -> dict[str, int]:
    """Rows per saved model label, zero included, in the order they are saved."""
    found = dict.fromkeys((model._meta.label_lower for model in saved_models()), 0)
    for row in rows:
        found[row["model"]] += 1
    return found


def dump() -> tuple[list[dict], dict[str, str]]:
    """Every saved row, serialized, and the migration state, as of one instant."""
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            # Every table as of one instant, without holding editors up (must come first).
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        else:
            # Inside a caller's transaction: publishing locks a procedure's row first, so
            # holding them all keeps publishes out while the rows are read. (SQLite's
            # IMMEDIATE transaction is a snapshot by itself.)
            list(Procedure.objects.select_for_update().values_list("pk", flat=True))
        rows = []
        for model in saved_models():
            rows += serializers.serialize(
                "python",
                model._base_manager.order_by("pk"),
                use_natural_foreign_keys=True,
                use_natural_primary_keys=model in NATURAL_KEY_MODELS,
            )
        return rows, migration_state()


def migration_state() -> dict[str, str]:
    """The latest applied migration of each app whose rows a backup holds."""
    labels = {model._meta.app_label for model in saved_models()}
    latest: dict[str, str] = {}
    for app_label, name in MigrationRecorder(connection).applied_migrations():
        if app_label in labels:
            latest[app_label] = max(name, latest.get(app_label, ""))
    return dict(sorted(latest.items()))


def invalid_rows(records: list[dict]) -> list[str]:
    """What the models' own validation finds wrong in `records`: model, pk and field, one a line.

    Rows of saved models only. Nothing is looked up in the database, which holds the content
    being replaced: relations are left to it (it checks them as the rows are loaded), and so
    are unique and check constraints.
    """
    problems = []
    for row in records:
        model = apps.get_model(row["model"])
        where = f"{model._meta.label_lower} pk={row.get('pk', '（按自然键）')}"
        for name, messages in _row_errors(model, row).items():
            field = "整行" if name == NON_FIELD_ERRORS else name
            problems.append(f"{where} {field}：{'；'.join(messages)}")
    return problems


def _row_errors(model: type[models.Model], row: dict) -> dict[str, list[str]]:
    """The errors of one serialized row, by field: what `Model.full_clean()` reports."""
    fields = row.get("fields")
    if not isinstance(fields, dict):
        return {"fields": ["应是一个对象"]}
    values = {**fields, **({model._meta.pk.name: row["pk"]} if "pk" in row else {})}
    instance = model()
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
            if isinstance(field, models.Field) and not field.is_relation:
                setattr(instance, field.attname, field.to_python(value))
        except FieldDoesNotExist:
            errors[name] = ["没有这个字段"]
        except ValidationError as error:
            errors[name] = error.messages
        except (TypeError, ValueError):  # what to_python lets through, for some types
            errors[name] = [f"无法识别的值：{value!r:.50}"]
    relations = {field.name for field in model._meta.get_fields() if field.is_relation}
    try:
        instance.full_clean(
            exclude=relations | errors.keys(), validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    return errors


def replace(records: list[dict]) -> None:
    """Empty every replaced table and load `records`; call inside a transaction.

    Deserialization errors, database errors and validation errors propagate: the caller's
    transaction rolls everything back, the immutability triggers included.
    """
    # Loading looks content types up by natural key through this per-process cache, whose ids
    # may be stale: after a flush, say, in the same process.
    ContentType.objects.clear_cache()
    replaced = replaced_models()
    # Not entered as a context manager: on SQLite that switches foreign key checks off, which
    # cannot be done inside a transaction. The trigger functions only execute statements.
    editor = connection.schema_editor(atomic=False)
    # The triggers refuse inserting parts of versions on record, which loading must do; they
    # are back before this transaction ends, and a rollback brings them back too.
    TRIGGERS.drop_triggers(apps, editor)
    tables = [model._meta.db_table for model in replaced]
    # Checking settles foreign key checks still pending from earlier in an enclosing
    # transaction, which would make PostgreSQL refuse to TRUNCATE.
    connection.check_constraints(table_names=tables)
    _run(connection.ops.sql_flush(no_style(), tables))
    forget_sessions()  # the sessions table is among those emptied: nobody stays signed in
    _load(records)
    TRIGGERS.create_triggers(apps, editor)
    connection.check_constraints(table_names=tables)
    _run(connection.ops.sequence_reset_sql(no_style(), replaced))
    signals.library_replaced.send(sender=None)


def _load(records: list[dict]) -> None:
    """What loaddata does with a fixture's objects, on rows already in memory."""
    waiting = []
    for item in serializers.deserialize("python", records, handle_forward_references=True):
        item.save()  # save_base(raw=True): the model's own guards are for editing, not loading
        if item.deferred_fields:
            waiting.append(item)
    for item in waiting:
        item.save_deferred_fields()


def _run(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
