"""Print SOPDesk's search beside two peers, over one catalogue and one query set; never asserts.

Run from the project root (the peers need `pip install -e '.[bench]'`):
    .venv/bin/python bench/bench_search_peers.py [--catalogue CSV] [--queries TSV] [--scale N]

The catalogue (部门,主项,事项名称,事项编码,办事指南链接) and the queries (query, expected, kind:
title, partial, spoken, variant, absent) default to tests/search/catalogue/. Systems compared:

- SOPDesk: the catalogue imported into a throwaway SQLite database as a hall would
  (`import_catalogue`, then `load_demo_referrals`), queried through `search.queries.search`
  as an anonymous visitor; only `results` count, not `related`.
- whoosh AND: the django-haystack recipe for Chinese: a Whoosh index whose document field
  (title and 主项) is analysed by `jieba.analyse.ChineseAnalyzer`, queried as haystack's
  `auto_query` does: its cleaning, Whoosh's `QueryParser` with its default group (AND: a
  Chinese query is one "word" to the parser, and the tokens jieba makes of it are ANDed).
- whoosh OR: the same index, parsed with `group=OrGroup` (any word may match), the common
  tweak when AND finds too little.
- jieba+BM25: `rank_bm25.BM25Okapi` over `jieba.lcut_for_search(title + 主项)`.

It prints, per kind of query, the share whose expected item came first and in the first three
(for `absent`: the share with no result at all; for SOPDesk also how many got a referral), then
per system the time to build its index and the wall-clock and CPU milliseconds per query (p50,
p95). With `--scale N` the catalogue is then padded to N items with synthetic items (real
departments, recombined subjects, objects and actions; fixed seed) and the timings are measured
again over all systems; quality is always computed on the unpadded catalogue.

Takes about a minute over the 1,141-item catalogue and its 472 queries. --scale 20000 adds the
import of some 19,000 items into SOPDesk: about ten minutes on an idle machine (33 items a
second), 24 minutes on a 2-core machine loaded by other work; --scale 5000 for a quicker look.
"""

import argparse
import csv
import dataclasses
import logging
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "tests/search/catalogue/district_catalogue.csv"
QUERIES = ROOT / "tests/search/catalogue/queries.tsv"
KINDS = ("title", "partial", "spoken", "variant")
LIMIT = 10
# SOPDesk refuses a catalogue file over 20,000 rows or 5 MB: padding is imported in parts.
PART_ROWS = 5000

# jieba reads its data through pkg_resources (deprecated in recent setuptools) and leaves its
# IDF file open; neither says anything about the bench.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
warnings.filterwarnings("ignore", message="unclosed file", category=ResourceWarning)

Searcher = Callable[[str], list[str]]


@dataclasses.dataclass(frozen=True)
class Item:
    department: str
    main_item: str
    title: str
    code: str
    url: str


@dataclasses.dataclass(frozen=True)
class Query:
    text: str
    expected: str
    kind: str


@dataclasses.dataclass
class Timing:
    build: float  # seconds
    wall: list[float]  # milliseconds per query
    cpu: list[float]


# ---------------------------------------------------------------------------- the data


def read_catalogue(path: Path) -> list[Item]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return [
            Item(
                row["部门"].strip(),
                (row.get("主项") or "").strip(),
                row["事项名称"].strip(),
                (row.get("事项编码") or "").strip(),
                (row.get("办事指南链接") or "").strip(),
            )
            for row in csv.DictReader(file)
            if row.get("事项名称", "").strip()
        ]


def read_queries(path: Path) -> list[Query]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Query(row["query"].strip(), (row["expected"] or "").strip(), row["kind"].strip())
            for row in reader
            if row.get("query", "").strip()
        ]


def write_catalogue(items: list[Item], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["部门", "主项", "事项名称", "事项编码", "办事指南链接"])
        for item in items:
            writer.writerow([item.department, item.main_item, item.title, item.code, item.url])


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Synthetic items: who or what an item is about, what it grants or records, and the actions of
# a variant family, as in real catalogues (食品经营许可证新办/变更/延续/注销/补办).
SUBJECTS = words(
    "残疾人 退役军人 老年人 独生子女家庭 失业人员 灵活就业人员 低保家庭 新生儿 流动党员 城乡居民 "
    "高龄老人 困难职工 农民工 特困人员 孤儿 留守儿童 烈士遗属 个体工商户 计划生育家庭 退休人员 "
    "未成年人 孕产妇 优抚对象 低收入家庭 外来务工人员 随迁子女 困境儿童 失能老人 独居老人 "
    "民办学校 养老机构 托育机构 社会组织 农村集体经济组织 物业服务企业 建筑施工企业 药品零售企业 "
    "医疗机构 道路运输企业 旅馆业 娱乐场所 网吧 印刷企业 出版物零售单位 放射诊疗机构 公共场所 "
    "水产养殖 林木采伐 犬只 户外广告 临时占道 排水 城市绿地 燃气设施 二次供水 生活饮用水"
)
OBJECTS = words(
    "护理补贴 生活补贴 优待证 医疗救助 参保登记 资格认定 待遇申领 经营许可 卫生许可 设立登记 "
    "备案 年度报告 执业登记 资质认定 许可证 登记证 证明开具 信息变更 档案转移 一次性补助 "
    "康复补助 助学金 慰问金 抚恤金 租房补贴 创业补贴 岗位补贴 技能鉴定 验收 审批 监督检查 "
    "行政奖励 收费减免 资金拨付 使用登记 注册 质量检验 安全评价 竣工验收 运营补贴"
)
ACTIONS = words("新办 变更 延续 注销 补办 换领 迁移 核准 审核 年检")


def padded(items: list[Item], count: int, seed: int = 20) -> list[Item]:
    """`items` and enough synthetic items after them to make `count`, none sharing a title.

    Main items are subject + object (养老机构 + 卫生许可), in a fixed shuffled order, each with
    its family of variants: the first pass gives each main item its 新办, the next its 变更…
    """
    rng = random.Random(seed)
    departments = sorted({item.department for item in items}) or ["社区事务受理服务中心"]
    titles = {item.title for item in items}
    mains = [(s, o) for s in SUBJECTS for o in OBJECTS]
    rng.shuffle(mains)
    # Some catalogues write the variant in brackets, 燃气经营许可证（变更）: per main item.
    brackets = [rng.random() < 0.4 for _ in mains]
    extra: list[Item] = []
    for action in ACTIONS:
        for (subject, obj), bracket in zip(mains, brackets, strict=True):
            if len(items) + len(extra) >= count:
                return items + extra
            title = f"{subject}{obj}（{action}）" if bracket else f"{subject}{obj}{action}"
            if title in titles:
                continue
            titles.add(title)
            department = departments[SUBJECTS.index(subject) % len(departments)]
            code = f"PAD-{len(extra) + 1:05d}"
            extra.append(Item(department, f"{subject}{obj}", title, code, ""))
    return items + extra


# ---------------------------------------------------------------------------- SOPDesk


def setup_django(work: Path) -> None:
    """A throwaway SQLite database in `work`, as bench/bench_search.py makes one."""
    os.environ["SOPDESK_VAR_DIR"] = str(work)
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "sopdesk.settings"
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo_referrals", stdout=quiet)


def sopdesk_build(items: list[Item], work: Path, imported: set[str]) -> Searcher:
    """Import the items not imported yet with `import_catalogue`, in files it accepts."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command

    from procedures.models import Procedure
    from search.queries import search

    new = [item for item in items if item.title not in imported]
    for start in range(0, len(new), PART_ROWS):
        path = work / f"catalogue-{len(imported) + start:05d}.csv"
        write_catalogue(new[start : start + PART_ROWS], path)
        with open(os.devnull, "w") as quiet:
            call_command("import_catalogue", str(path), stdout=quiet)
    imported.update(item.title for item in new)
    print(f"  SOPDesk: {Procedure.objects.count()} procedures in the library", flush=True)
    visitor = AnonymousUser()

    def searcher(query: str) -> list[str]:
        answer = search(query, user=visitor, limit=LIMIT, record_miss=False)
        return [result.title for result in answer.results]

    return searcher


def print_sopdesk_details(queries: list[Query]) -> None:
    """What the table leaves out for SOPDesk: referrals for absent queries, and how often the
    expected item was shown under `related` instead of among the answers (queries run again,
    untimed)."""
    from django.contrib.auth.models import AnonymousUser

    from search.queries import search

    visitor = AnonymousUser()
    answers = [search(q.text, user=visitor, limit=LIMIT, record_miss=False) for q in queries]
    absent = [a for q, a in zip(queries, answers, strict=True) if q.kind == "absent"]
    if absent:
        referred = sum(a.referral is not None for a in absent)
        print(
            f"SOPDesk: a referral (go elsewhere) for {referred} of the {len(absent)} absent queries"
        )
    shares = []
    for kind in KINDS:
        pairs = [(q, a) for q, a in zip(queries, answers, strict=True) if q.kind == kind]
        shown = sum(q.expected in [r.title for r in a.results + a.related] for q, a in pairs)
        if pairs:
            shares.append(f"{kind} {shown / len(pairs):.1%}")
    print(f"SOPDesk: expected item among results or related (top {LIMIT}): {', '.join(shares)}")


# ---------------------------------------------------------------------------- the peers


def load_jieba() -> float:
    """Seconds jieba takes to load its dictionary and its analyser (once, before any peer)."""
    start = time.perf_counter()
    import jieba
    import jieba.analyse  # reads its IDF table on import

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    jieba.analyse.ChineseAnalyzer()
    return time.perf_counter() - start


def whoosh_build(items: list[Item], folder: Path, *, any_word: bool) -> Searcher:
    """The django-haystack Whoosh backend with jieba's analyser, as Chinese tutorials set it up.

    haystack's schema: an ID field, the document field `text` (a template rendering the title
    and the 主项; TEXT with the field's analyser, here ChineseAnalyzer), and `title` as a stored
    field. Its query: `auto_query` cleans each whitespace-separated word (reserved words
    lowercased, a word with a reserved character quoted), the filter is wrapped in parentheses
    and parsed by `QueryParser("text", schema)` with the FuzzyTermPlugin; each query opens a
    searcher on the index. `any_word` parses with OrGroup instead of the default AndGroup.
    """
    from jieba.analyse import ChineseAnalyzer
    from whoosh import index, qparser
    from whoosh.fields import ID, TEXT, Schema

    analyzer = ChineseAnalyzer()
    schema = Schema(
        id=ID(stored=True, unique=True),
        text=TEXT(stored=True, analyzer=analyzer, sortable=True),
        title=TEXT(stored=True, analyzer=analyzer, sortable=True),
    )
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    ix = index.create_in(str(folder), schema)
    writer = ix.writer()
    for number, item in enumerate(items):
        text = f"{item.title}\n{item.main_item}"
        writer.add_document(id=str(number), text=text, title=item.title)
    writer.commit()
    group = qparser.OrGroup if any_word else qparser.AndGroup
    parser = qparser.QueryParser("text", schema=schema, group=group)
    parser.add_plugins([qparser.FuzzyTermPlugin()])

    def searcher(query: str) -> list[str]:
        parsed = parser.parse(f"({haystack_clean(query)})")
        with ix.searcher() as open_searcher:
            return [hit["title"] for hit in open_searcher.search(parsed, limit=LIMIT)]

    return searcher


HAYSTACK_RESERVED_WORDS = ("AND", "NOT", "OR", "TO")
HAYSTACK_RESERVED_CHARACTERS = (
    *("\\", "+", "-", "&&", "||", "!", "(", ")", "{", "}"),
    *("[", "]", "^", '"', "~", "*", "?", ":", "."),
)


def haystack_clean(query: str) -> str:
    """haystack's WhooshSearchQuery.clean, as AutoQuery applies it to plain words."""
    cleaned = []
    for word in query.split():
        if word in HAYSTACK_RESERVED_WORDS:
            word = word.lower()
        if any(char in word for char in HAYSTACK_RESERVED_CHARACTERS):
            word = f"'{word}'"
        cleaned.append(word)
    return " ".join(cleaned)


WORDLIKE = re.compile(r"\w")


def bm25_tokens(text: str) -> list[str]:
    """jieba's search-mode words, without spaces and punctuation."""
    import jieba

    return [token for token in jieba.lcut_for_search(text) if WORDLIKE.search(token)]


def bm25_build(items: list[Item]) -> Searcher:
    import numpy
    from rank_bm25 import BM25Okapi

    titles = [item.title for item in items]
    model = BM25Okapi([bm25_tokens(item.title + item.main_item) for item in items])

    def searcher(query: str) -> list[str]:
        tokens = bm25_tokens(query)
        if not tokens:
            return []
        scores = model.get_scores(tokens)
        best = numpy.argsort(-scores, kind="stable")[:LIMIT]
        # A document none of whose words is in the query scores 0: not a hit.
        return [titles[i] for i in best if scores[i] > 0]

    return searcher


# ---------------------------------------------------------------------------- measuring


def run_queries(
    searcher: Searcher, queries: list[Query]
) -> tuple[list[list[str]], list[float], list[float]]:
    """Each query's titles, wall-clock and CPU milliseconds (around the search call only)."""
    for query in queries[:10]:  # warm caches: first queries pay for lazy loading
        searcher(query.text)
    found, wall, cpu = [], [], []
    for query in queries:
        start, start_cpu = time.perf_counter(), time.process_time()
        titles = searcher(query.text)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
        found.append(titles)
    return found, wall, cpu


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def quality(queries: list[Query], found: list[list[str]]) -> dict[str, tuple[float, float, int]]:
    """Per kind: share first, share in the top three (absent: share with no result), count."""
    rows: dict[str, tuple[float, float, int]] = {}
    groups = {kind: [i for i, q in enumerate(queries) if q.kind == kind] for kind in KINDS}
    groups["answerable-all"] = [i for i, q in enumerate(queries) if q.kind in KINDS]
    for kind, indexes in groups.items():
        if indexes:
            first = sum(bool(found[i]) and found[i][0] == queries[i].expected for i in indexes)
            top3 = sum(queries[i].expected in found[i][:3] for i in indexes)
            rows[kind] = (first / len(indexes), top3 / len(indexes), len(indexes))
    absent = [i for i, q in enumerate(queries) if q.kind == "absent"]
    if absent:
        empty = sum(not found[i] for i in absent) / len(absent)
        rows["absent"] = (empty, float("nan"), len(absent))
    return rows


def print_quality(names: list[str], tables: list[dict[str, tuple[float, float, int]]]) -> None:
    print(f"{'':16}{'':>5}" + "".join(f"  {name:>15}" for name in names))
    print(f"{'kind':16}{'n':>5}" + "  {:>7} {:>7}".format("top-1", "top-3") * len(names))
    for kind in (*KINDS, "answerable-all", "absent"):
        if kind not in tables[0]:
            continue
        count = tables[0][kind][2]
        cells = ""
        for table in tables:
            first, top3, _ = table[kind]
            if kind == "absent":
                cells += f"  {first:7.1%} {'':>7}"
            else:
                cells += f"  {first:7.1%} {top3:7.1%}"
        print(f"{kind:16}{count:>5}{cells}")
    print("(absent: the share of queries with no result at all, in the top-1 column)")


def print_timings(names: list[str], timings: list[Timing], note: str) -> None:
    heads = ("build s", "wall p50", "wall p95", "cpu p50", "cpu p95")
    print(f"{'system':16}{heads[0]:>9}" + "".join(f"{head:>10}" for head in heads[1:]))
    for name, timing in zip(names, timings, strict=True):
        print(
            f"{name:16}{timing.build:9.1f}"
            f"{statistics.median(timing.wall):10.2f}{percentile(timing.wall, 0.95):10.2f}"
            f"{statistics.median(timing.cpu):10.2f}{percentile(timing.cpu, 0.95):10.2f}"
        )
    print(f"(ms per query; {note})")


# ---------------------------------------------------------------------------- the run


NAMES = ["SOPDesk", "whoosh AND", "whoosh OR", "jieba+BM25"]


def builders(work: Path) -> list[Callable[[list[Item]], Searcher]]:
    imported: set[str] = set()
    return [
        lambda items: sopdesk_build(items, work, imported),
        lambda items: whoosh_build(items, work / "whoosh-and", any_word=False),
        lambda items: whoosh_build(items, work / "whoosh-or", any_word=True),
        bm25_build,
    ]


def measure_all(
    builds: list[Callable[[list[Item]], Searcher]], items: list[Item], queries: list[Query]
) -> tuple[list[list[list[str]]], list[Timing]]:
    found_all, timings = [], []
    for name, build in zip(NAMES, builds, strict=True):
        start = time.perf_counter()
        searcher = build(items)
        built = time.perf_counter() - start
        found, wall, cpu = run_queries(searcher, queries)
        found_all.append(found)
        timings.append(Timing(built, wall, cpu))
        print(f"  {name}: built in {built:.1f} s, {len(queries)} queries run", flush=True)
    return found_all, timings


def run(catalogue: Path, queries_path: Path, scale: int, work: Path) -> None:
    items = read_catalogue(catalogue)
    queries = read_queries(queries_path)
    kinds = {kind: sum(q.kind == kind for q in queries) for kind in (*KINDS, "absent")}
    print(f"catalogue: {catalogue} ({len(items)} items)")
    print(f"queries:   {queries_path} ({len(queries)}: {kinds})")
    titles = {item.title for item in items}
    unknown = [q for q in queries if q.kind != "absent" and q.expected not in titles]
    if unknown:
        print(
            f"WARNING: {len(unknown)} queries expect a title not in the catalogue, e.g. "
            f"{unknown[0].expected!r}; they count as failures for every system"
        )

    setup_django(work)
    print(f"jieba dictionary load: {load_jieba():.1f} s (once, not in the build times)")
    builds = builders(work)
    print(f"\nbuilding and querying over the catalogue ({len(items)} items)")
    found_all, timings = measure_all(builds, items, queries)

    print(
        f"\nQUALITY over the unpadded catalogue ({len(items)} items), "
        f"top {LIMIT} asked of each system"
    )
    print_quality(NAMES, [quality(queries, found) for found in found_all])
    print_sopdesk_details(queries)

    print(f"\nSPEED over {len(items)} items, {len(queries)} queries")
    print_timings(NAMES, timings, "SOPDesk build = import_catalogue; peers' = index in memory/disk")

    if scale > len(items):
        big = padded(items, scale)
        print(f"\npadding the catalogue to {len(big)} items with synthetic items")
        _, timings = measure_all(builds, big, queries)
        print(f"\nSPEED over {len(big)} items (quality not measured here), {len(queries)} queries")
        print_timings(
            NAMES,
            timings,
            f"SOPDesk build = import_catalogue of the {len(big) - len(items)} "
            "extra items on top of the catalogue; peers rebuild from scratch",
        )
    print(f"\nload average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE)
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument(
        "--scale",
        type=int,
        default=0,
        metavar="N",
        help="also time every system over the catalogue padded to N items",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-peers-"))
    try:
        run(options.catalogue.resolve(), options.queries.resolve(), options.scale, work)
    finally:
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
