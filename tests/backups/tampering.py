"""Copies of a backup file with one member changed, as a damaged or edited file would be."""

import hashlib
import io
import json
import tarfile
from pathlib import Path, PurePosixPath


def rewrite(archive: Path, name: str, change) -> Path:
    """A copy of `archive` with member `name`'s bytes passed through `change`."""
    copy = archive.with_name(f"changed-{PurePosixPath(name).name}-{archive.name}")
    with tarfile.open(archive, "r:gz") as source, tarfile.open(copy, "w:gz") as target:
        for member in source:
            content = source.extractfile(member).read()
            if member.name == name:
                content = change(content)
                member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    return copy


def with_manifest(archive: Path, **fields) -> Path:
    def change(content: bytes) -> bytes:
        return json.dumps({**json.loads(content), **fields}).encode()

    return rewrite(archive, "manifest.json", change)


def with_data(archive: Path, change) -> Path:
    """A copy whose data.json rows went through `change`, its checksum updated to match."""
    changed = rewrite(
        archive, "data.json", lambda data: json.dumps(change(json.loads(data))).encode()
    )
    with tarfile.open(changed, "r:gz") as tar:
        data = tar.extractfile("data.json").read()
    return with_manifest(changed, data_sha256=hashlib.sha256(data).hexdigest())


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        return json.load(tar.extractfile("manifest.json"))
