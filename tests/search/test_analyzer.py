"""Text to terms: folding, pinyin and the terms titles, aliases and guides are indexed under."""

from search import analyzer


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


def test_initials_query_terms_are_the_indexed_ngrams():
    assert analyzer.initials_query_terms("sydjfwsc") == [
        "i_sydjf",
        "i_ydjfw",
        "i_djfws",
        "i_jfwsc",
    ]
