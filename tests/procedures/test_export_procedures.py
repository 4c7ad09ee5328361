import datetime
import io

import pytest
from django.core.management import call_command

from tests.factories import make_published, publish_change
from tests.procedures.test_import_procedures import LIBRARY, run_import, write

pytestmark = pytest.mark.django_db


def read_all(folder):
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())}


def export(folder):
    call_command("export_procedures", str(folder), stdout=io.StringIO())
    return read_all(folder)


# Transactional: the flush between the two imports cannot run inside a test transaction on
# PostgreSQL (TRUNCATE refuses pending deferred-constraint events).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_export_import_export_gives_identical_files(tmp_path):
    run_import(write(tmp_path / "in", "lib.yaml", LIBRARY))
    first = export(tmp_path / "first")
    call_command("flush", interactive=False)
    run_import(tmp_path / "first")
    second = export(tmp_path / "second")
    assert first == second
    assert set(first) == {"sheng-yu-fu-wu-shou-ce.yaml", "shi-ye-deng-ji.yaml"}
    assert "copies" not in first["shi-ye-deng-ji.yaml"]
    assert "staff_note: 先查婚育信息" in first["sheng-yu-fu-wu-shou-ce.yaml"]


def test_export_writes_the_version_in_force_not_a_future_one(tmp_path):
    today = datetime.date.today()
    first = make_published(effective_from=today - datetime.timedelta(days=5), fee="不收费")
    publish_change(first, effective_from=today + datetime.timedelta(days=5), fee="10 元")
    (text,) = export(tmp_path).values()
    assert "fee: 不收费" in text and "10 元" not in text


def test_drafts_and_retired_procedures_are_not_exported(tmp_path):
    run_import(write(tmp_path / "in", "lib.yaml", LIBRARY), publish=False)
    assert export(tmp_path / "out") == {}
