"""SOPDesk visitors: procedure pages 50 %, search 30 %, handouts 15 % (30 % large print), home 5 %.

Run by bench/bench_load.py, or on its own:  .venv/bin/locust -f bench/locustfile.py --host URL
Procedures are read from the server's category pages at the start, searches made from their
titles. The first request for a handout URL is "handout (renders)", later ones "(stored)".
"""

import html
import logging
import random
import re
from collections.abc import Callable
from urllib.parse import quote
from urllib.request import urlopen

import opencc
from locust import FastHttpUser, constant, events, task
from locust.env import Environment
from pypinyin import Style, lazy_pinyin

SLUGS: list[str] = []
QUERIES: list[str] = []
ASKED_HANDOUTS: set[str] = set()  # the users are greenlets of one process: no lock needed


def searches(title: str, traditional: Callable[[str], str]) -> list[str]:
    """As written, first two characters, pinyin, initials, traditional characters, a question."""
    pinyin, initials = lazy_pinyin(title), lazy_pinyin(title, style=Style.FIRST_LETTER)
    question = f"{title}要带什么材料"
    return [title, title[:2], "".join(pinyin), "".join(initials), traditional(title), question]


@events.test_start.add_listener
def read_library(environment: Environment, **_: object) -> None:
    """Slugs and titles of every procedure in the home page's categories (not in the stats)."""
    host = (environment.host or "").rstrip("/")
    try:
        with urlopen(f"{host}/", timeout=30) as answer:
            categories = set(re.findall(r'href="(/categories/[^"/]+/)"', answer.read().decode()))
        titles: dict[str, str] = {}
        for category in sorted(categories):
            with urlopen(host + category, timeout=30) as answer:
                found = re.findall(r'href="/procedures/([^"/]+)/">([^<]+)<', answer.read().decode())
            titles.update((slug, html.unescape(title).strip()) for slug, title in found)
        if not titles:
            raise LookupError("no procedure linked from the home page's categories")
    except Exception:
        logging.exception("cannot read the procedures from %s", host)
        if environment.runner:
            environment.runner.quit()
        return
    to_traditional = opencc.OpenCC("s2t").convert
    SLUGS[:] = sorted(titles)
    QUERIES[:] = sorted(
        {query for title in titles.values() for query in searches(title, to_traditional)}
    )
    logging.info("%d procedures, %d search queries", len(SLUGS), len(QUERIES))


class Visitor(FastHttpUser):
    wait_time = constant(0)  # the next request as soon as the last one is answered

    @task(50)
    def procedure_page(self) -> None:
        self.client.get(f"/procedures/{random.choice(SLUGS)}/", name="procedure page")

    @task(30)
    def search(self) -> None:
        url = f"/api/search?q={quote(random.choice(QUERIES))}&limit=8"  # limit: as search.js
        with self.client.get(url, name="search", catch_response=True) as response:
            if response.status_code == 200 and '"results"' not in (response.text or ""):
                response.failure("200 but no search results")

    @task(15)
    def handout(self) -> None:
        large = "?large=1" if random.random() < 0.3 else ""
        url = f"/procedures/{random.choice(SLUGS)}/handout.pdf{large}"
        name = "handout (stored)" if url in ASKED_HANDOUTS else "handout (renders)"
        ASKED_HANDOUTS.add(url)
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code == 200 and not (response.content or b"").startswith(b"%PDF-"):
                response.failure("200 but not a PDF")

    @task(5)
    def home(self) -> None:
        self.client.get("/", name="home")
