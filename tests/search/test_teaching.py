"""教搜索: an editor turns a search that found nothing into a synonym group from its page, and
the same words find the item from then on; words that cannot be a synonym are refused, and
nothing is saved."""

import pytest
from django.urls import reverse

from procedures.models import Procedure
from procedures.roles import EDITORS, PUBLISHERS, WINDOW_STAFF
from search import teaching
from search.models import Referral, SearchMiss, Synonym
from tests.factories import make_published, make_user
from tests.search.conftest import slugs

pytestmark = pytest.mark.django_db

STORY = "请问村里想打口井浇菜地要办什么手续"


@pytest.fixture
def hall():
    make_published("取水许可新办", slug="qu-shui")
    make_published("食品小作坊登记证新办", slug="zuo-fang")
    return SearchMiss.objects.create(query=STORY, count=3)


@pytest.fixture
def editor(client):
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    return client


def taught():
    """The synonym groups made with the item's title (the migrated ones never hold it)."""
    return Synonym.objects.filter(words__startswith="取水许可新办 ")


def page(miss: SearchMiss) -> str:
    return reverse("search:miss", args=[miss.pk])


def test_the_page_shows_what_search_answers_now_and_suggests_the_callers_words(editor, hall):
    response = editor.get(page(hall))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"教搜索：“{STORY}”" in html
    assert "3 次" in html
    assert "没有能回答这句话的事项" in html
    # The words the caller said, without those said around them (请问, 想, 要办什么手续).
    assert 'value="村里打口井浇菜地"' in html


def test_an_item_search_does_not_offer_is_found_by_name(editor, hall):
    assert "qu-shui" not in editor.get(page(hall)).content.decode()
    html = editor.get(page(hall), {"find": "取水许可"}).content.decode()
    assert 'value="qu-shui"' in html


def test_teaching_makes_the_words_find_the_item_and_the_miss_is_done(editor, hall):
    assert "qu-shui" not in slugs(STORY)
    response = editor.post(page(hall), {"procedure": "qu-shui", "words": "口井 浇菜地"})
    assert response.status_code == 302
    assert response.url == reverse("upkeep:queue")
    group = Synonym.objects.get(words__startswith="取水许可新办 ")
    assert group.word_list() == ["取水许可新办", "口井", "浇菜地"]
    assert STORY in group.note
    assert slugs(STORY)[0] == "qu-shui"
    assert slugs("家里想打口井")[0] == "qu-shui"
    assert not SearchMiss.objects.exists()
    message = editor.get(reverse("upkeep:queue")).content.decode()
    assert "已教会搜索" in message


def test_words_that_do_not_bring_the_item_first_are_kept_and_the_editor_is_told(editor, hall):
    response = editor.post(page(hall), {"procedure": "qu-shui", "words": "抽地下水"}, follow=True)
    assert Synonym.objects.filter(words="取水许可新办 抽地下水").exists()
    assert SearchMiss.objects.filter(pk=hall.pk).exists()
    assert response.redirect_chain[-1][0] == page(hall)
    assert "还不在结果里" in response.content.decode()


@pytest.mark.parametrize(
    ("words", "why"),
    [
        ("井", "只有一个字"),
        ("申请", "很多事项都会用的词"),
        ("村里想打口井浇菜地要办什么手续", "太长"),
        ("取水许可新办", "就是事项名称"),
        ("<script>", "含有标点或符号"),
        ("打井。", "含有标点或符号"),
        ("   ", "请填写居民的说法"),
    ],
)
def test_words_that_cannot_be_a_synonym_are_refused_and_nothing_is_saved(editor, hall, words, why):
    response = editor.post(page(hall), {"procedure": "qu-shui", "words": words})
    assert response.status_code == 400
    assert why in response.content.decode()
    assert not taught()
    assert SearchMiss.objects.filter(pk=hall.pk).exists()


def test_a_referral_keyword_is_not_taught_as_a_synonym(editor, hall):
    Referral.objects.create(title="住房公积金提取", keywords=["公积金"], where="公积金中心")
    response = editor.post(page(hall), {"procedure": "qu-shui", "words": "公积金"})
    assert response.status_code == 400
    assert "转介清单“住房公积金提取”的关键词" in response.content.decode()
    assert not taught()


def test_an_unknown_or_missing_item_is_refused(editor, hall):
    response = editor.post(page(hall), {"procedure": "no-such-item", "words": "口井"})
    assert response.status_code == 400
    assert "没有这个事项" in response.content.decode()
    response = editor.post(page(hall), {"words": "口井"})
    assert "请选择居民要办的事项" in response.content.decode()
    assert not taught()


def test_the_same_group_twice_is_refused(editor, hall):
    Synonym.objects.create(words="取水许可新办 口井")
    with pytest.raises(teaching.NotTaught, match="已经有了"):
        teaching.teach(hall, _procedure("qu-shui"), ["口井"], user=make_user("x", EDITORS))
    assert taught().count() == 1


def test_a_clerk_may_not_teach_search(client, hall):
    client.force_login(make_user("clerk", WINDOW_STAFF))
    response = client.get(page(hall))
    assert response.status_code == 403
    assert "教搜索是编辑和审核发布人员的工作" in response.content.decode()
    response = client.post(page(hall), {"procedure": "qu-shui", "words": "口井"})
    assert response.status_code == 403
    assert not taught()


def test_a_publisher_may_dismiss_a_miss_and_an_editor_may_not(client, hall):
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    assert "从列表中去掉" not in client.get(page(hall)).content.decode()
    assert client.post(page(hall), {"action": "dismiss"}).status_code == 403
    assert SearchMiss.objects.filter(pk=hall.pk).exists()
    client.force_login(make_user("chief", PUBLISHERS, is_staff=True))
    response = client.post(page(hall), {"action": "dismiss"})
    assert response.status_code == 302
    assert not SearchMiss.objects.exists()


def test_the_queue_leads_to_the_page(client, hall):
    client.force_login(make_user("chief", PUBLISHERS, is_staff=True))
    html = client.get(reverse("upkeep:queue")).content.decode()
    assert f'href="{page(hall)}"' in html


def _procedure(slug: str) -> Procedure:
    return Procedure.objects.public().get(slug=slug)


def test_the_admin_list_of_misses_leads_to_the_page(editor, hall):
    html = editor.get(reverse("admin:search_searchmiss_changelist")).content.decode()
    assert f'href="{page(hall)}"' in html
