"""批量修订 in the browser: an editor changes one kind of material in every procedure that asks
for it, from the material catalogue; another person reviews the batch and publishes it with one
date, and each procedure's page shows the change."""

import datetime
import re

import pytest
from django.utils import timezone

from procedures import publishing
from procedures.models import MaterialKind, Procedure
from procedures.roles import EDITORS, PUBLISHERS
from tests.browser.conftest import choose_change_kind, log_in
from tests.factories import make_published, make_user, publish_change

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def later() -> datetime.date:
    """Thirty days after today, taken when the test runs (never at import: midnight)."""
    return timezone.localdate() + datetime.timedelta(days=30)


PROCEDURES = {
    "sheng-yu": "生育服务手册",
    "lao-dong": "劳动手册",
    "di-bao": "最低生活保障申请",
    "ju-zhu": "居住证办理",
    "guang-rong": "独生子女父母光荣证",
}


@pytest.fixture
def hukou():
    for slug, title in PROCEDURES.items():
        make_published(title, slug=slug)
    make_user("editor", EDITORS, is_staff=True)
    make_user("reviewer", PUBLISHERS, is_staff=True)
    return MaterialKind.objects.get(name="户口簿")


def open_batch_form(page, kind, screenshot) -> None:
    log_in(page, "editor")
    page.goto(f"/materials/{kind.pk}/")
    screenshot("batch-1-catalogue")
    page.get_by_role("link", name="批量修订…").click()
    page.get_by_text("涉及的事项").wait_for()


def create_batch(page, summary: str, count: int) -> None:
    page.fill("#id_change_summary", summary)
    page.get_by_role("button", name=f"创建 {count} 份草稿并提交审核").click()
    page.get_by_text(f"已创建 {count} 份草稿并提交审核").wait_for()


def sign_in_as(page, username: str, url: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)
    page.goto(url)


def publish_today(page, count: int) -> None:
    page.fill("#id_effective_from", timezone.localdate().isoformat())
    choose_change_kind(page)
    page.get_by_role("button", name=f"发布这 {count} 份草稿").click()
    page.get_by_text(f"已发布 {count} 个事项的新版本").wait_for()


def test_an_editor_makes_a_material_conditional_everywhere_and_a_reviewer_publishes_it(
    page, screenshot, hukou
):
    open_batch_form(page, hukou, screenshot)
    page.get_by_label("改为按情形提交").check()
    assert page.locator(".field-new_name").is_hidden()  # only the fields the change uses
    page.fill("#id_condition", "户籍不在本区的")
    page.get_by_role("button", name="预览").click()
    after = page.locator(".batch-table tbody tr td:nth-child(4)")
    assert after.all_inner_texts() == [after.first.inner_text()] * 5
    assert "按情形：户籍不在本区的" in after.first.inner_text()
    screenshot("batch-2-preview", full_page=True)

    create_batch(page, "户口簿改为按情形提交：本区户籍由窗口系统核验", 5)
    batch_url = page.url
    assert page.locator(".review-state", has_text="待审核").count() == 5
    screenshot("batch-3-created", full_page=True)

    sign_in_as(page, "reviewer", batch_url)
    screenshot("batch-4-review", full_page=True)
    publish_today(page, 5)
    assert page.locator(".review-state", has_text="第 2 版").count() == 5
    screenshot("batch-5-published", full_page=True)

    for slug in PROCEDURES:
        page.goto(f"/procedures/{slug}/")
        item = page.locator(".checklist__item", has_text="户口簿")
        assert "按情形" in item.inner_text() and "户籍不在本区的" in item.inner_text()
    screenshot("batch-6-public-page")


def test_a_removal_is_sent_back_resubmitted_and_published_without_the_busy_procedure(
    page, screenshot, hukou
):
    busy = make_published("老年人优待证", slug="you-dai")
    publishing.create_draft(Procedure.objects.get(pk=busy.procedure_id), by=None)
    residence = Procedure.objects.get(slug="ju-zhu")
    publish_change(residence.latest_version, effective_from=later(), change_summary="办理时限缩短")
    open_batch_form(page, hukou, screenshot)
    page.get_by_label("不再需要（从清单删除）").check()
    page.get_by_role("button", name="预览").click()
    greyed = page.locator("tr.ineligible")
    assert "已有草稿，请先发布或丢弃" in greyed.inner_text()
    assert greyed.locator("input[type=checkbox]").is_disabled()
    page.get_by_label("劳动手册").uncheck()  # the button counts what is ticked
    page.get_by_role("button", name="创建 4 份草稿并提交审核").wait_for()
    page.get_by_label("劳动手册").check()
    screenshot("batch-7-removal-preview", full_page=True)
    create_batch(page, "户口簿不再需要：户籍信息由系统核验", 5)
    batch_url = page.url

    sign_in_as(page, "reviewer", batch_url)
    page.fill("#id_comment", "请在修改说明里写上依据的文件号。")
    page.get_by_role("button", name="退回 5 份草稿").click()
    page.get_by_text("已退回 5 份草稿").wait_for()

    sign_in_as(page, "editor", batch_url)
    assert "请在修改说明里写上依据的文件号" in page.locator(".review-note").inner_text()
    screenshot("batch-8-returned", full_page=True)
    page.get_by_role("button", name="重新提交整批审核").click()
    page.get_by_text("已重新提交 5 份草稿审核").wait_for()

    sign_in_as(page, "reviewer", batch_url)
    page.fill("#id_effective_from", timezone.localdate().isoformat())
    choose_change_kind(page)
    page.get_by_role("button", name="发布这 5 份草稿").click()
    refusal = page.locator(".batch-publish .errornote").inner_text()
    assert refusal.startswith("“居住证办理”：第 2 版已定于") and "整批都没有发布" in refusal
    page.get_by_label("把这次更正带入待施行的版本", exact=False).check()
    screenshot("batch-9-scheduled-choice", full_page=True)
    page.get_by_role("button", name="发布这 5 份草稿").click()
    page.get_by_text("已发布 5 个事项的新版本").wait_for()
    for slug in PROCEDURES:
        page.goto(f"/procedures/{slug}/")
        assert "户口簿" not in page.locator("#materials").inner_text()
    page.goto("/edit/batches/")
    assert re.search(r"已发布", page.locator(".batch-table").inner_text())
    screenshot("batch-10-list", full_page=True)


def test_an_incomplete_change_is_explained_on_the_form(page, screenshot, hukou):
    open_batch_form(page, hukou, screenshot)
    page.get_by_label("修改形式或份数").check()
    page.get_by_role("button", name="预览").click()
    assert "请选择新的形式或填写份数" in page.locator(".errornote").inner_text()
    assert page.locator("#id_form").is_visible() and page.locator("#id_condition").is_hidden()
    screenshot("batch-11-form-error")
