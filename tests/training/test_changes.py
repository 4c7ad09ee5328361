"""需重读: after a substantive change, only what changed since the version read."""

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_MATERIALS, DEFAULT_STEPS, make_flow_published
from tests.training.factories import EDITORIAL, receipt, revise
from training.models import ReadingPath, ReadReceipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed(births, clerk):
    """The clerk read version 1; version 2 wants two copies of 户口簿, drops 授权委托书, and
    rewrites step 2."""
    receipt(clerk, births[0])
    materials = [dict(DEFAULT_MATERIALS[0]), {**DEFAULT_MATERIALS[1], "copies": 2}]
    steps = [dict(DEFAULT_STEPS[0]), {"title": "审核", "body": "窗口当场审核，3 个工作日内办结。"}]
    return revise(births[0], parts={"materials": materials, "steps": steps})


def page_of(client, clerk, version, **query):
    client.force_login(clerk)
    url = reverse("training:changes", args=[version.procedure.slug])
    return client.get(url, query)


def test_it_shows_only_what_changed_since_the_version_read(client, clerk, changed):
    page = page_of(client, clerk, changed).content.decode()
    assert "您读过第 1 版；现行的是第 2 版" in page
    assert "份数：<del>1 份</del> → <ins>2 份</ins>" in page
    assert "授权委托书" in page and "删除" in page
    assert "3 个工作日内办结" in page
    assert "外地户口可以办吗" not in page  # an unchanged FAQ is not repeated


def test_it_offers_the_full_page_and_a_confirmation_of_the_version_in_force(client, clerk, changed):
    page = page_of(client, clerk, changed).content.decode()
    assert f'value="{changed.pk}"' in page
    assert f'href="/procedures/{changed.procedure.slug}/"' in page


def test_it_keeps_the_path_it_was_opened_from(client, clerk, changed):
    path = ReadingPath.objects.get()
    page = page_of(client, clerk, changed, path=path.pk).content.decode()
    assert f"?path={path.pk}" in page


@pytest.mark.parametrize("value", ["abc", "-1", "99999", "9" * 40])
def test_a_bad_path_in_the_address_is_ignored(client, clerk, changed, value):
    assert page_of(client, clerk, changed, path=value).status_code == 200


def test_confirming_from_it_makes_the_procedure_current_again(client, clerk, changed):
    client.force_login(clerk)
    client.post(reverse("training:confirm"), {"version": changed.pk})
    assert ReadReceipt.objects.filter(user=clerk, version=changed).exists()
    response = page_of(client, clerk, changed)
    assert response.status_code == 302  # nothing left to re-read: to the full page


def test_after_an_editorial_change_there_is_nothing_to_reread(client, clerk, births):
    receipt(clerk, births[0])
    revise(births[0], EDITORIAL, change_summary="错别字")
    response = page_of(client, clerk, births[0])
    assert response.status_code == 302
    assert response.url == births[0].procedure.get_absolute_url()


def test_an_unknown_procedure_is_a_404(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("training:changes", args=["no-such-thing"])).status_code == 404


def test_it_shows_a_clerk_the_changed_staff_notes_but_not_the_editors_test_cases(client, clerk):
    """Test cases check the guided questions for editors; they are nothing a clerk must reread."""
    first = make_flow_published(staff_notes="先查系统再受理")
    receipt(clerk, first)
    second = revise(first, staff_notes="先查系统再受理\n外地户籍的看居住证", parts={"cases": []})
    page = page_of(client, clerk, second).content.decode()
    assert "外地户籍的看居住证" in page
    assert "测试用例" not in page
