"""教搜索: an editor turns a search that found nothing into a synonym group, and sees at once
whether search now answers it.

A query counted in 未找到的搜索 (`SearchMiss`) is shown with what search answers now. The editor
picks the item the caller meant and keeps the words of the query a caller would say again (打井,
抽地下水, not the whole story); they become a synonym group with the item's title, so the same
words find it from then on. The query is searched again: when the item now comes first, the miss
is done and leaves the list; otherwise the editor is told where it stands.
"""

import dataclasses

from django.db import IntegrityError, transaction

from procedures.models import Procedure
from procedures.roles import Visitor
from search import analyzer, query_plan
from search.models import Referral, SearchMiss, Synonym
from search.queries import Answer, Result, search

# The words kept from a caller's sentence: a word that long is the sentence itself, which no
# caller says twice the same way.
MAX_WORD = 12
# As long as `Synonym.words` may be.
MAX_GROUP = 200


class NotTaught(Exception):
    """The words cannot become a synonym group as asked; the message says why."""


@dataclasses.dataclass(frozen=True)
class Lesson:
    synonym: Synonym
    # Where the item now stands among the results that answer the query: 1 is first; 0 when
    # it does not answer it yet.
    place: int


def suggested_words(query: str) -> str:
    """The query without the words said around what is asked (请问, 怎么办, 要带啥 …)."""
    return query_plan.analyze_query(query).readings[0].content or query


def now(query: str, user: Visitor) -> Answer:
    """What search answers the query with today, as a clerk would see it."""
    return search(query, user=user, limit=10, record_miss=False)


def choices(answer: Answer, found: Answer | None) -> list[Result]:
    """The items the editor may pick: what the query finds now, then what they looked for."""
    picked: dict[str, Result] = {}
    for result in [*answer.results, *answer.related, *(found.results if found else [])]:
        if result.kind == "item":
            picked.setdefault(result.slug, result)
    return list(picked.values())


def check_words(words: list[str], title: str) -> list[str]:
    """The words, each once, or NotTaught naming the first that cannot be a synonym."""
    kept = list(dict.fromkeys(words))
    if not kept:
        raise NotTaught("请填写居民的说法。")
    referrals = list(Referral.objects.only("title", "keywords"))
    for word in kept:
        if len(word) < 2:
            raise NotTaught(f"“{word}”只有一个字，会让无关的搜索也找到这个事项。")
        if len(word) > MAX_WORD:
            raise NotTaught(
                f"“{word}”太长：居民不会一字不差地再说一遍。请只留下会反复说的词"
                f"（{MAX_WORD} 个字以内），如“打井”“抽地下水”。"
            )
        if not analyzer.RUN_RE.fullmatch(analyzer.fold(word)):
            raise NotTaught(f"“{word}”含有标点或符号：搜索只比对汉字、字母和数字。")
        if word in query_plan.GENERIC_WORDS or word in query_plan.FILLERS:
            raise NotTaught(f"“{word}”是很多事项都会用的词，不能单独作为说法。")
        if word == title:
            raise NotTaught(f"“{word}”就是事项名称，不用再教。")
        for referral in referrals:
            if word in referral.keywords:
                raise NotTaught(
                    f"“{word}”是转介清单“{referral.title}”的关键词：加成同义词会让它不再转介。"
                )
    return kept


@transaction.atomic
def teach(miss: SearchMiss, procedure: Procedure, words: list[str], user: Visitor) -> Lesson:
    """Make `words` a synonym group with the procedure's title, and search the query again:
    the miss is done when the procedure now comes first."""
    title = procedure.current_title or str(procedure)
    kept = check_words(words, title)
    group = " ".join([title, *kept])
    if len(group) > MAX_GROUP:
        raise NotTaught("说法太多了：请分几次添加，或删去一些。")
    if Synonym.objects.filter(words=group).exists():
        raise NotTaught("这组同义词已经有了。")
    note = f"来自未找到的搜索“{miss.query}”"[:200]
    try:
        with transaction.atomic():
            synonym = Synonym.objects.create(words=group, note=note)
    except IntegrityError as error:  # the same group saved a moment ago by someone else
        raise NotTaught("这组同义词已经有了。") from error
    slugs = [result.slug for result in now(miss.query, user).results]
    place = slugs.index(procedure.slug) + 1 if procedure.slug in slugs else 0
    if place == 1:
        miss.delete()
    return Lesson(synonym, place)
