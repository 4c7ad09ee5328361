"""Pages side by side with the stack's floor (issue 15): requests/s, p50 / p99, ratio to the floor.

Run from the project root:  .venv/bin/python bench/bench_pages.py [--seconds 20] [--users 8]
Builds a throwaway database with the demo library (SQLite in a temporary folder, then a
throwaway PostgreSQL database at --pg-url), serves it with gunicorn (2 workers, DEBUG off,
collectstatic) on 127.0.0.1, and drives it with locust (bench/locust_pages.py), one kind of
request at a time, --users connections each: a static file through WhiteNoise (the floor), the
home page, a procedure page for a resident and for a logged-in clerk, search, a stored handout.
Then every kind at once, --check-users connections for --check-seconds, on each database:
the error check. Exit status 1 when a request failed. Goals on the 2-core machine: a resident's
procedure page at ≥ 50 % of the floor, a clerk's at ≥ 25 %, no error at 50 connections.
"""

import argparse
import contextlib
import csv
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import psycopg
from bench_load import HOST, free_port, tail, wait_until_answering

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "bench" / "locust_pages.py"
KINDS = {  # locust user class: what the row is called
    "StaticFile": "static file (floor)",
    "Home": "home",
    "ProcedurePage": "procedure, resident",
    "StaffProcedurePage": "procedure, staff",
    "Search": "search",
    "StoredHandout": "handout, stored",
}
STAFF_SESSION = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from importlib import import_module
from django.conf import settings
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
user = get_user_model().objects.get(username="staff")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "procedures.kept_permissions.KeptPermissionsBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="per kind of request")
    parser.add_argument("--users", type=int, default=8, help="connections per kind")
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help="locust classes to measure alone, comma-separated"
    )
    parser.add_argument("--check-seconds", type=int, default=60, help="0: no error check")
    parser.add_argument("--check-users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--pg-url", default="postgres://sopdesk:sopdesk@127.0.0.1:5432/")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the server is stopped
    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    failures = 0
    try:
        with served(options, work / "sqlite", None) as (url, env):
            chosen = {"StaticFile", *options.kinds.split(",")}  # the floor, always, first
            kinds = [kind for kind in KINDS if kind in chosen]
            rows = [measure(url, env, work / "sqlite", kind, options) for kind in kinds]
            print_table(rows, options)
            if options.check_seconds:
                failures += check(url, env, work / "sqlite", "SQLite", options)
        if options.check_seconds and not options.no_postgres:
            with (
                throwaway_database(options.pg_url) as database,
                served(options, work / "postgres", database) as (url, env),
            ):
                failures += check(url, env, work / "postgres", "PostgreSQL", options)
    finally:
        if failures:
            print(f"kept {work}: setup.log, server.log, locust logs and CSV files")
        else:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failures else 0)


@contextlib.contextmanager
def throwaway_database(server_url: str) -> Iterator[str]:
    name = f"bench_pages_{os.getpid()}"
    with psycopg.connect(server_url + "postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield server_url + name
    finally:
        with psycopg.connect(server_url + "postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


DEMO = ("migrate --noinput", "load_demo_library", "ensure_demo_users", "collectstatic --noinput")


@contextlib.contextmanager
def served(
    options: argparse.Namespace,
    work: Path,
    database: str | None,
    setup: tuple[str, ...] = DEMO,
    warm_pages: bool = True,
) -> Iterator[tuple[str, dict[str, str]]]:
    """The demo library (or what `setup` makes) served by gunicorn; yields its URL and the
    locust env."""
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database or f"sqlite:///{work / 'sopdesk.sqlite3'}",
        SOPDESK_VAR_DIR=str(work / "var"),
        MEDIA_ROOT=str(work / "var" / "media"),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        HTTPS="false",
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"http://{HOST}:{port}",
    )
    what = "the demo library" if setup == DEMO else "the database"
    print(f"setting up {what} ({database or 'SQLite'}) in {work} …", flush=True)
    for command in setup:
        manage(command.split(), env, work)
    env["STAFF_SESSION"] = manage(["shell", "-c", STAFF_SESSION], env, work).strip()
    log_file = str(work / "server.log")
    gunicorn = [sys.executable, "-m", "gunicorn", "sopdesk.wsgi", "--bind", f"{HOST}:{port}"]
    gunicorn += ["--workers", str(options.workers), "--timeout", "60"]
    gunicorn += ["--access-logfile", "/dev/null", "--error-logfile", log_file]
    if niceness := getattr(options, "pages_nice", 0):
        gunicorn = ["nice", "-n", str(niceness), *gunicorn]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_until_answering(server, port, work / "server.log")
        url = f"http://{HOST}:{port}"
        if warm_pages:
            warm(url, env["STAFF_SESSION"])
        yield url, env
    finally:
        with contextlib.suppress(ProcessLookupError):  # gunicorn and its workers
            os.killpg(server.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=20)
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def manage(arguments: list[str], env: dict[str, str], work: Path) -> str:
    command = [sys.executable, "manage.py", *arguments, "-v0"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    with open(work / "setup.log", "a") as log:
        log.write(done.stdout + done.stderr)
    if done.returncode:
        raise SystemExit(f"{' '.join(arguments[:2])} failed:\n{tail(work / 'setup.log')}")
    return done.stdout


def warm(url: str, staff_session: str) -> None:
    """Every procedure page (for a resident and for the clerk) and handout asked for once, so
    that the bench measures them stored (a page, or a clerk's page's version, is rendered again
    only after a change: publishing, settings, a new day)."""
    with urlopen(f"{url}/", timeout=30) as answer:
        categories = set(re.findall(r'href="(/categories/[^"/]+/)"', answer.read().decode()))
    slugs: set[str] = set()
    for category in categories:
        with urlopen(url + category, timeout=30) as answer:
            slugs.update(re.findall(r'href="/procedures/([^"/]+)/"', answer.read().decode()))
    staff = {"Cookie": f"sessionid={staff_session}"}
    asked = [
        Request(url + path, headers=headers)
        for slug in sorted(slugs)
        for path, headers in (
            (f"/procedures/{slug}/", {}),
            (f"/procedures/{slug}/", staff),
            (f"/procedures/{slug}/handout.pdf", {}),
        )
    ]
    failed = []
    for request in asked:
        try:
            with urlopen(request, timeout=120) as answer:
                answer.read()
        except HTTPError as error:  # counted again, as errors, by the load that follows
            failed.append(f"{request.full_url}: {error.code}")
    if failed:
        print(f"  {len(failed)} of {len(asked)} could not be warmed: {failed[:3]}")


def locust(
    url: str, env: dict[str, str], work: Path, classes: list[str], users: int, seconds: int
) -> list[dict[str, str]]:
    prefix = work / f"locust_{'_'.join(classes) if len(classes) == 1 else 'all'}"
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), *classes]
    command += ["--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds}s"]
    command += ["--host", url, "--csv", str(prefix), "--only-summary", "--stop-timeout", "10"]
    with open(f"{prefix}.log", "wb") as log:
        subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=log, timeout=seconds + 120)
    stats = Path(f"{prefix}_stats.csv")
    rows = list(csv.DictReader(stats.read_text().splitlines())) if stats.exists() else []
    if not rows or rows[-1]["Request Count"] == "0":
        raise SystemExit(f"locust sent no request:\n{tail(Path(f'{prefix}.log'))}")
    return rows


def measure(
    url: str, env: dict[str, str], work: Path, kind: str, options: argparse.Namespace
) -> dict[str, str]:
    print(f"  {KINDS[kind]}: {options.users} connections, {options.seconds} s …", flush=True)
    *_, everything = locust(url, env, work, [kind], options.users, options.seconds)
    return everything | {"Name": KINDS[kind]}


def print_table(rows: list[dict[str, str]], options: argparse.Namespace) -> None:
    floor = float(rows[0]["Requests/s"])
    print(
        f"\nSQLite, gunicorn {options.workers} workers, {options.users} connections, "
        f"{options.seconds} s each\n"
    )
    print(f"{'kind':<22} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'of floor':>8} {'errors':>7}")
    for row in rows:
        rate = float(row["Requests/s"])
        print(
            f"{row['Name']:<22} {rate:>8.1f} {row['50%']:>7} {row['99%']:>7} "
            f"{rate / floor:>8.1%} {row['Failure Count']:>7}"
        )


def check(
    url: str, env: dict[str, str], work: Path, database: str, options: argparse.Namespace
) -> int:
    users, seconds = options.check_users, options.check_seconds
    print(f"\n{database}: every kind at once, {users} connections, {seconds} s …", flush=True)
    *kinds, everything = locust(url, env, work, list(KINDS), users, seconds)
    for row in kinds:
        print(
            f"  {row['Name']:<22} {row['Request Count']:>7} requests "
            f"{float(row['Requests/s']):>8.1f}/s  p50 {row['50%']:>5} ms  p99 {row['99%']:>5} ms"
            f"  errors {row['Failure Count']}"
        )
    failures = int(everything["Failure Count"])
    print(f"  {database}: {everything['Request Count']} requests, {failures} errors")
    if failures:
        print(f"Server log, last lines:\n{tail(work / 'server.log')}")
    return failures


if __name__ == "__main__":
    main()
