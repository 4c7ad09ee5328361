"""The draft editor as editors use it: every kind of change to every list, then publish (in a
hall with a single administrator, who publishes their own drafts)."""

import pytest

from tests.browser.conftest import open_new_draft, publish_draft, save_draft
from tests.factories import make_published

# One administrator edits and publishes: see `single_administrator`.
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


def test_an_editor_adds_renames_reorders_and_deletes_materials_steps_and_faqs(page, screenshot):
    version = make_published("生育服务手册", slug="sheng-yu")
    open_new_draft(page, version)

    materials = rows(page, "materials")
    materials.nth(0).locator("input[name$='-name']").fill("居民身份证（原件）")
    materials.nth(1).get_by_role("button", name="↑").click()  # 户口簿 first
    materials.nth(2).locator("input[name$='-DELETE']").check()  # 授权委托书 goes
    added = add_row(page, "materials")
    added.locator("input[name$='-name']").fill("结婚证")
    added.locator("select[name$='-form']").select_option("original_and_copy")

    steps = rows(page, "steps")
    steps.nth(0).locator("input[name$='-title']").fill("网上或窗口提交申请")
    new_step = add_row(page, "steps")
    new_step.locator("input[name$='-title']").fill("领取手册")
    new_step.locator("textarea[name$='-body']").fill("审核通过的当场领取。")
    rows(page, "steps").nth(1).locator("input[name$='-DELETE']").check()  # 审核 goes

    faqs = rows(page, "faqs")
    faqs.nth(0).locator("input[name$='-question']").fill("外地户籍可以办吗？")
    new_faq = add_row(page, "faqs")
    new_faq.locator("input[name$='-question']").fill("要本人到场吗？")
    new_faq.locator("textarea[name$='-answer']").fill("可以委托他人代办。")
    screenshot("editor-all-changes", full_page=True)
    save_draft(page)

    publish_draft(page, "材料、流程和问答调整", number=2)
    assert [n.inner_text() for n in page.locator(".checklist__name").all()] == [
        "户口簿",
        "居民身份证（原件）",
        "结婚证",
    ]
    steps_text = page.locator("#steps").inner_text()
    assert "网上或窗口提交申请" in steps_text and "领取手册" in steps_text
    assert "审核" not in steps_text.replace("审核通过", "")
    faqs_text = page.locator("#faqs").inner_text()
    assert "外地户籍可以办吗？" in faqs_text and "要本人到场吗？" in faqs_text
    screenshot("editor-all-changes-published", full_page=True)


def test_unsaved_changes_are_never_published_silently(page, screenshot):
    version = make_published("生育服务手册", slug="sheng-yu")
    open_new_draft(page, version)
    rows(page, "materials").nth(0).locator("input[name$='-copies']").fill("3")
    asked = []
    for link in ("提交审核…", "审核发布…"):  # neither submits nor publishes what is on screen
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.get_by_role("link", name=link).click()
        assert len(asked) == 1 and "未保存的修改" in asked.pop()
        assert "/admin/procedures/procedureversion/" in page.url  # still editing
    save_draft(page)
    page.goto("/edit/drafts/")
    listed = page.locator("table.drafts").inner_text()
    assert "生育服务手册" in listed and "第 1 版" in listed
    screenshot("drafts-waiting", full_page=True)
    page.get_by_role("link", name="生育服务手册").click()
    publish_draft(page, "居民身份证改为 3 份", number=2)
    assert "3 份" in page.locator("#materials").inner_text()


def test_a_new_material_needed_only_in_some_cases_is_published_as_such(page, screenshot):
    """是否必需 comes ticked on a new row: a 适用情形 typed beside it is refused until the editor
    unticks it, so the checklist never tells every resident to bring it."""
    version = make_published("残疾人证", slug="can-ji")
    open_new_draft(page, version)
    added = add_row(page, "materials")
    added.locator("input[name$='-name']").fill("近期一寸免冠彩色照片")
    added.locator("input[name$='-condition']").fill("网上申请且未上传照片的")
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()
    error = page.locator(".errorlist", has_text="写了适用情形，应为按情形提交")
    error.wait_for()
    error.scroll_into_view_if_needed()
    screenshot("editor-condition-on-required-refused")
    photo = rows(page, "materials").filter(has=page.locator("input[value='近期一寸免冠彩色照片']"))
    photo.locator("input[name$='-required']").uncheck()
    save_draft(page)

    publish_draft(page, "网上申请未上传照片的需交照片", number=2)
    item = page.locator(".checklist li", has_text="近期一寸免冠彩色照片")
    assert "按情形" in item.inner_text() and "网上申请且未上传照片的" in item.inner_text()
    screenshot("editor-condition-published", full_page=True)
