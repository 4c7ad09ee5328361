"""Load-test SOPDesk with locust: requests/s, p50 / p99 and failures per kind of request.

Run from the project root:  .venv/bin/python bench/bench_load.py [--users 50] [--seconds 60]
Builds a throwaway SQLite database with the demo library in a temporary folder, serves it with
gunicorn (DEBUG off) on 127.0.0.1, runs bench/locustfile.py headless against it, prints the
figures and stops the server whatever happens. Exit status 1 when a request failed.
"""

import argparse
import contextlib
import csv
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

import psutil

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent locust users")
    parser.add_argument("--seconds", type=int, default=60, help="duration of the load")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the server is stopped
    work, failed = Path(tempfile.mkdtemp(prefix="bench-load-")), True
    try:
        failed = run(options, work)
    finally:
        if failed:
            print(f"kept {work}: setup.log, server.log, locust.log, locust_*.csv")
        else:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


def run(options: argparse.Namespace, work: Path) -> bool:
    """Build, serve, load, report; True when a request failed."""
    port = options.port or free_port()
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{work / 'sopdesk.sqlite3'}",
        SOPDESK_VAR_DIR=str(work / "var"),
        MEDIA_ROOT=str(work / "var" / "media"),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        HTTPS="false",
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"http://{HOST}:{port}",
    )
    print(f"building the demo database in {work} …", flush=True)
    for command in ("migrate --noinput", "load_demo_library", "collectstatic --noinput"):
        with open(work / "setup.log", "ab") as log:
            manage = [sys.executable, "manage.py", *command.split(), "-v0"]
            if subprocess.run(manage, cwd=ROOT, env=env, stdout=log, stderr=log).returncode:
                raise SystemExit(f"{command} failed:\n{tail(work / 'setup.log')}")
    log_file = str(work / "server.log")
    gunicorn = [sys.executable, "-m", "gunicorn", "sopdesk.wsgi", "--bind", f"{HOST}:{port}"]
    gunicorn += ["--workers", str(options.workers), "--timeout", "60"]
    gunicorn += ["--access-logfile", log_file, "--error-logfile", log_file]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_until_answering(server, port, work / "server.log")
        print(f"gunicorn on {HOST}:{port}, {options.workers} workers; locust …", flush=True)
        locust = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py")]
        locust += ["--headless", "-u", str(options.users), "-r", str(options.users)]
        locust += ["-t", f"{options.seconds}s", "--host", f"http://{HOST}:{port}"]
        locust += ["--csv", str(work / "locust"), "--only-summary"]
        before = cpu_seconds(server.pid)
        with open(work / "locust.log", "wb") as log:
            subprocess.run(locust, cwd=ROOT, stdout=log, stderr=log, timeout=options.seconds + 120)
        cpu = [after - was for after, was in zip(cpu_seconds(server.pid), before, strict=True)]
    finally:
        with contextlib.suppress(ProcessLookupError):  # gunicorn and its workers
            os.killpg(server.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=20)
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    return report(work, options, cpu)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def wait_until_answering(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{tail(log)}")
        with contextlib.suppress(OSError), urlopen(f"http://{HOST}:{port}/", timeout=5) as answer:
            if answer.status == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer on {HOST}:{port} in 60 s:\n{tail(log)}")


def cpu_seconds(pid: int) -> tuple[float, float, float, float]:
    """Wall clock; CPU seconds of gunicorn and its workers, of our finished children (locust),
    and of the whole machine."""
    server = 0.0
    master = psutil.Process(pid)
    for process in [master, *master.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            server += sum(process.cpu_times()[:2])
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine = psutil.cpu_times()
    idle = ("idle", "iowait", "guest", "guest_nice")  # Linux counts guest time in user time too
    busy = sum(machine) - sum(getattr(machine, name, 0.0) for name in idle)
    return time.monotonic(), server, children.ru_utime + children.ru_stime, busy


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def report(work: Path, options: argparse.Namespace, cpu: list[float]) -> bool:
    stats = work / "locust_stats.csv"
    rows = list(csv.DictReader(stats.read_text().splitlines())) if stats.exists() else []
    if not rows or rows[-1]["Request Count"] == "0":
        raise SystemExit(f"locust sent no request:\n{tail(work / 'locust.log')}")
    *kinds, everything = rows  # locust writes "Aggregated" last
    cores = psutil.cpu_count()
    print(f"\n{options.users} users, {options.seconds} s, {options.workers} gunicorn workers\n")
    print(f"{'kind':<18} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'failures':>8}")
    kinds.sort(key=lambda row: -int(row["Request Count"]))
    for row in [*kinds, everything | {"Name": "all"}]:
        print(
            f"{row['Name']:<18} {row['Request Count']:>8} {float(row['Requests/s']):>7.1f} "
            f"{row['50%']:>7} {row['99%']:>7} {row['Failure Count']:>8}"
        )
    seconds, server, locust, machine = cpu
    total, failures = int(everything["Request Count"]), int(everything["Failure Count"])
    print(
        f"\nServer CPU: {server * 1000 / total:.1f} ms per request. Cores busy of {cores}:"
        f" server {server / seconds:.2f}, locust {locust / seconds:.2f}, "
        f"whole machine {machine / seconds:.2f} (other work slows the server)."
    )
    if failures:
        with open(work / "locust_failures.csv", newline="") as file:
            for row in csv.DictReader(file):
                print(f"  {row['Occurrences']:>6} × {row['Name']}: {row['Error']}")
        print(f"Server log, last lines:\n{tail(work / 'server.log')}")
    return failures > 0


if __name__ == "__main__":
    main()
