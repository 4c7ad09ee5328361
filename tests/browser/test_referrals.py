"""A clerk searches for what the hall does not handle and is told where to send the resident."""

import pytest
from django.core.management import call_command

from procedures.roles import WINDOW_STAFF
from search.indexing import rebuild_index
from tests.browser.conftest import log_in
from tests.factories import make_category, make_published, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hall():
    make_published(
        "失业保险金申领",
        aliases=["失业金"],
        summary="到窗口领取失业保险金。",
        category=make_category("就业创业", "jiu-ye"),
    )
    make_published(
        "最低生活保障", aliases=["低保"], category=make_category("民政救助", "min-zheng")
    )
    rebuild_index()
    call_command("load_demo_referrals", stdout=None)
    make_user("window", WINDOW_STAFF)


def clerk_types(page, query: str) -> None:
    """A window clerk, logged in, types `query` into the home page's search box."""
    log_in(page, "window")
    page.goto("/")
    page.locator("form[data-live-search] input[name=q]").first.fill(query)


def test_a_clerk_searching_a_thing_the_hall_does_not_handle_sees_where_to_go(
    page, hall, screenshot
):
    clerk_types(page, "公积金怎么取")
    box = page.locator(".live-results").first
    box.get_by_text("本中心没有「公积金怎么取」对应的事项。").wait_for()
    card = box.locator(".referral")
    assert "市住房公积金管理中心" in card.inner_text()
    assert "12329" in card.inner_text()
    assert "周一至周五 9:00—17:00" in card.inner_text()
    assert "可能相关" in box.inner_text()
    screenshot("referral-live-search")

    with page.expect_navigation():
        page.keyboard.press("Enter")
    main = page.locator("main")
    assert "本中心没有「公积金怎么取」对应的事项。" in main.inner_text()
    assert "市住房公积金管理中心" in main.locator(".referral").inner_text()
    screenshot("referral-results-page", full_page=True)


def test_a_clerk_sees_answers_first_and_weaker_matches_apart(page, hall, screenshot):
    clerk_types(page, "失业金")
    first = page.locator(".live-results [role=option]").first
    first.wait_for()
    assert "失业保险金申领" in first.inner_text()
    assert "本中心没有" not in page.locator(".live-results").first.inner_text()


def test_a_clerk_hearing_of_a_lost_old_man_is_sent_to_the_police_not_to_an_allowance(
    page, hall, screenshot
):
    make_published("高龄老人津贴", aliases=["老人补贴"], slug="gao-ling")
    rebuild_index()
    clerk_types(page, "老人走丢了怎么报警")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    main = page.locator("main")
    main.get_by_text("本中心没有「老人走丢了怎么报警」对应的事项。").wait_for()
    card = main.locator(".referral")
    assert "辖区派出所" in card.inner_text()
    assert "110" in card.inner_text()
    assert "不必等 24 小时" in card.inner_text()
    # The allowance shares 老人 with the question: shown apart, as only related.
    assert "可能相关" in main.inner_text()
    assert "高龄老人津贴" in main.inner_text()
    screenshot("referral-police", full_page=True)


def test_a_clerk_typing_a_slip_of_the_keyboard_still_gets_the_answer(page, hall, screenshot):
    """公伤 for 工伤, typed on a pinyin keyboard in the middle of the caller's story: the item
    answers, it is not left among 可能相关 or taken for a question the hall does not handle."""
    make_published("工伤认定申请", slug="gong-shang-ren-ding")
    make_published("个体工商户设立登记", slug="ge-ti-gong-shang-hu")
    rebuild_index()
    story = "手被机器压断了一根指头，老板说不算公伤，我去哪申请认定"
    clerk_types(page, story)
    first = page.locator(".live-results [role=option]").first
    first.wait_for()
    assert "工伤认定申请" in first.inner_text()
    box = page.locator(".live-results").first
    assert "本中心没有" not in box.inner_text()
    screenshot("slip-live-search")

    with page.expect_navigation():
        page.keyboard.press("Enter")
    main = page.locator("main")
    answers = main.locator("ol.search-results").first
    assert "工伤认定申请" in answers.inner_text()
    assert "个体工商户设立登记" not in answers.inner_text()
    screenshot("slip-results-page", full_page=True)


def test_a_resident_on_a_phone_taps_the_number_of_the_place_to_go(phone, hall):
    phone.goto("/")
    phone.locator("form[data-live-search] input[name=q]").first.fill("公积金怎么取")
    number = phone.locator(".live-results .referral").get_by_role("link", name="12329")
    number.wait_for()
    assert number.get_attribute("href") == "tel:12329"
    phone.screenshot(path="var/screenshots/referral-phone-live.png")

    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    number = phone.locator("main .referral").get_by_role("link", name="12329")
    assert number.get_attribute("href") == "tel:12329"
    phone.screenshot(path="var/screenshots/referral-phone-page.png", full_page=True)
