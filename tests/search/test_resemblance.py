"""The groups of the synonym table a caller's sentence resembles: what they rank, and what
they never do (count as said, answer a question the hall does not handle)."""

import pytest
from django.utils import timezone

from search import answers, kept, query_plan, ranking, resemblance, snippets
from search.models import Synonym
from tests.factories import make_published
from tests.search.conftest import related_slugs, slugs

MARRIED = ("夫妻投靠", "投靠老公", "随老公落户", "嫁过来落户", "外地媳妇落户")
BORN = ("出生登记", "报出生", "新生儿落户", "孩子上户口")
SENTENCE = "我嫁过来好几年了户口还在娘家，想迁到老公这边来"


def hints(query: str, *groups: tuple[str, ...]) -> list[query_plan.Unit]:
    units = query_plan.analyze_query(query, query_plan.synonym_index(groups)).readings[0].units
    return [unit for unit in units if unit.hint]


def test_a_sentence_sharing_pieces_of_a_groups_words_is_hinted_that_group():
    sentence = "我嫁过来好几年了，户口一直在娘家，老公让我问问"
    found = hints(sentence, MARRIED, BORN)
    assert [unit.alternatives[0].value for unit in found] == ["夫妻投靠"]
    assert {a.factor for a in found[0].alternatives} == {query_plan.HINT_FACTOR}
    # It covers the pieces it shares (嫁过, 过来, 老公), not what lies between them.
    content = query_plan.analyze_query(sentence).readings[0].content
    covered = "".join(char for i, char in enumerate(content) if found[0].mask >> i & 1)
    assert covered == "嫁过来老公"


def test_one_shared_piece_is_not_enough():
    assert hints("我老公的单位想问问公积金的事情", MARRIED) == []


def test_a_group_whose_word_was_said_is_no_hint():
    # 投靠老公 is said whole: the group is a word of the query, not a resemblance.
    units = (
        query_plan.analyze_query("嫁过来以后想投靠老公", query_plan.synonym_index([MARRIED]))
        .readings[0]
        .units
    )
    assert [unit.label for unit in units if unit.listed] == ["投靠老公"]
    assert not [unit for unit in units if unit.hint]


def test_a_short_query_names_what_it_asks_for_and_is_read_for_no_group():
    assert len("老公嫁过来") < query_plan.HINTS_FROM
    assert hints("老公嫁过来", MARRIED) == []


def test_pieces_of_generic_words_say_nothing_in_particular():
    groups = resemblance.Groups([("资格认证", "生存认证", "认证资格审核")])
    assert groups.resembled("教师资格认证审核", generic=0b11111100, said=set()) == []
    assert groups.resembled("教师资格认证审核", generic=0, said=set()) != []


def test_the_best_few_groups_are_hinted_the_most_telling_first():
    first = ("甲乙丙丁", "丙丁戊己")  # shares five pieces of the sentence
    second = ("甲乙庚辛", "庚辛壬癸")  # two
    third = ("子丑寅卯", "己庚寅卯")  # one
    fourth = ("甲乙子丑", "戊己子丑")  # two, both held by other groups too
    groups = resemblance.Groups([fourth, third, second, first])
    found = groups.resembled("甲乙丙丁戊己庚辛", generic=0, said=set())
    assert resemblance.HINTS == 2
    assert [hint.words for hint in found] == [first, second]


@pytest.mark.django_db
def test_the_item_a_resembled_group_names_ranks_first():
    Synonym.objects.create(words=" ".join(MARRIED))
    Synonym.objects.create(words=" ".join(BORN))
    make_published("户口迁入（入学）")
    make_published("户口迁入（夫妻投靠）")
    make_published("户口迁入（人才引进）")
    assert slugs(SENTENCE)[0] == "hu-kou-qian-ru-fu-qi-tou-kao"


@pytest.mark.django_db
def test_a_resembled_group_alone_finds_nothing():
    # The sentence shares pieces of the group (嫁过来, 老公) and none of the item's title: the
    # hint ranks what the sentence's own words find, and finds nothing of its own.
    Synonym.objects.create(words=" ".join(MARRIED))
    make_published("夫妻投靠落户")
    query = "我嫁过来以后老公对我不好天天吵架"
    assert hints(query, MARRIED)
    assert slugs(query) == [] and related_slugs(query) == []


@pytest.mark.django_db
def test_a_sentence_naming_an_item_is_ranked_by_its_own_words_alone():
    # The starter groups are in the table: 失能老人 and 老年人能力评估 resemble these sentences.
    make_published("失能老人津贴发放备案")
    make_published("高龄老人津贴发放备案")

    def ranked(query: str) -> list[ranking.Scored]:
        standing = kept.standing()
        plan = query_plan.analyze_query(query, standing.synonyms)
        assert [unit for unit in plan.readings[0].units if unit.hint], query
        today = timezone.localdate()
        return ranking.rank(plan, internal=False, today=today, entries=standing.entries)

    # 失能老人津贴发放备案 is a title: the groups its pieces resemble weigh nothing.
    named = ranked("失能老人津贴发放备案")
    assert named[0].entry.title == "失能老人津贴发放备案" and named[0].named
    assert [s.hinted for s in named] == [0.0, 0.0]
    # A sentence naming no item is ranked with them.
    told = ranked("家里老人瘫在床上失能了津贴发放的事")
    assert not any(s.named for s in told)
    assert any(s.hinted for s in told)


@pytest.mark.django_db
def test_a_result_the_sentence_resembles_answers_with_less_of_it_said(monkeypatch):
    # 流浪 … 过来 shares pieces with the starter group of 流浪乞讨人员救助 (流浪过来 is not in it).
    # Titles only, as a catalogue brings them in: 流浪 is all of the sentence they hold.
    for title in ("流浪乞讨人员救助", "异地就医备案（新办）"):
        make_published(title, materials=(), steps=(), faqs=(), summary="")
    query = "桥洞底下有个老大爷好几天没吃饭了，像是外地流浪过来的，谁来管"
    rescue = "liu-lang-qi-tao-ren-yuan-jiu-zhu"
    assert slugs(query)[0] == rescue
    monkeypatch.setattr(answers, "HINTED_SAID", 1.0)
    assert rescue not in slugs(query)


def test_a_hints_words_are_not_marked_as_what_was_said():
    sentence = "我嫁过来好几年了，户口一直在娘家，老公让我问问"
    plan = query_plan.analyze_query(sentence, query_plan.synonym_index([MARRIED]))
    assert [unit for unit in plan.readings[0].units if unit.hint]
    needles = snippets.needles_of(plan)
    assert "户口" in needles
    assert not set(MARRIED) & set(needles)
