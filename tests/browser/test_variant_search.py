"""Variant families in a real browser, over the demo library: a clerk on the phone types what
the caller says and is offered the right variant of 食品经营许可证 first, with its siblings
beside it; a resident on a phone who says the shop has closed is offered 注销 first."""

import importlib
import io

import pytest
from django.core.management import call_command

from search.models import Synonym
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAMILY = "食品经营许可证"
VARIANTS = ["新办", "变更", "延续", "注销", "补办"]


# The synonym groups the migrations install, as every hall has them (食品许可证 ~ 食品经营许可证).
MIGRATED_SYNONYMS = [
    *importlib.import_module("procedures.migrations.0006_search").STARTER_SYNONYMS,
    *importlib.import_module("search.migrations.0004_service_hall_words").SERVICE_HALL_WORDS,
]


@pytest.fixture
def demo():
    """The demo library and the demo logins (窗口人员 `staff`), as `make run` loads them.

    live_server flushes the database after each test, synonyms too: the library is indexed
    with them again, as on a migrated database."""
    if not Synonym.objects.exists():
        for words, note in MIGRATED_SYNONYMS:
            Synonym.objects.get_or_create(words=words, defaults={"note": note})
    call_command("load_demo_library", stdout=io.StringIO())
    call_command("ensure_demo_users", stdout=io.StringIO())


def header_search(page):
    box = page.locator("#header-q")
    return box, box.locator("xpath=ancestor::form").locator(".live-results").first


def variant_words(locator) -> list[str]:
    return [text.strip() for text in locator.locator("strong.variant-word").all_inner_texts()]


def test_a_clerk_types_what_the_caller_says_and_picks_the_variant(page, demo, screenshot):
    log_in(page, "staff", "sopdesk-staff")
    page.goto("/procedures/kai-ban-can-yin-dian-yi-jian-shi/")  # the last call's page
    box, live = header_search(page)
    box.click()
    box.press_sequentially("食品经营许可证弄丢了")

    family_line = live.locator(".live-results__family")
    family_line.wait_for()
    assert family_line.inner_text().startswith(f"同类事项「{FAMILY}」有 5 种办理情形")
    first = live.locator("[role=option]").first
    assert "食品经营许可证（补办）" in first.inner_text()
    assert variant_words(first) == ["补办"]
    # The family line stands right above its first member.
    after_line = live.locator(".live-results__aside:has(.live-results__family) + [role=option]")
    assert after_line.first.inner_text() == first.inner_text()
    screenshot("variant-live-lost")

    box.fill("")
    box.press_sequentially(FAMILY)
    live.locator("[role=option]").first.wait_for()
    with page.expect_navigation():
        box.press("Enter")
    assert "/search/" in page.url

    block = page.locator("main .search-family").first
    lead = block.locator(".search-family__lead").inner_text()
    assert lead == f"同类事项「{FAMILY}」有 5 种办理情形，请问要办哪一种："
    members = block.locator(".search-family__members > li")
    assert members.count() == 5
    assert sorted(variant_words(block)) == sorted(VARIANTS)
    for index in range(5):
        link = members.nth(index).locator("a")
        word = variant_words(link)
        assert len(word) == 1 and link.inner_text() == f"{FAMILY}（{word[0]}）"
    assert variant_words(members.first) == ["新办"]  # nothing asked for: as ranked
    screenshot("variant-results-family", full_page=True)

    with page.expect_navigation():
        block.get_by_role("link", name="食品经营许可证（注销）").click()
    assert page.url.endswith("/procedures/shi-pin-jing-ying-xu-ke-zheng-zhu-xiao/")
    assert page.locator("h1").first.inner_text().strip() == "食品经营许可证（注销）"
    assert "原食品经营许可证正本、副本" in page.locator("main").inner_text()


def test_a_resident_on_a_phone_whose_shop_closed_is_offered_cancellation_first(
    page, demo, screenshot
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    page.locator("#home-q").press_sequentially("饭店关门不开了，食品许可证怎么办")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    block = page.locator("main .search-family").first
    lead = block.locator(".search-family__lead").inner_text()
    assert lead.startswith(f"同类事项「{FAMILY}」有 5 种办理情形")
    members = block.locator(".search-family__members > li")
    assert members.count() == 5
    first = members.first.locator("a")
    assert first.inner_text() == "食品经营许可证（注销）"
    assert variant_words(first) == ["注销"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Each variant is a comfortable tap target.
    heights = members.locator("a").evaluate_all("links => links.map(a => a.offsetHeight)")
    assert min(heights) >= 40, heights
    screenshot("variant-phone-closed", full_page=True)

    with page.expect_navigation():
        first.click()
    assert page.url.endswith("/procedures/shi-pin-jing-ying-xu-ke-zheng-zhu-xiao/")
