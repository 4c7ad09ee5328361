"""The referral list (转介清单): which entry a query names, and what search does with it."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from procedures.roles import EDITORS
from search import queries, referrals
from search.models import Referral, SearchMiss, Synonym
from tests.factories import make_published, make_user
from tests.search.conftest import ANONYMOUS

pytestmark = pytest.mark.django_db


def housing_fund(**fields) -> Referral:
    defaults = {
        "title": "住房公积金提取",
        "keywords": ["公积金", "提取公积金"],
        "where": "市住房公积金管理中心",
        "address": "人民路 88 号",
        "phone": "12329",
        "hours": "周一至周五 9:00—17:00",
    }
    return Referral.objects.create(**{**defaults, **fields})


def test_a_query_containing_a_keyword_names_the_referral():
    fund = housing_fund()
    assert referrals.match("公积金怎么取") == fund


def test_a_query_containing_the_title_names_the_referral():
    fund = housing_fund(keywords=[])
    assert referrals.match("我想办住房公积金提取") == fund


def test_traditional_characters_and_spaces_are_folded_before_matching():
    fund = housing_fund()
    assert referrals.match("公 積 金") == fund


def test_what_was_said_inside_a_keyword_names_the_referral():
    fund = housing_fund()
    assert referrals.match("公积怎么办", said="公积") == fund


def test_the_most_specific_referral_wins():
    housing_fund()
    loan = housing_fund(title="住房公积金贷款", keywords=["公积金贷款"])
    assert referrals.match("公积金贷款怎么办") == loan


def test_an_unrelated_or_one_character_query_names_nothing():
    housing_fund()
    assert referrals.match("低保") is None
    assert referrals.match("金") is None
    assert referrals.match("") is None


def test_when_nothing_answers_the_referral_takes_its_place():
    make_published("失业保险金申领", summary="到窗口领取失业保险金。")
    fund = housing_fund()
    answer = queries.search("公积金怎么取", user=ANONYMOUS)
    assert (answer.results, answer.referral, answer.not_here) == ([], fund, True)


def test_when_a_procedure_answers_the_referral_is_a_note_under_it():
    make_published("户口迁入", aliases=["落户"])
    fund = housing_fund(title="落户咨询", keywords=["落户"])
    answer = queries.search("落户", user=ANONYMOUS)
    assert [r.slug for r in answer.results] == ["hu-kou-qian-ru"]
    assert (answer.referral, answer.not_here) == (fund, False)


@pytest.mark.parametrize(
    ("query", "kind"),
    [("公积金怎么取", SearchMiss.Kind.REFERRAL), ("养狗证", SearchMiss.Kind.MISS)],
)
def test_unanswered_queries_are_logged_with_how_they_went(query, kind):
    make_published("失业保险金申领")
    housing_fund()
    queries.search(query, user=ANONYMOUS)
    miss = SearchMiss.objects.get()
    assert (miss.query, miss.kind, miss.count) == (query, kind, 1)


def test_a_query_with_only_weak_matches_is_logged_as_such():
    make_published("失业保险金申领", summary="到窗口领取失业保险金。")
    answer = queries.search("公积金怎么取", user=ANONYMOUS)
    assert [r.slug for r in answer.related] == ["shi-ye-bao-xian-jin-shen-ling"]
    assert SearchMiss.objects.get().kind == SearchMiss.Kind.WEAK


def test_an_answered_query_with_a_referral_note_is_not_logged():
    make_published("户口迁入", aliases=["落户"])
    housing_fund(title="落户咨询", keywords=["落户"])
    queries.search("落户", user=ANONYMOUS)
    assert not SearchMiss.objects.exists()


def test_the_demo_list_loads_and_loads_again_without_duplicates():
    call_command("load_demo_referrals", stdout=None)
    call_command("load_demo_referrals", stdout=None)
    assert Referral.objects.count() >= 10
    assert referrals.match("公积金怎么取").where == "市住房公积金管理中心"
    assert "婚姻登记" in referrals.match("结婚登记要带什么").where
    assert "派出所" in referrals.match("老人走丢了怎么报警").where
    assert referrals.match("保险公司不给车险理赔").title == "商业保险理赔"


def test_editors_add_a_referral_with_keywords_typed_as_words(client):
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    response = client.post(
        reverse("admin:search_referral_add"),
        {"title": "个人所得税", "keywords": "个税、退税 个人所得税", "where": "区税务局办税服务厅"},
    )
    assert response.status_code == 302
    assert Referral.objects.get().keywords == ["个税", "退税", "个人所得税"]


def test_a_one_character_keyword_is_refused_with_a_message(client):
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    response = client.post(
        reverse("admin:search_referral_add"),
        {"title": "个人所得税", "keywords": "税", "where": "区税务局办税服务厅"},
    )
    assert response.status_code == 200
    assert "关键词至少两个字" in response.content.decode()


def test_a_procedure_that_answers_only_the_rest_of_a_referred_query_is_related():
    housing_fund()
    make_published("创业担保贷款贴息申请", slug="loan", materials=(), steps=(), faqs=())
    answer = queries.search("公积金贷款", user=ANONYMOUS)
    assert answer.results == []
    assert [r.slug for r in answer.related] == ["loan"]
    assert answer.referral is not None and answer.not_here


def test_a_procedure_naming_the_referred_thing_still_answers():
    housing_fund()
    make_published("住房公积金缴存证明开具", slug="fund-proof", materials=(), steps=(), faqs=())
    answer = queries.search("公积金缴存证明", user=ANONYMOUS)
    assert [r.slug for r in answer.results] == ["fund-proof"]
    assert answer.referral is not None and not answer.not_here


def test_every_referred_word_the_query_names_must_be_in_an_answer():
    Referral.objects.create(title="护照、签证", keywords=["出国", "签证"], where="出入境管理大队")
    make_published("出国（境）定居注销户口", slug="emigrate", materials=(), steps=(), faqs=())
    answer = queries.search("出国签证", user=ANONYMOUS)
    assert answer.results == [] and [r.slug for r in answer.related] == ["emigrate"]
    assert [r.slug for r in queries.search("出国定居注销户口", user=ANONYMOUS).results] == [
        "emigrate"
    ]


def test_a_keyword_inside_a_longer_word_of_the_synonym_table_is_the_halls_word():
    Referral.objects.create(title="车辆违章处理", keywords=["违章"], where="交警大队")
    Synonym.objects.create(words="违法建设 违章建筑 违章搭建")
    make_published("违法建设举报受理", slug="illegal-building", materials=(), steps=(), faqs=())
    answer = queries.search("违章建筑举报", user=ANONYMOUS)
    assert answer.referral is None
    assert [r.slug for r in answer.results] == ["illegal-building"]
    # Said alone, or of a car, the word is still the list's.
    assert queries.search("车辆违章怎么处理", user=ANONYMOUS).referral.where == "交警大队"


def test_a_longer_synonym_of_the_referred_thing_still_names_it():
    housing_fund()
    Synonym.objects.create(words="住房公积金 公积金")
    answer = queries.search("住房公积金提取", user=ANONYMOUS)
    assert answer.referral is not None and answer.referral.where == "市住房公积金管理中心"


@pytest.mark.parametrize(
    ("query", "sent_to", "item"),
    [
        ("存款到期了怎么取", "银行卡、信用卡挂失和补办", "取水许可延续"),
        ("想做个亲子鉴定", "亲子鉴定等司法鉴定", "劳动能力初次鉴定"),
        ("出租车投诉电话", "出租车、网约车乘客投诉", "出租汽车经营许可（新办）"),
        ("车辆过户要什么材料", "机动车驾驶证换证、补证", "道路普通货物运输车辆转籍（转出）"),
        ("护士执业证注册", "护士执业注册、医师资格", "医师执业注册（首次注册）"),
        ("律师执业证", "律师执业和律师事务所", "医师执业注册（首次注册）"),
        ("邻居家的狗咬人了", "被狗咬伤、被猫抓伤", "犬只登记"),
        ("团员关系怎么转", "团员组织关系转接", "党组织关系转接（转入）"),
    ],
)
def test_the_demo_list_sends_what_only_shares_a_word_with_an_item_elsewhere(query, sent_to, item):
    # Each shares a word with an item the hall does (取, 鉴定, 出租, 车辆, 执业, 狗,
    # 关系), which once answered it.
    call_command("load_demo_referrals", stdout=None)
    make_published(item, slug="item", materials=(), steps=(), faqs=())
    answer = queries.search(query, user=ANONYMOUS)
    assert answer.results == []
    assert answer.referral is not None and answer.referral.title == sent_to
