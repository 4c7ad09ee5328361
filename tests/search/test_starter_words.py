"""The synonym groups shipped with migrations (search/0004 … 0010): words search can use."""

import importlib

import pytest

from search.analyzer import fold, is_cjk
from search.management.commands.load_demo_referrals import DEMO_REFERRALS
from search.models import Synonym
from search.query_plan import GENERIC_WORDS

SETS = {
    "0004_service_hall_words": "SERVICE_HALL_WORDS",
    "0005_everyday_words": "EVERYDAY_WORDS",
    "0006_situation_words": "SITUATION_WORDS",
    "0007_coverage_words": "COVERAGE_WORDS",
    "0008_spoken_words": "SPOKEN_WORDS",
    "0009_business_words": "BUSINESS_WORDS",
    "0010_piece_words": "PIECE_WORDS",
}


def groups(migration: str) -> list[list[str]]:
    module = importlib.import_module(f"search.migrations.{migration}")
    return [words.split() for words, _ in getattr(module, SETS[migration])]


@pytest.mark.parametrize("migration", SETS)
def test_every_shipped_group_holds_two_words_of_two_characters_or_more(migration):
    for group in groups(migration):
        assert len(group) >= 2, group
        for word in group:
            # A one-character word would take over every word it is part of.
            assert len(word) >= 2 or not is_cjk(word[0]), (word, group)


@pytest.mark.parametrize("migration", SETS)
def test_no_shipped_group_makes_a_generic_word_stand_for_an_item(migration):
    for group in groups(migration):
        assert not GENERIC_WORDS & set(group), group


def test_no_everyday_word_names_what_the_referral_list_sends_elsewhere():
    # A synonym for 公积金 or 护照 would answer what the hall must send elsewhere.
    keywords = {fold(word) for entry in DEMO_REFERRALS for word in entry["keywords"]}
    for migration in list(SETS)[1:]:
        for group in groups(migration):
            assert not keywords & {fold(word) for word in group}, group


@pytest.mark.django_db
def test_migrations_put_every_shipped_group_in_the_synonym_table():
    stored = set(Synonym.objects.values_list("words", flat=True))
    for migration in SETS:
        for group in groups(migration):
            assert " ".join(group) in stored, group
