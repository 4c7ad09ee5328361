"""Serve SOPDesk to concurrent clients on SQLite while `import_procedures --publish` runs.

Run from the project root:  .venv/bin/python bench/bench_import_under_load.py [--procedures 3000]
Issue 11 asks that 50 clients see no error while an import of 3,000 procedures runs on SQLite.
This builds a throwaway SQLite database (demo library and demo users) in a temporary folder,
writes N generated procedures as YAML (docs/library-format.md), serves the app with gunicorn
(DEBUG off), and starts the clients: anonymous residents (procedure pages, searches that find
something and searches that find nothing, handouts, the home page; each visit from its own
127.x.y.z address, so page-view and search-miss counting write as for real residents) and
staff who log in, read pages (their "recently viewed" list is a session write), search, log
out, again and again. After a warm-up the import runs against the same database; the clients
go on until it ends and a little after. A probe notes when SQLite's write lock is held.

It prints the import's duration, the requests before / during / after the import, every
failure by kind, status and error (with the server's tracebacks), latencies seen by the
clients and by gunicorn (the difference is time spent queueing for a worker), and the
bookkeeping writes the server skipped. Exit status 1 when a request or the import failed.

The clients are threads using http.client rather than locust: they need their own source
addresses, a staff login with its CSRF cookie, and the exact time of every request.
"""

import argparse
import collections
import contextlib
import datetime
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import opencc
import yaml

# Serving a throwaway instance is bench_load's: the same server, started and awaited alike.
from bench_load import HOST, ROOT, free_port, tail, wait_until_answering
from pypinyin import Style, lazy_pinyin

TIMEOUT = 90  # client side; gunicorn kills a worker after 60 s
STAFF_USERS = (  # ensure_demo_users
    ("staff", "sopdesk-staff"),
    ("editor", "sopdesk-editor"),
    ("publisher", "sopdesk-publisher"),
    ("admin", "sopdesk-admin"),
)
# What an anonymous visitor asks for, by weight: bench/locustfile.py's mix, with a share of
# its searches made of words found nowhere in the library.
RESIDENT_TASKS = {"page": 50, "search": 20, "search (miss)": 10, "handout": 15, "home": 5}
STAFF_TASKS = {"staff page": 60, "staff search": 30, "staff home": 10}
ACCESS_FORMAT = '%(t)s %(h)s "%(r)s" %(s)s %(L)s'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=3000, help="procedures to import")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients in all")
    parser.add_argument("--staff", type=int, default=5, help="of which staff who log in")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--warmup", type=float, default=15, help="seconds of load before import")
    parser.add_argument("--cooldown", type=float, default=10, help="seconds of load after it")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    options = parser.parse_args()
    if not 0 <= options.staff <= options.clients:
        parser.error("--staff must be between 0 and --clients")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the server is stopped
    work, failed = Path(tempfile.mkdtemp(prefix="bench-import-")), True
    try:
        failed = run(options, work)
    finally:
        if failed or options.keep:
            print(f"kept {work}: setup.log, import.log, server.log, access.log, library/")
        else:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


# -- The run ---------------------------------------------------------------------------------


def run(options: argparse.Namespace, work: Path) -> bool:
    """Build, serve, load, import, report; True when a request or the import failed."""
    port = options.port or free_port()
    database = work / "sopdesk.sqlite3"
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{database}",
        SOPDESK_VAR_DIR=str(work / "var"),
        MEDIA_ROOT=str(work / "var" / "media"),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        HTTPS="false",
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"http://{HOST}:{port}",
    )
    print(f"building the demo database in {work} …", flush=True)
    setup = ("migrate --noinput", "load_demo_library", "ensure_demo_users")
    for command in [*setup, "collectstatic --noinput"]:
        with open(work / "setup.log", "ab") as log:
            manage = [sys.executable, "manage.py", *command.split(), "-v0"]
            if subprocess.run(manage, cwd=ROOT, env=env, stdout=log, stderr=log).returncode:
                raise SystemExit(f"{command} failed:\n{tail(work / 'setup.log')}")
    library = work / "library"
    write_library(library, options.procedures)
    print(f"wrote {options.procedures} procedures as YAML in {library}", flush=True)

    gunicorn = [sys.executable, "-m", "gunicorn", "sopdesk.wsgi", "--bind", f"{HOST}:{port}"]
    gunicorn += ["--workers", str(options.workers), "--timeout", "60"]
    gunicorn += ["--access-logfile", str(work / "access.log"), "--access-logformat", ACCESS_FORMAT]
    gunicorn += ["--error-logfile", str(work / "server.log")]
    with open(work / "server.log", "ab") as server_log:  # Django's logging goes to stderr
        server = subprocess.Popen(
            gunicorn, cwd=ROOT, env=env, stdout=server_log, stderr=server_log,
            start_new_session=True,
        )  # fmt: skip
    try:
        wait_until_answering(server, port, work / "server.log")
        slugs, titles = read_library_from(port)
        load = Load(port, slugs, titles, options)
        probe = LockProbe(database)
        print(
            f"gunicorn on {HOST}:{port}, {options.workers} workers; {options.clients} clients "
            f"({options.clients - options.staff} anonymous, {options.staff} staff) on "
            f"{len(slugs)} demo procedures; {options.warmup:.0f} s warm-up …",
            flush=True,
        )
        load.start()
        probe.start()
        time.sleep(options.warmup)
        print(f"import_procedures {library.name}/ --publish …", flush=True)
        command = [sys.executable, "manage.py", "import_procedures", str(library), "--publish"]
        load.loadavg.append(os.getloadavg()[0])
        load.import_started = time.monotonic()
        with open(work / "import.log", "wb") as log:
            imported = subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        load.import_ended = time.monotonic()
        load.loadavg.append(os.getloadavg()[0])
        print(f"import done in {load.import_ended - load.import_started:.1f} s …", flush=True)
        time.sleep(options.cooldown)
        load.stop()
        probe.stop()
    finally:
        with contextlib.suppress(ProcessLookupError):  # gunicorn and its workers
            os.killpg(server.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=20)
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    return report(work, options, load, probe, imported.returncode)


# -- The library to import -------------------------------------------------------------------

SUBJECTS = (
    "居民身份证", "居住证", "老年人优待卡", "残疾人证", "最低生活保障", "临时救助", "医保卡",
    "灵活就业登记", "失业登记", "创业补贴", "退役军人优待证", "高龄津贴", "独生子女证明",
    "流动党员登记", "房屋租赁备案", "养犬登记", "助学金", "公共租赁住房", "门牌证明",
    "无犯罪记录证明", "出生医学证明", "敬老卡", "长期护理保险", "城乡居民养老保险",
    "就业困难人员认定", "职业技能培训补贴", "特困人员供养", "孤儿基本生活费", "殡葬补贴",
    "便民停车证",
)  # fmt: skip
ACTIONS = ("申领", "补办", "换领", "变更", "注销", "年审", "查询", "挂失", "迁移", "延期")
CASES = (
    "", "（外省市户籍）", "（港澳台居民）", "（委托代办）", "（网上办理）", "（未成年人）",
    "（集体户口）", "（特殊困难家庭）", "（异地办理）", "（加急）",
)  # fmt: skip
# Two categories the demo has, three new ones.
CATEGORIES = ("户籍", "社会保险", "批量导入·城市管理", "批量导入·社区服务", "批量导入·住房保障")
MATERIALS = (
    {"name": "居民身份证"},
    {"name": "户口本", "kind": "居民户口簿", "form": "original_and_copy"},
    {"name": "一寸免冠照片", "copies": 2},
    {"name": "申请表", "note": "窗口领取，或在“一网通办”下载"},
    {"name": "居住证", "form": "copy"},
    {"name": "结婚证", "form": "original_and_copy"},
    {"name": "银行卡", "form": "copy", "note": "本人名下的借记卡"},
    {"name": "收入证明", "form": "original", "copies": 1},
    {"name": "房屋租赁合同", "form": "copy"},
    {"name": "医院诊断证明", "form": "original"},
    {"name": "授权委托书", "required": False, "condition": "委托他人代办的"},
    {"name": "代办人身份证", "required": False, "condition": "委托他人代办的"},
    {"name": "监护关系证明", "required": False, "condition": "申请人是未成年人的"},
    {"name": "电子证照", "form": "electronic", "required": False, "condition": "网上办理的"},
)
STEPS = (
    ("网上预约", "在“一网通办”预约办理时间，或直接到窗口取号。"),
    ("提交申请", "携带材料到 **一楼综合窗口** 提交。"),
    ("窗口受理", "材料齐全的当场受理；不全的一次性告知需补的材料。"),
    ("审核", "工作人员核对材料和系统信息，一般 3 个工作日内完成。"),
    ("现场核查", "需要时由社区工作人员上门核实情况。"),
    ("公示", "在社区公示栏公示 7 天，无异议的进入下一步。"),
    ("领取结果", "凭受理回执到窗口领取，或选择邮寄送达。"),
)


def write_library(folder: Path, count: int) -> None:
    """`count` procedures with unique slugs and titles, 50 to a file, in the import's format."""
    rng = random.Random(11)
    titles = [f"{s}{a}{c}" for s in SUBJECTS for a in ACTIONS for c in CASES]
    rng.shuffle(titles)
    titles += [f"{titles[n % len(titles)]}（{n}）" for n in range(len(titles), count)]
    folder.mkdir()
    procedures = [procedure(n, titles[n], rng) for n in range(count)]
    for start in range(0, count, 50):
        path = folder / f"bench-{start // 50:03d}.yaml"
        text = yaml.dump(
            procedures[start : start + 50],
            Dumper=NoAliases,
            allow_unicode=True,
            sort_keys=False,
            width=1000,
        )
        path.write_text(text, encoding="utf-8")


class NoAliases(yaml.SafeDumper):
    """The format refuses anchors and aliases (&/*), which PyYAML writes for shared values."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def procedure(n: int, title: str, rng: random.Random) -> dict[str, object]:
    materials = rng.sample(MATERIALS[:10], rng.randint(2, 5)) + rng.sample(
        MATERIALS[10:], rng.randint(0, 2)
    )
    steps = []
    for step_title, body in sorted(rng.sample(STEPS, rng.randint(2, 5)), key=STEPS.index):
        step = {"title": step_title, "body": body}
        if rng.random() < 0.3:
            step["staff_note"] = f"系统里选“{title[:6]}”，核对申请人信息。"
        steps.append(step)
    record: dict[str, object] = {
        "slug": f"bench-{n:05d}",
        "title": title,
        "code": f"310115-BM-{n:05d}",
        "category": CATEGORIES[n % len(CATEGORIES)],
        "aliases": [f"{title[:4]}手续", f"办{title[:4]}"][: rng.randint(0, 2)],
        "summary": f"{title}：符合条件的居民在本中心办理，材料齐全的当场受理。",
        "audience": "户籍在本街道，或持本市居住证在本街道居住的居民。",
        "conditions": "- 本人或家庭成员符合相关规定\n- 材料真实、有效",
        "department": "幸福街道社区事务受理服务中心 综合窗口",
        "location": "幸福街道社区事务受理服务中心 一楼（幸福路 88 号）",
        "hours": "周一至周五 9:00—17:00",
        "phone": f"021-5555 {1000 + n % 9000}",
        "time_limit": rng.choice(("即时办结", "3 个工作日", "10 个工作日", "20 个工作日")),
        "fee": "不收费",
        "materials": materials,
        "steps": steps,
    }
    if rng.random() < 0.4:
        record["faqs"] = [{"question": "可以请别人代办吗？", "answer": "可以，带上授权委托书。"}]
    return record


# -- The clients -----------------------------------------------------------------------------


@dataclass
class Request:
    kind: str
    url: str
    started: float  # time.monotonic()
    seconds: float
    status: int  # 0: no answer
    error: str  # "" when it succeeded
    body: str  # the start of a failed answer


class Load:
    """`clients` threads making requests until stopped; every request is recorded."""

    def __init__(
        self, port: int, slugs: list[str], titles: list[str], options: argparse.Namespace
    ) -> None:
        self.port, self.slugs = port, slugs
        traditional = opencc.OpenCC("s2t").convert
        self.hits = sorted({query for title in titles for query in searches(title, traditional)})
        self.requests: list[Request] = []
        self.misses_found = 0  # "miss" queries that found something after all
        self.import_started = self.import_ended = 0.0
        self.loadavg: list[float] = []  # the machine's, as the import starts and ends
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.addresses = iter(range(1 << 16, 1 << 23))  # 127.1.0.0 on: one per resident visit
        staff = options.staff
        self.threads = [
            threading.Thread(target=self.resident, args=(n,), daemon=True)
            for n in range(options.clients - staff)
        ] + [
            threading.Thread(target=self.staff, args=(n,), daemon=True) for n in range(staff)
        ]  # fmt: skip

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=TIMEOUT + 5)

    def address(self) -> str:
        with self.lock:
            n = next(self.addresses)
        return f"127.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"

    def resident(self, seed: int) -> None:
        rng = random.Random(seed)
        kinds, weights = list(RESIDENT_TASKS), list(RESIDENT_TASKS.values())
        while not self.stopping.is_set():
            address = self.address()
            for _ in range(rng.randint(5, 30)):  # one visit, from one address
                if self.stopping.is_set():
                    return
                kind = rng.choices(kinds, weights)[0]
                slug = rng.choice(self.slugs)
                if kind == "page":
                    self.call(kind, f"/procedures/{slug}/", address)
                elif kind == "search":
                    query = quote(rng.choice(self.hits))
                    self.call(kind, f"/api/search?q={query}&limit=8", address, json_key="results")
                elif kind == "search (miss)":
                    query = quote(miss_query(rng))
                    self.call(kind, f"/api/search?q={query}&limit=8", address, json_key="results")
                elif kind == "handout":
                    large = "?large=1" if rng.random() < 0.3 else ""
                    self.call(kind, f"/procedures/{slug}/handout.pdf{large}", address, pdf=True)
                else:
                    self.call(kind, "/", address)

    def staff(self, n: int) -> None:
        """Log in, read 3 to 10 pages, log out, again: often enough to log in during an import."""
        rng = random.Random(1000 + n)
        username, password = STAFF_USERS[n % len(STAFF_USERS)]
        address = f"127.0.1.{n + 1}"  # one window each
        kinds, weights = list(STAFF_TASKS), list(STAFF_TASKS.values())
        while not self.stopping.is_set():
            cookies: dict[str, str] = {}
            self.call("login page", "/accounts/login/", address, cookies=cookies)
            form = {"username": username, "password": password, "next": "/"}
            form["csrfmiddlewaretoken"] = cookies.get("csrftoken", "")
            if not self.call("login", "/accounts/login/", address, cookies, form, expect=302):
                time.sleep(1)
                continue
            if "sessionid" not in cookies:
                self.record("login", "/accounts/login/", time.monotonic(), 0, 302, "no session")
                continue
            for _ in range(rng.randint(3, 10)):
                if self.stopping.is_set():
                    break
                kind = rng.choices(kinds, weights)[0]
                if kind == "staff page":
                    self.call(kind, f"/procedures/{rng.choice(self.slugs)}/", address, cookies)
                elif kind == "staff search":
                    url = f"/api/search?q={quote(rng.choice(self.hits))}&limit=8"
                    self.call(kind, url, address, cookies, json_key="results")
                else:
                    self.call(kind, "/", address, cookies)
            form = {"csrfmiddlewaretoken": cookies.get("csrftoken", "")}
            self.call("logout", "/accounts/logout/", address, cookies, form, expect=302)

    def call(
        self,
        kind: str,
        url: str,
        address: str,
        cookies: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        *,
        expect: int = 200,
        json_key: str = "",
        pdf: bool = False,
    ) -> bool:
        """One request on a new connection (gunicorn's sync workers close it anyway)."""
        started = time.monotonic()
        status, body, error = 0, b"", ""
        try:
            status, body = get(self.port, url, address, cookies, form)
        except (OSError, http.client.HTTPException) as failure:
            error = f"{type(failure).__name__}: {failure}"
        seconds = time.monotonic() - started
        if not error and status != expect:
            error = f"HTTP {status}"
        elif not error and pdf and not body.startswith(b"%PDF-"):
            error = "200 but not a PDF"
        elif not error and json_key:
            try:
                results = json.loads(body)[json_key]
            except (ValueError, KeyError, TypeError):
                error = f"200 but no {json_key!r} in JSON"
            else:
                if kind.endswith("(miss)") and results:
                    with self.lock:
                        self.misses_found += 1
        self.record(kind, url, started, seconds, status, error, body)
        return not error

    def record(
        self,
        kind: str,
        url: str,
        started: float,
        seconds: float,
        status: int,
        error: str,
        body: bytes = b"",
    ) -> None:
        text = body[:300].decode(errors="replace") if error else ""
        with self.lock:
            self.requests.append(Request(kind, url, started, seconds, status, error, text))


def get(
    port: int,
    url: str,
    address: str = HOST,
    cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    """GET (or POST `form`) from `address`; updates `cookies` from Set-Cookie."""
    source = (address, 0)
    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT, source_address=source)
    try:
        headers = {"Host": HOST}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if form is None:
            connection.request("GET", url, headers=headers)
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request("POST", url, urlencode(form), headers)
        response = connection.getresponse()
        body = response.read()
        if cookies is not None:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, value = header.split(";")[0].partition("=")
                if value and value != '""':
                    cookies[name.strip()] = value
                else:
                    cookies.pop(name.strip(), None)
        return response.status, body
    finally:
        connection.close()


def read_library_from(port: int) -> tuple[list[str], list[str]]:
    """Slugs and titles of the procedures in the home page's categories (as the locustfile)."""
    status, home = get(port, "/")
    categories = sorted(set(re.findall(r'href="(/categories/[^"/]+/)"', home.decode())))
    found: dict[str, str] = {}
    for category in categories:
        status, page = get(port, category)
        for slug, title in re.findall(r'href="/procedures/([^"/]+)/">([^<]+)<', page.decode()):
            found[slug] = title.strip()
    if not found:
        raise SystemExit("no procedure linked from the home page's categories")
    return sorted(found), sorted(set(found.values()))


def searches(title: str, traditional: Callable[[str], str]) -> list[str]:
    """As bench/locustfile.py: as written, two characters, pinyin, initials, traditional."""
    pinyin, initials = lazy_pinyin(title), lazy_pinyin(title, style=Style.FIRST_LETTER)
    question = f"{title}要带什么材料"
    return [title, title[:2], "".join(pinyin), "".join(initials), traditional(title), question]


def miss_query(rng: random.Random) -> str:
    """Words in no procedure: each different, so each is a new row in the misses table."""
    return f"vvqz {rng.randrange(10**8):08d}"


# -- SQLite's write lock ---------------------------------------------------------------------


class LockProbe(threading.Thread):
    """Every 0.2 s, try to take SQLite's write lock without waiting; note when it is held."""

    def __init__(self, database: Path) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.samples: list[tuple[float, bool]] = []  # (time.monotonic(), held by someone)
        self.stopping = threading.Event()

    def run(self) -> None:
        connection = sqlite3.connect(self.database, timeout=0, isolation_level=None)
        try:
            while not self.stopping.wait(0.2):
                try:
                    connection.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError:
                    self.samples.append((time.monotonic(), True))
                else:
                    connection.execute("ROLLBACK")
                    self.samples.append((time.monotonic(), False))
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join()

    def longest_held(self, start: float, end: float) -> tuple[float, float, float]:
        """Longest stretch of samples in [start, end] where the lock was held: (from, to, s)."""
        best, begun = (0.0, 0.0, 0.0), None
        for at, held in [*self.samples, (float("inf"), False)]:
            if held and start <= at <= end:
                begun = at if begun is None else begun
            elif begun is not None:
                last = min(at, end)
                if last - begun > best[2]:
                    best = (begun, last, last - begun)
                begun = None
        return best


# -- The report ------------------------------------------------------------------------------


def report(
    work: Path, options: argparse.Namespace, load: Load, probe: LockProbe, import_status: int
) -> bool:
    start, end = load.import_started, load.import_ended
    requests = sorted(load.requests, key=lambda r: r.started)
    if not requests:
        raise SystemExit("the clients made no request")

    def phase(request: Request) -> str:
        if request.started < start:
            return "before"
        return "during" if request.started <= end else "after"

    anonymous = options.clients - options.staff
    print(
        f"\n== SQLite, {options.workers} gunicorn workers, {options.clients} clients "
        f"({anonymous} anonymous, {options.staff} staff), {os.cpu_count()} cores; "
        f"import of {options.procedures} procedures"
    )
    print(
        "load average (1 min) as the import began and ended: "
        + " / ".join(f"{value:.1f}" for value in load.loadavg)
        + " (other work on the machine slows everything)"
    )
    summary = [
        line
        for line in (work / "import.log").read_text(errors="replace").splitlines()
        if line.strip()
    ]
    rate = options.procedures / (end - start)
    print(f"import: {end - start:.1f} s ({rate:.1f} procedures/s), exit status {import_status}")
    print(f"  it said: {' | '.join(summary[-3:]) or '(nothing)'}")
    held_from, held_to, held = probe.longest_held(start, end)
    if held:
        print(
            f"  SQLite's write lock held without a break for {held:.1f} s (probed every 0.2 s, "
            f"from {held_from - start:.1f} s to {held_to - start:.1f} s after the import began)"
        )
    else:
        print("  SQLite's write lock was never found held during the import")

    failures = [r for r in requests if r.error]
    by_phase = collections.Counter(phase(r) for r in requests)
    failed_by_phase = collections.Counter(phase(r) for r in failures)
    spans = {"before": options.warmup, "during": end - start, "after": options.cooldown}
    print("\nrequests   made   req/s  failed")
    for name in ("before", "during", "after"):
        made = by_phase[name]
        print(f"{name:<8} {made:>6} {made / spans[name]:>7.1f} {failed_by_phase[name]:>7}")
    print(f"{'all':<8} {len(requests):>6} {'':>7} {len(failures):>7}")
    if load.misses_found:
        print(f"({load.misses_found} 'miss' searches found something after all)")

    if failures:
        print("\nfailures by phase, kind and error (seconds after the import began):")
        groups: dict[tuple[str, str, str], list[Request]] = collections.defaultdict(list)
        for r in failures:
            groups[phase(r), r.kind, r.error].append(r)
        for (when, kind, error), group in sorted(groups.items(), key=lambda g: -len(g[1])):
            times = [r.started - start for r in group]
            waited = [r.seconds for r in group]
            print(
                f"  {len(group):>5} × {when:<6} {kind:<14} {error}  "
                f"(sent {min(times):+.1f}…{max(times):+.1f} s, answered after "
                f"{min(waited):.1f}…{max(waited):.1f} s; e.g. {group[0].url})"
            )
        shown = set()
        for r in failures:
            key = (r.kind, r.status, r.body[:80])
            if r.body and key not in shown and len(shown) < 3:
                shown.add(key)
                body = " ".join(r.body.split())[:200]
                print(f"  body of a failed {r.kind} ({r.status}): {body}")

    print("\nlatency seen by the clients, seconds (p50 / p95 / max, requests):")
    print(f"{'kind':<15} {'before':>26} {'during import':>26} {'after':>26}")
    kinds = sorted({r.kind for r in requests}, key=lambda k: -sum(r.kind == k for r in requests))
    for kind in [*kinds, "all"]:
        cells = []
        for name in ("before", "during", "after"):
            times = [r.seconds for r in requests if phase(r) == name and kind in ("all", r.kind)]
            cells.append(latency_cell(times))
        print(f"{kind:<15} {cells[0]:>26} {cells[1]:>26} {cells[2]:>26}")

    during = [r.seconds for r in requests if phase(r) == "during"]
    waits = ", ".join(f"{sum(s > limit for s in during)} over {limit} s" for limit in (1, 5, 20))
    print(f"\nduring the import, of {len(during)} requests: {waits}")
    served = server_times(work / "access.log", start, end)
    if served:
        print(
            "gunicorn's own time for the requests it answered during the import: "
            f"{latency_cell([seconds for _, seconds in served])} — what the clients saw beyond "
            "that was spent queueing for a free worker"
        )
        worker_seconds = options.workers * (end - start)
        for label, chosen in (
            ("failed (4xx/5xx)", [seconds for status, seconds in served if status >= 400]),
            ("taking 15 s or more", [seconds for _, seconds in served if seconds >= 15]),
        ):
            print(
                f"  requests {label}: {len(chosen)}, busy {sum(chosen):.0f} worker-seconds "
                f"of the {worker_seconds:.0f} the {options.workers} workers had"
            )
    server_log = (work / "server.log").read_text(errors="replace")
    skipped = collections.Counter(
        re.sub(r"\s+", " ", match)
        for match in re.findall(r"WARNING sopdesk\.bookkeeping: (.+)", server_log)
    )
    print("\nbookkeeping writes skipped (sopdesk.bookkeeping):", sum(skipped.values()) or "none")
    for message, count in skipped.most_common():
        print(f"  {count:>5} × {message}")
    timeouts = server_log.count("WORKER TIMEOUT")
    if timeouts:
        print(f"gunicorn killed {timeouts} workers that answered nothing for 60 s")
    report_warnings(server_log)
    report_tracebacks(server_log)
    return bool(failures) or import_status != 0


def latency_cell(times: list[float]) -> str:
    if not times:
        return "-"
    times = sorted(times)
    p50, p95 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))]
    return f"{p50:.2f} / {p95:.2f} / {times[-1]:.2f} ({len(times)})"


def server_times(access_log: Path, start: float, end: float) -> list[tuple[int, float]]:
    """(status, seconds) gunicorn logged for requests begun during the import (by wall clock)."""
    offset = time.time() - time.monotonic()
    served = []
    pattern = re.compile(r"^\[([^\]]+)\] \S+ \"[^\"]*\" (\d+) ([\d.]+)$")
    for line in access_log.read_text(errors="replace").splitlines():
        if match := pattern.match(line):
            answered = datetime.datetime.strptime(match[1], "%d/%b/%Y:%H:%M:%S %z").timestamp()
            seconds = float(match[3])
            if start <= answered - seconds - offset <= end:
                served.append((int(match[2]), seconds))
    return served


def shorter_paths(text: str) -> str:
    """URLs of one kind counted together: /procedures/<slug>/ and the like."""
    text = re.sub(r"/procedures/[^/ ]+/", "/procedures/…/", text)
    return re.sub(r"/api/search\?\S*", "/api/search?…", text)


def report_warnings(server_log: str) -> None:
    """4xx answers Django logged (django.request, django.security), by message and URL."""
    warnings = collections.Counter(
        shorter_paths(f"{logger}: {message}")
        for logger, message in re.findall(
            r"^\S+ \S+ WARNING (django\.\S+): (.+)$", server_log, flags=re.M
        )
    )
    if warnings:
        print("client errors Django logged:")
    for message, count in warnings.most_common():
        print(f"  {count:>5} × {message}")
    if any("session was deleted" in message for message in warnings):
        print(
            "  (Django says this when saving the session raised UpdateError, which its database "
            "backend raises for any DatabaseError on an UPDATE — here SQLite's "
            "'database is locked' after the 20 s busy timeout — and answers 400)"
        )


def frame(line: str) -> str:
    """'  File "/…/site-packages/axes/signals.py", line 33, in f' → '    axes/signals.py:33 f'."""
    match = re.match(r'  File "(.*)", line (\d+), in (.*)', line)
    if not match:
        return line
    path = re.sub(r".*/site-packages/", "", match[1]).removeprefix(f"{ROOT}/")
    return f"    {path}:{match[2]} {match[3]}"


# Frames that say nothing of which write it was.
PLUMBING = re.compile(
    r"django/(db|utils|dispatch|core/handlers|views/generic|views/decorators)/|axes/helpers"
)


def report_tracebacks(server_log: str) -> None:
    """Server errors by URL, the write that failed and the exception; a few whole tracebacks."""
    errors = re.findall(
        r"^\S+ \S+ ERROR (\S+): (.*?)\n(Traceback.*?)(?=^\d{4}-\d\d-\d\d |^\[\d{4}|\Z)",
        server_log,
        flags=re.M | re.S,
    )
    if not errors:
        print("server errors logged: none")
        return
    causes: collections.Counter[str] = collections.Counter()
    for _, message, traceback in errors:
        lines = traceback.strip().splitlines()
        frames = [
            f"{frame(line)} ← {lines[number + 1].strip()}"
            for number, line in enumerate(lines[:-1])
            if line.startswith('  File "') and not PLUMBING.search(line)
        ]
        cause = f"{shorter_paths(message)}: {lines[-1]}\n" + "\n".join(frames[-4:])
        causes[cause] += 1
    print(f"server errors logged: {len(errors)}, by URL, exception and the frames that wrote:")
    for cause, count in causes.most_common():
        print(f"  {count:>5} × {cause}")


if __name__ == "__main__":
    main()
