import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from procedures import publishing
from search import engine as search
from procedures.roles import EDITORS, WINDOW_STAFF
from search.models import SearchEntry, SearchMiss, Synonym
from tests.factories import make_category, make_draft, make_published, make_user, publish_change

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
ANONYMOUS = AnonymousUser()
DAY = datetime.timedelta(days=1)


def slugs(query: str, user=ANONYMOUS, **options) -> list[str]:
    return [result.slug for result in search.search(query, user=user, **options)]


# ---------------------------------------------------------------------------- in force


def test_windows_run_until_a_later_version_takes_effect():
    windows = search.in_force_windows(
        [(1, 1, TODAY - 9 * DAY), (2, 2, TODAY + 5 * DAY)], today=TODAY
    )
    assert windows == {1: (TODAY - 9 * DAY, TODAY + 5 * DAY), 2: (TODAY + 5 * DAY, None)}


def test_windows_leave_out_versions_no_longer_in_force():
    windows = search.in_force_windows([(1, 1, TODAY - 9 * DAY), (2, 2, TODAY)], today=TODAY)
    assert windows == {2: (TODAY, None)}


def test_windows_leave_out_a_version_overtaken_before_it_started():
    windows = search.in_force_windows(
        [(1, 1, TODAY - 9 * DAY), (2, 2, TODAY + 9 * DAY), (3, 3, TODAY + 2 * DAY)], today=TODAY
    )
    assert set(windows) == {1, 3}


def test_publishing_makes_a_procedure_findable():
    make_published("独生子女父母光荣证")
    assert slugs("光荣证") == ["du-sheng-zi-nv-fu-mu-guang-rong-zheng"]


def test_drafts_are_never_found():
    make_draft("独生子女父母光荣证")
    assert slugs("光荣证") == []


def test_a_version_dated_in_the_future_is_found_from_its_date_on():
    first = make_published("失业登记", summary="到窗口排队")
    publish_change(first, effective_from=TODAY + 3 * DAY, summary="在一网通办申请")
    assert slugs("一网通办") == []
    assert slugs("一网通办", on=TODAY + 3 * DAY) == ["shi-ye-deng-ji"]
    assert slugs("排队", on=TODAY + 3 * DAY) == []
    assert slugs("排队") == ["shi-ye-deng-ji"]


def test_a_procedure_not_yet_in_force_is_not_found():
    make_published("失业登记", effective_from=TODAY + DAY)
    assert slugs("失业登记") == []
    assert slugs("失业登记", on=TODAY + DAY) == ["shi-ye-deng-ji"]


def test_a_retired_procedure_is_not_found():
    version = make_published("失业登记")
    publishing.retire_procedure(version.procedure, by=None, reason="事项取消")
    assert slugs("失业登记") == []
    assert not SearchEntry.objects.exists()


def test_changing_aliases_reindexes_the_procedure():
    version = make_published("生育服务手册")
    publishing.update_procedure_details(
        version.procedure, category=version.procedure.category, code="", aliases=["准生证"], by=None
    )
    assert slugs("准生证") == ["sheng-yu-fu-wu-shou-ce"]


def test_rebuild_command_indexes_every_procedure_in_force(capsys):
    make_published("生育服务手册")
    make_published("失业登记")
    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index")
    assert "已索引 2 个版本" in capsys.readouterr().out
    assert slugs("失业") == ["shi-ye-deng-ji"]


def test_an_import_indexes_all_it_publishes(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "- title: 失业登记\n  aliases: [办失业]\n- title: 生育服务手册\n", encoding="utf-8"
    )
    call_command("import_procedures", str(tmp_path), publish=True, stdout=None)
    assert slugs("办失业") == ["shi-ye-deng-ji"]
    assert SearchEntry.objects.count() == 2


# ---------------------------------------------------------------------------- matching


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


def test_filler_words_do_not_drown_the_content():
    make_published("党组织关系转入")
    make_published("需要帮助的老人登记", summary="我想要什么都可以问")
    assert slugs("我想问一下转党组织关系需要带什么")[0] == "dang-zu-zhi-guan-xi-zhuan-ru"


def test_title_matches_rank_above_material_matches():
    make_published("结婚登记", materials=[{"name": "户口簿"}])
    make_published("户口迁入", materials=[{"name": "结婚证"}])
    assert slugs("户口") == ["hu-kou-qian-ru", "jie-hun-deng-ji"]


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


# ---------------------------------------------------------------------------- internal notes


def test_internal_notes_are_searched_for_staff_only():
    make_published("生育服务手册", staff_notes="全员人口信息系统里核对")
    staff = make_user("window", WINDOW_STAFF)
    assert slugs("全员人口信息系统") == []
    assert slugs("全员人口信息系统", user=staff) == ["sheng-yu-fu-wu-shou-ce"]


def test_snippets_never_show_internal_notes_to_residents():
    make_published("生育服务手册", staff_notes="内部口径：先查系统再受理")
    make_published("系统受理登记")
    for result in search.search("系统受理", user=ANONYMOUS):
        assert "内部" not in result.snippet


def test_staff_snippets_may_show_internal_notes():
    make_published("生育服务手册", staff_notes="全员人口信息系统里核对")
    staff = make_user("window", WINDOW_STAFF)
    [result] = search.search("全员人口信息系统", user=staff)
    assert "全员人口信息系统" in result.snippet


# ---------------------------------------------------------------------------- results


def test_results_carry_the_category_url_snippet_and_marks():
    make_published(
        "残疾人两项补贴",
        category=make_category("残疾人服务", "can-ji"),
        materials=[{"name": "残疾人证"}],
    )
    [result] = search.search("残疾人两项补帖", user=ANONYMOUS)
    assert result.category == "残疾人服务"
    assert result.url == "/procedures/can-ji-ren-liang-xiang-bu-tie/"
    assert "补贴" in result.marks and "残疾" in result.marks
    assert result.snippet


def test_marks_show_a_title_found_by_initials():
    make_published("户口迁入")
    [result] = search.search("hkqr", user=ANONYMOUS)
    assert result.marks == ("户口迁入",)


def test_a_query_that_finds_nothing_is_counted():
    make_published("生育服务手册")
    search.search("婚姻登记", user=ANONYMOUS)
    search.search("  婚姻登记 ", user=ANONYMOUS)
    miss = SearchMiss.objects.get()
    assert (miss.query, miss.count) == ("婚姻登记", 2)


def test_a_query_that_finds_something_is_not_counted():
    make_published("生育服务手册")
    search.search("生育", user=ANONYMOUS)
    assert not SearchMiss.objects.exists()


def test_editors_see_the_most_frequent_misses_first(client):
    SearchMiss.objects.create(query="婚姻登记", count=2)
    SearchMiss.objects.create(query="养狗证", count=9)
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    response = client.get(reverse("admin:search_searchmiss_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("养狗证") < page.index("婚姻登记")


def test_editors_may_add_synonyms(client):
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    response = client.post(
        reverse("admin:search_synonym_add"), {"words": "养狗证 犬只登记", "note": ""}
    )
    assert response.status_code == 302
    assert Synonym.objects.get(words="养狗证 犬只登记").word_list() == ["养狗证", "犬只登记"]


def test_a_synonym_needs_two_words(client):
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    response = client.post(reverse("admin:search_synonym_add"), {"words": "养狗证"})
    assert response.status_code == 200
    assert "至少填写两个不同的词" in response.content.decode()
