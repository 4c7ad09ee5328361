"""Backups made or edited by someone else: refused before anything is read further, written to
disk or replaced (security review, issue 11, findings 5 and 6).

Without this installation's key nobody can sign a backup: an edited one is refused even with its
checksums recomputed, and one from elsewhere is restored only when the operator says so. Rows
are validated by their models before anything is replaced. Sizes are checked against the
manifest and the limits from the tar headers, before a member is read.
"""

import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from backups.archive import BackupError, create_backup, restore_backup
from procedures.models import Procedure
from tests.backups.contents import IMAGE, build_library, snapshot
from tests.backups.tampering import (
    as_before_signatures,
    rewrite,
    unsigned,
    with_data,
)

pytestmark = pytest.mark.django_db
GB = 1024**3


@pytest.fixture
def library(settings) -> Path:
    build_library(Path(settings.MEDIA_ROOT))
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def archive(library, tmp_path) -> Path:
    path = tmp_path / "backup.tar.gz"
    create_backup(path)
    return path


def claiming(archive: Path, name: str, size: int) -> Path:
    """A copy of `archive` that stops at member `name`, whose header claims `size` bytes: what
    comes before it is intact, and reading on would find the file ends there."""
    copy = archive.with_name(f"claiming-{size}-{archive.name}")
    raw = io.BytesIO()
    with tarfile.open(archive, "r:gz") as source, tarfile.open(fileobj=raw, mode="w") as target:
        for member in source:
            if member.name == name:
                break
            target.addfile(member, source.extractfile(member))
        before = target.offset  # what follows are the blocks that end an archive
    member.size = size
    header = member.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
    copy.write_bytes(gzip.compress(raw.getvalue()[:before] + header))
    return copy


def with_member(archive: Path, name: str, content: bytes) -> Path:
    copy = archive.with_name(f"extra-{archive.name}")
    with tarfile.open(archive, "r:gz") as source, tarfile.open(copy, "w:gz") as target:
        for member in source:
            target.addfile(member, source.extractfile(member))
        info = tarfile.TarInfo(name)
        info.size = len(content)
        target.addfile(info, io.BytesIO(content))
    return copy


def files_under(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*"))


# ---------------------------------------------------------------------------- authenticity


def test_a_backup_edited_without_the_key_is_refused_though_its_checksums_match(archive, library):
    def take_over(rows: list[dict]) -> list[dict]:
        published = next(
            row["fields"]
            for row in rows
            if row["model"] == "procedures.procedureversion"
            and row["fields"]["status"] == "published"
        )
        published["title"] = "改写过的已发布版本"
        intruder = next(row for row in rows if row["model"] == "auth.user")
        intruder = {**intruder, "pk": 999, "fields": {**intruder["fields"], "username": "x"}}
        intruder["fields"].update(is_superuser=True, is_staff=True, groups=[])
        return [*rows, intruder]

    edited = with_data(archive, take_over, resign=False)
    before = snapshot(library)

    with pytest.raises(CommandError, match="manifest.json 与签名不符：备份文件在写出后被改动过"):
        call_command("restore", str(edited), "--yes")

    assert snapshot(library) == before


def test_a_backup_signed_with_another_key_is_refused(library, tmp_path, settings):
    settings.BACKUP_KEY = "另一台机器的密钥"
    foreign = tmp_path / "foreign.tar.gz"
    create_backup(foreign)
    settings.BACKUP_KEY = ""

    with pytest.raises(BackupError, match="另一个密钥签名.*设置相同的 BACKUP_KEY"):
        restore_backup(foreign, replace=True)


@pytest.mark.parametrize(
    "strip, problem",
    [
        (unsigned, "这个备份没有签名"),
        (lambda path: rewrite(path, "signature.json", lambda _: b"[1]"), "签名.*无法识别"),
    ],
)
def test_an_unsigned_backup_is_refused_unless_the_operator_accepts_it(
    archive, library, strip, problem
):
    stripped = strip(archive)
    before = snapshot(library)

    with pytest.raises(CommandError, match=f"{problem}.*\n.*加 --accept-unsigned 恢复它"):
        call_command("restore", str(stripped), "--yes")

    assert snapshot(library) == before


def test_accepting_an_unsigned_backup_is_warned_about(
    archive, library, django_capture_on_commit_callbacks
):
    before = snapshot(library)
    out, err = io.StringIO(), io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "restore", str(unsigned(archive)), "--yes", "--accept-unsigned", stdout=out, stderr=err
        )

    assert err.getvalue().startswith("警告：这个备份没有签名")
    assert "事项 5，版本 9" in out.getvalue()
    assert snapshot(library) == before


# ---------------------------------------------------------------------------- validation


def test_rows_their_models_refuse_are_listed_and_nothing_is_replaced(archive, library):
    """Even in a backup signed with this installation's key."""
    procedure = Procedure.objects.first()

    def craft(rows: list[dict]) -> list[dict]:
        for row in rows:
            if row["model"] == "procedures.procedure" and row["pk"] == procedure.pk:
                row["fields"]["slug"] = "../../../../X"
            if row["model"] == "hall.hallsettings":
                row["fields"]["name"] = "长" * 500
        return rows

    crafted = with_data(archive, craft)
    before = snapshot(library)

    with pytest.raises(BackupError) as refused:
        restore_backup(crafted, replace=True)

    lines = str(refused.value).splitlines()
    assert lines[0] == "data.json 里有 2 处数据不符合要求："
    assert lines[1].startswith(f"procedures.procedure pk={procedure.pk} slug：")
    assert lines[2].startswith("hall.hallsettings pk=1 name：")
    assert snapshot(library) == before


def test_a_row_naming_a_field_its_model_lacks_is_refused(archive, library):
    def craft(rows: list[dict]) -> list[dict]:
        next(row for row in rows if row["model"] == "search.synonym")["fields"]["owner"] = 1
        return rows

    with pytest.raises(BackupError, match=r"search.synonym pk=\d+ owner：没有这个字段"):
        restore_backup(with_data(archive, craft), replace=True)


# ---------------------------------------------------------------------------- sizes


def test_a_member_larger_than_its_manifest_says_is_refused_before_it_is_read(archive, library):
    # The signed manifest is the real one; data.json's header claims 1.5 GB, and the file ends
    # right after it: reading it would fail otherwise.
    huge = claiming(archive, "data.json", 3 * GB // 2)
    before = snapshot(library)
    files = files_under(library)

    with pytest.raises(BackupError, match="data.json 有 1610612736 字节，manifest.json 里记的是"):
        restore_backup(huge, replace=True)

    assert snapshot(library) == before
    assert files_under(library) == files and IMAGE in files


@pytest.mark.parametrize("name", ["data.json", f"media/{IMAGE}"])
def test_a_member_over_the_limit_is_refused_before_it_is_read(archive, library, name):
    # Made before signatures, so no size is recorded: only its header says how large it is.
    huge = claiming(as_before_signatures(archive), name, 2 * GB)
    files = files_under(library)

    with pytest.raises(BackupError, match=f"{name} 有 2,048.0 MB，超过每个文件 256 MB 的上限"):
        restore_backup(huge, replace=True, accept_unsigned=True)

    assert files_under(library) == files and IMAGE in files


@pytest.mark.parametrize(
    "made", [lambda path: path, as_before_signatures], ids=["signed", "before signatures"]
)
@pytest.mark.parametrize(
    "limits, refusal",
    [
        ({"BACKUP_MAX_MEMBER_MB": 1}, "超过每个文件 1 MB 的上限（设置 BACKUP_MAX_MEMBER_MB）"),
        ({"BACKUP_MAX_TOTAL_MB": 1}, "超过 1 MB 的上限（设置 BACKUP_MAX_TOTAL_MB）"),
    ],
)
def test_the_limits_are_settings(library, tmp_path, settings, made, limits, refusal):
    (library / "markdownx" / "scan.png").write_bytes(bytes(1024 * 1024 + 1))
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    for name, value in limits.items():
        setattr(settings, name, value)

    with pytest.raises(BackupError, match=refusal):
        restore_backup(made(archive), replace=True, accept_unsigned=True)


def test_a_member_the_manifest_does_not_list_is_refused_before_it_is_written(archive, library):
    extra = with_member(archive, "media/markdownx/extra.png", b"\x89PNG extra")
    files = files_under(library)

    with pytest.raises(BackupError, match="不该有的内容：media/markdownx/extra.png"):
        restore_backup(extra, replace=True)

    assert files_under(library) == files and "markdownx/extra.png" not in files


def test_a_header_larger_than_any_backup_writes_is_refused_before_it_is_read(library, tmp_path):
    path = tmp_path / "pax.tar.gz"
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("manifest.json")
        info.pax_headers = {"comment": "注" * 1_000_000}  # 3 MB, read whole by tarfile
        content = json.dumps({"format": "sopdesk-backup"}).encode()
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))

    with pytest.raises(BackupError, match="超过 64 KB 的 tar 头"):
        restore_backup(path, replace=True)
