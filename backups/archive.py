"""Backup and restore: every version of every procedure, the users, and the uploaded images.

A backup is one .tar.gz file holding, in this order,
- `manifest.json`: format and version, when it was made, the latest applied migration of each
  app it holds rows of, rows per model, and the size and sha256 of `data.json` and of each
  media file;
- `signature.json`: an HMAC of the manifest with a key of the installation (`backups.signing`);
- `data.json`: Django's serialization of every model of every app (the library and its
  material catalogue, search synonyms and misses, hall settings and page views, users, groups,
  the admin log) except the models `backups.database.LEFT_OUT` names, each with its reason;
- `media/`: every file under MEDIA_ROOT except stored handout PDFs (printed again on demand)
  and hidden files.

Here are the file, its checks and the media files; `backups.database` reads, validates and
replaces the rows. Restore checks all of the file before touching anything: the manifest and
its signature first, then each member's size (against the manifest and the limits) before
reading it, and its sha256 as it is read; then it validates every row. Only then does it
replace the database content, in one transaction, and move the files into MEDIA_ROOT once that
transaction committed.
"""

import dataclasses
import datetime
import functools
import gzip
import hashlib
import io
import itertools
import json
import os
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator
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

from backups import database, signing
from procedures.exceptions import ProcedureError
from procedures.models import Category, Procedure

FORMAT = "sopdesk-backup"
FORMAT_VERSION = 2
# Version 1, before signatures, recorded no sizes: such a backup is restored only when told to.
READABLE_VERSIONS = (1, 2)
MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
DATA = "data.json"
MEDIA = "media"
MB = 1024 * 1024
# A manifest takes some 250 bytes a media file: 32 MB is over 100,000 of them.
MANIFEST_MAX_BYTES = 32 * MB
SIGNATURE_MAX_BYTES = 4096
# Members are read, hashed and copied this much at a time.
CHUNK = MB
# tarfile reads a member's header whole (extended pax records, long names, sparse maps) before
# handing it over; none written by `create_backup` comes near this.
HEADER_MAX_BYTES = 64 * 1024
# Rows refused by validation that a refusal lists; it counts all of them.
LISTED_PROBLEMS = 20
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
SIZE_FIELDS = {"data_size": int, "media_size": dict}  # from format version 2


class BackupError(ProcedureError):
    """A backup cannot be written or restored here; restoring it has changed nothing."""


@dataclasses.dataclass(frozen=True)
class BackupSummary:
    counts: dict[str, int]  # rows per model label, e.g. "procedures.procedureversion": 12
    media_files: int
    created_at: datetime.datetime
    # Why the signature did not vouch for a backup restored all the same (`accept_unsigned`).
    unverified: str | None = None

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
        "data_size": len(data),
        "media_sha256": {name: _sha256(file) for name, file in media.items()},
        "media_size": {name: file.stat().st_size for name, file in media.items()},
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
            signed = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            _add_bytes(tar, MANIFEST, signed)
            _add_bytes(tar, SIGNATURE, signing.sign(signed))
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


def restore_backup(
    path: str | Path, *, replace: bool, accept_unsigned: bool = False
) -> BackupSummary:
    """Replace the database content and media files with the backup at `path`.

    Raises BackupError having changed nothing: when the file is not a readable SOPDesk backup,
    is not signed with this installation's key (unless `accept_unsigned`), was changed since
    it was written, is larger than the limits, holds rows its models refuse, comes from other
    migrations, or when the database holds content and `replace` is false.
    """
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    # Inside MEDIA_ROOT so that moving the files in is a rename on the same file system.
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=root))
    try:
        backup = _read_archive(Path(path), staging, accept_unsigned=accept_unsigned)
        _check_rows(backup.records)
        with transaction.atomic():
            _refuse_to_overwrite(replace)
            database.replace(backup.records)
            transaction.on_commit(functools.partial(_move_media_in, staging, root))
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        ContentType.objects.clear_cache()  # it may hold ids inserted, then rolled back
        if isinstance(error, DeserializationError | DatabaseError | ValidationError):
            raise BackupError(f"载入备份数据时出错，已全部撤销：{error}") from error
        raise
    return BackupSummary(
        counts=database.counts(backup.records),
        media_files=backup.media_files,
        created_at=backup.manifest["created_at"],
        unverified=backup.unverified,
    )


@dataclasses.dataclass(frozen=True)
class _Backup:
    manifest: dict
    records: list[dict]
    media_files: int
    unverified: str | None  # why the signature did not vouch for it, when accepted all the same


@dataclasses.dataclass(frozen=True)
class _Expected:
    """A member as the manifest records it."""

    sha256: str
    size: int | None  # recorded from format version 2


class _TarStream(gzip.GzipFile):
    """The archive's tar stream, through which tarfile reads at most HEADER_MAX_BYTES of header.

    Member contents are read in chunks, once their size was checked; but tarfile reads what
    comes before a member (extended headers, long names) whole, before its caller sees it.
    """

    header_budget: int | None = HEADER_MAX_BYTES  # None while a member's content is read

    def read(self, size: int | None = -1) -> bytes:
        if self.header_budget is not None:
            if size is None or not 0 <= size <= self.header_budget:
                raise BackupError(
                    f"备份文件里有超过 {HEADER_MAX_BYTES // 1024} KB 的 tar 头："
                    "它不是 manage.py backup 写出的文件。"
                )
            self.header_budget -= size
        return super().read(size)


def _read_archive(path: Path, staging: Path, *, accept_unsigned: bool) -> _Backup:
    """The backup at `path`, checked in this order; its media files are copied to `staging`."""
    try:
        with (
            open(path, "rb") as raw,
            _TarStream(fileobj=raw) as stream,
            tarfile.open(fileobj=stream, mode="r:") as tar,
        ):
            members = _members(tar, stream)
            content = _read_manifest(tar, next(members, None))
            manifest = _check_manifest(content)
            signature, members = _read_signature(tar, members)
            unverified = _check_signature(content, signature, accept_unsigned=accept_unsigned)
            _check_migrations(manifest["migrations"])
            expected = _expected_members(manifest)
            data = _read_members(tar, members, expected, staging)
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件 {path}。") from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            f"读取备份文件 {path} 时出错（{error}）：它应是 manage.py backup 写出的 .tar.gz 文件。"
        ) from None
    return _Backup(manifest, _records(data), len(expected) - 1, unverified)


def _members(tar: tarfile.TarFile, stream: _TarStream) -> Iterator[tarfile.TarInfo]:
    """The archive's members but its folders, which are made as their files are copied ("."
    too, in a re-packed archive, where data.json is "./data.json")."""
    while True:
        stream.header_budget = HEADER_MAX_BYTES
        member = tar.next()
        stream.header_budget = None
        if member is None:
            return
        path = PurePosixPath(member.name)
        if not (member.isdir() and (not path.parts or _in_media(path))):
            yield member


def _read_manifest(tar: tarfile.TarFile, first: tarfile.TarInfo | None) -> bytes:
    if first is None:
        raise BackupError(f"这不是 SOPDesk 的备份文件：里面没有 {MANIFEST}。")
    if _name(first) != MANIFEST:
        raise BackupError(
            f"这不是 SOPDesk 的备份文件：它的第一项应是 {MANIFEST}，却是 {first.name}。"
        )
    return _read_small(tar, first, MANIFEST_MAX_BYTES)


def _read_signature(
    tar: tarfile.TarFile, members: Iterator[tarfile.TarInfo]
) -> tuple[bytes | None, Iterator[tarfile.TarInfo]]:
    """The signature, when the member after the manifest is one, and the members after it."""
    member = next(members, None)
    if member is None or _name(member) != SIGNATURE:
        return None, itertools.chain([member] if member else [], members)
    return _read_small(tar, member, SIGNATURE_MAX_BYTES), members


def _read_small(tar: tarfile.TarFile, member: tarfile.TarInfo, limit: int) -> bytes:
    if not _plain_file(member):
        raise BackupError(f"备份文件里有不该有的内容：{member.name}。")
    if member.size > limit:
        raise BackupError(
            f"备份里的 {member.name} 有 {_megabytes(member.size)}，超过 {_megabytes(limit)}："
            "它不是 manage.py backup 写出的文件。"
        )
    return _file(tar, member).read()


def _check_signature(
    content: bytes, signature: bytes | None, *, accept_unsigned: bool
) -> str | None:
    """Why the signature does not vouch for the manifest, when the caller accepts that."""
    problem = signing.problem(content, signature)
    if problem and not accept_unsigned:
        raise BackupError(
            f"{problem}\n只有确知这个文件来自你们自己的 SOPDesk、没有被人改过，"
            "才可以加 --accept-unsigned 恢复它。"
        )
    return problem


def _expected_members(manifest: dict) -> dict[str, _Expected]:
    """The members the manifest records, by name; refused if they are larger than the limits."""
    expected = {DATA: _Expected(manifest["data_sha256"], manifest["data_size"])}
    for name, sha256 in manifest["media_sha256"].items():
        expected[f"{MEDIA}/{name}"] = _Expected(sha256, manifest["media_size"].get(name))
    total = 0
    for name, entry in expected.items():
        total += entry.size or 0
        _check_size(name, entry.size or 0, total)
    return expected


def _read_members(
    tar: tarfile.TarFile,
    members: Iterator[tarfile.TarInfo],
    expected: dict[str, _Expected],
    staging: Path,
) -> bytes:
    """The content of data.json; the media files are copied to `staging`. Each member's size is
    checked before it is read, and its sha256 as it is read."""
    data = b""
    seen: set[str] = set()
    total = 0
    for member in members:
        name = _name(member)
        if name in seen or name not in expected or not _plain_file(member):
            raise BackupError(f"备份文件里有不该有的内容：{member.name}。")
        seen.add(name)
        recorded = expected[name].size
        if recorded is not None and member.size != recorded:
            raise BackupError(
                f"备份里的 {name} 有 {member.size} 字节，{MANIFEST} 里记的是 {recorded} 字节："
                "备份文件已损坏或被改动过。"
            )
        total += member.size
        _check_size(name, member.size, total)
        if name == DATA:
            buffer = io.BytesIO()
            _copy(tar, member, buffer, expected[name].sha256)
            data = buffer.getvalue()
        else:
            target = staging / name.removeprefix(f"{MEDIA}/")
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "xb") as copy:
                _copy(tar, member, copy, expected[name].sha256)
    missing = sorted(expected.keys() - seen)
    if missing:
        raise BackupError(f"备份文件里缺少 {MANIFEST} 记下的这些文件：{'、'.join(missing)}。")
    return data


def _name(member: tarfile.TarInfo) -> str:
    return str(PurePosixPath(member.name))  # "./data.json" from a re-packed archive is data.json


def _in_media(path: PurePosixPath) -> bool:
    # Nothing hidden, and so no "..": a file can only land inside the staging directory.
    return path.parts[:1] == (MEDIA,) and not any(part.startswith(".") for part in path.parts)


def _plain_file(member: tarfile.TarInfo) -> bool:
    """A regular file, not sparse, where a member may be: its size is the bytes it holds."""
    name = PurePosixPath(member.name)
    where = str(name) in (MANIFEST, SIGNATURE, DATA) or _in_media(name)
    return member.isreg() and not member.issparse() and where


def _check_size(name: str, size: int, total: int) -> None:
    """Refuses a member larger than BACKUP_MAX_MEMBER_MB, or one that takes the backup read so
    far (`total`) over BACKUP_MAX_TOTAL_MB."""
    advice = "确是你们自己的备份，请调高这个设置再恢复。"
    if size > settings.BACKUP_MAX_MEMBER_MB * MB:
        raise BackupError(
            f"备份里的 {name} 有 {_megabytes(size)}，超过每个文件 "
            f"{settings.BACKUP_MAX_MEMBER_MB} MB 的上限（设置 BACKUP_MAX_MEMBER_MB）。{advice}"
        )
    if total > settings.BACKUP_MAX_TOTAL_MB * MB:
        raise BackupError(
            f"备份的内容超过 {settings.BACKUP_MAX_TOTAL_MB} MB 的上限（设置 BACKUP_MAX_TOTAL_MB）："
            f"到 {name} 为止已有 {_megabytes(total)}。{advice}"
        )


def _copy(tar: tarfile.TarFile, member: tarfile.TarInfo, target: IO[bytes], sha256: str) -> None:
    """Copy a member to `target` a chunk at a time, refusing it unless its sha256 is `sha256`."""
    digest = hashlib.sha256()
    with _file(tar, member) as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            target.write(chunk)
    if digest.hexdigest() != sha256:
        what = DATA if _name(member) == DATA else f"媒体文件 {_name(member)}"
        raise BackupError(f"{what} 与 {MANIFEST} 里的校验和不符：备份文件已损坏或被改动过。")


def _file(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    """A regular member's content (extractfile gives None only for other kinds of member)."""
    content = tar.extractfile(member)
    if content is None:
        raise BackupError(f"备份文件里的 {member.name} 不是普通文件。")
    return content


def _megabytes(size: int) -> str:
    return f"{size / MB:,.1f} MB"


def _check_manifest(content: bytes) -> dict:
    try:
        manifest = json.loads(content)
    except ValueError as error:
        raise BackupError(f"{MANIFEST} 不是有效的 JSON（{error}）。") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"这不是 SOPDesk 的备份文件：{MANIFEST} 没有写明格式 {FORMAT}。")
    version = manifest.get("format_version")
    if version not in READABLE_VERSIONS:
        raise BackupError(
            f"备份的格式版本是 {version}，这个 SOPDesk 只能恢复第 "
            f"{'、'.join(map(str, READABLE_VERSIONS))} 版格式的备份。"
        )
    fields = MANIFEST_FIELDS if version == 1 else {**MANIFEST_FIELDS, **SIZE_FIELDS}
    wrong = [name for name, kind in fields.items() if not isinstance(manifest.get(name), kind)]
    if not wrong and version != 1 and not _sizes_fit(manifest):
        wrong = ["data_size", "media_size"]
    if wrong:
        raise BackupError(f"{MANIFEST} 缺少或写错了这些项：{'、'.join(wrong)}。")
    if version == 1:
        manifest["data_size"], manifest["media_size"] = None, {}
    try:
        manifest["created_at"] = datetime.datetime.fromisoformat(manifest["created_at"])
    except ValueError:
        raise BackupError(f"{MANIFEST} 的 created_at 不是日期时间。") from None
    return manifest


def _sizes_fit(manifest: dict) -> bool:
    """Every file has a size, and a size is a number of bytes."""
    sizes = manifest["media_size"]
    return sizes.keys() == manifest["media_sha256"].keys() and all(
        type(size) is int and size >= 0 for size in [manifest["data_size"], *sizes.values()]
    )


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


def _check_rows(records: list[dict]) -> None:
    problems = database.invalid_rows(records)
    if not problems:
        return
    listed = problems[:LISTED_PROBLEMS]
    if len(problems) > len(listed):
        listed.append(f"……另有 {len(problems) - len(listed)} 处")
    raise BackupError(f"{DATA} 里有 {len(problems)} 处数据不符合要求：\n" + "\n".join(listed))


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
