import pytest

from search.indexing import rebuild_index
from tests.factories import make_category, make_published

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles"),
]


@pytest.fixture
def library():
    make_published("生育服务手册", aliases=["准生证"])
    make_published("独生子女父母光荣证", aliases=["独生子女证"])
    make_published("最低生活保障", aliases=["低保"], category=make_category("民政救助"))
    rebuild_index()


def test_staff_find_and_open_a_procedure_from_the_keyboard_alone(page, library, screenshot):
    page.goto("/")
    page.keyboard.type("独生子女证")
    first = page.locator(".live-results [role=option]").first
    first.wait_for()
    assert "独生子女父母光荣证" in first.inner_text()
    assert page.locator(".live-results mark").count() >= 1
    screenshot("live-search")
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "独生子女父母光荣证"


def test_slash_focuses_the_header_search_box(page, library):
    page.goto("/categories/min-zheng-jiu-zhu/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "header-q"
    page.keyboard.type("dibao")
    page.locator(".live-results [role=option]").first.wait_for()
    assert "最低生活保障" in page.locator(".live-results [role=option]").first.inner_text()
