"""An editor builds a flow (情形引导) in the draft editor: a question, a test case that fails,
the condition that makes it pass, and publishing (a hall with a single administrator)."""

import re

import pytest

from tests.browser.conftest import open_new_draft, publish_draft
from tests.factories import make_published

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("single_administrator"),
]


def rows(page, group: str):
    return page.locator(f"#{group}-group .inline-related:not(.empty-form)")


def add_row(page, group: str):
    page.locator(f"#{group}-group .add-row a").click()
    return rows(page, group).last


def save(page) -> list[str]:
    """Press 保存并继续编辑 and return the messages shown after the save."""
    with page.expect_navigation():
        page.click("input[name=_continue]")
    return page.locator(".messagelist li").all_inner_texts()


def test_an_editor_builds_a_flow_whose_case_fails_until_the_condition_is_right(page, screenshot):
    version = make_published("生育服务手册", slug="sheng-yu")  # 授权委托书 is 按情形, in words only
    open_new_draft(page, version)

    question = add_row(page, "questions")
    question.locator("input[name$='-label']").fill("代办")
    question.locator("input[name$='-text']").fill("是本人来办，还是委托他人代办？")
    question.locator("textarea[name$='-options']").fill("本人办理\n委托他人代办")

    case = add_row(page, "cases")
    case.locator("input[name$='-name']").fill("委托代办")
    # The answer's select was made from the question typed above, before any save.
    answer = case.locator(".flow-answer", has_text="代办").locator("select")
    answer.select_option("委托他人代办")
    case.locator("textarea[name$='-materials']").fill("居民身份证\n户口簿\n授权委托书")
    failed = save(page)
    assert any(
        "测试用例未通过" in m and "定不下来" not in m and "缺少应提交的材料：授权委托书" in m
        for m in failed
    ), failed
    report = page.locator("#flow-report")
    assert "✗" in report.inner_text()
    assert "实际结果" in report.inner_text()
    screenshot("flow-editor-case-fails", full_page=True)

    # The condition is picked from dropdowns: 代办 是 委托他人代办.
    proxy = rows(page, "materials").filter(
        has=page.locator("input[name$='-name'][value='授权委托书']")
    )
    proxy.get_by_role("button", name="添加条件").click()
    clause = proxy.locator(".flow-clause").first
    clause.locator("select").first.select_option("代办")
    clause.get_by_label("委托他人代办").check()
    assert proxy.locator("input[name$='-required']").is_checked() is False
    passed = save(page)
    assert any(re.search(r"测试用例：1 个全部通过", m) for m in passed), passed
    assert "✓" in page.locator("#flow-report").inner_text()
    assert page.locator("#flow-report svg").count() == 1  # the diagram
    screenshot("flow-editor-case-passes", full_page=True)

    publish_draft(page, "按是否代办列出委托书", number=2)
    page.goto("/procedures/sheng-yu/")
    page.get_by_text("是本人来办，还是委托他人代办？").wait_for()
