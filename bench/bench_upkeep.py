"""Print what the 报错与复核 queue, the home page's count and the monthly report cost at a
hall's scale; never asserts.

Run from the project root:  .venv/bin/python bench/bench_upkeep.py [--procedures 2000]
It writes N public procedures in 20 条线 into a throwaway SQLite database, all owned by one
editor (backup: a publisher), with a report on every 10th procedure (a third of them overdue),
three 没帮到 on every 25th, a 复核 record on every 7th and 30 days of page views, then times,
with the queries each makes: the owner's queue, everyone's queue (审核发布), the home page's
count first and when kept, the staff panel's standing first and when kept, and the month's
report.
"""

import argparse
import datetime
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
WORK_DIR = Path(tempfile.mkdtemp(prefix="bench-upkeep-"))
os.environ["SOPDESK_VAR_DIR"] = str(WORK_DIR)
os.environ["MEDIA_ROOT"] = str(WORK_DIR / "media")
os.environ["DJANGO_SETTINGS_MODULE"] = "sopdesk.settings"
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from hall.models import DailyViews  # noqa: E402
from procedures.models import Category, Procedure, ProcedureVersion  # noqa: E402
from procedures.roles import EDITORS, PUBLISHERS  # noqa: E402
from upkeep import monthly, queue  # noqa: E402
from upkeep.models import CategoryUpkeep, PageFeedback, Report, ReviewCheck  # noqa: E402
from upkeep.ownership import kept_standing  # noqa: E402

LINES = 20


def build(count: int) -> tuple[User, User, list[Procedure]]:
    editor = User.objects.create_user("editor", password="x")
    editor.groups.add(Group.objects.get(name=EDITORS))
    publisher = User.objects.create_user("publisher", password="x")
    publisher.groups.add(Group.objects.get(name=PUBLISHERS))
    categories = Category.objects.bulk_create(
        Category(name=f"条线{n}", slug=f"line-{n}", position=n) for n in range(LINES)
    )
    CategoryUpkeep.objects.bulk_create(
        CategoryUpkeep(category=c, owner=editor, backup=publisher) for c in categories
    )
    procedures = Procedure.objects.bulk_create(
        Procedure(slug=f"p{n:05d}", category=categories[n % LINES], position=n)
        for n in range(count)
    )
    versions = ProcedureVersion.objects.bulk_create(
        ProcedureVersion(procedure=p, title=f"事项{n}") for n, p in enumerate(procedures)
    )
    for procedure, version in zip(procedures, versions, strict=True):
        procedure.latest_version = version
    Procedure.objects.bulk_update(procedures, ["latest_version"])
    long_ago = timezone.now() - datetime.timedelta(days=400)
    ProcedureVersion.objects.filter(pk__in=[v.pk for v in versions]).update(
        number=1,
        status=ProcedureVersion.Status.PUBLISHED,
        change_kind=ProcedureVersion.ChangeKind.SUBSTANTIVE,
        effective_from=datetime.date(2024, 1, 1),
        published_at=long_ago,
        change_summary="首次发布",
    )
    today = timezone.localdate()
    now = timezone.now()
    Report.objects.bulk_create(
        Report(
            procedure=p,
            version=v,
            cause=Report.Cause.OUTDATED,
            description="电话已换号",
            reporter=publisher,
            created_at=now,
            due_on=today + datetime.timedelta(days=-3 if n % 30 == 0 else 5),
        )
        for n, (p, v) in enumerate(zip(procedures, versions, strict=True))
        if n % 10 == 0
    )
    PageFeedback.objects.bulk_create(
        PageFeedback(procedure=p, version=v, helpful=False, reason="differs")
        for n, (p, v) in enumerate(zip(procedures, versions, strict=True))
        if n % 25 == 0
        for _ in range(3)
    )
    ReviewCheck.objects.bulk_create(
        ReviewCheck(procedure=p, version=v, by=editor)
        for n, (p, v) in enumerate(zip(procedures, versions, strict=True))
        if n % 7 == 0
    )
    DailyViews.objects.bulk_create(
        DailyViews(procedure=p, day=today - datetime.timedelta(days=d), count=1 + n % 9)
        for n, p in enumerate(procedures)
        for d in range(0, 30, 3)
    )
    return editor, publisher, procedures


def timed(label: str, function, *args) -> object:
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        result = function(*args)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{label:<42} {wall * 1000:8.1f} ms wall {cpu * 1000:8.1f} ms CPU {len(queries):4} queries"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=2000)
    count = parser.parse_args().procedures
    try:
        call_command("migrate", verbosity=0)
        editor, publisher, procedures = build(count)
        print(f"{count} procedures in {LINES} 条线, one owner; upkeep code from {ROOT / 'upkeep'}")
        mine = timed("queue of the owner", lambda: queue.build(editor, everyone=False))
        print(
            "  entries: "
            + ", ".join(
                f"{kind} {len(mine.of_kind(kind))}" for kind in ("report", "review", "feedback")
            )
        )
        timed("queue of everyone (审核发布)", lambda: queue.build(publisher, everyone=True))
        timed("home page count, first", queue.waiting_for, editor)
        timed("home page count, kept", queue.waiting_for, editor)
        timed("staff panel standing, first", kept_standing, procedures[5])
        timed("staff panel standing, kept", kept_standing, procedures[5])
        timed("monthly report", monthly.build, timezone.localdate().replace(day=1))
        if os.environ.get("PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(queue.build, editor, everyone=False)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(15)
    finally:
        shutil.rmtree(WORK_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
