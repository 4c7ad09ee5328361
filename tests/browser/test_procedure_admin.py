"""A procedure's page in the admin at 1366 × 768, with one version in force and one scheduled:
the editor and the publisher each see one toolbar and one readable row a version."""

import datetime

import pytest
from django.utils import timezone

from procedures.roles import EDITORS, PUBLISHERS
from tests.browser.conftest import log_in
from tests.factories import make_published, make_user, publish_change

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRIMARY = "rgb(11, 76, 122)"  # 提交审核's blue, css/admin.css
SHORT_COLUMNS = ("standing", "effective_from", "published_by", "published_at")


@pytest.fixture
def scheduled():
    """残疾人证: version 1 in force since today, version 2 scheduled in a month, both published
    by 老张."""
    laozhang = make_user("laozhang", PUBLISHERS, is_staff=True, first_name="老张")
    make_user("xiaoli", EDITORS, is_staff=True, first_name="小李")
    current = make_published(
        "残疾人证", slug="can-ji-ren-zheng", effective_from=timezone.localdate(), by=laozhang
    )
    return publish_change(
        current,
        effective_from=timezone.localdate() + datetime.timedelta(days=30),
        change_summary="承诺时限由 10 个工作日缩短为 7 个工作日；网上申请未上传照片的，需提交 2 张"
        "一寸照片，审核结果短信通知。",
        by=laozhang,
    )


def open_procedure(page, version) -> None:
    page.goto(f"/admin/procedures/procedure/{version.procedure_id}/change/")
    page.locator("#versions-group").wait_for()


def check_toolbar(page) -> None:
    """新建草稿 of each version, 查看公开页面 and 历史 side by side in one row; the two drafts in
    the page's main colour, round like the admin's own links."""
    tools = page.locator(".object-tools > li")
    tops = {round(tools.nth(i).bounding_box()["y"]) for i in range(tools.count())}
    assert len(tops) == 1, tops
    for name in ("新建草稿：更正现行第 1 版", "新建草稿：修改待施行第 2 版"):
        button = page.get_by_role("button", name=name)
        style = button.evaluate("b => [getComputedStyle(b).backgroundColor, b.offsetHeight]")
        link_height = page.get_by_role("link", name="历史").evaluate("a => a.offsetHeight")
        assert style == [PRIMARY, link_height]
    assert page.get_by_role("link", name="在站点上查看").count() == 0


def check_one_row_a_version(page) -> None:
    """Each version one row of at most two lines (修改说明 may wrap once); 状态, 施行日期, 发布人
    and 发布时间 each on one line."""
    rows = page.locator("#versions-group tbody tr.form-row")
    assert rows.count() == 2
    line = page.locator("#versions-group td.field-standing p").first.evaluate(
        "p => parseFloat(getComputedStyle(p).lineHeight)"
    )
    for i in range(2):
        row = rows.nth(i)
        for column in SHORT_COLUMNS:
            height = row.locator(f"td.field-{column} p").bounding_box()["height"]
            assert height < 1.5 * line, (i, column, height, line)
        summary = row.locator("td.field-change_summary p").bounding_box()["height"]
        assert summary < 2.5 * line, (i, summary, line)
        assert row.bounding_box()["height"] < 2 * line + 30  # the cells' padding
    states = page.locator("#versions-group td.field-standing").all_inner_texts()
    assert [s.strip() for s in states] == ["待施行", "现行"]


def test_an_editor_sees_one_toolbar_no_save_buttons_and_opens_a_draft(page, screenshot, scheduled):
    log_in(page, "xiaoli")
    open_procedure(page, scheduled)
    check_toolbar(page)
    check_one_row_a_version(page)
    assert page.locator("input[name^=_save], input[name=_continue]").count() == 0
    assert page.get_by_role("link", name="关闭").is_visible()
    screenshot("procedure-admin-editor", full_page=True)
    page.get_by_role("button", name="新建草稿：修改待施行第 2 版").click()
    page.get_by_text("基于第 2 版").wait_for()
    screenshot("procedure-admin-editor-draft")


def test_a_publisher_sees_the_same_toolbar_and_table_and_saves_the_aliases(
    page, screenshot, scheduled
):
    log_in(page, "laozhang")
    open_procedure(page, scheduled)
    check_toolbar(page)
    check_one_row_a_version(page)
    page.fill("#id_aliases", "残疾证\n办残疾证")
    screenshot("procedure-admin-publisher", full_page=True)
    page.get_by_role("button", name="保存并继续编辑").click()
    page.locator(".messagelist .success").wait_for()
    assert page.locator("#id_aliases").input_value() == "残疾证\n办残疾证"
    check_one_row_a_version(page)
