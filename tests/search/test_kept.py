"""What search keeps between queries (synonyms, referrals, the index's size): read once, and
read again as soon as an editor or a publication changes it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import kept, queries
from search.models import Referral, Synonym
from sopdesk import page_cache
from tests.factories import make_published
from tests.search.conftest import ANONYMOUS, slugs

pytestmark = pytest.mark.django_db

KEPT_TABLES = ("search_synonym", "search_referral", "COUNT(")


def statements_of(query: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        queries.search(query, user=ANONYMOUS, record_miss=False)
    return [q["sql"] for q in captured.captured_queries]


def test_a_second_query_reads_no_synonym_referral_or_count():
    make_published("配偶随迁落户")
    Synonym.objects.create(words="那口子 配偶")
    Referral.objects.create(title="住房公积金提取", keywords=["公积金"], where="公积金中心")
    first = statements_of("老伴随迁")
    assert any("search_synonym" in sql for sql in first)
    second = statements_of("公积金怎么取")
    assert [sql for sql in second if any(table in sql for table in KEPT_TABLES)] == []


def test_a_synonym_added_after_a_query_is_used_by_the_next():
    make_published("配偶随迁落户")
    assert slugs("那口子") == []
    Synonym.objects.create(words="那口子 配偶")
    assert slugs("那口子") == ["pei-ou-sui-qian-luo-hu"]


def test_a_synonym_deleted_after_a_query_is_no_longer_used():
    make_published("配偶随迁落户")
    synonym = Synonym.objects.create(words="那口子 配偶")
    assert slugs("那口子") == ["pei-ou-sui-qian-luo-hu"]
    synonym.delete()
    assert slugs("那口子") == []


def test_a_referral_added_after_a_query_is_named_by_the_next():
    assert queries.search("公积金怎么取", user=ANONYMOUS).referral is None
    fund = Referral.objects.create(title="住房公积金提取", keywords=["公积金"], where="公积金中心")
    assert queries.search("公积金怎么取", user=ANONYMOUS).referral == fund
    fund.where = "市住房公积金管理中心"
    fund.save()
    answer = queries.search("公积金怎么取", user=ANONYMOUS)
    assert answer.referral is not None and answer.referral.where == "市住房公积金管理中心"


def test_the_size_of_the_index_follows_publishing():
    make_published("结婚登记")
    assert kept.standing().entries == 1
    make_published("户口迁入")
    assert kept.standing().entries == 2


def test_a_change_in_another_worker_is_seen_through_the_shared_generation():
    make_published("配偶随迁落户")
    assert slugs("那口子") == []
    # Another worker saved the synonym: this one learns of it only through the shared cache.
    Synonym.objects.bulk_create([Synonym(words="那口子 配偶")])
    assert slugs("那口子") == []
    page_cache.renew(kept.GENERATION)
    assert slugs("那口子") == ["pei-ou-sui-qian-luo-hu"]


def test_what_was_read_before_a_change_commits_is_never_kept(django_capture_on_commit_callbacks):
    make_published("配偶随迁落户")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Synonym.objects.create(words="那口子 配偶")
    before_commit = page_cache.generation(kept.GENERATION)
    for callback in callbacks:
        callback()
    assert page_cache.generation(kept.GENERATION) != before_commit
