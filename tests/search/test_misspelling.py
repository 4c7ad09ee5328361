"""Words typed with the wrong character of the same sound: read as the word meant, and counted
as said, where what was typed is no word; never where it is one."""

import pytest

from search import misspelling, query_plan
from tests.factories import make_published
from tests.search.conftest import related_slugs, slugs

INJURY = "在厂里干活手被机器压断了一根指头，老板说不算公伤，我去哪申请认定"


def test_a_pair_that_is_no_word_is_read_as_the_common_words_sounding_like_it():
    assert "户口" in misspelling.meant("上户扣", 1)
    assert "工伤" in misspelling.meant("不算公伤", 2)
    assert len(misspelling.meant("不算公伤", 2)) <= misspelling.MOST


def test_a_word_is_no_misspelling():
    assert misspelling.meant("户口", 0) == ()
    assert misspelling.meant("工伤", 0) == ()


def test_a_pair_inside_a_longer_word_is_no_misspelling():
    # 然气 is no word, and sounds like 燃气, but it is part of 天然气 as written.
    assert misspelling.meant("天然气开户", 1) == ()
    assert "燃气" in misspelling.meant("然气", 0)


def test_a_run_sounding_like_a_word_is_a_slip_of_it_only_if_it_is_no_word_itself():
    assert misspelling.misspelt("居注证", ("ju", "zhu", "zheng"))
    assert not misspelling.misspelt("居住证", ("ju", "zhu", "zheng"))
    # Heard only through a character's rarer reading, it is not what was typed for it.
    assert not misspelling.misspelt("居注证", ("ju", "dou", "zheng"))
    # Two characters sounding like a word of two are too often a chance.
    assert misspelling.SLIP_FROM == 3
    assert not misspelling.misspelt("低报", ("di", "bao"))


def test_the_bigram_of_a_slip_holds_the_word_meant_as_said():
    units = query_plan.analyze_query("老板说不算公伤").readings[0].units
    slip = next(unit for unit in units if unit.label == "公伤")
    meant = {a.value: a.factor for a in slip.alternatives if a.kind == "text"}
    assert meant["工伤"] == query_plan.SYNONYM_FACTOR
    # Words of the synonym table are read whole, not as slips of their parts.
    table = query_plan.synonym_index([("天然气", "管道气")])
    units = query_plan.analyze_query("天然气开户", table).readings[0].units
    assert not any(a.value == "燃气" for unit in units for a in unit.alternatives)


def test_a_homophone_of_a_synonym_that_is_no_word_counts_as_said():
    table = query_plan.synonym_index([("居住证", "暂住证")])
    units = query_plan.analyze_query("我想办个居注证", table).readings[0].units
    sounded = [u for u in units if any(a.value == "暂住证" for a in u.alternatives)]
    assert sounded and max(a.factor for a in sounded[0].alternatives) == query_plan.SYNONYM_FACTOR


@pytest.mark.django_db
def test_a_sentence_with_a_slip_is_answered_by_the_item_it_means():
    make_published("工伤认定申请")
    make_published("个体工商户设立登记")
    make_published("企业职工基本养老保险参保登记")
    assert slugs(INJURY) == ["gong-shang-ren-ding-shen-qing"]


@pytest.mark.django_db
def test_a_word_sounding_like_an_item_is_not_taken_for_it():
    # 工伤 is a word: it is not read as 工商, which sounds the same.
    make_published("个体工商户设立登记")
    assert slugs("工伤怎么认定") == []
    assert related_slugs("工伤怎么认定") == []


def test_without_the_dictionary_nothing_is_taken_for_a_slip(monkeypatch):
    monkeypatch.setattr(misspelling.importlib.util, "find_spec", lambda name: None)
    misspelling._dictionary.cache_clear()
    try:
        assert misspelling.meant("不算公伤", 2) == ()
        assert not misspelling.misspelt("居注证", ("ju", "zhu", "zheng"))
    finally:
        monkeypatch.undo()
        misspelling._dictionary.cache_clear()
    assert "工伤" in misspelling.meant("不算公伤", 2)
