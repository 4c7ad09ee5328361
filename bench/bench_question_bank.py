"""Print what regenerating the question bank costs after an import batch; never asserts.

Run from the project root:  .venv/bin/python bench/bench_question_bank.py [--procedures 1000]
It writes one 条线 of N public procedures (four materials and three steps each, one alias) into
a throwaway SQLite database, builds the bank once (`refresh_all`), then times
`question_bank.refresh_changed` — what `procedures_changed` runs inside each import batch's
transaction — for batches of 1, 20 and 100 procedures of that 条线, with the queries it makes.
It then times the `refresh_stale` that the next practice page runs (the rest of the 条线 was
marked stale). The batch figures should not grow with --procedures.
"""

import argparse
import datetime
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

# absolute(), not resolve(): a tree of symlinks with another practice/ benchmarks that one.
ROOT = Path(__file__).absolute().parent.parent
WORK_DIR = Path(tempfile.mkdtemp(prefix="bench-question-bank-"))
os.environ["SOPDESK_VAR_DIR"] = str(WORK_DIR)
os.environ["MEDIA_ROOT"] = str(WORK_DIR / "media")
os.environ["DJANGO_SETTINGS_MODULE"] = "sopdesk.settings"
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from practice import question_bank  # noqa: E402
from practice.models import Question  # noqa: E402
from procedures.models import (  # noqa: E402
    Category,
    Material,
    MaterialKind,
    Procedure,
    ProcedureVersion,
    Step,
)

MATERIALS = [f"证明材料{n}" for n in range(60)]
FORMS = ["original", "copy", "original_and_copy", "electronic"]
STEPS = ["提交申请", "窗口受理", "审核", "核实", "公示", "发证", "归档"]


def build(count: int) -> list[int]:
    category = Category.objects.create(name="社会保障", slug="she-hui-bao-zhang")
    kinds = MaterialKind.objects.bulk_create(MaterialKind(name=name) for name in MATERIALS)
    procedures = Procedure.objects.bulk_create(
        Procedure(slug=f"p{n:05d}", category=category, position=n, aliases=[f"俗称{n}"])
        for n in range(count)
    )
    # Drafts first: the database refuses parts added to a version on record.
    versions = ProcedureVersion.objects.bulk_create(
        ProcedureVersion(procedure=procedure, title=f"事项{n}")
        for n, procedure in enumerate(procedures)
    )
    for procedure, version in zip(procedures, versions, strict=True):
        procedure.latest_version = version
    Procedure.objects.bulk_update(procedures, ["latest_version"])
    Material.objects.bulk_create(
        Material(
            version=version,
            position=i,
            kind=kinds[(n * 7 + i * 13) % len(kinds)],
            name=kinds[(n * 7 + i * 13) % len(kinds)].name,
            form=FORMS[(n + i) % 4],
            copies=1 + (n + i) % 3,
            required=i < 3,
            condition="" if i < 3 else "委托他人代办的",
        )
        for n, version in enumerate(versions)
        for i in range(4)
    )
    Step.objects.bulk_create(
        Step(version=version, position=i, title=STEPS[(n + i) % len(STEPS)])
        for n, version in enumerate(versions)
        for i in range(3)
    )
    ProcedureVersion.objects.filter(pk__in=[version.pk for version in versions]).update(
        number=1,
        status=ProcedureVersion.Status.PUBLISHED,
        change_kind=ProcedureVersion.ChangeKind.SUBSTANTIVE,
        effective_from=datetime.date(2024, 1, 1),
        published_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        change_summary="首次发布",
    )
    return [procedure.pk for procedure in procedures]


def timed(function, *args):
    connection.queries_log.clear()  # a full log (9,000 queries) would count none
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        result = function(*args)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return result, wall, cpu, len(queries)


def changed(ids: list[int]) -> None:
    with transaction.atomic():  # as inside an import batch
        question_bank.refresh_changed(ids)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=1000)
    count = parser.parse_args().procedures
    try:
        call_command("migrate", verbosity=0)
        ids = build(count)
        _, wall, cpu, queries = timed(question_bank.refresh_all)
        print(f"{count} procedures in one 条线, practice code from {ROOT / 'practice'}")
        print(
            f"refresh_all: {wall:.2f} s wall, {cpu:.2f} s CPU, {queries} queries, "
            f"{Question.objects.count()} questions"
        )
        for size in (1, 20, 100):
            middle = len(ids) // 2
            batch = ids[middle : middle + size]
            _, wall, cpu, queries = timed(changed, batch)
            print(
                f"refresh_changed, batch of {size:3}: {wall * 1000:8.1f} ms wall, "
                f"{cpu * 1000:8.1f} ms CPU, {queries:4} queries"
            )
        stale, wall, cpu, queries = timed(question_bank.refresh_stale)
        print(
            f"refresh_stale afterwards ({len(stale)} procedures): {wall:.2f} s wall, "
            f"{cpu:.2f} s CPU, {queries} queries"
        )
    finally:
        shutil.rmtree(WORK_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
