"""Variant families (`search.variants`): items that differ only by an action or level word are
one family; the caller's words pick the variant, or the family is shown together."""

import csv
import re
from pathlib import Path

import pytest
from django.test import Client

from search import variants
from search.analyzer import fold
from search.queries import search
from tests.factories import make_published
from tests.search.conftest import ANONYMOUS, slugs

LICENCE = "食品经营许可证"
ACTIONS = ("新办", "变更", "延续", "注销", "补办")
SLUGS = dict(zip(ACTIONS, ("new", "change", "renew", "close", "replace"), strict=True))


@pytest.mark.parametrize(
    ("title", "name", "words", "action"),
    [
        ("食品经营许可证补办", "食品经营许可证", ("补办",), "补办"),
        ("燃气经营许可证（新申请）", "燃气经营许可证", ("新申请",), "新办"),
        ("建设工程规划许可证核发（县级）", "建设工程规划许可证", ("核发", "县级"), "新办"),
        ("残疾人证遗失补领", "残疾人证", ("遗失补领",), "补办"),
        ("烟草专卖零售许可证停业", "烟草专卖零售许可证", ("停业",), "停业"),
        ("党组织关系转出", "党组织关系", ("转出",), "转出"),
        ("民办学校设立（市级）", "民办学校", ("设立", "市级"), "新办"),
        ("饮用水供水单位卫生许可（县级）", "饮用水供水单位卫生许可", ("县级",), None),
    ],
)
def test_a_title_is_its_family_and_the_words_that_make_it_this_variant(title, name, words, action):
    family = variants.family_of(title)
    assert family is not None
    assert (family.name, family.words, family.action) == (name, words, action)


def test_traditional_and_full_width_titles_share_their_family_key():
    simplified = variants.family_of("食品经营许可证变更")
    traditional = variants.family_of("食品經營許可證變更")
    assert simplified and traditional
    assert simplified.key == traditional.key


@pytest.mark.parametrize("title", ["生育服务手册", "补办", "申领补发", "最低生活保障"])
def test_a_title_with_no_action_or_too_little_left_has_no_family(title):
    assert variants.family_of(title) is None


@pytest.mark.parametrize(
    ("query", "action"),
    [
        ("食品经营许可证弄丢了", "补办"),
        ("烟草证找不到了", "补办"),
        ("捕鱼证找不着了", "补办"),
        ("户口本被水泡烂了", variants.DAMAGED),
        ("老人过世了，残疾证怎么处理", "注销"),
        ("农药以后不卖了", "注销"),
        ("居住证要续签", "延续"),
        ("饭店关门不开了，许可证怎么处理", "注销"),
        ("店铺转让了证怎么办", "注销"),
        ("营业执照上的地址换了", "变更"),
        ("烟草证快到期了", "延续"),
        ("卫生许可证过期了还能用吗", "延续"),
        ("暂时不营业了要报备吗", "停业"),
        ("想歇一段时间", "停业"),
        ("第一次申请燃气经营许可", "新办"),
        ("想开个小饭馆", "新办"),
        ("户口迁来本区", "转入"),
        ("党员关系要转走", "转出"),
        ("医保要转过去", "转出"),
        ("爸妈户口想迁过来", "转入"),
        ("采伐证期限到了树还没砍完", "延续"),
        ("公司要搬到别的区去，注册地要从这边迁走", "转出"),
        ("党员关系要转到社区来", "转入"),
        ("想把老婆户口迁到我这里", "转入"),
        ("户口要迁到外区去", "转出"),
        ("之前报停的货梯现在又要用了", "复业"),
        ("我哥有残疾证，人走了", "注销"),
        ("生意不好想先歇几个月，执照不想注销", "停业"),
        ("执照不想注销", None),
        # Written blind with the helper's patterns (search.cue_words).
        ("小卖部又开张了，烟草证怎么恢复", "复业"),
        ("饭店想关几个月", "停业"),
        ("驾驶员证落在出租车上了", "补办"),
        ("户口本被水泡了", "损坏"),
        ("老两口收摊了，营业执照怎么办", "注销"),
        ("许可证有效期快没了", "延续"),
        ("我从外地调过来工作，党员关系怎么办", "转入"),
        ("我要回老家了，社保怎么办", "转出"),
        ("法人换人了", "变更"),
        ("协会换会长了要去登记", "变更"),
        ("公司换了个董事长", "变更"),
        ("头一回办食品经营许可证", "新办"),
        # Words that hold a cue word and ask for no action on a licence.
        ("店关掉了，执照怎么办", "注销"),
        ("搬家公司电话多少", None),
        ("食品经营许可证", None),
    ],
)
def test_the_callers_words_name_the_action(query, action):
    cue = variants.cue_of(query)
    assert (cue.action if cue else None) == action
    if cue:
        assert cue.words in query


def test_split_title_marks_the_variant_words():
    parts = variants.split_title("建设工程规划许可证核发（县级）", ("核发", "县级"))
    assert parts == [
        ("建设工程规划许可证", False),
        ("核发", True),
        ("（", False),
        ("县级", True),
        ("）", False),
    ]
    assert variants.split_title("生育服务手册", ()) == [("生育服务手册", False)]


def arranged(query: str, ranked: list[tuple[str, float]]) -> list[str]:
    cue = variants.cue_of(query)
    result = variants.arrange(ranked, query, cue, title=lambda r: r[0], score=lambda r: r[1])
    return [title for title, _ in result]


def test_arrange_brings_a_family_together_where_its_best_member_stands():
    ranked = [("燃气经营许可证新办", 9.0), ("燃气安全培训", 8.0), ("燃气经营许可证注销", 7.0)]
    assert arranged("燃气经营许可证", ranked) == [
        "燃气经营许可证新办",
        "燃气经营许可证注销",
        "燃气安全培训",
    ]


def test_arrange_puts_the_variant_the_caller_asks_for_first_in_its_family():
    ranked = [(f"{LICENCE}{a}", 9.0 - i * 0.1) for i, a in enumerate(ACTIONS)] + [("低保", 1.0)]
    titles = arranged("食品经营许可证弄丢了", ranked)
    assert titles[0] == f"{LICENCE}补办"
    assert sorted(titles[:5]) == sorted(f"{LICENCE}{a}" for a in ACTIONS)
    assert titles[5] == "低保"


def test_a_variant_named_in_the_query_keeps_the_score_order():
    ranked = [(f"{LICENCE}变更", 9.0), (f"{LICENCE}补办", 8.0)]
    # 变更 is named; 丢了 elsewhere in the sentence does not override it.
    assert arranged("食品经营许可证变更，原来的丢了", ranked)[0] == f"{LICENCE}变更"


def test_a_weak_member_is_not_pulled_up_to_its_family():
    ranked = [("燃气经营许可证新办", 10.0), ("低保", 9.0), ("燃气经营许可证注销", 2.0)]
    assert arranged("燃气", ranked) == ["燃气经营许可证新办", "低保", "燃气经营许可证注销"]


def bare(title: str, slug: str) -> None:
    """A catalogue item as imported: a title and nothing else."""
    make_published(title, slug=slug, materials=(), steps=(), faqs=())


@pytest.fixture
def licences(db):
    for action in ACTIONS:
        bare(f"{LICENCE}{action}", f"licence-{SLUGS[action]}")
    bare("最低生活保障", "di-bao")


@pytest.mark.parametrize(
    ("query", "action"),
    [
        ("食品经营许可证弄丢了", "补办"),
        ("食品经营许可证快到期了", "延续"),
        ("食品经营许可证上的地址换了", "变更"),
        ("饭店关门了食品经营许可证怎么办", "注销"),
        ("第一次办食品经营许可证", "新办"),
    ],
)
def test_search_answers_the_variant_the_caller_means(licences, query, action):
    assert slugs(query)[0] == f"licence-{SLUGS[action]}"


def test_search_shows_the_family_together_with_the_differing_words(licences):
    answer = search("食品经营许可证", user=ANONYMOUS)
    family = [r for r in answer.results if r.family]
    assert {r.slug for r in family} == {f"licence-{s}" for s in SLUGS.values()}
    assert all(r.family == LICENCE for r in family)
    assert {r.variant for r in family} == {(a,) for a in ACTIONS}
    groups = answer.result_groups
    assert groups[0][0] == LICENCE
    assert len(groups[0][1]) == len(ACTIONS)


def test_a_lone_member_is_not_called_a_family(db):
    bare("燃气经营许可证注销", "gas-off")
    bare("最低生活保障", "di-bao")
    [result] = search("燃气经营许可证注销", user=ANONYMOUS).results
    assert (result.family, result.variant) == ("", ())


def test_the_api_and_the_results_page_show_the_family(licences):
    client = Client()
    data = client.get("/api/search", {"q": "食品经营许可证"}).json()
    first = data["results"][0]
    assert first["family"] == LICENCE
    assert len(first["variant"]) == 1 and first["variant"][0] in ACTIONS
    assert set(data) == {"query", "results", "related", "referral", "not_here"}
    page = client.get("/search/", {"q": "食品经营许可证"}).content.decode()
    assert f"同类事项「{LICENCE}」有 5 种办理情形" in page
    assert '<strong class="variant-word">补办</strong>' in page


def test_naming_a_licence_and_nothing_else_puts_its_first_issue_first():
    ranked = [(f"{LICENCE}变更", 9.0), (f"{LICENCE}注销", 8.9), (f"{LICENCE}新办", 8.8)]
    assert arranged("食品经营许可证", ranked)[0] == f"{LICENCE}新办"


def test_the_variant_the_caller_means_answers_even_when_the_cue_is_most_of_the_query(licences):
    answer = search("食品经营许可证快要到期了该怎么弄", user=ANONYMOUS)
    assert answer.results[0].slug == "licence-renew"


def test_the_last_action_word_of_a_title_is_its_action():
    family = variants.family_of("医师执业注册（变更注册）")
    assert family is not None
    assert (family.key, family.action) == ("医师执业", "变更")
    first = variants.family_of("医师执业注册（首次注册）")
    assert first is not None and (first.key, first.action) == ("医师执业", "新办")


def test_the_member_the_caller_asks_for_joins_its_family_however_it_scored():
    ranked = [("烟草专卖零售许可证恢复营业", 10.0), ("低保", 9.0), ("烟草专卖零售许可证停业", 2.0)]
    assert arranged("小卖部暂时不营业了", ranked)[0] == "烟草专卖零售许可证停业"


def test_a_family_doing_what_was_asked_leads_an_item_of_about_the_same_score():
    ranked = [("烟花爆竹燃放许可", 1.6), (f"{LICENCE}注销", 1.6), (f"{LICENCE}新办", 1.6)]
    assert arranged("卖鞭炮的店不干了", ranked)[0] == f"{LICENCE}注销"
    # Without a cue the score order stands.
    assert arranged("鞭炮", ranked)[0] == "烟花爆竹燃放许可"


def test_an_item_far_above_the_family_asked_for_keeps_its_place():
    ranked = [("烟花爆竹燃放许可", 9.0), (f"{LICENCE}注销", 2.0)]
    assert arranged("卖鞭炮的店不干了", ranked)[0] == "烟花爆竹燃放许可"


@pytest.mark.parametrize(
    ("family", "query", "first"),
    [
        # A certificate worn or broken is exchanged where the catalogue has that …
        (["居民户口簿补领", "居民户口簿换领"], "户口本旧了破了", "居民户口簿换领"),
        (["教师资格证补发", "教师资格证换发"], "教资证书破损了", "教师资格证换发"),
        # … replaced where it has not, and a licence's 换发 is its renewal: replaced too.
        (["残疾人证新办", "残疾人证补办"], "残疾证磨破了", "残疾人证补办"),
        (["渔业捕捞许可证换发", "渔业捕捞许可证补发"], "捕捞证损坏了", "渔业捕捞许可证补发"),
    ],
)
def test_a_damaged_certificate_is_exchanged_where_it_can_be_and_replaced_otherwise(
    family, query, first
):
    assert arranged(query, [(title, 5.0) for title in family])[0] == first


def test_a_query_naming_the_variant_words_keeps_the_score_order_between_families():
    # 迁入 is a cue (转入) the 审核 item does; the query names 迁入新办 itself.
    ranked = [("计划生育家庭户口迁入新办", 5.0), ("计划生育家庭户口迁入审核", 4.5)]
    assert arranged("计划户口迁入新办", ranked)[0] == "计划生育家庭户口迁入新办"


@pytest.mark.parametrize("query", ["个体户歇业后想重新开张", "去年报了歇业，现在想重新开门"])
def test_a_stop_the_caller_is_in_does_not_name_the_variant_they_ask_for(query):
    ranked = [("个体工商户歇业备案", 9.0), ("个体工商户恢复营业备案", 5.0)]
    assert arranged(query, ranked)[0] == "个体工商户恢复营业备案"


def test_a_variant_word_the_caller_does_not_want_is_not_asked_for():
    ranked = [(f"{LICENCE}注销", 9.0), (f"{LICENCE}新办", 7.0)]
    assert arranged(f"{LICENCE}注销", ranked)[0] == f"{LICENCE}注销"
    assert arranged(f"{LICENCE}不想注销了", ranked)[0] == f"{LICENCE}新办"


def test_a_variant_word_said_as_a_state_with_after_is_not_asked_for():
    ranked = [(f"{LICENCE}注销", 9.0), (f"{LICENCE}补办", 5.0)]
    assert arranged("食品经营许可证注销后发现没登记，原件丢了", ranked)[0] == f"{LICENCE}补办"
    assert arranged("食品经营许可证注销，原件丢了", ranked)[0] == f"{LICENCE}注销"


def test_the_member_asked_for_answers_as_its_family_best_would(db):
    # 不营业 puts 营业 in the query: …恢复营业 scores far above …停业 on the words alone.
    for action, slug in (("恢复营业", "resume"), ("停业", "pause"), ("新办", "new")):
        bare(f"烟草专卖零售许可证{action}", f"tobacco-{slug}")
    answer = search("小卖部暂时不营业了，卖烟的证要报备吗", user=ANONYMOUS)
    assert [r.slug for r in answer.results][:1] == ["tobacco-pause"]


# Cue words that are also a title's own words though not its variant's (病故军人遗属…, 新开业).
TITLE_WORDS = {"病故", "转让", "销户", "新开", "延长", "首次", "初次"}


def test_cue_words_match_inside_titles_only_at_their_action_words():
    # A pattern matching a title would cue an action for every query naming that title.
    path = Path(__file__).parent / "catalogue" / "district_catalogue.csv"
    titles = [fold(row["事项名称"]) for row in csv.DictReader(path.open(encoding="utf-8"))]
    action_words = [w for words in variants.ACTION_WORDS.values() for w in words]
    stray = set()
    for _, pattern in variants.CUES:
        for title in titles:
            for match in pattern.finditer(title):
                within = any(
                    a.start() <= match.start() and match.end() <= a.end()
                    for word in action_words
                    for a in re.finditer(word, title)
                )
                if not within:
                    stray.add(match.group())
    assert stray <= TITLE_WORDS, stray - TITLE_WORDS
