"""In a real browser, hostile text on our pages stays text: nothing runs, and not because the
Content Security Policy stopped it, but because it never became markup."""

import pytest
from django.urls import reverse

from procedures.roles import WINDOW_STAFF
from search.indexing import rebuild_index
from tests.browser.conftest import log_in
from tests.factories import make_user
from tests.security.payloads import PAYLOADS
from tests.security.test_hostile_input import ALIAS, hostile_library

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles"),
]

# One of each kind: tag, event handlers, frames, disguised schemes, Markdown, mutation XSS,
# breaking out of an attribute and of the checklist's <textarea>, styles.
SAMPLE = [
    "script-tag",
    "img-onerror",
    "svg-onload",
    "details-ontoggle",
    "input-autofocus",
    "iframe-srcdoc",
    "a-tab-entity",
    "md-link-javascript",
    "md-image-onerror",
    "math-mglyph-style",
    "attribute-breakout",
    "textarea-breakout",
    "style-attribute-url",
]

# What the browser itself built from the page: an event handler, a script address, a script
# element or frame that is not ours, or a style attribute, anywhere in the document.
LIVE_MARKUP = """() => {
  const scheme = /^[\\u0000-\\u0020]*(javascript:|vbscript:|data:text\\/html)/i;
  const found = [];
  for (const node of document.querySelectorAll("*")) {
    for (const attribute of node.attributes) {
      const name = attribute.name.toLowerCase();
      const url = ["href", "src", "action", "formaction", "xlink:href", "data"].includes(name);
      if (name.startsWith("on") || name === "style" || name === "srcdoc"
          || (url && scheme.test(attribute.value.replace(/[\\t\\n\\r]/g, "")))) {
        found.push(node.outerHTML.slice(0, 120));
      }
    }
    const tag = node.tagName.toLowerCase();
    const ours = tag === "script" && (node.getAttribute("src") || "").startsWith("/static/");
    const foreign = ["iframe", "object", "embed", "math", "style", "svg"].includes(tag);
    if ((tag === "script" && !ours) || foreign) {
      found.push(node.outerHTML.slice(0, 120));
    }
  }
  return found;
}"""


class Watch:
    """Dialogs and console messages of a page, from the moment it is watched."""

    def __init__(self, page):
        self.dialogs: list[str] = []
        self.console: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda message: self.console.append(message.text))
        page.on("pageerror", lambda error: self.console.append(str(error)))

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def assert_nothing_ran(page, watch: Watch) -> None:
    page.wait_for_load_state("load")
    page.wait_for_timeout(100)  # a handler set on load or focus fires by now
    where = page.url
    assert watch.dialogs == [], where
    assert page.evaluate("() => window.__xss") is None, where
    assert not [m for m in watch.console if "Content Security Policy" in m], where
    assert page.evaluate(LIVE_MARKUP) == [], where


@pytest.mark.parametrize("name", SAMPLE)
def test_hostile_text_stays_inert_in_the_browser(page, name):
    payload = PAYLOADS[name]
    library = hostile_library(payload)
    rebuild_index()  # live_server's flushes leave the full-text tables of earlier tests behind
    slug = library.procedure.slug
    v1, v2, _ = library.versions
    watch = Watch(page)
    for url in [
        reverse("procedures:detail", args=[slug]),
        reverse("procedures:diff", args=[slug, v1.number, v2.number]),
        reverse("procedures:history", args=[slug]),
    ]:
        page.goto(url)
        assert_nothing_ran(page, watch)

    page.goto("/")
    page.fill("#home-q", payload)
    page.wait_for_selector(".live-results:not([hidden])")
    assert_nothing_ran(page, watch)
    page.fill("#home-q", ALIAS)
    title = page.locator(".live-results__title").first
    title.wait_for()
    assert title.text_content() == payload
    assert_nothing_ran(page, watch)

    make_user("window", WINDOW_STAFF)
    log_in(page, "window")
    detail = reverse("procedures:detail", args=[slug])
    for url in [detail, detail + "?view=call"]:
        page.goto(url)
        assert_nothing_ran(page, watch)
    assert page.locator("#checklist-text").input_value().startswith(f"【{payload}】")
