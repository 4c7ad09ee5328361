"""教搜索 in the browser: a clerk's search finds nothing twice; the reviewer opens it from 待处理,
finds the item the caller meant, keeps the caller's words and teaches search; the clerk's next
search answers with the item first."""

import pytest

from procedures.roles import PUBLISHERS, WINDOW_STAFF
from search.indexing import rebuild_index
from search.models import SearchMiss, Synonym
from tests.browser.conftest import log_in, switch_user
from tests.conftest import SCREENSHOTS
from tests.factories import make_category, make_published, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORY = "村里想打口井浇菜地"


@pytest.fixture
def hall():
    make_published("取水许可新办", slug="qu-shui", category=make_category("水务", "shui-wu"))
    make_published("食品小作坊登记证新办", slug="zuo-fang", category=make_category("市场监管"))
    rebuild_index()
    make_user("xiaowang", WINDOW_STAFF, first_name="小王")
    make_user("laozhang", PUBLISHERS, is_staff=True, first_name="老张")


def clerk_searches(page, query: str) -> None:
    page.goto("/")
    box = page.locator("form[data-live-search] input[name=q]").first
    box.fill(query)
    with page.expect_navigation():
        box.press("Enter")


def test_a_reviewer_teaches_search_a_callers_words_from_the_queue(page, hall, screenshot):
    log_in(page, "xiaowang")
    for _ in range(2):
        clerk_searches(page, STORY)
        page.get_by_text(f"本中心没有「{STORY}」对应的事项。").wait_for()
    assert SearchMiss.objects.get(query=STORY).count >= 2

    switch_user(page, "laozhang")
    page.goto("/upkeep/")
    section = page.locator("#section-search ~ .upkeep-queue").first
    assert STORY in section.inner_text()
    screenshot("teach-1-queue", full_page=True)
    section.get_by_role("link", name=STORY).click()

    page.get_by_role("heading", name=f"教搜索：“{STORY}”").wait_for()
    assert "没有能回答这句话的事项" in page.locator("main").inner_text()
    page.get_by_label("没看到要办的事项？按名称或说法查找：").fill("取水许可")
    page.get_by_role("button", name="查找").click()
    page.get_by_label("取水许可新办").check()
    words = page.get_by_label("居民的说法")
    assert words.input_value() == "村里打口井浇菜地"
    screenshot("teach-2-page", full_page=True)

    # A word of one character is refused, and nothing is saved.
    words.fill("井")
    page.get_by_role("button", name="教会搜索").click()
    page.get_by_text("“井”只有一个字").wait_for()
    assert not Synonym.objects.filter(words__startswith="取水许可新办").exists()
    assert page.get_by_label("取水许可新办").is_checked()
    screenshot("teach-3-refused", full_page=True)

    page.get_by_label("居民的说法").fill("口井 浇菜地")
    page.get_by_role("button", name="教会搜索").click()
    page.get_by_text(f"已教会搜索：现在搜“{STORY}”，第一个结果就是“取水许可新办”。").wait_for()
    assert STORY not in page.locator("main").inner_text().split("搜索找不到")[-1]
    screenshot("teach-4-taught", full_page=True)

    switch_user(page, "xiaowang")
    clerk_searches(page, STORY)
    first = page.locator("main ol.search-results > li").first
    assert "取水许可新办" in first.inner_text()
    assert "本中心没有" not in page.locator("main").inner_text()
    screenshot("teach-5-clerk-finds-it", full_page=True)


def test_the_page_reads_on_a_phone(phone, hall):
    miss = SearchMiss.objects.create(query=STORY, count=2)
    log_in(phone, "laozhang")
    phone.goto(f"/search/misses/{miss.pk}/?find=取水许可")
    phone.get_by_label("取水许可新办").check()
    box = phone.get_by_label("居民的说法").bounding_box()
    assert box is not None and box["width"] <= 390
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing sticks out sideways"
    phone.screenshot(path=str(SCREENSHOTS / "teach-6-phone.png"), full_page=True)
