"""The journeys of issue 13 in a real browser: a clerk on a call answers two questions and gets
the exact checklist and the case's handout; a resident on a phone opens a bundle and sees one
merged list with no material twice."""

import re
import subprocess

import pytest

from procedures.roles import WINDOW_STAFF
from tests.browser.conftest import log_in
from tests.conftest import SCREENSHOTS
from tests.factories import make_flow_published, make_published, make_user, when

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "handout.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def pdf_pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


def test_a_clerk_answers_two_questions_and_copies_and_prints_the_case(page, tmp_path, screenshot):
    make_flow_published("生育服务手册", slug="sheng-yu")
    make_user("window", WINDOW_STAFF)
    log_in(page, "window")
    page.goto("/procedures/sheng-yu/?view=call")  # 通话模式, as during a call

    page.get_by_text("外地户籍", exact=True).click()
    page.wait_for_url("**hu-ji=wai-di-hu-ji**")
    page.get_by_text("本人办理", exact=True).click()
    page.wait_for_url("**dai-ban=ben-ren-ban-li**")
    assert "view=call" in page.url  # still in call mode
    case = page.locator("#case").inner_text()
    assert "外地户籍 · 本人办理" in case
    shown = page.locator("#materials .checklist__name").all_inner_texts()
    assert shown[:3] == ["居民身份证", "户口簿", "居住证"]
    assert "授权委托书" not in page.locator("#materials").inner_text().split("本情形不需要")[0]
    screenshot("guided-clerk-call-mode", full_page=True)

    page.get_by_role("button", name="复制清单").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "外地户籍 · 本人办理" in copied
    assert "居住证" in copied and "授权委托书" not in copied

    link = page.get_by_role("link", name="打印本情形告知单")
    pdf = page.request.get(link.get_attribute("href")).body()  # what the browser opens
    text = pdf_text(pdf, tmp_path)
    assert "外地户籍 · 本人办理" in text
    assert "居住证" in text and "授权委托书" not in text.split("本情形不需要")[0]
    assert pdf_pages(pdf, tmp_path) == 1
    # The handout as a picture beside the screenshots, to look at after the run.
    png = SCREENSHOTS / "guided-clerk-handout"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(tmp_path / "handout.pdf"), str(png)],
        check=True,
    )


def test_a_resident_on_a_phone_sees_a_bundle_with_each_material_once(page, screenshot):
    shop = make_published(
        "个体工商户设立登记",
        slug="ge-ti",
        materials=(
            {"name": "居民身份证", "form": "copy"},
            {"name": "经营场所证明", "form": "copy"},
        ),
    )
    food = make_published(
        "食品经营许可",
        slug="shi-pin",
        materials=(
            {"name": "居民身份证", "form": "original", "copies": 2},
            {"name": "经营场所证明", "form": "original_and_copy"},
            {"name": "健康证明"},
        ),
    )
    fire = make_published("消防安全检查", slug="xiao-fang", materials=({"name": "消防设计图"},))
    make_published(
        "开办餐饮店一件事",
        slug="kai-fan-dian",
        kind="bundle",
        aliases=["开饭店"],
        questions=(
            {
                "label": "面积",
                "text": "店面多大？",
                "options": ["300平方米以下", "300平方米及以上"],
            },
        ),
        members=(
            {"target": shop.procedure},
            {"target": food.procedure},
            {
                "target": fire.procedure,
                "when": when("面积", "300平方米及以上"),
                "note": "300 平方米以下不需要办理",
            },
        ),
    )
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/")
    page.fill("#home-q", "开饭店")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="开办餐饮店一件事").first.click()
    page.get_by_text("300平方米以下", exact=True).click()
    page.wait_for_url("**mian-ji=**")

    names = page.locator("#materials .checklist__name").all_inner_texts()
    assert sorted(names) == sorted(set(names)) == ["健康证明", "居民身份证", "经营场所证明"]
    merged = page.locator("#materials").inner_text()
    assert "原件及复印件" in merged and "2 份" in merged
    assert "用于：个体工商户设立登记、食品经营许可" in merged
    assert "消防设计图" not in merged
    assert "本情形不需办理" in page.locator("main").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing runs off a phone's screen
    screenshot("guided-bundle-phone", full_page=True)
