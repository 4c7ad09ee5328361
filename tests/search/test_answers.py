"""Which results answer a query and which are only related (可能相关): the rule of
`search.answers`, unit by unit, then through search."""

import pytest

from search import answers
from search.models import Synonym
from search.ranking import Scored
from tests.factories import make_published
from tests.search.conftest import related_slugs, slugs


def scored(score: float, *, named: bool = False, said: float = 0.0, hinted: float = 0.0) -> Scored:
    return Scored(score, entry=None, named=named, said=said, hinted=hinted)  # type: ignore[arg-type]


def test_a_result_named_by_the_query_answers_it_however_low_it_scores():
    assert answers.answers(scored(0.1, named=True), best_score=10.0)


def test_a_result_holding_enough_of_what_was_said_and_scoring_near_the_best_answers():
    assert answers.answers(scored(4.0, said=answers.SAID_SHARE), best_score=10.0)


def test_a_result_holding_too_little_of_what_was_said_is_only_related():
    assert not answers.answers(scored(10.0, said=0.25), best_score=10.0)


def test_a_result_the_sentence_also_resembles_needs_less_of_it_said():
    length = 20  # a sentence: the share asked is below SAID_SHARE
    share = answers.said_share(length)
    less = share * answers.HINTED_SAID
    assert not answers.answers(scored(10.0, said=less), best_score=10.0, length=length)
    assert answers.answers(scored(10.0, said=less, hinted=1.0), best_score=10.0, length=length)
    below = less * 0.9
    assert not answers.answers(scored(10.0, said=below, hinted=1.0), best_score=10.0, length=length)


def test_siblings_following_an_answering_member_of_their_family_answer_too():
    new, change, close, other, renew = (scored(s) for s in (9.0, 3.0, 2.9, 2.5, 2.0))
    family = dict.fromkeys((id(new), id(change), id(close), id(renew)), "食品经营")
    arranged = [new, change, close, other, renew]
    results, related = answers.families_whole(arranged, [new], lambda s: family.get(id(s), ""))
    # renew is of the family but not next to it (arrange left it apart): related.
    assert results == [new, change, close]
    assert related == [other, renew]


def test_a_family_whose_first_member_does_not_answer_stays_related():
    first, second = scored(3.0), scored(2.0)
    results, related = answers.families_whole([first, second], [], lambda s: "食品经营")
    assert (results, related) == ([], [first, second])


def test_a_result_far_below_the_best_is_only_related():
    assert not answers.answers(scored(3.9, said=1.0), best_score=10.0)


def test_split_keeps_the_rank_order_in_both_parts():
    ranked = [scored(9, named=True), scored(5, said=0.1), scored(4, said=1.0), scored(1, said=1)]
    answering, related = answers.split(ranked)
    assert answering == [ranked[0], ranked[2]]
    assert related == [ranked[1], ranked[3]]


def test_related_results_far_below_the_best_related_one_are_not_shown():
    related = [scored(2.3, said=0.25), scored(0.3, said=0.25), scored(0.2, said=0.25)]
    assert answers.shown_related(related) == related[:2]


def test_only_a_few_related_results_are_shown_best_first():
    related = [scored(10 - n / 10, said=1.0) for n in range(12)]
    assert answers.shown_related(related) == related[: answers.RELATED_SHOWN]


@pytest.mark.django_db
def test_a_query_sharing_one_character_with_many_procedures_relates_to_few():
    make_published("失业保险金申领", summary="到窗口领取失业保险金。")
    for title in ("高龄老人津贴", "居家养老服务补贴", "医疗救助", "残疾人两项补贴"):
        make_published(title, summary="补助资金按月发放到本人账户。")
    assert related_slugs("公积金怎么取") == ["shi-ye-bao-xian-jin-shen-ling"]


@pytest.mark.django_db
def test_a_procedure_that_only_mentions_the_words_is_related_not_an_answer():
    make_published("最低生活保障", aliases=["低保"])
    make_published("残疾人两项补贴", summary="已享受低保的，另按规定办理。")
    assert slugs("低保") == ["zui-di-sheng-huo-bao-zhang"]
    assert related_slugs("低保") == ["can-ji-ren-liang-xiang-bu-tie"]


@pytest.mark.django_db
def test_a_query_sharing_one_character_with_a_procedure_gets_no_answer():
    make_published("失业保险金申领", summary="到窗口领取失业保险金。")
    assert slugs("公积金怎么取") == []


@pytest.mark.django_db
def test_a_homophone_in_a_title_still_answers():
    make_published("最低生活保障")
    assert slugs("最低生活保帐") == ["zui-di-sheng-huo-bao-zhang"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("高考报名", "社区工作者招聘报名"),
        ("结婚证丢了补办", "营业执照遗失补领"),
        ("护照过期了怎么换", "营业执照换发"),
    ],
)
def test_a_result_sharing_only_generic_words_with_the_query_does_not_answer(query, title):
    make_published(title, slug="other", materials=(), steps=(), faqs=())
    assert slugs(query) == []


@pytest.mark.django_db
def test_a_query_of_generic_words_only_is_still_answered():
    make_published("社区工作者招聘报名", slug="sign-up", materials=(), steps=(), faqs=())
    assert slugs("报名") == ["sign-up"]


def test_a_long_sentence_needs_a_smaller_share_of_its_characters_said():
    assert answers.said_share(answers.SHORT) == answers.SAID_SHARE
    assert answers.said_share(answers.LONG) == answers.LONG_SAID_SHARE
    assert answers.said_share(answers.STORY) == answers.STORY_SAID_SHARE
    assert answers.said_share(100) == answers.STORY_SAID_SHARE
    telling = answers.said_share((answers.LONG + answers.STORY) // 2)
    assert answers.STORY_SAID_SHARE < telling < answers.LONG_SAID_SHARE
    middle = answers.said_share((answers.SHORT + answers.LONG) // 2)
    assert answers.LONG_SAID_SHARE < middle < answers.SAID_SHARE
    assert answers.answers(scored(5.0, said=0.3), best_score=5.0, length=answers.LONG)
    assert not answers.answers(scored(5.0, said=0.3), best_score=5.0, length=answers.SHORT)
    # Three characters said of a story of twenty-four: what it is about, among what happened.
    assert answers.answers(scored(5.0, said=3 / 24), best_score=5.0, length=24)
    assert not answers.answers(scored(5.0, said=3 / 24), best_score=5.0, length=answers.LONG)


@pytest.mark.django_db
def test_a_word_editors_listed_for_an_item_answers_a_long_sentence_around_it():
    make_published("雷电防护装置竣工验收", slug="lei-dian", materials=(), steps=(), faqs=())
    question = "楼顶的接闪杆装好了要找谁验"
    assert slugs(question) == []
    assert related_slugs(question) == ["lei-dian"]
    Synonym.objects.create(words="接闪杆 雷电防护")
    assert slugs(question) == ["lei-dian"]


@pytest.mark.django_db
def test_where_the_caller_is_does_not_answer_what_they_ask():
    # 低保's own guide says 家里有…; a resident asking about pests at home is not asking for it.
    make_published(
        "最低生活保障",
        slug="dibao",
        summary="家里有重病、重残人员的，收入可按规定扣减。",
        materials=(),
        steps=(),
        faqs=(),
    )
    for query in ("家里有老鼠", "家里有白蚂蚁", "我家有蛇"):
        assert slugs(query) == [], query
    assert related_slugs("家里有老鼠") == ["dibao"]
    # What follows the scene still answers.
    assert slugs("家里有重病人员") == ["dibao"]
