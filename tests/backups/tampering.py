"""Copies of a backup file with one member changed, as a damaged or edited file would be.

`with_manifest` and `with_data` sign the changed manifest again with this installation's key,
as a backup it made with that content would be; with `resign=False` they keep the old
signature, as whoever edits a backup without the key must.
"""

import hashlib
import io
import itertools
import json
import tarfile
from pathlib import Path, PurePosixPath

from backups import signing

COPIES = itertools.count(1)


def rewrite(archive: Path, name: str, change) -> Path:
    """A copy of `archive` with member `name`'s bytes passed through `change`; a member whose
    `change` gives None is left out."""
    copy = archive.with_name(f"{next(COPIES)}-{PurePosixPath(name).name}-{archive.name}")
    with tarfile.open(archive, "r:gz") as source, tarfile.open(copy, "w:gz") as target:
        for member in source:
            content = source.extractfile(member).read()
            if member.name == name:
                content = change(content)
                if content is None:
                    continue
                member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    return copy


def with_manifest(archive: Path, *, resign: bool = True, **fields) -> Path:
    def change(content: bytes) -> bytes:
        return json.dumps({**json.loads(content), **fields}).encode()

    changed = rewrite(archive, "manifest.json", change)
    return signed_again(changed) if resign else changed


def with_data(archive: Path, change, *, resign: bool = True) -> Path:
    """A copy whose data.json rows went through `change`, its checksum and size updated."""
    changed = rewrite(
        archive, "data.json", lambda data: json.dumps(change(json.loads(data))).encode()
    )
    data = member_of(changed, "data.json")
    return with_manifest(
        changed,
        resign=resign,
        data_sha256=hashlib.sha256(data).hexdigest(),
        data_size=len(data),
    )


def signed_again(archive: Path) -> Path:
    manifest = member_of(archive, "manifest.json")
    return rewrite(archive, "signature.json", lambda _: signing.sign(manifest))


def unsigned(archive: Path) -> Path:
    return rewrite(archive, "signature.json", lambda _: None)


def as_before_signatures(archive: Path) -> Path:
    """The backup as SOPDesk wrote it before signatures: format version 1, without sizes."""

    def change(content: bytes) -> bytes:
        manifest = json.loads(content)
        del manifest["data_size"], manifest["media_size"]
        return json.dumps({**manifest, "format_version": 1}, ensure_ascii=False).encode()

    return rewrite(unsigned(archive), "manifest.json", change)


def manifest_of(archive: Path) -> dict:
    return json.loads(member_of(archive, "manifest.json"))


def member_of(archive: Path, name: str) -> bytes:
    with tarfile.open(archive, "r:gz") as tar:
        return tar.extractfile(name).read()
