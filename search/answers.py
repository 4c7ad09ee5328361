"""Which ranked procedures answer the query, and which are only related to it.

A result answers the query when every part of what was said is in its title or an alias
(`named`), or when at least `SAID_SHARE` of the query's characters (less for a long sentence)
are found in it as written or as a synonym (not only by sound or as an abbreviation), more
than generic words among them (报名 alone does not answer 高考报名), and it scores at least
`BEST_SHARE` of the best result. A result the sentence also resembles through a group of the
synonym table (`search.resemblance`) needs a smaller share said. Everything else ranked is
shown apart as 可能相关. A query with no answer is one the hall may not handle: search then
looks in the referral list (`search.referrals`).
"""

from collections.abc import Callable, Sequence

from search.ranking import Scored

# Share of the query's characters an unnamed result must hold as said: a long sentence keeps
# words no guide uses (我老伴瘫在床上…), a query about something else shares a character or two.
# A sentence longer than SHORT characters (without fillers) holds more everyday words, so the
# share asked falls to LONG_SAID_SHARE at LONG characters.
SAID_SHARE = 0.4
LONG_SAID_SHARE = 0.25
SHORT, LONG = 8, 14
STORY, STORY_SAID_SHARE = 24, 0.1
# A result the sentence also resembles through a group of the synonym table (`Scored.hinted`:
# 我嫁过来好几年了户口还在娘家 and 嫁过来落户 of 夫妻投靠) needs only this much of that share said.
HINTED_SAID = 0.7
# Below this share of the best score, a result that holds the words is a passing mention.
BEST_SHARE = 0.4
# 可能相关 is a short list to glance at, not everything that shares a character: at most
# RELATED_SHOWN, each scoring at least RELATED_SHARE of the best related one (公积金怎么取 shares
# 金 with every 补贴 and 救助金: after 失业保险金申领 they score less than a tenth of it).
RELATED_SHOWN = 8
RELATED_SHARE = 0.1


def said_share(length: int) -> float:
    """The share of a query of `length` characters an unnamed result must hold as said."""
    if length <= SHORT:
        return SAID_SHARE
    if length <= LONG:
        longer = (length - SHORT) / (LONG - SHORT)
        return SAID_SHARE - (SAID_SHARE - LONG_SAID_SHARE) * longer
    story = min(1.0, (length - LONG) / (STORY - LONG))
    return LONG_SAID_SHARE - (LONG_SAID_SHARE - STORY_SAID_SHARE) * story


def answers(scored: Scored, best_score: float, length: int = 0) -> bool:
    """Whether `scored` answers a query of `length` characters (fillers left out)."""
    if scored.named:
        return True
    share = said_share(length) * (HINTED_SAID if scored.hinted else 1.0)
    return scored.specific and scored.said >= share and scored.score >= BEST_SHARE * best_score


def split(ranked: Sequence[Scored], length: int = 0) -> tuple[list[Scored], list[Scored]]:
    """The ranked results that answer a query of `length` characters (fillers left out), and
    the weaker ones, each in rank order."""
    best_score = max((s.score for s in ranked), default=0.0)
    answering = [s for s in ranked if answers(s, best_score, length)]
    kept = {id(s) for s in answering}
    return answering, [s for s in ranked if id(s) not in kept]


def shown_related(related: Sequence[Scored]) -> list[Scored]:
    """The related results worth showing, in rank order."""
    best_score = max((s.score for s in related), default=0.0)
    return [s for s in related if s.score >= RELATED_SHARE * best_score][:RELATED_SHOWN]


def families_whole(
    arranged: Sequence[Scored], answering: Sequence[Scored], family: Callable[[Scored], str]
) -> tuple[list[Scored], list[Scored]]:
    """The results and the related ones when a family stays whole: the siblings that follow an
    answering member in `arranged` (`variants.arrange` put them there; `family` gives each
    one's family, "" for none) answer too, for the clerk to ask which one is meant."""
    kept = {id(s) for s in answering}
    lead = ""
    for scored in arranged:
        key = family(scored)
        if id(scored) in kept:
            lead = key
        elif key and key == lead:
            kept.add(id(scored))
        else:
            lead = ""
    return [s for s in arranged if id(s) in kept], [s for s in arranged if id(s) not in kept]
