"""Print how long Markdown takes to render, before and after issue 11; never asserts.

Run from the project root:  .venv/bin/python bench/bench_markdown.py
It works in a throwaway folder, so var/ is never touched. Takes about five minutes, most of
it waiting for "before", which is stopped at BEFORE_CAP seconds a text, and for "thread".

Security review, issue 11, finding 2: "[" * 8000 + "]" * 8000 took 17.7 s, and other texts
keep Python-Markdown busy for the square of their length or worse. "before" is
Python-Markdown then nh3, as `render_markdown` was. "after" is `render_markdown` now: the
link scan budget, the time limit (main thread) and the plain-text fallback; "cached" is the
second view of a page (`render_markdown_cached`); "thread" is `render_markdown` where no
signal can stop it (runserver's threads), so only the length limit and the budget hold.
Targets: after ≤ RENDER_SECONDS (2 s) in the main thread for every text; ordinary texts as
fast as before; cached ≤ 1 ms.
"""

import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = Path(tempfile.mkdtemp(prefix="bench-markdown-"))
os.environ["SOPDESK_VAR_DIR"] = str(WORK_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "sopdesk.settings"
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

import markdown  # noqa: E402
import nh3  # noqa: E402

from procedures import rendering  # noqa: E402

BEFORE_CAP = 20.0
CAP = rendering.MAX_MARKDOWN_LENGTH
LINK = "- [灵活就业人员参保登记办事指南](https://zwfw.example.gov.cn/item?id=3101)\n"
ORDINARY = (
    "## 办理须知\n\n符合条件的居民可**当场办结**，材料不全的一次性告知。\n\n"
    "| 材料 | 份数 | 说明 |\n|---|---|---|\n| 居民身份证 | 1 | 原件 |\n| 户口簿 | 1 | 复印件 |\n\n"
    + LINK * 5
    + "\n1. 取号\n2. 到 2 号窗口提交材料\n3. 领取回执\n\n"
)


def repeated(motif: str) -> Callable[[int], str]:
    return lambda length: (motif * (length // len(motif) + 1))[:length]


# Each makes a text of the length asked for.
HOSTILE = {
    "nested brackets (the finding)": lambda length: "[" * (length // 2) + "]" * (length // 2),
    "unclosed [": repeated("["),
    "unclosed ![": repeated("!["),
    "unclosed link address [a](": repeated("[a]("),
    'unclosed link title [a](b "c) ': repeated('[a](b "c) '),
    "footnote references [^": repeated("[^"),
    'footnote definitions [^1]: "': repeated('[^1]: "'),
    "raw HTML <a ": repeated("<a "),
    "one-line headers #\\n": repeated("#\n"),
    "nested list 1. ": repeated("1. "),
    "definition lists a\\n: ": repeated("a\n: "),
    "ordinary text (links, tables, lists)": repeated(ORDINARY),
}


class Fallbacks(logging.Handler):
    """Counts the texts `render_markdown` shows as plain text (it logs each)."""

    count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


FALLBACKS = Fallbacks()


def before(text: str) -> None:
    html = markdown.markdown(text, extensions=rendering.EXTENSIONS, output_format="html")
    nh3.clean(html, tags=rendering.ALLOWED_TAGS, attributes=rendering.ALLOWED_ATTRIBUTES)


def seconds(render: Callable[[str], object], text: str) -> float:
    start = time.perf_counter()
    render(text)
    return time.perf_counter() - start


def seconds_before(text: str) -> str:
    start = time.perf_counter()
    try:
        with rendering.time_limit(BEFORE_CAP):
            before(text)
    except rendering.RenderTooSlow:
        return f"> {BEFORE_CAP:.0f} s"
    except RecursionError:
        return "error 500"
    return f"{time.perf_counter() - start:.3f} s"


def seconds_in_a_thread(text: str) -> float:
    thread = threading.Thread(target=rendering.render_markdown, args=(text,))
    start = time.perf_counter()
    thread.start()
    thread.join()
    return time.perf_counter() - start


def seconds_cached(text: str) -> float:
    rendering.render_markdown_cached(text)
    return seconds(rendering.render_markdown_cached, text)


def outcome(text: str) -> str:
    fallbacks = FALLBACKS.count
    rendering.render_markdown(text)
    return "plain text (fallback)" if FALLBACKS.count > fallbacks else "rendered"


def main() -> None:
    logger = logging.getLogger("procedures")
    logger.handlers, logger.propagate = [FALLBACKS], False  # count the warnings, not print them
    print(f"Python-Markdown {markdown.__version__}; lengths in characters; cap {CAP}.\n")
    header = f"{'text':38} {'length':>7} {'before':>10} {'after':>8} {'cached':>8} {'thread':>8}"
    print(header + "  after shows")
    for name, make in HOSTILE.items():
        for length in (16_000, CAP) if name.startswith("nested brackets") else (CAP,):
            text = make(length)
            print(
                f"{name:38} {length:7} {seconds_before(text):>10} "
                f"{seconds(rendering.render_markdown, text):6.3f} s "
                f"{seconds_cached(text) * 1000:5.2f} ms "
                f"{seconds_in_a_thread(text):6.2f} s  {outcome(text)}",
                flush=True,
            )
    print("\nLonger than the cap (an import that skips it), after only, main thread:")
    for name, make in HOSTILE.items():
        text = make(100_000)
        after = seconds(rendering.render_markdown, text)
        print(f"{name:38} {len(text):7} {after:6.3f} s  {outcome(text)}", flush=True)


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK_DIR)
