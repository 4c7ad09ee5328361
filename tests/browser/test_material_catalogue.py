"""The material catalogue in a real browser: an editor picks a kind, staff see where it is used."""

import pytest

from procedures.models import MaterialKind
from tests.browser.conftest import open_new_draft, publish_draft, save_draft
from tests.factories import make_published

# One administrator edits and publishes: see `single_administrator`.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("single_administrator"),
]


def test_an_editor_adds_a_material_from_the_catalogue_and_the_catalogue_lists_it(page, screenshot):
    make_published("失业登记", slug="shi-ye", materials=[{"name": "居民身份证"}])
    MaterialKind.objects.filter(name="居民身份证").update(aliases=["身份证"])
    version = make_published("生育服务手册", slug="sheng-yu", materials=[{"name": "结婚证"}])
    open_new_draft(page, version)

    screenshot("catalogue-editor-draft", full_page=True)
    page.locator("#materials-group .add-row a").click()
    row = page.locator("#materials-group .inline-related:not(.empty-form)").last
    row.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("身份")
    page.locator(".select2-results__option", has_text="居民身份证").click()
    row.locator("input[name$='-copies']").fill("2")
    screenshot("catalogue-editor-picked-kind", full_page=True)
    save_draft(page)

    publish_draft(page, "增加居民身份证", number=2)
    assert "居民身份证" in page.locator("#materials").inner_text()

    page.goto("/materials/")
    item = page.locator(".kind-list__item", has_text="居民身份证")
    assert "2 个事项" in item.inner_text()
    assert "生育服务手册" in item.inner_text() and "失业登记" in item.inner_text()
    screenshot("catalogue-list", full_page=True)
    item.get_by_role("link", name="居民身份证").click()
    page.get_by_role("heading", name="居民身份证").wait_for()
    usage = page.locator(".kind-usage").inner_text()
    assert "生育服务手册" in usage and "2 份" in usage
    screenshot("catalogue-kind", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("catalogue-kind-phone", full_page=True)
