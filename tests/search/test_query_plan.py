"""A query to what it looks for: fillers removed, units with homophones, synonyms and readings."""

from search import query_plan


def units_of(query: str, synonyms=None, reading: int = 0) -> list[str]:
    plan = query_plan.analyze_query(query, query_plan.synonym_index(synonyms or []))
    return [unit.label for unit in plan.readings[reading].units if not unit.weak]


def test_query_drops_spoken_filler_words():
    assert units_of("我想问一下转党员关系要带啥呢") == ["转党", "党员", "员关", "关系"]


def test_query_keeps_the_content_of_a_question():
    plan = query_plan.analyze_query("请问独生子女证怎么办")
    assert plan.readings[0].content == "独生子女证"


def test_query_of_only_fillers_and_punctuation_is_empty():
    assert query_plan.analyze_query("请问，怎么办？！").is_empty
    assert query_plan.analyze_query("……！！").is_empty
    assert query_plan.analyze_query("").is_empty


def test_a_lone_character_is_a_full_unit():
    assert units_of("税") == ["税"]


def test_bigram_units_carry_homophones():
    plan = query_plan.analyze_query("保帐")
    pair = next(unit for unit in plan.readings[0].units if unit.size == 2)
    values = {a.value for a in pair.alternatives}
    assert {"保帐", "bao_zhang"} <= values


def test_synonyms_become_one_unit_with_every_word_of_the_group():
    plan = query_plan.analyze_query("退伍军人", query_plan.synonym_index([["退伍", "退役"]]))
    word = plan.readings[0].units[0]
    assert [a.value for a in word.alternatives if a.kind == "text"] == ["退伍", "退役"]


def test_synonyms_are_protected_from_filler_removal():
    assert "丢了" in units_of("身份证丢了", [["丢了", "遗失"]])


def test_synonym_index_folds_and_joins_groups():
    index = query_plan.synonym_index([["老伴", "配偶"], ["配偶", "爱人"], ["孩子"]])
    assert set(index["配偶"]) == {"老伴", "爱人"}
    assert "孩子" not in index


def test_latin_query_is_read_as_pinyin_as_initials_and_as_a_word():
    kinds = [r.letters_kind for r in query_plan.analyze_query("shebao").readings]
    assert kinds[0] == "pinyin" and "initials" in kinds and kinds[-1] == ""
    assert units_of("shebao") == ["she_bao"]


def test_initials_query_has_an_initials_unit():
    plan = query_plan.analyze_query("hkqr")
    assert [u.alternatives[0].kind for r in plan.readings for u in r.units] == [
        "initials",
        "word",
    ]


def test_a_listed_word_said_with_a_measure_word_inside_is_that_word():
    synonyms = [["姓名变更", "改名字"], ["犬只", "养狗"]]
    plan = query_plan.analyze_query("想改个名字", query_plan.synonym_index(synonyms))
    assert plan.readings[0].content == "改名字"
    assert [u.label for u in plan.readings[0].units if u.listed] == ["改名字"]
    plan = query_plan.analyze_query("家里养了条狗", query_plan.synonym_index(synonyms))
    assert plan.readings[0].content == "家里养狗"
    assert [u.label for u in plan.readings[0].units if u.listed] == ["养狗"]


def test_only_a_few_measure_words_or_particles_may_stand_inside_a_listed_word():
    synonyms = query_plan.synonym_index([["犬只", "养狗"]])
    for query in ("养鸡狗", "养了一条狗"):  # 鸡 is no measure word; three inserted is too many
        plan = query_plan.analyze_query(query, synonyms)
        assert not [u for u in plan.readings[0].units if u.listed], query


def listed_of(query: str, synonyms: dict) -> list[tuple[str, int]]:
    """The listed units of a query: each word, and the characters of the query it covers."""
    units = query_plan.analyze_query(query, synonyms).readings[0].units
    return [(u.label, u.mask) for u in units if u.listed]


def test_a_listed_word_may_be_said_in_two_parts_with_words_between():
    synonyms = query_plan.synonym_index([["农机转移", "收割机过户"], ["犬只年检", "狗证年审"]])
    # The content is 收割机卖给别人过户: the parts cover characters 0-2 and 7-8, not between.
    content = query_plan.analyze_query("收割机卖给别人了要过户").readings[0].content
    assert content == "收割机卖给别人过户"
    assert listed_of("收割机卖给别人了要过户", synonyms) == [("收割机过户", 0b110000111)]
    assert listed_of("狗证满一年了要年审", synonyms) == [("狗证年审", 0b1100011)]  # 狗证满一年年审


def test_a_word_in_two_parts_needs_them_in_order_and_close_together():
    synonyms = query_plan.synonym_index([["农机转移", "收割机过户"]])
    assert listed_of("过户的收割机", synonyms) == []
    assert listed_of("收割机" + "放在村口好多年" * 2 + "过户", synonyms) == []  # 14 between
    assert listed_of("收割机过户", synonyms) == [("收割机过户", 0b11111)]  # whole: one unit


def test_a_word_of_two_generic_parts_said_apart_says_nothing():
    # 资格 … 认证 is in any certificate's story, not only in the 资格认证 of pensions.
    synonyms = query_plan.synonym_index([["资格认证", "生存认证"]])
    assert listed_of("考了教师资格考试，面试也过了，去哪认证", synonyms) == []


def test_the_measure_word_between_a_verb_and_its_thing_is_dropped():
    assert query_plan.analyze_query("想办个证明").readings[0].content == "证明"
    assert query_plan.analyze_query("开个证明").readings[0].content == "开证明"


def test_a_measure_word_beginning_a_word_of_its_own_stays():
    assert query_plan.analyze_query("我要办个体户").readings[0].content == "个体户"
    assert query_plan.analyze_query("开个人证明").readings[0].content == "开个人证明"
    assert query_plan.analyze_query("个税申报").readings[0].content == "个税申报"


def test_a_cue_phrase_naming_the_thing_leaves_the_thing_said():
    # 开饭店 cues a 新办, but 饭店 is what the caller needs, not a generic word like 证明.
    reading = query_plan.analyze_query("开饭店要什么证明").readings[0]
    assert reading.content == "开饭店证明"
    assert reading.generic_mask == 0b11000  # 证明 only
