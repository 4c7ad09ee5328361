"""What reading typing slips costs (search/misspelling.py); never asserts.

    .venv/bin/python bench/bench_misspelling.py

Prints the time and resident memory jieba's dictionary takes when a process reads it (once,
at its first query), and the time planning a query takes with and without slips, over every
query of the catalogue sets (tests/search/catalogue/*.tsv: only the queries are read, nothing
about them is printed), with the share of queries in which a slip was read.
"""

import csv
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sopdesk.settings")

import django  # noqa: E402

django.setup()

from search import analyzer, misspelling, query_plan  # noqa: E402

SETS = sorted((ROOT / "tests" / "search" / "catalogue").glob("*.tsv"))
ROUNDS = 5


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def queries() -> list[str]:
    found = []
    for path in SETS:
        with path.open(encoding="utf-8", newline="") as file:
            found += [row["query"] for row in csv.DictReader(file, delimiter="\t")]
    return found


def plan_times(texts: list[str]) -> list[float]:
    """Median milliseconds of planning each query, over ROUNDS."""
    times = []
    for text in texts:
        rounds = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            query_plan.analyze_query(text)
            rounds.append((time.perf_counter() - start) * 1000)
        times.append(statistics.median(rounds))
    return sorted(times)


def slipped(text: str) -> bool:
    folded = analyzer.fold(text)
    return any(
        misspelling.meant(run, index)
        for run in analyzer.chinese_runs(folded)
        for index in range(len(run) - 1)
    )


def main() -> None:
    texts = queries()
    analyzer.readings("中")  # pypinyin's own tables, loaded by any query
    before, start = rss_mb(), time.perf_counter()
    misspelling.meant("公伤", 0)
    print(
        f"jieba's dictionary: read in {time.perf_counter() - start:.2f} s, "
        f"+{rss_mb() - before:.0f} MB resident"
    )
    with_slips = plan_times(texts)
    meant, misspelt = misspelling.meant, misspelling.misspelt
    misspelling.meant = lambda text, start: ()  # type: ignore[assignment]
    misspelling.misspelt = lambda typed, sounds: False  # type: ignore[assignment]
    without = plan_times(texts)
    misspelling.meant, misspelling.misspelt = meant, misspelt
    n = len(texts)
    print(f"{n} queries of {len(SETS)} sets; planning a query, ms p50 / p95:")
    print(f"  with slips     {with_slips[n // 2]:.3f} / {with_slips[int(n * 0.95)]:.3f}")
    print(f"  without slips  {without[n // 2]:.3f} / {without[int(n * 0.95)]:.3f}")
    share = sum(slipped(text) for text in texts) / n
    print(
        f"  a pair that is no word read as a word it may be a slip of in {share:.1%} of them"
        " (it counts only where a title holds that word)"
    )


if __name__ == "__main__":
    main()
