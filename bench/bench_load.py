"""Print how SOPDesk holds up under concurrent use: requests/s, p50 / p99 and errors, per kind.

Run from the project root:  .venv/bin/python bench/bench_load.py [--clients 50] [--duration 60]
It starts `make serve` (gunicorn, DEBUG off) on a free loopback port with SOPDESK_VAR_DIR in a
throwaway folder, so the demo library is loaded into a fresh SQLite database and var/ is never
touched; waits until the home page answers; reads the procedures from the home and category
pages; then keeps --clients clients busy for --duration seconds, each sending its next request
as soon as the last one is answered: 50% procedure pages, 30% /api/search with varied queries
(Chinese, pinyin, initials, traditional characters, a typo, questions), 15% handouts (standard and
?large=1) and 5% the home page. The server is stopped at the end, whatever happens.

The database is new, so every handout is printed (rendered) once during the load, as on each
day's first requests for it: "handout 1st" is the first request for a URL. --warm prints them
all before the load instead, to measure a server later in the day.

The load generator is this script: one thread per client, each with its own keep-alive
connection (gunicorn's sync workers close it after every answer, so each request opens a new
one, as a browser would without a proxy in front). It shares the machine with the server, so it
reports its own CPU time, the CPU time of the server and of everything else on the machine, and
how late its threads wake up (the error it adds to a latency). Latencies are those of the
answers received, whatever their status; connection errors are counted, not timed.

With DEBUG off Django logs nothing, so gunicorn is given a log configuration (through
GUNICORN_CMD_ARGS) that prints warnings and errors, tracebacks included, into the server log;
its lines are printed when a request fails. Exit status 1 when any request failed.
"""

import argparse
import concurrent.futures
import contextlib
import dataclasses
import http.client
import math
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WEIGHTS = {"page": 50, "search": 30, "handout": 15, "home": 5}
KINDS = ("page", "search", "handout 1st", "handout again", "home")
LARGE_SHARE = 0.3
SEARCH_LIMIT = 8  # what static/js/search.js asks for
# A little more than gunicorn's --timeout, after which it kills the worker.
REQUEST_TIMEOUT = 65
# make serve may first install packages, migrate and load the demo library.
STARTUP_TIMEOUT = 600
# Realistic searches: names, everyday words, pinyin, initials, traditional characters, a typo
# (残急), questions, and a few things the library has no procedure for (护照, 公积金提取).
QUERIES = tuple(
    """
低保 最低生活保障 准生证 生育服务手册 生育登记 shebao sydj dibao yidijiuyi ydjy jzz
残疾人证怎么办 残疾人两项补贴 残急人证 殘疾人證 异地就医 异地就医备案要带什么材料 醫療費用報銷
光荣牌 光荣证 独生子女 独生子女父母奖励费 高龄津贴 高龄老人津贴怎么申请 老年卡 老年人优待卡
失业金 失业保险金怎么领 失业登记 就业登记 灵活就业社保 劳动手册 就业困难人员认定 居住证
户口迁入需要什么材料 新生儿落户 出生登记 党组织关系转出 党员关系转入 流动党员 入党积极分子
医保 医疗费用报销 医疗救助 临时救助 特困供养 辅具 退役军人优待证 优待证 自主就业补助
养老保险 城乡居民医保参保 居家养老补贴 计划生育特别扶助 社保卡丢了 公积金提取 护照
我想问一下残疾人两项补贴要带什么材料
""".split()  # noqa: SIM905 - a list of 58 quoted words reads worse
)
LOG_CONFIG = """\
[loggers]
keys=root

[handlers]
keys=stderr

[formatters]
keys=plain

[logger_root]
level=WARNING
handlers=stderr

[handler_stderr]
class=StreamHandler
args=(sys.stderr,)
formatter=plain

[formatter_plain]
format=%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s
"""
ACCESS_LINE = re.compile(r'^\S+ \S+ \S+ \[[^]]+\] "[^"]*" (?P<status>\d{3}) ')


class ServerFailed(Exception):
    """`make serve` exited or did not answer in time."""


@dataclasses.dataclass(frozen=True)
class Sample:
    kind: str
    seconds: float
    status: int  # 0 when no answer came: a connection error
    error: str  # empty when the request succeeded
    url: str


@dataclasses.dataclass
class Mix:
    """The URLs the clients pick from, by kind and weight."""

    slugs: list[str]
    fetched_handouts: set[str] = dataclasses.field(default_factory=set)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def pick(self, rng: random.Random) -> tuple[str, str]:
        kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        if kind == "home":
            return kind, "/"
        if kind == "search":
            query = quote(rng.choice(QUERIES))
            return kind, f"/api/search?q={query}&limit={SEARCH_LIMIT}"
        slug = rng.choice(self.slugs)
        if kind == "page":
            return kind, f"/procedures/{slug}/"
        url = f"/procedures/{slug}/handout.pdf" + ("?large=1" if rng.random() < LARGE_SHARE else "")
        with self.lock:
            first = url not in self.fetched_handouts
            self.fetched_handouts.add(url)
        return ("handout 1st" if first else "handout again"), url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--port", type=int, help="default: a free port")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--warm",
        action="store_true",
        help="print every handout once before the load, as later in a day: no renders measured",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work_dir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    status = 1
    try:
        status = 1 if run(options, work_dir) else 0
    except ServerFailed as error:
        print(f"\nSERVER FAILED: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        print("\ninterrupted: server stopped", file=sys.stderr)
        status = 130
    finally:
        if options.keep or status == 1:
            print(f"kept {work_dir} (server log: {work_dir / 'server.log'})")
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
    sys.exit(status)


def run(options: argparse.Namespace, work_dir: Path) -> bool:
    """Serve, load, report; True when any request failed."""
    port = options.port or free_port()
    log_path = work_dir / "server.log"
    busy = machine_busy_over(seconds=3)
    print(f"the machine was {busy:.0%} busy before the server started (other work slows it)")
    print(f"make serve on {HOST}:{port}, {options.workers} workers; log: {log_path}")
    with serve(port=port, workers=options.workers, work_dir=work_dir) as server:
        mix = Mix(discover_slugs(port))
        print(f"demo library: {len(mix.slugs)} procedures; {len(QUERIES)} search queries")
        if options.warm:
            warm_handouts(port, mix, threads=options.workers)
        print(f"load: {options.clients} clients for {options.duration:g} s …", flush=True)
        load = drive(
            port=port,
            clients=options.clients,
            duration=options.duration,
            mix=mix,
            seed=options.seed,
            server_group=server.pid,
        )
    report(load, clients=options.clients, workers=options.workers)
    errors = [s for s in load.samples if s.error]
    if errors:
        report_errors(errors)
    report_server_log(log_path, detailed=bool(errors))
    return bool(errors)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve(*, port: int, workers: int, work_dir: Path) -> Iterator[subprocess.Popen]:
    """`make serve` in its own process group, stopped (the whole group) on the way out."""
    with socket.socket() as probe:
        if probe.connect_ex((HOST, port)) == 0:
            raise ServerFailed(f"something already listens on {HOST}:{port}")
    log_config = work_dir / "logging.ini"
    log_config.write_text(LOG_CONFIG)
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment.update(
        SOPDESK_VAR_DIR=str(work_dir / "var"),
        MEDIA_ROOT=str(work_dir / "var" / "media"),
        SECRET_KEY=secrets.token_urlsafe(50),
        HTTPS="false",
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"http://{HOST}:{port}",
        GUNICORN_CMD_ARGS=f"--log-config {log_config}",
    )
    command = ["make", "serve", f"HOST={HOST}", f"PORT={port}", f"WORKERS={workers}"]
    with open(work_dir / "server.log", "wb") as log:
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        started = time.perf_counter()
        wait_until_answering(server, port, work_dir / "server.log")
        print(f"server answers after {time.perf_counter() - started:.0f} s", flush=True)
        yield server
    finally:
        stop(server)


def wait_until_answering(server: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServerFailed(f"make serve exited with {server.returncode}:\n{tail(log_path)}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if get(port, "/")[0] == 200:
                return
        time.sleep(0.5)
    raise ServerFailed(f"no answer on port {port} in {STARTUP_TIMEOUT} s:\n{tail(log_path)}")


def stop(server: subprocess.Popen) -> None:
    """SIGTERM to make, gunicorn and its workers; SIGKILL what is left after 20 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=0.2)
        try:
            os.killpg(server.pid, 0)
        except ProcessLookupError:
            return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait()


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def get(port: int, url: str, *, timeout: float = 10) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", url)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def page(port: int, url: str) -> str:
    status, body = get(port, url)
    if status != 200:
        raise ServerFailed(f"GET {url} answered {status} before the load")
    return body.decode()


def discover_slugs(port: int) -> list[str]:
    """Every procedure linked from the home page's categories."""
    categories = set(re.findall(r'href="(/categories/[^"/]+/)"', page(port, "/")))
    slugs = set()
    for url in sorted(categories):
        slugs.update(re.findall(r'href="/procedures/([^"/]+)/"', page(port, url)))
    if not slugs:
        raise ServerFailed("no procedure found from the home page's categories")
    return sorted(slugs)


def warm_handouts(port: int, mix: Mix, *, threads: int) -> None:
    """Print every handout once, as the day's first visitors do, before the measurement."""
    urls = [
        f"/procedures/{slug}/handout.pdf{large}" for slug in mix.slugs for large in ("", "?large=1")
    ]
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        statuses = list(pool.map(lambda url: get(port, url, timeout=120)[0], urls))
    failed = [
        f"{url}: {status}" for url, status in zip(urls, statuses, strict=True) if status != 200
    ]
    if failed:
        raise ServerFailed(f"handouts not printed before the load: {', '.join(failed)}")
    mix.fetched_handouts.update(urls)
    print(f"printed {len(urls)} handouts in {time.perf_counter() - started:.0f} s (not measured)")


@dataclasses.dataclass
class Load:
    samples: list[Sample]
    seconds: float
    generator_cpu: float
    server_cpu: float
    machine_busy: float
    cpus: int
    lags: list[float]


def drive(
    *, port: int, clients: int, duration: float, mix: Mix, seed: int, server_group: int
) -> Load:
    per_client: list[list[Sample]] = [[] for _ in range(clients)]
    lags: list[float] = []
    stopping = threading.Event()
    generator_before, server_before = own_cpu(), group_cpu(server_group)
    machine_before = machine_times()
    started = time.perf_counter()
    deadline = started + duration
    threads = [
        threading.Thread(
            target=run_client,
            args=(port, mix, random.Random(seed * 1000 + n), deadline, per_client[n], stopping),
            daemon=True,
        )
        for n in range(clients)
    ]
    threads.append(threading.Thread(target=probe_lag, args=(lags, stopping), daemon=True))
    for thread in threads:
        thread.start()
    try:
        for thread in threads[:-1]:
            while thread.is_alive():  # joined in steps, so that Ctrl-C is heard
                thread.join(timeout=0.5)
    finally:
        stopping.set()
    seconds = time.perf_counter() - started
    return Load(
        samples=[sample for samples in per_client for sample in samples],
        seconds=seconds,
        generator_cpu=(own_cpu() - generator_before) / seconds,
        server_cpu=(group_cpu(server_group) - server_before) / seconds,
        machine_busy=busy_share(machine_before, machine_times()),
        cpus=os.cpu_count() or 1,
        lags=lags,
    )


def run_client(
    port: int,
    mix: Mix,
    rng: random.Random,
    deadline: float,
    samples: list[Sample],
    stopping: threading.Event,
) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        while time.perf_counter() < deadline and not stopping.is_set():
            kind, url = mix.pick(rng)
            samples.append(fetch(connection, kind, url))
    finally:
        connection.close()


def fetch(connection: http.client.HTTPConnection, kind: str, url: str) -> Sample:
    started = time.perf_counter()
    try:
        connection.request("GET", url, headers={"User-Agent": "sopdesk-bench-load"})
        response = connection.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException) as error:
        connection.close()  # the next request opens a new connection
        seconds, message = time.perf_counter() - started, f"{type(error).__name__}: {error}"
        return Sample(kind, seconds, 0, message, url)
    seconds = time.perf_counter() - started
    return Sample(kind, seconds, response.status, problem(kind, response.status, body), url)


def problem(kind: str, status: int, body: bytes) -> str:
    if not 200 <= status < 300:
        return f"HTTP {status}"
    if kind.startswith("handout") and not body.startswith(b"%PDF-"):
        return "200 but not a PDF"
    if kind == "search" and b'"results"' not in body:
        return "200 but no search results object"
    return ""


def probe_lag(lags: list[float], stopping: threading.Event) -> None:
    """How late a thread of this process wakes up: the error added to every latency measured."""
    while not stopping.is_set():
        started = time.perf_counter()
        time.sleep(0.005)
        lags.append(time.perf_counter() - started - 0.005)


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def group_cpu(group: int) -> float:
    """CPU seconds of the live processes of a process group (make, gunicorn and its workers)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:  # fields after the name: state, ppid, pgrp, …
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_times() -> tuple[int, int]:
    """Busy and total jiffies of all CPUs since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)


def machine_busy_over(*, seconds: float) -> float:
    before = machine_times()
    time.sleep(seconds)
    return busy_share(before, machine_times())


def busy_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    busy, total = after[0] - before[0], after[1] - before[1]
    return busy / total if total else 0.0


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def report(load: Load, *, clients: int, workers: int) -> None:
    by_kind = defaultdict(list)
    for sample in load.samples:
        by_kind[sample.kind].append(sample)
    print(
        f"\n{clients} clients, {load.seconds:.1f} s, gunicorn {workers} sync workers, SQLite; "
        f"{load.cpus} CPUs shared by server and load generator\n"
    )
    print(
        f"{'kind':<14} {'requests':>8} {'share':>6} {'req/s':>7} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}"
    )
    for kind in KINDS:
        print_row(kind, by_kind[kind], len(load.samples), load.seconds)
    print_row("all", load.samples, len(load.samples), load.seconds)
    lags = load.lags or [0.0]
    others = load.machine_busy * load.cpus - load.server_cpu - load.generator_cpu
    print(
        f"\nCPU during the load, in cores of {load.cpus}: server {load.server_cpu:.2f}, "
        f"load generator {load.generator_cpu:.2f}, other processes {max(0.0, others):.2f} "
        f"(the machine was {load.machine_busy:.0%} busy)."
    )
    if load.samples:
        per_request = load.server_cpu * load.seconds / len(load.samples)
        print(
            f"Server CPU per request: {per_request * 1000:.1f} ms "
            "(less sensitive than req/s to other work on the machine)."
        )
    print(
        f"Generator timing lag (5 ms sleeps, {len(lags)}): p50 {percentile(lags, 0.5) * 1000:.1f}"
        f" ms, p99 {percentile(lags, 0.99) * 1000:.1f} ms, max {max(lags) * 1000:.1f} ms."
    )


def print_row(kind: str, samples: list[Sample], total: int, seconds: float) -> None:
    answered = [s.seconds * 1000 for s in samples if s.status]
    errors = sum(1 for s in samples if s.error)
    if answered:
        timing = (
            f"{percentile(answered, 0.5):8.1f} {percentile(answered, 0.99):8.1f} "
            f"{max(answered):8.1f}"
        )
    else:
        timing = f"{'-':>8} {'-':>8} {'-':>8}"
    share = len(samples) / total if total else 0
    print(
        f"{kind:<14} {len(samples):>8} {share:>6.1%} {len(samples) / seconds:>7.1f} "
        f"{timing} {errors:>7}"
    )


def report_errors(errors: list[Sample]) -> None:
    print(f"\nERRORS: {len(errors)}")
    counts = Counter((s.kind, s.error) for s in errors)
    examples = {(s.kind, s.error): s.url for s in errors}
    for (kind, error), count in counts.most_common():
        print(f"  {count:>6} × {kind}: {error}   e.g. {examples[kind, error]}")


def report_server_log(log_path: Path, *, detailed: bool) -> None:
    """Count its answers and warnings; show the warnings and what surrounds them, if any."""
    log = log_path.read_text(errors="replace").splitlines()
    answers = [match for line in log if (match := ACCESS_LINE.match(line))]
    failed = [match.string for match in answers if match["status"][0] in "45"]
    other = [line for line in log if not ACCESS_LINE.match(line)]
    warnings = [i for i, line in enumerate(other) if re.search(r"WARNING|ERROR|CRITICAL", line)]
    print(
        f"\nServer log: {len(answers)} answers, {len(failed)} of them 4xx/5xx; "
        f"{len(warnings)} warnings or errors."
    )
    if failed:
        print("\n".join(f"  {line}" for line in failed[:5]))
    if warnings or detailed:
        start = max(0, warnings[0] - 2) if warnings else max(0, len(other) - 20)
        print(f"Server log, other than answers, from line {start + 1} of {len(other)}:")
        print("\n".join(f"  {line}" for line in other[start : start + 80]))


if __name__ == "__main__":
    main()
