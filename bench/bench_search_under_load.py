"""Search over a large library while the pages are under load (issue 15): ms per query.

Run from the project root, on the library `bench_search.py --keep` leaves behind:
    .venv/bin/python bench/bench_search.py --procedures 20000 --keep
    .venv/bin/python bench/bench_search_under_load.py /tmp/bench-search-XXXXXXXX [--users 8]
Serves a copy of that database with gunicorn (2 workers, DEBUG off), then sends bench_search's
queries one after another through /api/search, as the live search does: first with nothing
else running, then while locust asks for procedure pages, a resident's and a clerk's, over
--users connections (bench/locust_pages.py, on --sample procedures asked for once before, as a
hall's pages are stored). Prints wall-time p50 / p95 / p99 per query for both and the pages'
requests/s. Never asserts. Goal on the 2-core machine: p95 ≤ 20 ms under load.
"""

import argparse
import csv
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote
from urllib.request import Request, urlopen

from bench_pages import LOCUSTFILE, ROOT, served

ALL_USERS = "ensure_demo_users"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path, help="the folder bench_search.py --keep printed")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--users", type=int, default=8, help="connections loading the pages")
    parser.add_argument("--sample", type=int, default=300, help="procedures the load asks for")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the server is stopped
    items = bench_queries(options.queries, options.library)
    work = Path(tempfile.mkdtemp(prefix="bench-search-load-"))
    try:
        shutil.copy(options.library / "sopdesk.sqlite3", work / "sopdesk.sqlite3")
        setup = ("migrate --noinput", ALL_USERS, "collectstatic --noinput")
        with served(options, work, None, setup, warm_pages=False) as (url, env):
            env["PAGE_SAMPLE"] = str(options.sample)
            warm(url, env)
            timed(url, items[:20])  # the workers' first queries read the synonyms, the counts
            quiet = timed(url, items)
            loaded, rate = under_load(url, env, work, options, items)
        print(f"\n{len(items)} queries through /api/search, one after another, ms per query")
        print(f"{'':<40} {'p50':>6} {'p95':>6} {'p99':>6}")
        rows = (("nothing else running", quiet), (f"pages under load ({rate})", loaded))
        for name, times in rows:
            print(
                f"{name:<40} {statistics.median(times):6.1f} {percentile(times, 0.95):6.1f}"
                f" {percentile(times, 0.99):6.1f}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_queries(count: int, library: Path) -> list[str]:
    """bench_search's queries over that library (importing it sets up Django: its folder goes)."""
    import bench_search

    shutil.rmtree(bench_search.WORK_DIR, ignore_errors=True)
    procedures = sum(
        text.count("\n- slug:") + text.startswith("- slug:")
        for text in (path.read_text(encoding="utf-8") for path in (library / "library").iterdir())
    )
    return [query for query, _ in bench_search.queries(count, procedures)]


def warm(url: str, env: dict[str, str]) -> None:
    """The sampled pages asked for once, a resident's and the clerk's: then stored."""
    os.environ["PAGE_SAMPLE"] = env["PAGE_SAMPLE"]
    sys.path.insert(0, str(ROOT / "bench"))
    import locust_pages

    locust_pages.read_library(SimpleNamespace(host=url))  # type: ignore[arg-type]
    staff = {"Cookie": f"sessionid={env['STAFF_SESSION']}"}
    for slug in locust_pages.SLUGS:
        for headers in ({}, staff):
            with urlopen(Request(f"{url}/procedures/{slug}/", headers=headers), timeout=60) as page:
                page.read()


def timed(url: str, items: list[str]) -> list[float]:
    times = []
    for query in items:
        start = time.perf_counter()
        with urlopen(f"{url}/api/search?q={quote(query)}&limit=10", timeout=60) as answer:
            answer.read()
        times.append((time.perf_counter() - start) * 1000)
    return times


def under_load(
    url: str, env: dict[str, str], work: Path, options: argparse.Namespace, items: list[str]
) -> tuple[list[float], str]:
    prefix = work / "locust_load"
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE)]
    command += ["ProcedurePage", "StaffProcedurePage", "--headless", "-u", str(options.users)]
    command += ["-r", str(options.users), "-t", "600s", "--host", url, "--csv", str(prefix)]
    command += ["--only-summary"]
    with open(f"{prefix}.log", "wb") as log:
        load = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            time.sleep(8)  # the connections open and the pages are being asked for
            start = time.perf_counter()
            times = timed(url, items)
            seconds = time.perf_counter() - start
        finally:
            load.send_signal(signal.SIGINT)  # locust writes its figures and stops
            load.wait(timeout=60)
    stats = (prefix.parent / f"{prefix.name}_stats.csv").read_text().splitlines()
    total = list(csv.DictReader(stats))[-1]
    rate = float(total["Requests/s"])
    return times, f"{rate:.0f} pages/s, {total['Failure Count']} failed, {seconds:.0f} s"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


if __name__ == "__main__":
    main()
