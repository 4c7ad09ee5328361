"""Markdown to safe HTML. Every Markdown field reaches a page or a handout through here.

Editors write Markdown; nh3 then keeps only plain document tags and `http(s)`/`mailto`/`tel`
or relative links and images, so no script, event handler, frame, style or
`javascript:` URL can reach a resident's screen, whatever the source text holds.
"""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

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


def render_markdown(text: str) -> SafeString:
    if not text:
        return mark_safe("")
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
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
