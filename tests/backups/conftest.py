from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType

from backups.archive import create_backup
from tests.backups.contents import build_library


@pytest.fixture
def library(settings) -> Path:
    """The library of `contents.build_library`; returns MEDIA_ROOT."""
    build_library(Path(settings.MEDIA_ROOT))
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def archive(library, tmp_path) -> Path:
    path = tmp_path / "backup.tar.gz"
    create_backup(path)
    return path


@pytest.fixture
def forget_content_type_ids():
    yield
    # The flush gave content types new ids, which the test's rollback takes back.
    ContentType.objects.clear_cache()
