"""Backup and restore: every version of every procedure, the users, and the uploaded images.

A backup is one .tar.gz file holding
- `manifest.json`: format and version, when it was made, the latest applied migration of each
  app it holds rows of, rows per model, and the sha256 of `data.json` and of each media file;
- `data.json`: Django's serialization of every model of every app (the library and its
  material catalogue, search synonyms and misses, hall settings and page views, users, groups,
  the admin log) except the models `backups.database.LEFT_OUT` names, each with its reason;
- `media/`: every file under MEDIA_ROOT except stored handout PDFs (printed again on demand)
  and hidden files.

Here are the file, its checks and the media files; `backups.database` reads and replaces the
rows. Restore checks all of the file before touching anything, replaces the database content
in one transaction, and moves the files into MEDIA_ROOT only once that transaction committed.
"""

import dataclasses
import datetime
import functools
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
import zlib
from pathlib import Path, PurePosixPath
from typing import IO

import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from backups import database
from procedures.exceptions import ProcedureError
from procedures.models import Category, Procedure

FORMAT = "sopdesk-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.json"
MEDIA = "media"
# Handouts are stored under version ids, which may name other versions after a restore; they
# are printed again on demand, so a restore drops them instead.
LEFT_OUT_MEDIA = ("handouts",)
# Left out of `BackupSummary.describe()`: dozens of rows that nobody edits.
UNLISTED_MODELS = ("contenttypes.contenttype", "auth.permission")
MANIFEST_FIELDS = {
    "format": str,
    "format_version": int,
    "created_at": str,
    "migrations": dict,
    "counts": dict,
    "data_sha256": str,
    "media_sha256": dict,
}


class BackupError(ProcedureError):
    """A backup cannot be written or restored here; restoring it has changed nothing."""


@dataclasses.dataclass(frozen=True)
class BackupSummary:
    counts: dict[str, int]  # rows per model label, e.g. "procedures.procedureversion": 12
    media_files: int
    created_at: datetime.datetime

    def describe(self) -> str:
        """Rows per model in words: 业务条线 2，事项 3，版本 7，…，媒体文件 1."""
        rows = [
            f"{apps.get_model(label)._meta.verbose_name} {count}"
            for label, count in self.counts.items()
            if count and label not in UNLISTED_MODELS
        ]
        return "，".join([*rows, f"媒体文件 {self.media_files}"])


# ---------------------------------------------------------------------------- backup


def create_backup(path: str | Path) -> BackupSummary:
    """Write the database content and the media files to the archive `path` (.tar.gz)."""
    path = Path(path)
    rows, migrations = database.dump()
    data = json.dumps(rows, cls=_ExactJSONEncoder, ensure_ascii=False).encode()
    media = _media_files(Path(settings.MEDIA_ROOT))
    counts = database.counts(rows)
    created_at = timezone.now()
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": created_at.isoformat(),
        "django": django.get_version(),
        "migrations": migrations,
        "counts": counts,
        "data_sha256": hashlib.sha256(data).hexdigest(),
        "media_sha256": {name: _sha256(file) for name, file in media.items()},
    }
    _write_archive(path, manifest, data, media)
    return BackupSummary(counts=counts, media_files=len(media), created_at=created_at)


class _ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder rounds times to the millisecond; a backup keeps every microsecond."""

    def default(self, o: object) -> object:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _media_files(root: Path) -> dict[str, Path]:
    """Files under `root` by relative POSIX path, leaving out stored handouts and hidden files."""
    if not root.is_dir():
        return {}
    found = {}
    for top in sorted(root.iterdir()):
        if top.name in LEFT_OUT_MEDIA:
            continue
        for file in [top, *sorted(top.rglob("*"))] if top.is_dir() else [top]:
            relative = file.relative_to(root)
            if file.is_file() and not any(part.startswith(".") for part in relative.parts):
                found[relative.as_posix()] = file
    return found


def _write_archive(path: Path, manifest: dict, data: bytes, media: dict[str, Path]) -> None:
    """Write beside `path`, then rename: a failed backup never leaves a truncated file there."""
    try:
        # mkstemp creates the file readable by its owner only: it holds password hashes.
        handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as error:
        raise BackupError(
            f"无法在 {path.parent} 写入备份文件：{error.strerror or error}。"
        ) from None
    try:
        with os.fdopen(handle, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
            _add_bytes(tar, DATA, data)
            for name, file in media.items():
                tar.add(file, arcname=f"{MEDIA}/{name}", recursive=False)
        os.replace(partial, path)
    except OSError as error:
        raise BackupError(f"写入备份文件 {path} 失败：{error.strerror or error}。") from None
    finally:
        Path(partial).unlink(missing_ok=True)


def _add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(content))


# ---------------------------------------------------------------------------- restore


def restore_backup(path: str | Path, *, replace: bool) -> BackupSummary:
    """Replace the database content and media files with the backup at `path`.

    Raises BackupError having changed nothing: when the file is not a readable SOPDesk backup,
    was changed since it was written, comes from other migrations, or when the database holds
    content and `replace` is false.
    """
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    # Inside MEDIA_ROOT so that moving the files in is a rename on the same file system.
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=root))
    try:
        manifest, records, media = _read_archive(Path(path), staging)
        with transaction.atomic():
            _refuse_to_overwrite(replace)
            database.replace(records)
            transaction.on_commit(functools.partial(_move_media_in, staging, root))
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        ContentType.objects.clear_cache()  # it may hold ids inserted, then rolled back
        if isinstance(error, DeserializationError | DatabaseError | ValidationError):
            raise BackupError(f"载入备份数据时出错，已全部撤销：{error}") from error
        raise
    return BackupSummary(
        counts=database.counts(records),
        media_files=len(media),
        created_at=manifest["created_at"],
    )


def _read_archive(path: Path, staging: Path) -> tuple[dict, list[dict], dict[str, str]]:
    """The manifest, the rows and the media checksums; media files are copied to `staging`."""
    files: dict[str, bytes] = {}
    media: dict[str, str] = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                _read_member(tar, member, files, media, staging)
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件 {path}。") from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            f"读取备份文件 {path} 时出错（{error}）：它应是 manage.py backup 写出的 .tar.gz 文件。"
        ) from None
    manifest = _check_manifest(files.get(MANIFEST))
    if DATA not in files:
        raise BackupError(f"备份文件里缺少 {DATA}。")
    if hashlib.sha256(files[DATA]).hexdigest() != manifest["data_sha256"]:
        raise BackupError(f"{DATA} 与 {MANIFEST} 里的校验和不符：备份文件已损坏或被改动过。")
    expected = manifest["media_sha256"]
    damaged = sorted(
        name for name in expected.keys() | media.keys() if expected.get(name) != media.get(name)
    )
    if damaged:
        raise BackupError(
            f"这些媒体文件缺失、多出或与 {MANIFEST} 里的校验和不符：{'、'.join(damaged)}。"
            "备份文件已损坏或被改动过。"
        )
    _check_migrations(manifest["migrations"])
    return manifest, _records(files[DATA]), media


def _read_member(
    tar: tarfile.TarFile,
    member: tarfile.TarInfo,
    files: dict[str, bytes],
    media: dict[str, str],
    staging: Path,
) -> None:
    path = PurePosixPath(member.name)  # "./data.json" from a re-packed archive is data.json
    # Nothing hidden, and so no "..": a file can only land inside the staging directory.
    in_media = path.parts[:1] == (MEDIA,) and not any(part.startswith(".") for part in path.parts)
    name = "/".join(path.parts[1:])
    if member.isfile() and str(path) in (MANIFEST, DATA) and str(path) not in files:
        files[str(path)] = _file(tar, member).read()
    elif in_media and member.isfile() and name and name not in media:
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with _file(tar, member) as source, open(target, "xb") as copy:
            shutil.copyfileobj(source, copy)
        media[name] = _sha256(target)
    elif member.isdir() and (in_media or not path.parts):
        return  # folders ("." too, in a re-packed archive) are made as their files are copied
    else:
        raise BackupError(f"备份文件里有不该有的内容：{member.name}。")


def _file(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    """A regular member's content (extractfile gives None only for other kinds of member)."""
    content = tar.extractfile(member)
    if content is None:
        raise BackupError(f"备份文件里的 {member.name} 不是普通文件。")
    return content


def _check_manifest(content: bytes | None) -> dict:
    if content is None:
        raise BackupError(f"这不是 SOPDesk 的备份文件：里面没有 {MANIFEST}。")
    try:
        manifest = json.loads(content)
    except ValueError as error:
        raise BackupError(f"{MANIFEST} 不是有效的 JSON（{error}）。") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"这不是 SOPDesk 的备份文件：{MANIFEST} 没有写明格式 {FORMAT}。")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"备份的格式版本是 {manifest.get('format_version')}，"
            f"这个 SOPDesk 只能恢复第 {FORMAT_VERSION} 版格式的备份。"
        )
    wrong = [
        name for name, kind in MANIFEST_FIELDS.items() if not isinstance(manifest.get(name), kind)
    ]
    if wrong:
        raise BackupError(f"{MANIFEST} 缺少或写错了这些项：{'、'.join(wrong)}。")
    try:
        manifest["created_at"] = datetime.datetime.fromisoformat(manifest["created_at"])
    except ValueError:
        raise BackupError(f"{MANIFEST} 的 created_at 不是日期时间。") from None
    return manifest


def _check_migrations(recorded: dict[str, str]) -> None:
    """The rows fit this database only if both stand at the same migrations."""
    current = database.migration_state()
    differing = sorted(
        app for app in recorded.keys() | current.keys() if recorded.get(app) != current.get(app)
    )
    if not differing:
        return
    on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    lines = []
    for app in differing:
        theirs, ours = recorded.get(app), current.get(app)
        line = f"{app}：备份在 {theirs or '（无）'}，本数据库在 {ours or '（无）'}"
        if theirs and (app, theirs) not in on_disk:
            line += (
                f"。这个 SOPDesk 没有迁移 {theirs}："
                "请先升级到做备份时的版本，再运行 python manage.py migrate"
            )
        elif theirs:
            line += (
                f"。请先运行 python manage.py migrate {app} {theirs}，"
                "恢复后再运行 python manage.py migrate"
            )
        lines.append(line)
    raise BackupError("备份与本数据库的迁移状态不同，不能恢复：\n" + "\n".join(lines))


def _records(data: bytes) -> list[dict]:
    try:
        records = json.loads(data)
    except ValueError as error:
        raise BackupError(f"{DATA} 不是有效的 JSON（{error}）。") from None
    if not isinstance(records, list) or not all(isinstance(row, dict) for row in records):
        raise BackupError(f"{DATA} 应是一个对象列表。")
    # Only what a restore wipes may be loaded: nothing else is overwritten or duplicated.
    allowed = {model._meta.label_lower for model in database.saved_models()}
    foreign = sorted({str(row.get("model")) for row in records} - allowed)
    if foreign:
        raise BackupError(f"{DATA} 里有不属于备份的数据：{'、'.join(foreign)}。")
    return records


def _refuse_to_overwrite(replace: bool) -> None:
    procedures = Procedure.objects.count()
    categories = Category.objects.count()
    users = get_user_model().objects.count()
    if not replace and (procedures or categories or users):
        raise BackupError(
            f"数据库里已有内容（{procedures} 个事项、{categories} 个业务条线、{users} 个用户），"
            "恢复会删除它们，换成备份里的内容。确认要替换，请加 --yes。"
        )


def _move_media_in(staging: Path, root: Path) -> None:
    """Swap MEDIA_ROOT's files for the backup's: renames within one directory, so it is quick.

    An error here (the disk failing) propagates as it is; the database is already restored.
    """
    replaced = Path(tempfile.mkdtemp(prefix=".replaced-", dir=root))
    for entry in root.iterdir():
        if not entry.name.startswith("."):
            entry.rename(replaced / entry.name)
    for entry in staging.iterdir():
        entry.rename(root / entry.name)
    shutil.rmtree(replaced)
    staging.rmdir()


def _sha256(file: Path) -> str:
    with open(file, "rb") as content:
        return hashlib.file_digest(content, "sha256").hexdigest()
