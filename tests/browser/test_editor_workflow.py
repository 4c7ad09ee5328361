import pytest

from tests.browser.conftest import open_new_draft, publish_draft, save_draft
from tests.factories import make_published

# One administrator edits and publishes: see `single_administrator`.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("single_administrator"),
]


def test_an_editor_removes_a_material_and_publishes_and_the_diff_names_it(page, screenshot):
    version = make_published("生育服务手册")
    open_new_draft(page, version)
    screenshot("draft-editor", full_page=True)
    page.check("#id_materials-0-DELETE")
    save_draft(page)
    publish_draft(page, "居民身份证改为电子证照核验，不再提交", number=2)
    assert "居民身份证" not in page.locator("#materials").inner_text()
    page.goto(f"/procedures/{version.procedure.slug}/")
    assert "第 2 版" in page.locator(".procedure-header").inner_text()
    page.goto(f"/procedures/{version.procedure.slug}/versions/")
    page.get_by_role("button", name="比较所选的两个版本").click()
    removed = page.locator(".diff-removed").first.inner_text()
    screenshot("diff-after-publish", full_page=True)
    assert "居民身份证" in removed
