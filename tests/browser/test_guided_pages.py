"""A resident answers the guided questions (情形引导) on a phone; staff copy the case's link."""

import pytest

from procedures.roles import WINDOW_STAFF
from tests.browser.conftest import log_in
from tests.factories import FLOW_MATERIALS, make_flow_published, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_taps_answers_and_sees_only_the_materials_of_the_case(page, screenshot):
    remarried = {"name": "离婚证", "required": False, "condition": "再婚的"}
    version = make_flow_published(materials=(*FLOW_MATERIALS, remarried))
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"/procedures/{version.procedure.slug}/")
    assert page.get_by_role("button", name="查看").is_hidden()  # answering is enough

    page.get_by_text("委托他人代办", exact=True).click()
    page.wait_for_url("**dai-ban=wei-tuo-ta-ren-dai-ban**")
    page.get_by_text("本区户籍", exact=True).click()
    page.wait_for_url("**hu-ji=ben-qu-hu-ji**")

    assert "您的情形：本区户籍 · 委托他人代办" in page.locator("#case").inner_text()
    materials = page.locator("#materials").inner_text()
    assert "授权委托书" in materials and "不是本人办理时需要" in materials
    # What the page says is addressed to the resident, not to the clerk.
    assert "按情形 1 项：符合下面情形的才需要带" in materials
    assert "请向居民确认" not in materials and "因为" not in materials
    assert page.get_by_text("居住证", exact=True).is_hidden()  # folded away
    page.get_by_text("本情形不需要（1 项）").click()
    assert page.get_by_text("居住证", exact=True).is_visible()
    screenshot("guided-item-phone", full_page=True)

    page.get_by_role("link", name="重新选择").click()
    page.wait_for_url("**#case")
    assert "您的情形" not in page.locator("main").inner_text()


def test_staff_copy_the_link_of_the_case(page, live_server):
    version = make_flow_published()
    make_user("window", WINDOW_STAFF)
    log_in(page, "window")
    page.goto(f"/procedures/{version.procedure.slug}/?hu-ji=wai-di-hu-ji")
    page.get_by_role("button", name="复制链接").click()
    page.get_by_text("已复制本情形的链接").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{live_server.url}/procedures/{version.procedure.slug}/?hu-ji=wai-di-hu-ji"


def test_a_keyboard_user_keeps_their_place_after_answering(page):
    version = make_flow_published()
    page.goto(f"/procedures/{version.procedure.slug}/")
    page.locator("input[type=radio]").first.focus()
    page.keyboard.press("Space")
    page.wait_for_url("**hu-ji=**")
    focused = page.evaluate("document.activeElement.name")
    assert focused == "hu-ji"  # the answered question, not the top of the page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "dai-ban"
