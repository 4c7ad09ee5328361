"""Print what refusing a hostile backup costs in memory and time; never asserts.

Run from the project root:  .venv/bin/python bench/bench_hostile_archives.py
It works in a throwaway SQLite database and media folder, so var/ is never touched. Each
archive is a gzip of a few MB that unpacks to gigabytes (security review, issue 11, finding 6):
a 1.5 GB data.json, a 2 GB media file, a 1.5 GB tar (pax) header. Each is refused in the worst case,
with --accept-unsigned given, so that only the size checks stand in the way, and once more
under a signed manifest that records the member's real size. Before the fix, the first reached
1.6 GB of memory and the second was written to disk before being refused.
Target: each refused in well under a second, with a few MB of memory at most.
"""

import hashlib
import io
import json
import os
import resource
import shutil
import sys
import tarfile
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = Path(tempfile.mkdtemp(prefix="bench-hostile-archives-"))
os.environ["SOPDESK_VAR_DIR"] = str(WORK_DIR)
os.environ["MEDIA_ROOT"] = str(WORK_DIR / "media")
os.environ["DJANGO_SETTINGS_MODULE"] = "sopdesk.settings"
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from backups import database, signing  # noqa: E402
from backups.archive import BackupError, restore_backup  # noqa: E402

MB = 1024 * 1024
GB = 1024 * MB


class Filler(io.RawIOBase):
    """`size` bytes of one byte, made as they are read: the bench never holds them either."""

    def __init__(self, size: int, byte: bytes = b" ") -> None:
        self.left = size
        self.block = byte * MB

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.left, MB)
        buffer[:count] = self.block[:count]
        self.left -= count
        return count


def manifest(*, data_size: int | None, media: dict[str, int]) -> dict:
    """A manifest as `create_backup` writes it; without sizes (format 1) when data_size is None."""
    fields = {
        "format": "sopdesk-backup",
        "format_version": 1 if data_size is None else 2,
        "created_at": timezone.now().isoformat(),
        "migrations": database.migration_state(),
        "counts": {},
        "data_sha256": hashlib.sha256(b"").hexdigest(),  # an empty data.json
        "media_sha256": dict.fromkeys(media, "0" * 64),
    }
    if data_size is not None:
        fields.update(data_size=data_size, media_size=media)
    return fields


def write(path: Path, head: dict, members: list[tuple[tarfile.TarInfo, int]], signed: bool) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        content = json.dumps(head).encode()
        for name, body in [("manifest.json", content), ("signature.json", signing.sign(content))]:
            if name == "signature.json" and not signed:
                continue
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
        for info, size in members:
            info.size = size
            tar.addfile(info, io.BufferedReader(Filler(size)))
    return path


def archives() -> dict[str, tuple[Path, bool]]:
    """Each hostile archive, and whether to restore it with accept_unsigned."""
    big_data = 3 * GB // 2
    media_name = "markdownx/huge.png"
    pax = tarfile.TarInfo("././@PaxHeader")
    pax.type = tarfile.XHDTYPE
    return {
        "1.5 GB data.json, unsigned, --accept-unsigned": (
            write(
                WORK_DIR / "data.tar.gz",
                manifest(data_size=None, media={}),
                [(tarfile.TarInfo("data.json"), big_data)],
                signed=False,
            ),
            True,
        ),
        "1.5 GB data.json, signed manifest records it": (
            write(
                WORK_DIR / "data-signed.tar.gz",
                manifest(data_size=big_data, media={}),
                [(tarfile.TarInfo("data.json"), big_data)],
                signed=True,
            ),
            False,
        ),
        "2 GB media file, unsigned, --accept-unsigned": (
            write(
                WORK_DIR / "media.tar.gz",
                manifest(data_size=None, media={media_name: 2 * GB}),
                [
                    (tarfile.TarInfo("data.json"), 0),
                    (tarfile.TarInfo(f"media/{media_name}"), 2 * GB),
                ],
                signed=False,
            ),
            True,
        ),
        "1.5 GB pax header after the manifest, unsigned, --accept-unsigned": (
            write(
                WORK_DIR / "pax.tar.gz",
                manifest(data_size=None, media={}),
                [(pax, big_data)],
                signed=False,
            ),
            True,
        ),
    }


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def main() -> None:
    call_command("migrate", verbosity=0)
    print("building the archives (streamed: a few seconds each) …", flush=True)
    built = archives()
    print(f"process high-water mark before refusing: {max_rss_mb():.0f} MB\n")
    for label, (path, accept_unsigned) in built.items():
        tracemalloc.start()
        started = time.perf_counter()
        try:
            restore_backup(path, replace=True, accept_unsigned=accept_unsigned)
            refusal = "RESTORED (it should not be)"
        except BackupError as error:
            refusal = str(error).splitlines()[0]
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        left = sorted(p.name for p in (WORK_DIR / "media").iterdir())
        print(f"{label}  (archive {path.stat().st_size / MB:.2f} MB)")
        print(f"  refused in {elapsed * 1000:.0f} ms, peak Python memory {peak / MB:.2f} MB")
        print(f"  process high-water mark {max_rss_mb():.0f} MB, left in MEDIA_ROOT: {left}")
        print(f"  {refusal}\n")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK_DIR)
