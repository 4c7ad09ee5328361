"""The two includes other apps' pages carry: on the procedure page and on the home page."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory

from tests.factories import make_user
from tests.training.factories import EDITORIAL, receipt, revise
from training.models import ReadingPath

pytestmark = pytest.mark.django_db


def render(name, user, version=None, *, in_force=True, query=""):
    request = RequestFactory().get(f"/procedures/x/{query}")
    request.user = user
    template = engines["django"].get_template(name)
    context = {"version": version, "procedure": version and version.procedure}
    return template.render({**context, "in_force": in_force}, request)


def on_page(user, version, **kwargs):
    return render("training/_on_procedure.html", user, version, **kwargs)


def test_anonymous_visitors_see_nothing(births):
    assert on_page(AnonymousUser(), births[0]).strip() == ""
    assert render("training/_home_block.html", AnonymousUser()).strip() == ""


def test_an_account_outside_the_staff_sees_nothing(births):
    assert on_page(make_user("resident"), births[0]).strip() == ""


def test_staff_get_the_confirm_button_for_the_version_in_force(clerk, births):
    html = on_page(clerk, births[0])
    assert "我已读完第 1 版" in html
    assert f'name="version" value="{births[0].pk}"' in html
    assert "data-read-end" in html and 'name="csrfmiddlewaretoken"' in html


def test_an_old_version_shown_from_the_history_has_no_button(clerk, births):
    assert on_page(clerk, births[0], in_force=False).strip() == ""


def test_a_receipt_for_the_version_in_force_replaces_the_button(clerk, births):
    receipt(clerk, births[0])
    html = on_page(clerk, births[0])
    assert "已读现版" in html and "我已读完" not in html


def test_an_editorial_change_keeps_it_read(clerk, births):
    receipt(clerk, births[0])
    html = on_page(clerk, revise(births[0], EDITORIAL, change_summary="错别字"))
    assert "之后只有文字修订" in html and "我已读完" not in html


def test_a_substantive_change_asks_to_reread_and_links_to_what_changed(clerk, births):
    receipt(clerk, births[0])
    html = on_page(clerk, revise(births[0]))
    assert "需重读" in html and "我已读完第 2 版" in html
    assert f"/training/procedures/{births[0].procedure.slug}/changes/" in html


def test_read_in_a_path_it_shows_the_place_and_the_next_procedure(clerk, births):
    path = ReadingPath.objects.get()
    html = on_page(clerk, births[0], query=f"?path={path.pk}")
    assert "第 1 / 2 项" in html
    assert f'href="/procedures/{births[1].procedure.slug}/?path={path.pk}"' in html
    assert 'name="path"' in html


@pytest.mark.parametrize("query", ["?path=abc", "?path=999", "?path="])
def test_an_unknown_path_shows_no_path_navigation(clerk, births, query):
    html = on_page(clerk, births[0], query=query)
    assert "我已读完" in html and "学习路径" not in html


def test_the_home_block_counts_new_changes_and_rereads(clerk, births):
    receipt(clerk, births[0])
    revise(births[0])
    html = render("training/_home_block.html", clerk)
    assert "1 条新变更" in html and "需重读" in html
