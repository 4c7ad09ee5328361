"""An import writes in short batches: writers get the lock between them, and a stop half-way
keeps what was written and can be run again (issue 11, finding 3)."""

import sqlite3
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from procedures import library, publishing
from procedures.exceptions import DraftExists, ImportFormatError, ImportStopped
from procedures.models import Procedure, ProcedureVersion

pytestmark = pytest.mark.django_db

SLUGS = ["ban-li-yi", "ban-li-er", "ban-li-san", "ban-li-si"]


def write_library(folder, copies=1):
    text = "".join(
        f"- slug: {slug}\n  title: 事项{n}\n  category: 综合\n"
        f"  materials:\n    - {{name: 居民身份证, copies: {copies}}}\n"
        for n, slug in enumerate(SLUGS, start=1)
    )
    path = folder / "lib.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def numbers():
    return {
        p.slug: p.latest_version.number if p.latest_version else None
        for p in Procedure.objects.select_related("latest_version")
    }


@pytest.fixture
def one_procedure_a_batch(monkeypatch):
    monkeypatch.setattr(library, "BATCH_SECONDS", 0)
    monkeypatch.setattr(library, "SQLITE_PAUSE_SECONDS", 0)


def test_a_stop_half_way_keeps_the_batches_before_it_and_a_second_run_finishes(
    tmp_path, one_procedure_a_batch
):
    path = write_library(tmp_path)
    library.import_library([path], publish=True)
    write_library(tmp_path, copies=2)
    editor_opens_a_draft = {}

    def progress(done, total):  # after the first batch, an editor opens the third's draft
        if done == 1:
            third = Procedure.objects.get(slug=SLUGS[2])
            editor_opens_a_draft["draft"] = publishing.create_draft(third, by=None)

    with pytest.raises(ImportStopped) as stopped:
        library.import_library([path], publish=True, progress=progress)
    assert stopped.value.imported == 2 and SLUGS[2] in stopped.value.record
    assert numbers() == {SLUGS[0]: 2, SLUGS[1]: 2, SLUGS[2]: 1, SLUGS[3]: 1}

    publishing.discard_draft(editor_opens_a_draft["draft"], by=None)
    again = library.import_library([path], publish=True)
    assert again.unchanged == SLUGS[:2] and again.new_versions == SLUGS[2:]
    assert set(numbers().values()) == {2}


def test_the_command_says_what_was_imported_before_it_stopped(
    tmp_path, one_procedure_a_batch, monkeypatch
):
    path = write_library(tmp_path)
    create = publishing.create_procedure

    def refuse_the_third(**kwargs):
        if kwargs["slug"] == SLUGS[2]:
            raise DraftExists("“事项3”已有一份草稿，请继续编辑或先丢弃它。")
        return create(**kwargs)

    monkeypatch.setattr(publishing, "create_procedure", refuse_the_third)
    with pytest.raises(CommandError) as error:
        call_command("import_procedures", str(path), publish=True)
    message = str(error.value)
    assert "导入在事项“事项3”(ban-li-san)处停止" in message
    assert "它之前的 2 个事项已经导入" in message and "已有一份草稿" in message
    assert sorted(numbers()) == sorted(SLUGS[:2])


def test_an_import_of_drafts_stopped_half_way_runs_again_over_its_own_drafts(
    tmp_path, one_procedure_a_batch, monkeypatch
):
    path = write_library(tmp_path)
    create = publishing.create_procedure
    calls = []

    def crash_at_the_third(**kwargs):
        calls.append(kwargs["slug"])
        if kwargs["slug"] == SLUGS[2] and calls.count(SLUGS[2]) == 1:
            raise DraftExists("模拟中途停止")
        return create(**kwargs)

    monkeypatch.setattr(publishing, "create_procedure", crash_at_the_third)
    with pytest.raises(ImportStopped):
        library.import_library([path], publish=False)
    again = library.import_library([path], publish=False)
    assert again.unchanged == SLUGS[:2] and again.created == SLUGS[2:]
    assert ProcedureVersion.objects.filter(status="draft").count() == 4


def test_an_open_draft_that_differs_from_the_file_is_still_refused(tmp_path):
    path = write_library(tmp_path)
    library.import_library([path], publish=False)
    write_library(tmp_path, copies=3)
    with pytest.raises(ImportFormatError) as refused:
        library.import_library([path], publish=False)
    assert refused.value.rejected == 4
    assert all("已有未发布的草稿" in problem for problem in refused.value.problems)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single write lock")
def test_a_writer_waiting_for_the_lock_gets_it_while_a_long_import_runs(tmp_path, monkeypatch):
    """Twenty procedures of 0.1 s each: one transaction would hold the lock for 2 s."""
    monkeypatch.setattr(library, "BATCH_SECONDS", 0.3)
    path = tmp_path / "lib.yaml"
    path.write_text(
        "".join(f"- {{slug: shi-xiang-{n}, title: 事项{n}, category: 综合}}\n" for n in range(20)),
        encoding="utf-8",
    )
    create = publishing.create_procedure

    def slow_create(**kwargs):
        time.sleep(0.1)
        return create(**kwargs)

    monkeypatch.setattr(publishing, "create_procedure", slow_create)
    importing = threading.Event()
    waits, failures = [], []

    def writer():  # a staff login's session write, say: it may wait 1 s for the lock
        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=1.0)
        importing.wait()
        while importing.is_set():
            began = time.monotonic()
            try:
                other.execute("BEGIN IMMEDIATE")
                other.rollback()
                waits.append(time.monotonic() - began)
            except sqlite3.OperationalError as error:
                failures.append(str(error))
            time.sleep(0.05)
        other.close()

    thread = threading.Thread(target=writer)
    thread.start()
    importing.set()
    try:
        summary = library.import_library([path], publish=True)
    finally:
        importing.clear()
        thread.join()
    assert len(summary.created) == 20
    assert failures == [] and len(waits) >= 10
