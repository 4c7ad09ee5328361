"""The backup file: what it holds, and the files a restore refuses before changing anything.

Backups made or edited elsewhere are tested in tests/security/test_hostile_archives.py.
"""

import io
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db.migrations.executor import MigrationExecutor

from backups import signing
from backups.archive import BackupError, create_backup, restore_backup
from tests.backups.contents import IMAGE, IMAGE_BYTES, media_sizes, snapshot
from tests.backups.tampering import (
    as_before_signatures,
    manifest_of,
    member_of,
    rewrite,
    with_manifest,
)

pytestmark = pytest.mark.django_db


def test_the_backup_file_is_readable_by_its_owner_only(archive):
    assert archive.stat().st_mode & 0o777 == 0o600


def test_stored_handouts_are_left_out_and_dropped_by_a_restore(
    library, tmp_path, django_capture_on_commit_callbacks
):
    media = [f"media/{name}" for name in media_sizes(library)]
    assert f"media/{IMAGE}" in media and any(name.startswith("media/forms/") for name in media)
    handout = library / "handouts" / "1-v1" / "standard-0123456789ab.pdf"
    handout.parent.mkdir(parents=True)
    handout.write_bytes(b"%PDF-1.7")
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    with tarfile.open(archive, "r:gz") as tar:
        assert tar.getnames() == ["manifest.json", "signature.json", "data.json", *media]

    with django_capture_on_commit_callbacks(execute=True):
        restore_backup(archive, replace=True)

    assert not handout.exists()
    assert sorted(path.name for path in library.iterdir()) == ["forms", "markdownx"]


def test_it_refuses_a_tampered_backup_and_changes_nothing(archive, library):
    # As many bytes as before: the checksum, not the size, tells.
    tampered = rewrite(archive, "data.json", lambda data: data.replace("生育".encode(), b"x" * 6))
    before = snapshot(library)
    with pytest.raises(BackupError, match="data.json 与 manifest.json 里的校验和不符"):
        restore_backup(tampered, replace=True)
    assert snapshot(library) == before


def test_it_refuses_a_changed_image(archive, library):
    tampered = rewrite(archive, f"media/{IMAGE}", lambda image: image[:-1] + b"!")
    with pytest.raises(BackupError, match=f"媒体文件.*{IMAGE}"):
        restore_backup(tampered, replace=True)
    assert (library / IMAGE).read_bytes() == IMAGE_BYTES


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"PK\x03\x04 a zip file, say", "读取备份文件 .* 时出错"),
        (b"", "读取备份文件 .* 时出错"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_backup(library, tmp_path, content, problem):
    path = tmp_path / "other.tar.gz"
    path.write_bytes(content)
    with pytest.raises(BackupError, match=problem):
        restore_backup(path, replace=True)


def test_it_refuses_an_archive_without_a_manifest(library, tmp_path):
    path = tmp_path / "other.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("notes.txt"), io.BytesIO())
    with pytest.raises(BackupError, match="第一项应是 manifest.json，却是 notes.txt"):
        restore_backup(path, replace=True)


def test_it_refuses_a_member_outside_media(archive, library):
    with tarfile.open(archive, "r:gz") as source:
        members = [(member, source.extractfile(member).read()) for member in source]
    escaping = archive.with_name("escaping.tar.gz")
    with tarfile.open(escaping, "w:gz") as target:
        for member, content in members:
            target.addfile(member, io.BytesIO(content))
        info = tarfile.TarInfo("media/../../evil.txt")
        target.addfile(info, io.BytesIO())
    with pytest.raises(BackupError, match="不该有的内容"):
        restore_backup(escaping, replace=True)
    assert not (library.parent.parent / "evil.txt").exists()


def test_it_refuses_another_format(archive, library):
    with pytest.raises(BackupError, match="不是 SOPDesk 的备份文件"):
        restore_backup(with_manifest(archive, format="other-app"), replace=True)
    with pytest.raises(BackupError, match="格式版本是 3"):
        restore_backup(with_manifest(archive, format_version=3), replace=True)


@pytest.mark.parametrize(
    "migration, advice",
    [
        ("0005_daily_views", "请先运行 python manage.py migrate procedures 0005_daily_views"),
        ("0099_future", "没有迁移 0099_future"),
    ],
)
def test_it_refuses_a_backup_from_other_migrations(archive, library, migration, advice):
    migrations = manifest_of(archive)["migrations"]
    other = with_manifest(archive, migrations={**migrations, "procedures": migration})
    before = snapshot(library)
    with pytest.raises(BackupError, match=f"procedures：备份在 {migration}.*{advice}"):
        restore_backup(other, replace=True)
    assert snapshot(library) == before


def test_the_manifest_records_each_member_and_is_signed(archive, library, settings):
    manifest = manifest_of(archive)
    assert manifest["format_version"] == 2
    assert manifest["data_size"] == len(member_of(archive, "data.json"))
    assert manifest["media_size"] == media_sizes(library)
    assert manifest["media_size"][IMAGE] == len(IMAGE_BYTES)
    signature = json.loads(member_of(archive, "signature.json"))
    assert signature["algorithm"] == "hmac-sha256"
    assert signature["key"] == signing.key_id(settings.SECRET_KEY)


def test_installations_sharing_a_backup_key_restore_each_others_backups(
    library, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.BACKUP_KEY = "两台机器共用的密钥"
    settings.SECRET_KEY = "第一台机器的 SECRET_KEY"
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    before = snapshot(library)

    settings.SECRET_KEY = "第二台机器的 SECRET_KEY"
    with django_capture_on_commit_callbacks(execute=True):
        summary = restore_backup(archive, replace=True)

    assert summary.unverified is None
    assert snapshot(library) == before


def test_a_backup_signed_before_the_secret_key_was_rotated_is_restored(archive, library, settings):
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "轮换后的新 SECRET_KEY"

    assert restore_backup(archive, replace=True).unverified is None


def test_a_backup_made_before_signatures_is_restored_when_accepted(
    archive, library, django_capture_on_commit_callbacks
):
    old = as_before_signatures(archive)
    with pytest.raises(BackupError, match="没有签名"):
        restore_backup(old, replace=True)
    before = snapshot(library)

    with django_capture_on_commit_callbacks(execute=True):
        summary = restore_backup(old, replace=True, accept_unsigned=True)

    assert summary.unverified.startswith("这个备份没有签名")
    assert snapshot(library) == before


def test_accepting_a_signed_backup_says_the_flag_was_not_needed(
    archive, library, django_capture_on_commit_callbacks
):
    err = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "restore", str(archive), "--yes", "--accept-unsigned", stdout=io.StringIO(), stderr=err
        )
    assert "签名核对无误，以后不必加" in err.getvalue()


@pytest.mark.django_db
def test_backing_up_an_unmigrated_database_says_to_migrate_first(tmp_path, monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    with pytest.raises(CommandError, match="请先运行 python manage.py migrate"):
        call_command("backup", str(tmp_path / "b.tar.gz"))
    assert not (tmp_path / "b.tar.gz").exists()
