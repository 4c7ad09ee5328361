import datetime

import pytest
from django.db.models import F

from practice.models import Card, Question
from procedures.models import Category
from procedures.roles import WINDOW_STAFF
from tests.browser.conftest import log_in, switch_user
from tests.factories import make_user
from tests.practice.library import make_small_library
from training.roles import TRAINERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shown(page) -> Question:
    return Question.objects.get(pk=page.locator("input[name=question]").input_value())


def answer(page, letters: str) -> None:
    for letter in letters:
        page.locator(f".option:has(input[value={letter}])").click()
    with page.expect_navigation():
        page.get_by_role("button", name="提交答案").click()


def wrong_letter(question: Question) -> str:
    return next(
        letter for letter, _ in question.lettered_options() if letter not in question.answer
    )


def test_a_clerk_practises_and_the_wrong_answer_comes_back_first(page, screenshot):
    make_small_library()
    make_user("clerk", WINDOW_STAFF)
    make_user("trainer", TRAINERS)
    birth = Category.objects.get(name="计划生育")
    log_in(page, "clerk")
    page.goto(f"/practice/?category={birth.slug}")  # one 条线: both answers count for it
    page.get_by_role("heading", name="每日练习").wait_for()
    screenshot("practice-question")

    right = shown(page)
    answer(page, right.answer)
    page.get_by_text("✓ 答对了").wait_for()
    assert page.get_by_role("heading", name="解析").is_visible()
    screenshot("practice-right", full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="下一题").click()

    wrong = shown(page)
    assert wrong != right
    answer(page, wrong_letter(wrong))
    page.get_by_text("✗ 答错了").wait_for()
    assert page.get_by_text(wrong.explanation).is_visible()
    assert page.get_by_role("link", name="查看办事指南").is_visible()
    screenshot("practice-wrong", full_page=True)

    # The next session, a quarter of an hour later: the wrong one is due, the right one is not.
    Card.objects.update(due=F("due") - datetime.timedelta(minutes=15))
    page.goto("/practice/")
    assert shown(page) == wrong
    assert page.locator(".tag--review").inner_text() == "复习"
    cards = Card.objects.order_by("due")
    assert [card.question for card in cards] == [wrong, right]

    switch_user(page, "trainer")
    page.goto("/practice/team/")
    row = page.locator(".practice-table tbody tr").first
    assert row.inner_text().split("\t")[0] == "计划生育"
    assert "50%" in row.inner_text()
    assert page.locator(".missed-list li").first.inner_text().startswith(wrong.stem[:20])
    screenshot("practice-team", full_page=True)


def test_practice_on_a_phone(page, screenshot):
    make_small_library()
    make_user("clerk", WINDOW_STAFF)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "clerk")
    page.goto("/practice/")
    screenshot("practice-phone-question", full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    heights = page.locator(".option").evaluate_all("els => els.map(e => e.offsetHeight)")
    assert heights and min(heights) >= 48
    question = shown(page)
    answer(page, wrong_letter(question))
    page.get_by_text("✗ 答错了").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("practice-phone-result", full_page=True)


def test_a_trainer_imports_a_file_and_adds_a_question(page, screenshot, tmp_path):
    make_small_library()
    make_user("trainer", TRAINERS)
    broken, good = tmp_path / "broken.txt", tmp_path / "good.txt"
    broken.write_text("1. 【单选】题干\nA. 甲\nB. 乙\n【答案】E\n", encoding="utf-8")
    judge = "1. 【判断】委托他人代办的，需要授权委托书。\n【答案】正确\n"
    good.write_text(judge, encoding="gb18030")  # as Windows Notepad saves it
    log_in(page, "trainer")
    page.goto("/practice/")
    page.get_by_role("navigation", name="培训负责人").get_by_role("link", name="题库管理").click()
    page.get_by_role("link", name="导入题库文件").click()

    page.set_input_files("input[type=file]", str(broken))
    page.get_by_role("button", name="导入").click()
    page.get_by_text("第 4 行：答案“E”不在选项 A–B 中。").wait_for()
    screenshot("practice-import-broken", full_page=True)
    page.set_input_files("input[type=file]", str(good))
    page.get_by_role("button", name="导入").click()
    page.get_by_text("已导入 1 道题。").wait_for()

    page.get_by_role("link", name="新增题目").click()
    page.select_option("#id_kind", "single")
    page.fill("#id_stem", "咨询电话是多少？")
    page.fill("#id_option_a", "12345")
    page.fill("#id_option_b", "12320")
    page.fill("#id_answer", "B")
    screenshot("practice-question-form", full_page=True)
    page.get_by_role("button", name="保存").click()
    page.get_by_text("题目已保存").wait_for()
    assert page.locator(".own-list li").count() == 2
    screenshot("practice-questions", full_page=True)
