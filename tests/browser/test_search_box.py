"""The search box in the header as a person sees it: the "/" key named only where there is a
keyboard, and a query too long to search told as such while typing."""

import pytest

from tests.factories import make_published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_slash_key_is_named_on_a_wide_screen_and_not_on_a_phone(page, phone):
    make_published("生育服务手册")
    page.goto("/procedures/sheng-yu-fu-wu-shou-ce/")
    assert page.locator("#header-q").get_attribute("placeholder") == "事项、俗称或拼音（按 / 键）"
    phone.goto("/procedures/sheng-yu-fu-wu-shou-ce/")
    assert phone.locator("#header-q").get_attribute("placeholder") == "事项、俗称或拼音"
    phone.screenshot(path="var/screenshots/search-box-phone.png")


def test_a_query_too_long_is_told_so_while_typing(page, screenshot):
    make_published("生育服务手册")
    page.goto("/procedures/sheng-yu-fu-wu-shou-ce/")
    page.locator("#header-q").fill("生育" * 101)
    said = page.locator(".live-results--empty")
    said.get_by_text("搜索词太长：请不超过 200 个字。").wait_for()
    assert page.get_by_role("status").inner_text() == "搜索词太长：请不超过 200 个字。"
    screenshot("search-too-long")
