"""What a query finds, in which order, for whom; and the queries that found nothing."""

import pytest
from django.utils import timezone

from procedures.roles import WINDOW_STAFF
from search import kept, queries, query_plan, ranking
from search.models import SearchMiss, Synonym
from tests.factories import make_published, make_user
from tests.search.conftest import ANONYMOUS, related_slugs, slugs

pytestmark = pytest.mark.django_db


def test_two_character_words_are_found():
    make_published("灵活就业人员社保缴费登记")
    assert slugs("社保") == ["ling-huo-jiu-ye-ren-yuan-she-bao-jiao-fei-deng-ji"]


def test_one_character_queries_find_titles():
    make_published("契税申报")
    assert slugs("税") == ["qi-shui-shen-bao"]


def test_a_part_of_a_title_with_a_gap_is_found():
    make_published("异地就医备案")
    make_published("就业登记")
    assert slugs("异地备案")[0] == "yi-di-jiu-yi-bei-an"


def test_traditional_characters_are_found():
    make_published("独生子女父母光荣证")
    assert slugs("獨生子女光榮證") == ["du-sheng-zi-nv-fu-mu-guang-rong-zheng"]


def test_homophones_typed_by_pinyin_are_found():
    make_published("最低生活保障")
    make_published("生活垃圾分类")
    assert slugs("最低生活保帐")[0] == "zui-di-sheng-huo-bao-zhang"


def test_full_pinyin_and_initials_are_found():
    make_published("残疾人证")
    make_published("户口迁入")
    assert slugs("canjiren") == ["can-ji-ren-zheng"]
    assert slugs("hkqr") == ["hu-kou-qian-ru"]


def test_aliases_are_found():
    make_published("生育服务手册", aliases=["准生证"])
    assert slugs("准生证") == ["sheng-yu-fu-wu-shou-ce"]


def test_synonyms_from_the_table_are_found():
    Synonym.objects.create(words="老伴 配偶")
    make_published("配偶随迁落户")
    assert slugs("老伴随迁") == ["pei-ou-sui-qian-luo-hu"]


def test_a_word_of_the_synonym_table_said_in_two_parts_stands_for_its_group():
    Synonym.objects.create(words="拖拉机和联合收割机转移 收割机过户")
    make_published("拖拉机和联合收割机注册登记")
    make_published("拖拉机和联合收割机转移登记")
    transfer = "tuo-la-ji-he-lian-he-shou-ge-ji-zhuan-yi-deng-ji"
    assert slugs("收割机卖给隔壁村的了，要过户")[0] == transfer


def test_a_latin_word_of_the_synonym_table_stands_for_its_group():
    Synonym.objects.create(words="歌厅 KTV 娱乐场所")
    make_published("娱乐场所经营许可证新办", slug="ktv")
    make_published("取水许可新办", slug="water")
    assert slugs("KTV许可") == ["ktv"]
    assert slugs("ktv") == ["ktv"]


def test_filler_words_do_not_drown_the_content():
    make_published("党组织关系转入")
    make_published("需要帮助的老人登记", summary="我想要什么都可以问")
    assert slugs("我想问一下转党组织关系需要带什么")[0] == "dang-zu-zhi-guan-xi-zhuan-ru"


def test_title_matches_rank_above_material_matches():
    make_published("结婚登记", materials=[{"name": "户口簿"}])
    make_published("户口迁入", materials=[{"name": "结婚证"}])
    assert slugs("户口") == ["hu-kou-qian-ru"]
    assert related_slugs("户口") == ["jie-hun-deng-ji"]


def test_material_matches_rank_above_step_and_faq_matches():
    make_published("甲事项", materials=[{"name": "残疾人证"}])
    make_published("乙事项", steps=[{"title": "核对残疾人证"}])
    assert slugs("残疾人证") == ["jia-shi-xiang", "yi-shi-xiang"]


def test_a_document_covering_more_of_the_query_ranks_higher():
    make_published("退役军人优待证")
    make_published("老年人优待卡")
    assert slugs("退役军人优待证")[0] == "tui-yi-jun-ren-you-dai-zheng"


def test_limit_caps_the_results():
    for title in ("社保卡申领", "社保关系转移", "社保缴费登记"):
        make_published(title)
    assert len(slugs("社保", limit=2)) == 2


def test_internal_notes_are_searched_for_staff_only():
    make_published("生育服务手册", staff_notes="全员人口信息系统里核对")
    staff = make_user("window", WINDOW_STAFF)
    assert slugs("全员人口信息系统") == []
    assert slugs("全员人口信息系统", user=staff) == ["sheng-yu-fu-wu-shou-ce"]


def test_a_query_that_finds_nothing_is_counted():
    make_published("生育服务手册")
    queries.search("婚姻登记", user=ANONYMOUS)
    queries.search("  婚姻登记 ", user=ANONYMOUS)
    miss = SearchMiss.objects.get()
    assert (miss.query, miss.count) == ("婚姻登记", 2)


def test_a_query_that_finds_something_is_not_counted():
    make_published("生育服务手册")
    queries.search("生育", user=ANONYMOUS)
    assert not SearchMiss.objects.exists()


@pytest.mark.parametrize(
    ("query", "first"), [("便利店想改成烟花店", "烟花店许可"), ("烟花店想改成便利店", "便利店备案")]
)
def test_a_sentence_leans_towards_what_is_said_after_the_scene(query, first):
    # Each item holds one half of the sentence, as much as the other does.
    make_published("便利店备案")
    make_published("烟花店许可")
    standing = kept.standing()
    plan = query_plan.analyze_query(query, standing.synonyms)
    ranked = ranking.rank(
        plan, internal=False, today=timezone.localdate(), entries=standing.entries
    )
    assert [s.entry.title for s in ranked] == [first, *({"便利店备案", "烟花店许可"} - {first})]
    assert ranked[0].score > 1.1 * ranked[1].score  # not by a rounding error


def test_a_word_of_what_is_done_counts_less_than_the_thing_it_is_done_for():
    # 证明 is as rare here as 残疾, and said later, where a sentence leans more.
    make_published("残疾人证新办")
    make_published("户籍证明出具")
    standing = kept.standing()
    plan = query_plan.analyze_query("我是残疾的想开个证明", standing.synonyms)
    ranked = ranking.rank(
        plan, internal=False, today=timezone.localdate(), entries=standing.entries
    )
    assert [s.entry.title for s in ranked] == ["残疾人证新办", "户籍证明出具"]


def test_a_caller_complaining_of_a_shop_is_offered_the_complaint_item_first():
    Synonym.objects.create(words="烟草专卖零售许可证 卖烟 烟草证")
    make_published("烟草专卖零售许可证新办", slug="yan-cao")
    make_published("学校周边商户整改投诉", slug="xue-xiao-zhou-bian")
    complaint = "学校门口的小卖部偷偷卖烟给小学生"
    assert ranking.COMPLAINT.search(complaint)
    assert slugs(complaint)[0] == "xue-xiao-zhou-bian"
    assert "yan-cao" in slugs(complaint) + related_slugs(complaint)
    # The shopkeeper asking for the licence is no complaint: the licence comes first.
    assert slugs("小卖部想卖烟要办什么证")[0] == "yan-cao"
