"""An urgent fix while a change is scheduled: the editor decides, in the browser, what becomes of
the scheduled version — carried forward with the fix, or withdrawn with a reason. The hall has a
single administrator, who both fixes and publishes (`single_administrator`)."""

import datetime

import pytest
from django.utils import timezone

from procedures import publishing
from procedures.roles import PUBLISHERS
from tests.browser.conftest import choose_change_kind, log_in, open_review, save_draft
from tests.factories import make_published, make_user

# One administrator edits and publishes: see `single_administrator`.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("single_administrator"),
]


def later() -> datetime.date:
    """Thirty days after today, taken when the test runs (never at import: midnight)."""
    return timezone.localdate() + datetime.timedelta(days=30)


def scheduled_change():
    current = make_published(
        "劳动手册", slug="lao-dong", phone="021-1111", effective_from=timezone.localdate()
    )
    draft = publishing.create_draft(current.procedure, by=None)
    rows = [{"name": "居民身份证"}, {"name": "户口簿"}]
    draft = publishing.save_draft(
        draft, content={}, parts={"materials": rows}, expected_revision=draft.revision, by=None
    )
    return publishing.publish_version(
        draft, by=None, change_summary="不再收授权委托书", effective_from=later()
    )


def fix_the_phone_and_open_publish(page, scheduled) -> None:
    make_user("chief", PUBLISHERS, is_staff=True)
    log_in(page, "chief")
    page.goto(f"/admin/procedures/procedure/{scheduled.procedure_id}/change/")
    page.get_by_role("button", name="新建草稿：更正现行第 1 版").click()
    page.get_by_text("基于第 1 版").wait_for()
    page.fill("#id_phone", "021-2222")
    save_draft(page)
    open_review(page)
    page.fill("#id_change_summary", "咨询电话更正")
    page.fill("#id_effective_from", timezone.localdate().isoformat())
    choose_change_kind(page, "editorial")


def test_a_fix_withdraws_the_scheduled_version_only_when_told_and_says_why(page, screenshot):
    scheduled = scheduled_change()
    fix_the_phone_and_open_publish(page, scheduled)
    page.get_by_role("button", name="确认发布").click()
    assert "第 2 版将永远不能施行" in page.locator("main, #content").first.inner_text()
    page.check("input[name=scheduled][value=withdraw]")
    page.fill("#id_withdraw_reason", "上级通知暂缓执行")
    screenshot("scheduled-withdraw-choice", full_page=True)
    page.get_by_role("button", name="确认发布").click()
    page.get_by_text("已发布第 3 版").wait_for()
    assert "新规定将于" not in page.content()  # no banner for a change that will not come
    page.goto("/procedures/lao-dong/versions/")
    row = page.locator("tr", has_text="第 2 版")
    assert "已撤回" in row.inner_text() and "上级通知暂缓执行" in row.inner_text()
    screenshot("scheduled-withdrawn-history", full_page=True)


def test_a_fix_carried_into_the_scheduled_version_is_reviewed_and_published_for_its_date(
    page, screenshot
):
    scheduled = scheduled_change()
    fix_the_phone_and_open_publish(page, scheduled)
    page.check("input[name=scheduled][value=carry]")
    page.get_by_role("button", name="确认发布").click()
    page.get_by_text("已发布第 3 版").wait_for()
    assert "021-2222" in page.locator(".facts").inner_text()  # the fix is in force today

    page.goto(f"/admin/procedures/procedure/{scheduled.procedure_id}/change/")
    page.get_by_role("link", name="编辑草稿").click()
    assert page.input_value("#id_phone") == "021-2222"
    names = page.locator("#materials-group input[name$='-name']").evaluate_all(
        "inputs => inputs.filter(i => !i.name.includes('__prefix__')).map(i => i.value)"
    )
    assert names == ["居民身份证", "户口簿"]
    screenshot("scheduled-carried-draft", full_page=True)
    open_review(page)
    assert page.input_value("#id_effective_from") == later().isoformat()
    choose_change_kind(page)
    page.get_by_role("button", name="确认发布").click()
    page.get_by_text("已发布第 4 版").wait_for()
    page.goto("/procedures/lao-dong/versions/")
    history = page.locator(".history").inner_text()
    assert "已撤回" in history and "待施行" in history
    screenshot("scheduled-carried-history", full_page=True)
