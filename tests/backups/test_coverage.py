"""What a backup covers: every model of every app is saved or deliberately left out, every
saved model comes back from a restore as it was, a restore empties the tables of the models
left out, and the migration check covers every app whose rows a backup holds."""

import datetime
import re

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from backups.archive import BackupError, create_backup, restore_backup
from backups.database import LEFT_OUT
from tests.backups.tampering import manifest_of, with_data

pytestmark = pytest.mark.django_db
# Their ids differ from one database to another: compared by natural key.
NATURAL_KEY_MODELS = (ContentType, Permission)
# Rows the restored content makes anew: the search index (test_restore searches it).
REBUILT = ("search.searchentry",)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def holder(model) -> str:
    """The label of the model whose rows hold this one's: Django's many-to-many tables are
    serialized with the model declaring the field, proxies are rows of their concrete model."""
    if model._meta.auto_created:
        return model._meta.auto_created._meta.label_lower
    return model._meta.concrete_model._meta.label_lower


def saved_rows() -> dict[str, list[dict]]:
    """Every row of every model not left out, serialized, in an order that ids do not change."""
    rows = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in LEFT_OUT or model._meta.proxy:
            continue
        serialized = serializers.serialize(
            "python",
            model._base_manager.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=model in NATURAL_KEY_MODELS,
        )
        rows[label] = sorted((comparable(model, row) for row in serialized), key=repr)
    return rows


def comparable(model, row: dict) -> dict:
    """`row` with its many-to-many lists sorted: their order is the order links were made in."""
    fields = {
        name: sorted(value, key=repr) if model._meta.get_field(name).many_to_many else value
        for name, value in row["fields"].items()
    }
    return {**row, "fields": fields}


def test_every_model_is_in_the_backup_or_left_out_with_a_reason(archive):
    saved = set(manifest_of(archive)["counts"])
    models = {
        model._meta.label_lower: model for model in apps.get_models(include_auto_created=True)
    }
    covered = saved | set(LEFT_OUT)

    neither = sorted(label for label, model in models.items() if holder(model) not in covered)
    assert not neither, (
        f"Neither in a backup nor in backups.database.LEFT_OUT: {neither}. "
        "A restore empties their tables: save them, or leave them out with the reason why."
    )
    assert not saved & set(LEFT_OUT), "saved although left out"
    assert not saved - set(models), "a backup holds rows of models that do not exist"


def test_what_is_left_out_exists_and_says_why_in_chinese():
    labels = {model._meta.label_lower for model in apps.get_models()}
    assert sorted(set(LEFT_OUT) - labels) == [], "LEFT_OUT names models that no longer exist"
    assert [label for label, why in LEFT_OUT.items() if not CHINESE.search(why)] == []


def test_every_saved_model_comes_back_as_it_was(
    library, tmp_path, django_capture_on_commit_callbacks, forget_content_type_ids
):
    before = saved_rows()
    empty = [label for label, rows in before.items() if not rows]
    assert not empty, (
        f"tests/backups/contents.py makes no row of {empty}: add one, so that this test shows "
        "a backup brings its rows back (or leave the model out in backups.database.LEFT_OUT)."
    )
    links = [
        model._meta.label_lower
        for model in apps.get_models(include_auto_created=True)
        if model._meta.auto_created and holder(model) in before and not model.objects.exists()
    ]
    assert not links, f"tests/backups/contents.py makes no row of {links}: add one"
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    # Settle the foreign key checks the fixture left pending: PostgreSQL's flush needs that.
    connection.check_constraints()
    call_command("flush", interactive=False)
    matched = {model._meta.label_lower for model in NATURAL_KEY_MODELS}
    assert [label for label, rows in saved_rows().items() if rows and label not in matched] == []

    with django_capture_on_commit_callbacks(execute=True):
        restore_backup(archive, replace=False)

    after = saved_rows()
    for label, rows in before.items():
        assert after[label] == rows, label


# Rows of each model left out, but the rebuilt ones: a restore must leave none of them.
MAKE_LEFT_OUT_ROW = {
    "sessions.session": lambda now: Session.objects.create(
        session_key="s" * 32, session_data="", expire_date=now + datetime.timedelta(days=1)
    ),
    "axes.accessattempt": lambda now: attempt(now, "staff"),
    "axes.accessattemptexpiration": lambda now: AccessAttemptExpiration.objects.create(
        access_attempt=attempt(now, "editor"), expires_at=now + datetime.timedelta(minutes=15)
    ),
    "axes.accessfailurelog": lambda now: AccessFailureLog.objects.create(
        username="staff", ip_address="10.0.0.8", user_agent="Firefox", attempt_time=now
    ),
    "axes.accesslog": lambda now: AccessLog.objects.create(
        username="staff", ip_address="10.0.0.8", user_agent="Firefox", attempt_time=now
    ),
}


def attempt(now: datetime.datetime, username: str) -> AccessAttempt:
    return AccessAttempt.objects.create(
        username=username,
        ip_address="10.0.0.8",
        user_agent="Firefox",
        attempt_time=now,
        get_data="",
        post_data="",
        failures_since_start=3,
    )


def test_a_restore_empties_the_tables_of_models_left_out(
    library, tmp_path, django_capture_on_commit_callbacks
):
    assert set(MAKE_LEFT_OUT_ROW) == set(LEFT_OUT) - set(REBUILT), (
        "Make a row of each model in LEFT_OUT here, to show that a restore leaves none of them"
    )
    for make in MAKE_LEFT_OUT_ROW.values():
        make(timezone.now())
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)

    with django_capture_on_commit_callbacks(execute=True):
        restore_backup(archive, replace=True)

    left = [label for label in MAKE_LEFT_OUT_ROW if apps.get_model(label)._base_manager.exists()]
    assert left == []


def test_rows_of_models_left_out_are_refused(archive, library):
    session = {
        "model": "sessions.session",
        "pk": "s" * 32,
        "fields": {"session_data": "", "expire_date": "2030-01-01T00:00:00Z"},
    }
    smuggled = with_data(archive, lambda rows: [*rows, session])
    before = saved_rows()
    with pytest.raises(BackupError, match="data.json 里有不属于备份的数据：sessions.session"):
        restore_backup(smuggled, replace=True)
    assert saved_rows() == before


def test_the_migration_check_covers_every_app_whose_rows_a_backup_holds(archive):
    manifest = manifest_of(archive)
    holding_rows = {label.split(".")[0] for label in manifest["counts"]}
    assert {"procedures", "search", "hall", "auth", "contenttypes", "admin"} <= holding_rows
    applied = MigrationRecorder(connection).applied_migrations()
    latest = {app: max(name for label, name in applied if label == app) for app in holding_rows}
    assert manifest["migrations"] == latest


@pytest.mark.parametrize("app", ["search", "hall", "procedures"])
def test_a_backup_from_before_a_new_migration_of_an_app_is_refused(archive, library, app):
    made_at = manifest_of(archive)["migrations"][app]
    MigrationRecorder(connection).record_applied(app, "0099_new_field")
    before = saved_rows()

    with pytest.raises(BackupError) as refused:
        restore_backup(archive, replace=True)

    assert str(refused.value) == (
        "备份与本数据库的迁移状态不同，不能恢复：\n"
        f"{app}：备份在 {made_at}，本数据库在 0099_new_field。"
        f"请先运行 python manage.py migrate {app} {made_at}，恢复后再运行 python manage.py migrate"
    )
    assert saved_rows() == before
