"""Markdown that would keep Python-Markdown busy for seconds or minutes (security review,
issue 11, finding 2): runs of brackets (upstream issue #798), texts it needs seconds for,
lists nested too deep for it, and texts too long to take.

These tests never time anything (bench/bench_markdown.py prints the timings): they check
what a resident sees, and how much of the text the link patterns read.
"""

import signal

import pytest
from django.template import Context, Template
from django.utils.html import linebreaks
from markdown.inlinepatterns import LinkInlineProcessor

from procedures import rendering
from procedures.forms import DraftForm, FAQForm, StepForm
from procedures.rendering import MAX_MARKDOWN_LENGTH, render_markdown

BRACKETS = "[" * 8000 + "]" * 8000  # 18 s before the fix

# About 3,000 characters each: a few seconds apiece for Python-Markdown without the budget.
HOSTILE_LINKS = {
    "unclosed": "[" * 3000,
    "nested": "[" * 1500 + "]" * 1500,
    "unclosed-images": "![" * 1500,
    "unclosed-addresses": "[a](" * 750,
    "unclosed-titles": '[a](b "c) ' * 300,
    "brackets-closed-in-code": "[`]`" * 750,
    "one-per-line": "[\n" * 1500,
}


@pytest.fixture
def scanned(monkeypatch):
    """How many characters the link patterns read, counted inside Python-Markdown's scans."""
    read = {"characters": 0}
    get_text, get_link = LinkInlineProcessor.getText, LinkInlineProcessor.getLink

    def counted_get_text(self, data, index):
        text, end, handled = get_text(self, data, index)
        read["characters"] += end - index
        return text, end, handled

    def counted_get_link(self, data, index):
        if data.startswith("(", index):  # reads on to the end when the link never closes
            read["characters"] += len(data) - index
        return get_link(self, data, index)

    monkeypatch.setattr(LinkInlineProcessor, "getText", counted_get_text)
    monkeypatch.setattr(LinkInlineProcessor, "getLink", counted_get_link)
    return read


@pytest.fixture
def renders(monkeypatch):
    """The texts given to Python-Markdown, which hands each back unchanged."""
    texts = []

    def render(text, **options):
        texts.append(text)
        return text

    monkeypatch.setattr(rendering.markdown, "markdown", render)
    return texts


def test_thousands_of_nested_brackets_are_shown_as_they_are():
    assert render_markdown(BRACKETS) == f"<p>{BRACKETS}</p>"


@pytest.mark.parametrize("text", HOSTILE_LINKS.values(), ids=HOSTILE_LINKS.keys())
def test_link_patterns_read_each_character_a_bounded_number_of_times(scanned, text):
    render_markdown(text)
    assert scanned["characters"] < 100 * len(text)  # millions (quadratic) before the fix


def test_every_link_of_a_long_ordinary_text_is_still_a_link():
    link = '- [灵活就业人员参保登记办事指南](https://zwfw.example.gov.cn/item?id=3101 "指南")\n'
    stray = "请携带身份证[原件。" + "材料说明" * 400 + "\n\n"
    text = (stray * 3 + link * 200)[:MAX_MARKDOWN_LENGTH]
    html = render_markdown(text)
    assert html.count('<a href="https://zwfw.example.gov.cn/item?id=3101') == text.count("- [")


def test_a_text_that_takes_too_long_is_shown_as_plain_text(monkeypatch):
    monkeypatch.setattr(rendering, "RENDER_SECONDS", 0.2)
    text = '[^1]: "' * 1500  # footnotes: about 5 s for Python-Markdown
    assert render_markdown(text) == linebreaks(text, autoescape=True)


def test_the_time_limit_leaves_the_alarm_as_it_was():
    before = signal.getsignal(signal.SIGALRM)
    render_markdown("**办理**")
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_lists_nested_too_deep_are_shown_as_plain_text():
    text = "1. " * 1000  # a RecursionError, then a 500, before the fix
    assert render_markdown(text) == linebreaks(text, autoescape=True)


@pytest.mark.parametrize(
    "text",
    [
        "- " * 45 + "深",
        ">" * 45 + " 引用",
        "".join(f"{'  ' * level}- 第 {level} 层\n" for level in range(90)),
    ],
    ids=["markers", "quotes", "indented"],
)
def test_any_nesting_past_the_limit_is_plain_text_before_it_is_parsed(text):
    assert render_markdown(text) == linebreaks(text, autoescape=True)


def test_an_ordinary_nested_list_is_still_a_list():
    text = "".join(f"{'    ' * level}1. 第 {level} 层\n" for level in range(6))
    assert render_markdown(text).count("<ol>") == 6


def test_the_markdown_filter_renders_each_text_once(renders):
    template = Template("{% load procedures %}{{ text|markdown }}")
    for text in ("第一步", "第一步", "第二步", "第一步"):
        template.render(Context({"text": text}))
    assert renders == ["第一步", "第二步"]


def test_a_text_is_rendered_anew_when_the_rules_change(monkeypatch, renders):
    rendering.render_markdown_cached("第一步")
    monkeypatch.setattr(rendering, "RULES", "other-rules")
    rendering.render_markdown_cached("第一步")
    assert renders == ["第一步", "第一步"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form_class", "field", "label"),
    [
        (DraftForm, "conditions", "受理条件"),
        (StepForm, "body", "说明"),
        (FAQForm, "answer", "回答"),
    ],
)
def test_an_editor_form_refuses_markdown_over_the_limit_naming_the_field(form_class, field, label):
    at_limit = form_class(data={field: "办" * MAX_MARKDOWN_LENGTH})
    over = form_class(data={field: "办" * (MAX_MARKDOWN_LENGTH + 1)})
    assert field not in at_limit.errors
    assert over.errors[field][0].startswith(f"“{label}”最多 20000 个字符，现在有 20001 个。")
