"""Search over a large library while the pages are under load (issue 15): ms per query.

Run from the project root, on the library `bench_search.py --keep` leaves behind:
    .venv/bin/python bench/bench_search.py --procedures 20000 --keep
    .venv/bin/python bench/bench_search_under_load.py /tmp/bench-search-XXXXXXXX [--users 8]
Serves a copy of that database with gunicorn (2 workers, DEBUG off), then sends bench_search's
queries one after another through /api/search, as the live search does: first with nothing
else running, then while locust asks for procedure pages, a resident's and a clerk's, over
--users connections (bench/locust_pages.py, on --sample procedures asked for once before, as a
hall's pages are stored). Prints wall-time p50 / p95 / p99 per query for both and the pages'
requests/s. Beside each query it times the stack's floor, a static file from the same
server: under load, every request first waits in the queue behind the pages, so the floor's
figures say how much of the search's time is that wait. Never asserts. Goal on the 2-core
machine: p95 ≤ 20 ms under load.
"""

import argparse
import contextlib
import csv
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote
from urllib.request import Request, urlopen

from bench_load import HOST, free_port, wait_until_answering
from bench_pages import LOCUSTFILE, ROOT, served

ALL_USERS = "ensure_demo_users"
# The site's stylesheet, as the home page names it (read by `warm`).
STATIC_FILE = ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path, help="the folder bench_search.py --keep printed")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--users", type=int, default=8, help="connections loading the pages")
    parser.add_argument("--sample", type=int, default=300, help="procedures the load asks for")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--search-workers",
        type=int,
        default=0,
        help="serve /api/search from a gunicorn of its own with this many workers, as a front "
        "server routing /api/search to it would (0: the same workers as the pages)",
    )
    parser.add_argument(
        "--pages-nice",
        type=int,
        default=0,
        help="run the pages' gunicorn and the load generator at this niceness (with "
        "--search-workers): search's own workers keep the CPU first, as `nice -n 10` on the "
        "page workers of a deployment would give them",
    )
    options = parser.parse_args()
    if options.pages_nice and not options.search_workers:
        parser.error("--pages-nice needs --search-workers: search would share the pages' workers")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the server is stopped
    items = bench_queries(options.queries, options.library)
    work = Path(tempfile.mkdtemp(prefix="bench-search-load-"))
    try:
        shutil.copy(options.library / "sopdesk.sqlite3", work / "sopdesk.sqlite3")
        setup = ("migrate --noinput", ALL_USERS, "collectstatic --noinput")
        with served(options, work, None, setup, warm_pages=False) as (url, env):
            env["PAGE_SAMPLE"] = str(options.sample)
            warm(url, env)
            with search_server(url, env, work, options.search_workers) as search_url:
                timed(search_url, url, items[:20])  # the first queries read the synonyms …
                quiet, quiet_floor = timed(search_url, url, items)
                (loaded, loaded_floor), rate = under_load(
                    search_url, url, env, work, options, items
                )
        where = (
            f"a gunicorn of its own ({options.search_workers} workers)"
            if options.search_workers
            else "the pages' workers"
        )
        print(f"\n{len(items)} queries through /api/search, one after another, ms per query")
        niced = f" at niceness {options.pages_nice}, and the load too" if options.pages_nice else ""
        print(f"search served by {where}; the pages by {options.workers} workers{niced}")
        print(f"{'':<48} {'p50':>6} {'p95':>6} {'p99':>6}")
        rows = (
            ("nothing else running", quiet),
            ("  a static file, the same moments", quiet_floor),
            (f"pages under load ({rate})", loaded),
            ("  a static file, the same moments", loaded_floor),
        )
        for name, times in rows:
            print(
                f"{name:<48} {statistics.median(times):6.1f} {percentile(times, 0.95):6.1f}"
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
    global STATIC_FILE
    STATIC_FILE = locust_pages.STATIC[0]
    staff = {"Cookie": f"sessionid={env['STAFF_SESSION']}"}
    for slug in locust_pages.SLUGS:
        for headers in ({}, staff):
            with urlopen(Request(f"{url}/procedures/{slug}/", headers=headers), timeout=60) as page:
                page.read()


@contextlib.contextmanager
def search_server(url: str, env: dict[str, str], work: Path, workers: int) -> Iterator[str]:
    """The address search is asked at: the pages' server, or one of its own on the same data."""
    if not workers:
        yield url
        return
    port = free_port()
    gunicorn = [sys.executable, "-m", "gunicorn", "sopdesk.wsgi", "--bind", f"{HOST}:{port}"]
    gunicorn += ["--workers", str(workers), "--timeout", "60", "--access-logfile", "/dev/null"]
    gunicorn += ["--error-logfile", str(work / "search-server.log")]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_until_answering(server, port, work / "search-server.log")
        yield f"http://{HOST}:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def timed(search_url: str, url: str, items: list[str]) -> tuple[list[float], list[float]]:
    """Ms per query, and ms for the pages' static file asked for right after each."""
    searches, floor = [], []
    for query in items:
        searches.append(ms_for(f"{search_url}/api/search?q={quote(query)}&limit=10"))
        floor.append(ms_for(url + STATIC_FILE))
    return searches, floor


def ms_for(address: str) -> float:
    start = time.perf_counter()
    with urlopen(address, timeout=60) as answer:
        answer.read()
    return (time.perf_counter() - start) * 1000


def under_load(
    search_url: str,
    url: str,
    env: dict[str, str],
    work: Path,
    options: argparse.Namespace,
    items: list[str],
) -> tuple[tuple[list[float], list[float]], str]:
    prefix = work / "locust_load"
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE)]
    if options.pages_nice:
        command = ["nice", "-n", str(options.pages_nice), *command]
    command += ["ProcedurePage", "StaffProcedurePage", "--headless", "-u", str(options.users)]
    command += ["-r", str(options.users), "-t", "600s", "--host", url, "--csv", str(prefix)]
    command += ["--only-summary"]
    with open(f"{prefix}.log", "wb") as log:
        load = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            time.sleep(8)  # the connections open and the pages are being asked for
            start = time.perf_counter()
            times = timed(search_url, url, items)
            seconds = time.perf_counter() - start
        finally:
            # locust writes its figures and stops (2.47 ignores SIGINT in headless runs)
            load.send_signal(signal.SIGTERM)
            try:
                load.wait(timeout=120)
            except subprocess.TimeoutExpired:
                load.kill()
                load.wait()
                raise SystemExit(f"locust did not stop; its log: {prefix}.log") from None
    stats = (prefix.parent / f"{prefix.name}_stats.csv").read_text().splitlines()
    total = list(csv.DictReader(stats))[-1]
    rate = float(total["Requests/s"])
    return times, f"{rate:.0f} pages/s, {total['Failure Count']} failed, {seconds:.0f} s"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


if __name__ == "__main__":
    main()
