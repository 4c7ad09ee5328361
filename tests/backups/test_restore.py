"""Restoring a backup: the database and media files replaced, or nothing changed at all."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from backups.archive import BackupError, create_backup, restore_backup
from procedures.models import Procedure, ProcedureVersion, Step
from procedures.roles import EDITORS
from search.models import SearchEntry
from tests.backups.contents import media_sizes, snapshot
from tests.backups.tampering import with_data
from tests.factories import make_published, make_user

pytestmark = pytest.mark.django_db


def test_a_restore_after_a_wipe_brings_back_everything(
    library, tmp_path, django_capture_on_commit_callbacks, forget_content_type_ids
):
    before = snapshot(library)
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    # Settle the foreign key checks the fixture left pending: PostgreSQL's flush needs that.
    connection.check_constraints()
    call_command("flush", interactive=False)
    files = media_sizes(library)
    for name in files:
        (library / name).unlink()
    assert not Group.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        summary = restore_backup(archive, replace=False)

    assert snapshot(library) == before
    assert summary.counts["procedures.procedureversion"] == 9
    assert summary.media_files == len(files) == 3  # the image and two forms' files
    assert media_sizes(library) == files


def test_replacing_drops_what_was_added_after_the_backup(
    archive, library, django_capture_on_commit_callbacks
):
    before = snapshot(library)
    make_published("新增的事项")
    make_user("newcomer", EDITORS)
    (library / "markdownx" / "later.png").write_bytes(b"later")

    with django_capture_on_commit_callbacks(execute=True):
        restore_backup(archive, replace=True)

    assert snapshot(library) == before


def test_it_refuses_to_replace_existing_content_unless_told_to(archive, library):
    before = snapshot(library)
    with pytest.raises(BackupError, match="已有内容.*--yes"):
        restore_backup(archive, replace=False)
    assert snapshot(library) == before


def titles_found(client, query: str) -> list[str]:
    response = client.get(reverse("search:api"), {"q": query})
    return [result["title"] for result in response.json()["results"]]


def test_search_finds_what_was_restored_and_nothing_added_since(archive, library, client):
    index = list(SearchEntry.objects.order_by("pk").values())
    make_published("新增的事项")
    assert titles_found(client, "新增的事项") == ["新增的事项"]

    restore_backup(archive, replace=True)

    # The index is rebuilt from the restored library, so it is the one that library had.
    assert list(SearchEntry.objects.order_by("pk").values()) == index
    assert titles_found(client, "准生证") == ["生育服务手册"]
    assert titles_found(client, "新增的事项") == []


def test_published_versions_stay_immutable_after_a_restore(archive, library):
    restore_backup(archive, replace=True)
    version = Procedure.objects.get(slug__startswith="sheng").latest_version
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedureVersion.objects.filter(pk=version.pk).update(title="改过的名称")
    with pytest.raises(IntegrityError), transaction.atomic():
        Step.objects.bulk_create([Step(version=version, title="多出来的步骤")])


def test_rows_that_do_not_fit_are_rolled_back_with_the_triggers_in_place(archive, library):
    def point_a_step_nowhere(rows: list[dict]) -> list[dict]:
        next(row for row in rows if row["model"] == "procedures.step")["fields"]["version"] = 999
        return rows

    broken = with_data(archive, point_a_step_nowhere)
    before = snapshot(library)

    with pytest.raises(BackupError, match="载入备份数据时出错，已全部撤销"):
        restore_backup(broken, replace=True)

    assert snapshot(library) == before
    version = ProcedureVersion.objects.on_record().first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedureVersion.objects.filter(pk=version.pk).update(title="改过的名称")


def test_the_commands_back_up_and_restore(library, tmp_path, django_capture_on_commit_callbacks):
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "事项 5，版本 9" in out.getvalue()

    with pytest.raises(CommandError, match="请加 --yes。\n本次没有恢复任何内容"):
        call_command("restore", str(archive))

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("restore", str(archive), "--yes", stdout=out)
    assert "事项 5，版本 9" in out.getvalue()


def test_a_restore_puts_back_the_triggers_of_the_latest_migration_that_defines_them():
    from pathlib import Path

    from backups import database

    folder = Path(database.__file__).parents[1] / "procedures" / "migrations"
    defining = sorted(
        path.stem for path in folder.glob("0*.py") if "def create_triggers" in path.read_text()
    )
    assert database.TRIGGERS.__name__ == f"procedures.migrations.{defining[-1]}"
