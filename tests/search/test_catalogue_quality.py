"""Search at a real hall's scale: a district catalogue of 1,141 official titles (titles only, as
imported on day one), with variant families, and 472 queries as callers and clerks say them
(issue 14, part 5; the set is described in tests/search/catalogue/README.md).

Kinds: `title`, `partial` (what clerks type), `spoken` (callers' own words), `variant` (a
licence named loosely with what to do: 弄丢了, 到期了) and `absent` (things the hall does not
handle: the right answer is no result). Six sets: our own (`queries.tsv`, which search was
tuned on) and five written blind (`heldout-1.tsv` … `heldout-5.tsv`; see the set's README:
read the misses of set 2, 3, 4 or 5 and it stops being blind). The test prints the share per kind
of each set and fails below its floors. The issue's goal (95 % first, 99 % top three, 90 % of
absent queries with no result) is not reached for answerable queries; the floors are what
search does now, so that a change that loses ground fails here.
`bench/bench_search_peers.py --queries` prints the same figures beside two peers.
"""

import csv
import dataclasses
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from procedures import library
from procedures.catalogue_import import import_catalogue
from search.queries import search

SET = Path(__file__).parent / "catalogue"
KINDS = {"title", "partial", "spoken", "variant", "absent"}
MIN_PER_KIND = 40


@dataclasses.dataclass(frozen=True)
class Floors:
    first: float
    top3: float
    absent: float


# Answerable queries first and in the top three, absent ones with no result, below which a set
# fails. What search does on 2026-12-04 (fifth session), a point or two under.
FLOORS = {
    "queries.tsv": Floors(first=0.86, top3=0.90, absent=0.95),
    "heldout-1.tsv": Floors(first=0.79, top3=0.83, absent=0.95),
    "heldout-2.tsv": Floors(first=0.81, top3=0.84, absent=0.95),
    "heldout-3.tsv": Floors(first=0.76, top3=0.82, absent=0.85),
    "heldout-4.tsv": Floors(first=0.80, top3=0.84, absent=0.90),
    # Written and first measured on the sixth session.
    "heldout-5.tsv": Floors(first=0.88, top3=0.91, absent=0.92),
}


def queries(name: str = "queries.tsv") -> list[dict[str, str]]:
    with (SET / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t"))


@pytest.mark.parametrize("name", FLOORS)
def test_the_set_is_large_and_every_expected_item_is_in_the_catalogue(name):
    with (SET / "district_catalogue.csv").open(encoding="utf-8", newline="") as file:
        titles = [row["事项名称"] for row in csv.DictReader(file)]
    assert len(titles) >= 1000
    assert len(set(titles)) == len(titles)
    rows = queries(name)
    assert len({row["query"] for row in rows}) == len(rows)
    kinds = Counter(row["kind"] for row in rows)
    assert set(kinds) <= KINDS and {"partial", "spoken", "variant", "absent"} <= set(kinds)
    assert min(kinds.values()) >= MIN_PER_KIND, kinds
    for row in rows:
        assert (row["expected"] in titles) == (row["kind"] != "absent"), row


@pytest.mark.django_db
def test_search_finds_the_item_or_says_it_is_not_here(capsys, monkeypatch):
    monkeypatch.setattr(library, "SQLITE_PAUSE_SECONDS", 0)  # nobody else waits for the lock
    import_catalogue(SET / "district_catalogue.csv")
    call_command("load_demo_referrals", stdout=None)
    shares = {}
    for name in FLOORS:
        shares[name] = measured(name, capsys)
    for name, floors in FLOORS.items():
        first_share, top3_share, absent_share = shares[name]
        assert first_share >= floors.first, name
        assert top3_share >= floors.top3, name
        assert absent_share >= floors.absent, name


def measured(name: str, capsys) -> tuple[float, float, float]:
    """Prints the shares of one set per kind, and its misses; returns its three shares."""
    rows = queries(name)
    first, top3, misses = Counter(), Counter(), []
    for row in rows:
        answer = search(row["query"], user=AnonymousUser(), limit=10, record_miss=False)
        found = [result.title for result in answer.results]
        kind, expected = row["kind"], row["expected"]
        right = not found if kind == "absent" else found[:1] == [expected]
        first[kind] += right
        top3[kind] += not found if kind == "absent" else expected in found[:3]
        if not right:
            misses.append(f"  {kind:<8} {row['query']} → {found[:3]} (expected {expected or '—'})")
    kinds = Counter(row["kind"] for row in rows)
    answerable = sum(count for kind, count in kinds.items() if kind != "absent")
    first_share = sum(first[k] for k in kinds if k != "absent") / answerable
    top3_share = sum(top3[k] for k in kinds if k != "absent") / answerable
    absent_share = first["absent"] / kinds["absent"]
    with capsys.disabled():
        print(f"\n{name}\nkind      queries  first   top-3   (absent: no result)")
        for kind, count in kinds.items():
            print(f"{kind:<9} {count:7} {first[kind] / count:6.1%} {top3[kind] / count:7.1%}")
        print(f"{'answer':<9} {answerable:7} {first_share:6.1%} {top3_share:7.1%}")
        if name == "queries.tsv":  # The blind sets' misses stay unread (see the set's README).
            print("\n".join(misses))
    return first_share, top3_share, absent_share
