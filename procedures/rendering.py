"""Markdown to safe HTML. Every Markdown field reaches a page or a handout through here.

Editors write Markdown; nh3 then keeps only plain document tags and `http(s)`/`mailto`/`tel`
or relative links and images, so no script, event handler, frame, style or
`javascript:` URL can reach a resident's screen, whatever the source text holds.

Python-Markdown needs time that grows with the square of the length of some texts, or
faster: runs of brackets (upstream issue #798), a footnote referred to thousands of times,
unclosed HTML tags, long blocks of short lines. So a field holds at most MAX_MARKDOWN_LENGTH
characters (checked where it is written), the link patterns get a budget of characters to
scan, a render still running after RENDER_SECONDS shows the text as plain paragraphs, and
pages render each text once (`render_markdown_cached`).
"""

import contextlib
import hashlib
import logging
import re
import signal
import threading
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path
from types import FrameType

import markdown
import nh3
from django.core.cache import caches
from django.core.validators import MaxLengthValidator
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.inlinepatterns import LinkInlineProcessor

logger = logging.getLogger(__name__)

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "ins",
    "mark",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
EXTENSIONS = ["extra", "sane_lists", "nl2br"]

# About ten printed pages, far beyond any real step or answer. At this length the slowest
# known texts still take Python-Markdown 15-20 s (bench/bench_markdown.py): the time
# limit below is what stops them.
MAX_MARKDOWN_LENGTH = 20_000
# A step of ordinary length renders in milliseconds, one of 20,000 characters in about 0.1 s.
RENDER_SECONDS = 2.0
# Characters the link patterns may scan, per character of the text. An ordinary text scans
# each of its characters a few times (link text, address, and each pattern that tries it).
LINK_SCAN_PER_CHARACTER = 20
# Lists and quotes nested deeper than this are shown as plain text before Python-Markdown
# recurses into them (about two frames a level). Catching its RecursionError alone was not
# enough: one CI run rendered "1. " * 1000 as a whole nested list instead of failing.
MAX_NESTING = 40
NESTED = re.compile(
    # Possessive: no backtracking between the spaces after one marker and before the next.
    rf"^[ \t]*+(?:(?:>|(?:[-*+]|\d{{1,9}}[.)])[ \t]++)[ \t]*+){{{MAX_NESTING},}}"
    rf"|^[ \t]{{{4 * MAX_NESTING},}}\S",
    re.MULTILINE,
)
LINK_SCAN_ALLOWANCE = 100_000
# A key names the text by its hash, so it never goes stale: the timeout only lets texts no
# page shows any more (old drafts) leave a cache that is shared or outlives the process.
CACHE_SECONDS = 30 * 24 * 3600
# In every key: HTML rendered under other rules (an edit to this file, another version of
# either library) is never served, even from a cache that outlives a deploy.
RULES = hashlib.sha256(
    Path(__file__).read_bytes() + f"{version('markdown')} {version('nh3')}".encode()
).hexdigest()[:16]


class MarkdownLengthValidator(MaxLengthValidator):
    """At most MAX_MARKDOWN_LENGTH characters, with a message that names the field."""

    def __init__(self, label: str) -> None:
        name = label.replace("%", "%%")  # the message is %-formatted
        super().__init__(
            MAX_MARKDOWN_LENGTH,
            message=f"“{name}”最多 %(limit_value)d 个字符，现在有 %(show_value)d 个。"
            "请精简，或分成几段（几个步骤、几条问答）填写。",
        )


def render_markdown_cached(text: str) -> SafeString:
    """`render_markdown`, kept in the cache by the text's hash: each text renders once."""
    if not text:
        return mark_safe("")
    key = f"markdown:{RULES}:{hashlib.sha256(text.encode()).hexdigest()}"
    html: str | None = caches["renderings"].get(key)
    if html is None:
        html = str(render_markdown(text))
        caches["renderings"].set(key, html, CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by render_markdown, sanitised there


def render_markdown(text: str) -> SafeString:
    """Sanitised HTML; plain paragraphs for a text too slow or too deeply nested to render."""
    if not text:
        return mark_safe("")
    if NESTED.search(text):
        logger.warning("Markdown nested over %d deep shown as plain text", MAX_NESTING)
        return mark_safe(linebreaks(text, autoescape=True))  # noqa: S308 - escaped
    budget = LinkScanBudget(LINK_SCAN_ALLOWANCE + LINK_SCAN_PER_CHARACTER * len(text))
    try:
        with time_limit(RENDER_SECONDS):
            html = markdown.markdown(text, extensions=[*EXTENSIONS, budget], output_format="html")
    except (RenderTooSlow, RecursionError) as error:
        # RecursionError: a list nested a few hundred deep ("1. 1. 1. …").
        logger.warning("Markdown of %d characters shown as plain text: %r", len(text), error)
        return mark_safe(linebreaks(text, autoescape=True))  # noqa: S308 - escaped
    return mark_safe(  # noqa: S308 - sanitised by nh3 on the line above
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            clean_content_tags={"script", "style", "iframe", "object", "embed", "svg", "math"},
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
        )
    )


class RenderTooSlow(BaseException):
    """Raised by `time_limit`'s alarm. A BaseException, so no `except Exception` swallows it."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block with RenderTooSlow after `seconds`, where a signal can do that.

    A signal only reaches the main thread, where gunicorn's sync workers (`make serve`) and
    the tests run requests. A thread cannot be stopped from outside, so in other threads
    (runserver) the block runs to its end: the length limit and the link budget bound it.
    Nor is it timed where something else handles SIGALRM (a test runner's timeout, say).
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL
    ):
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise RenderTooSlow(f"stopped after {seconds} s")

    signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


# Every pattern that looks for a link's end from a "[": they share LinkInlineProcessor's scans.
LINK_PATTERNS = (
    "reference",
    "link",
    "image_link",
    "image_reference",
    "short_reference",
    "short_image_ref",
)
QUOTES = {'"', "'"}

TextScan = Callable[[str, int], tuple[str, int, bool]]
LinkScan = Callable[[str, int], tuple[str, str | None, int, bool]]


class LinkScanBudget(Extension):
    """Caps how many characters the link patterns scan in one text.

    From every "[" they read ahead to the matching "]", and from "](" to the matching ")",
    up to the end of the paragraph when there is none (upstream issue #798): 8,000 "[" then
    8,000 "]" cost 64 million steps and 18 s. Once the budget is spent, the remaining
    brackets stay text, which such brackets would have been anyway.
    """

    def __init__(self, characters: int) -> None:
        super().__init__()
        self.left = characters

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        for name in LINK_PATTERNS:
            pattern = md.inlinePatterns[name]
            assert isinstance(pattern, LinkInlineProcessor)
            pattern.getText = self.text_scan(pattern.getText)  # type: ignore[method-assign,assignment]
            pattern.getLink = self.link_scan(pattern.getLink)  # type: ignore[method-assign,assignment]

    def text_scan(self, scan: TextScan) -> TextScan:
        def within_budget(data: str, index: int) -> tuple[str, int, bool]:
            if self.left <= 0:
                return "", index, False
            text, end, handled = scan(data, index)
            self.left -= end - index
            return text, end, handled

        return within_budget

    def link_scan(self, scan: LinkScan) -> LinkScan:
        def within_budget(data: str, index: int) -> tuple[str, str | None, int, bool]:
            if self.left <= 0:
                return "", None, index, False
            href, title, end, handled = scan(data, index)
            self.left -= link_scan_length(data, index, end, handled=handled, title=title)
            return href, title, end, handled

        return within_budget


def link_scan_length(data: str, index: int, end: int, *, handled: bool, title: str | None) -> int:
    """How far `getLink` read from `index`: to the link's end, or else to the paragraph's.

    It reads nothing unless a "(" follows the "]". A link closed with no quote before its
    ")", or closed by a quoted title, ends at `end`. Otherwise it read to the paragraph's end,
    even when it then fell back to an earlier ")" (a quote that never closed, as in `(a "b)`).
    """
    if not data.startswith("(", index):
        return 0
    if handled and (title is not None or not QUOTES.intersection(data[index:end])):
        return end - index
    return len(data) - index
