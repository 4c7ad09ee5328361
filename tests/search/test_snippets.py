"""What a result shows: its category, address, snippet and marks, never notes it may not."""

import pytest

from procedures.roles import WINDOW_STAFF
from search import queries
from tests.factories import make_category, make_published, make_user
from tests.search.conftest import ANONYMOUS

pytestmark = pytest.mark.django_db


def test_snippets_never_show_internal_notes_to_residents():
    make_published("生育服务手册", staff_notes="内部口径：先查系统再受理")
    make_published("系统受理登记")
    for result in queries.search("系统受理", user=ANONYMOUS).results:
        assert "内部" not in result.snippet


def test_staff_snippets_may_show_internal_notes():
    make_published("生育服务手册", staff_notes="全员人口信息系统里核对")
    staff = make_user("window", WINDOW_STAFF)
    [result] = queries.search("全员人口信息系统", user=staff).results
    assert "全员人口信息系统" in result.snippet


def test_results_carry_the_category_url_snippet_and_marks():
    make_published(
        "残疾人两项补贴",
        category=make_category("残疾人服务", "can-ji"),
        materials=[{"name": "残疾人证"}],
    )
    [result] = queries.search("残疾人两项补帖", user=ANONYMOUS).results
    assert result.category == "残疾人服务"
    assert result.url == "/procedures/can-ji-ren-liang-xiang-bu-tie/"
    assert "补贴" in result.marks and "残疾" in result.marks
    assert result.snippet


def test_marks_show_a_title_found_by_initials():
    make_published("户口迁入")
    [result] = queries.search("hkqr", user=ANONYMOUS).results
    assert result.marks == ("户口迁入",)
