"""A small picture of a flow for its editors: questions and options on the left, what depends on
them on the right, a line from each option to each outcome whose condition names it.

Drawn on the server as inline SVG (no script, no style attribute: the page's CSS colours it),
with every text escaped; the viewBox lets it shrink on a narrow screen.
"""

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from procedures.flows import ANY, Flow

WIDTH = 760
ROW = 26
LEFT, LEFT_WIDTH = 8, 250
RIGHT, RIGHT_WIDTH = 500, 252
TOP = 30


@dataclasses.dataclass(frozen=True)
class _Outcome:
    name: str
    when: tuple[Mapping[str, Any], ...]


def render(flow: Flow) -> SafeString:
    """The diagram of a flow with questions; an empty string for one without."""
    if not flow.questions:
        return mark_safe("")
    composite = flow.kind != "item"
    outcomes, always = _outcomes(flow)
    options = _option_rows(flow)
    ends = [(outcome, TOP + index * ROW) for index, outcome in enumerate(outcomes)]
    boxes_top = TOP + len(outcomes) * ROW + (ROW // 2 if outcomes else 0)
    height = max(TOP + _left_rows(flow) * ROW, boxes_top + _boxes_height(always)) + 8
    parts = [
        format_html(
            '<text class="flow-heading" x="{}" y="18">情形问题</text>'
            '<text class="flow-heading" x="{}" y="18">{}</text>',
            LEFT,
            RIGHT,
            "按情形办理的事项" if composite else "按情形提交的材料",
        ),
        *_lines(options, ends),
        *_questions(flow, options),
        *_outcome_nodes(ends),
        *_always_boxes(always, boxes_top, composite),
    ]
    return format_html(
        '<svg class="flow-diagram" viewBox="0 0 {} {}" role="img" aria-label="{}">{}</svg>',
        WIDTH,
        height,
        f"{flow.title}的情形引导示意图",
        mark_safe("".join(parts)),  # each part is built with format_html
    )


def _outcomes(flow: Flow) -> tuple[list[_Outcome], dict[str, list[str]]]:
    """The outcomes drawn with lines, and the lists of those that need no answer."""
    always: dict[str, list[str]] = {"都需要": [], "按情形（由工作人员判断）": []}
    outcomes = []
    if flow.kind == "item":
        for material in flow.materials:
            if material.required:
                always["都需要"].append(material.name)
            elif material.when:
                outcomes.append(_Outcome(material.name, tuple(material.when)))
            else:
                always["按情形（由工作人员判断）"].append(material.name)
    else:
        for member in flow.members:
            name = member.title or member.slug
            if member.when:
                outcomes.append(_Outcome(name, tuple(member.when)))
            else:
                always["都需要"].append(name)
    return outcomes, {title: names for title, names in always.items() if names}


def _left_rows(flow: Flow) -> int:
    return sum(1 + len(question.options) for question in flow.questions)


def _option_rows(flow: Flow) -> dict[tuple[str, str], int]:
    """The y of each (question label, option) on the left."""
    rows: dict[tuple[str, str], int] = {}
    y = TOP
    for question in flow.questions:
        y += ROW
        for option in question.options:
            rows[(question.label, option)] = y
            y += ROW
    return rows


def _questions(flow: Flow, options: Mapping[tuple[str, str], int]) -> Iterator[SafeString]:
    y = TOP
    for question in flow.questions:
        yield format_html(
            '<text class="flow-question" x="{}" y="{}"><title>{}</title>{}</text>',
            LEFT,
            y + 17,
            question.text,
            _short(question.label, 16),
        )
        y += ROW
        for option in question.options:
            top = options[(question.label, option)]
            yield format_html(
                '<rect class="flow-option" x="{}" y="{}" width="{}" height="{}" rx="4"></rect>'
                '<text x="{}" y="{}"><title>{}</title>{}</text>',
                LEFT + 12,
                top + 2,
                LEFT_WIDTH - 12,
                ROW - 4,
                LEFT + 20,
                top + 18,
                option,
                _short(option, 15),
            )
        y += ROW * len(question.options)


def _outcome_nodes(ends: Sequence[tuple[_Outcome, int]]) -> Iterator[SafeString]:
    for outcome, top in ends:
        yield format_html(
            '<rect class="flow-outcome" x="{}" y="{}" width="{}" height="{}" rx="4"></rect>'
            '<text x="{}" y="{}"><title>{}</title>{}</text>',
            RIGHT,
            top + 2,
            RIGHT_WIDTH,
            ROW - 4,
            RIGHT + 8,
            top + 18,
            outcome.name,
            _short(outcome.name, 16),
        )


def _lines(
    options: Mapping[tuple[str, str], int], ends: Sequence[tuple[_Outcome, int]]
) -> Iterator[SafeString]:
    for outcome, top_of_end in ends:
        end = top_of_end + ROW // 2
        for clause in outcome.when:
            kind = "flow-line" if clause.get("op", ANY) == ANY else "flow-line flow-line-not"
            for option in clause.get("options", ()):
                top = options.get((clause.get("question", ""), option))
                if top is None:
                    continue  # a question or option gone: the check names it
                start = top + ROW // 2
                x1, x2 = LEFT + LEFT_WIDTH, RIGHT
                yield format_html(
                    '<path class="{}" d="M {} {} C {} {}, {} {}, {} {}"></path>',
                    kind,
                    x1,
                    start,
                    x1 + 110,
                    start,
                    x2 - 110,
                    end,
                    x2,
                    end,
                )


def _boxes_height(always: Mapping[str, list[str]]) -> int:
    return sum(ROW * (1 + len(names)) + 8 for names in always.values())


def _always_boxes(
    always: Mapping[str, list[str]], top: int, composite: bool
) -> Iterator[SafeString]:
    for title, names in always.items():
        heading = "都办理" if composite and title == "都需要" else title
        height = ROW * (1 + len(names))
        yield format_html(
            '<rect class="flow-always" x="{}" y="{}" width="{}" height="{}" rx="4"></rect>'
            '<text class="flow-heading" x="{}" y="{}">{}</text>{}',
            RIGHT,
            top,
            RIGHT_WIDTH,
            height,
            RIGHT + 8,
            top + 18,
            heading,
            format_html_join(
                "",
                '<text x="{}" y="{}"><title>{}</title>{}</text>',
                (
                    (RIGHT + 16, top + 18 + ROW * (index + 1), name, _short(name, 15))
                    for index, name in enumerate(names)
                ),
            ),
        )
        top += height + 8


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
