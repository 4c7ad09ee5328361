"""One kind of request per user class, for bench/bench_pages.py (issue 15).

Run by bench/bench_pages.py, or on its own, naming the classes:
    .venv/bin/locust -f bench/locust_pages.py --host URL Home ProcedurePage
STAFF_SESSION (a session key of a logged-in window clerk) is the staff users' cookie. Slugs,
search words and the static file are read from the server's pages at the start; PAGE_SAMPLE
keeps that many of the procedures, the same ones each run.
"""

import html
import os
import random
import re
from urllib.parse import quote
from urllib.request import urlopen

from locust import FastHttpUser, constant, events
from locust.contrib.fasthttp import ResponseContextManager
from locust.env import Environment

SLUGS: list[str] = []
TITLES: list[str] = []
STATIC: list[str] = []


@events.test_start.add_listener
def read_library(environment: Environment, **_: object) -> None:
    host = (environment.host or "").rstrip("/")
    with urlopen(f"{host}/", timeout=30) as answer:
        home = answer.read().decode()
    STATIC[:] = re.findall(r'href="(/static/css/site[^"]*\.css)"', home)
    titles: dict[str, str] = {}
    for category in sorted(set(re.findall(r'href="(/categories/[^"/]+/)"', home))):
        with urlopen(host + category, timeout=30) as answer:
            found = re.findall(r'href="/procedures/([^"/]+)/">([^<]+)<', answer.read().decode())
        titles.update((slug, html.unescape(title).strip()) for slug, title in found)
    # PAGE_SAMPLE=N: N procedures picked at random (a large library, of which only those were
    # warmed by the bench that runs this file).
    sample = os.environ.get("PAGE_SAMPLE")
    if sample:
        titles = dict(random.Random(15).sample(sorted(titles.items()), int(sample)))
    SLUGS[:] = sorted(titles)
    TITLES[:] = sorted(titles.values())


def expect(response: ResponseContextManager, needle: bytes) -> None:
    if response.status_code == 200 and needle not in (response.content or b""):
        response.failure(f"200 without {needle!r}")


class Page(FastHttpUser):
    abstract = True
    wait_time = constant(0)  # the next request as soon as the last one is answered


class StaticFile(Page):
    def task_static(self) -> None:
        self.client.get(STATIC[0], name="static file")

    tasks = [task_static]


class Home(Page):
    def task_home(self) -> None:
        with self.client.get("/", name="home", catch_response=True) as response:
            expect(response, "业务条线".encode())

    tasks = [task_home]


class ProcedurePage(Page):
    def task_procedure(self) -> None:
        url = f"/procedures/{random.choice(SLUGS)}/"
        with self.client.get(url, name="procedure (resident)", catch_response=True) as response:
            expect(response, "工作人员登录".encode())

    tasks = [task_procedure]


class StaffProcedurePage(Page):
    def on_start(self) -> None:
        self.cookie = {"Cookie": f"sessionid={os.environ['STAFF_SESSION']}"}

    def task_procedure(self) -> None:
        url = f"/procedures/{random.choice(SLUGS)}/"
        with self.client.get(
            url, name="procedure (staff)", headers=self.cookie, catch_response=True
        ) as response:
            expect(response, "退出".encode())

    tasks = [task_procedure]


class Search(Page):
    def task_search(self) -> None:
        url = f"/api/search?q={quote(random.choice(TITLES)[:4])}&limit=8"
        with self.client.get(url, name="search", catch_response=True) as response:
            expect(response, b'"results"')

    tasks = [task_search]


class StoredHandout(Page):
    def task_handout(self) -> None:
        url = f"/procedures/{random.choice(SLUGS)}/handout.pdf"
        with self.client.get(url, name="handout (stored)", catch_response=True) as response:
            if response.status_code == 200 and not (response.content or b"").startswith(b"%PDF-"):
                response.failure("200 but not a PDF")

    tasks = [task_handout]
