from search import analyzer


def units_of(query: str, synonyms=None, reading: int = 0) -> list[str]:
    plan = analyzer.analyze_query(query, analyzer.synonym_index(synonyms or []))
    return [unit.label for unit in plan.readings[reading].units if not unit.weak]


def test_fold_turns_traditional_and_full_width_into_simplified_lower_case():
    assert analyzer.fold("獨生子女光榮證ＩＣ卡ABC") == "独生子女光荣证ic卡abc"


def test_fold_keeps_the_length_so_positions_map_back_to_the_original():
    text = "獨生子女\x00光榮證（補辦）\u3000Ａ"
    assert len(analyzer.fold(text)) == len(text)


def test_fold_blanks_control_characters():
    assert analyzer.fold("社\x07保\u200b") == "社 保 "


def test_runs_separate_chinese_from_latin_and_drop_punctuation():
    assert analyzer.runs("4050人员，shebao！") == ["4050", "人员", "shebao"]


def test_text_terms_hold_characters_and_bigrams():
    assert analyzer.text_terms("社保卡", unigrams=True) == {"社", "保", "卡", "社保", "保卡"}


def test_text_terms_of_long_text_leave_out_characters():
    assert analyzer.text_terms("社保卡", unigrams=False) == {"社保", "保卡"}


def test_text_terms_can_add_pinyin_bigrams():
    assert "bao_zhang" in analyzer.text_terms("最低生活保障", unigrams=False, homophones=True)


def test_head_terms_include_initials_ngrams():
    terms = analyzer.head_terms(["户口迁入登记"])
    assert {"i_hkqr", "i_qrdj", "p_hu", "hu_kou"} <= terms


def test_readings_list_every_reading_of_a_polyphonic_character():
    assert set(analyzer.readings("长")) == {"chang", "zhang"}


def test_contextual_pinyin_reads_a_character_from_its_word():
    assert analyzer.contextual_pinyin("银行") == ("yin", "hang")


def test_split_pinyin_prefers_fewest_syllables():
    assert analyzer.split_pinyin("canjiren")[0] == ["can", "ji", "ren"]
    assert analyzer.split_pinyin("xian")[0] == ["xian"]


def test_split_pinyin_gives_nothing_for_initials():
    assert analyzer.split_pinyin("hkqr") == []


def test_initials_line_has_one_letter_per_character():
    assert analyzer.initials_line("ic卡补办（新）") == "ickbb x "


def test_query_drops_spoken_filler_words():
    assert units_of("我想问一下转党员关系要带啥呢") == ["转党", "党员", "员关", "关系"]


def test_query_keeps_the_content_of_a_question():
    plan = analyzer.analyze_query("请问独生子女证怎么办")
    assert plan.readings[0].content == "独生子女证"


def test_query_of_only_fillers_and_punctuation_is_empty():
    assert analyzer.analyze_query("请问，怎么办？！").is_empty
    assert analyzer.analyze_query("……！！").is_empty
    assert analyzer.analyze_query("").is_empty


def test_a_lone_character_is_a_full_unit():
    assert units_of("税") == ["税"]


def test_bigram_units_carry_homophones():
    plan = analyzer.analyze_query("保帐")
    pair = next(unit for unit in plan.readings[0].units if unit.size == 2)
    values = {a.value for a in pair.alternatives}
    assert {"保帐", "bao_zhang"} <= values


def test_synonyms_become_one_unit_with_every_word_of_the_group():
    plan = analyzer.analyze_query("退伍军人", analyzer.synonym_index([["退伍", "退役"]]))
    word = plan.readings[0].units[0]
    assert [a.value for a in word.alternatives if a.kind == "text"] == ["退伍", "退役"]


def test_synonyms_are_protected_from_filler_removal():
    assert "丢了" in units_of("身份证丢了", [["丢了", "遗失"]])


def test_synonym_index_folds_and_joins_groups():
    index = analyzer.synonym_index([["老伴", "配偶"], ["配偶", "爱人"], ["孩子"]])
    assert set(index["配偶"]) == {"老伴", "爱人"}
    assert "孩子" not in index


def test_latin_query_is_read_as_pinyin_as_initials_and_as_a_word():
    kinds = [r.letters_kind for r in analyzer.analyze_query("shebao").readings]
    assert kinds[0] == "pinyin" and "initials" in kinds and kinds[-1] == ""
    assert units_of("shebao") == ["she_bao"]


def test_initials_query_has_an_initials_unit():
    plan = analyzer.analyze_query("hkqr")
    assert [u.alternatives[0].kind for r in plan.readings for u in r.units] == [
        "initials",
        "word",
    ]


def test_initials_query_terms_are_the_indexed_ngrams():
    assert analyzer.initials_query_terms("sydjfwsc") == [
        "i_sydjf",
        "i_ydjfw",
        "i_djfws",
        "i_jfwsc",
    ]
