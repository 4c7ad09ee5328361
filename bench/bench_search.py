"""Print how fast search is over a large library, beside a naive icontains search; never asserts.

Run from the project root:  .venv/bin/python bench/bench_search.py [--procedures 20000]
It generates a synthetic library (titles, aliases, materials, steps and FAQs combined from the
vocabulary of service halls), writes it as YAML, imports it with `import_procedures --publish`
into a throwaway SQLite database, rebuilds the index, then times a few hundred varied queries
through /api/search and the same queries through `icontains` on titles, aliases and materials.
Each query is a phrasing of one procedure (its title, a spoken sentence, full pinyin, initials,
traditional characters, homophone slips, a part with a gap); "first" is the share where that
procedure came first. CPU time is printed beside wall time: on a busy machine the difference is
other processes' load. Takes about ten minutes at 20,000; --procedures 2000 for a quick look.
Targets: import of 20,000 ≤ 10 minutes on 2 cores; p95 per query ≤ 20 ms.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = Path(tempfile.mkdtemp(prefix="bench-search-"))
os.environ["SOPDESK_VAR_DIR"] = str(WORK_DIR)
os.environ["MEDIA_ROOT"] = str(WORK_DIR / "media")
os.environ["DJANGO_SETTINGS_MODULE"] = "sopdesk.settings"
os.environ.pop("DATABASE_URL", None)
os.environ["ALLOWED_HOSTS"] = "testserver"
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

import opencc  # noqa: E402
import yaml  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from pypinyin import Style, lazy_pinyin  # noqa: E402

from procedures.models import Procedure  # noqa: E402


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Who a procedure is for, and what it gives or records: titles are combinations of the two.
SUBJECTS = words(
    "残疾人 退役军人 老年人 独生子女家庭 失业人员 灵活就业人员 低保家庭 新生儿 流动党员 城乡居民 "
    "高龄老人 困难职工 农民工 来沪人员 特困人员 孤儿 留守儿童 烈士遗属 重度残疾人 失独家庭 "
    "大学毕业生 个体工商户 计划生育家庭 城镇职工 退休人员 未成年人 孕产妇 军人家属 优抚对象 "
    "低收入家庭 边缘困难家庭 外来务工人员 随迁子女 残疾儿童 精神障碍患者 "
    "因病致贫家庭 困境儿童 失能老人 独居老人 新就业形态劳动者"
)
OBJECTS = words(
    "护理补贴 生活补贴 优待证 医疗救助 参保登记 关系转移 证明开具 资格认定 待遇申领 信息变更 "
    "津贴发放 档案转移 就业登记 培训补贴 住房保障 临时救助 光荣证 奖励费 扶助金 一次性补助 "
    "交通补贴 康复补助 助学金 教育资助 慰问金 抚恤金 丧葬补助金 租房补贴 创业担保贷款 "
    "社保补贴 门诊报销 住院报销 异地就医备案 居住登记 户口迁入 落户审批 老年卡 优待卡 "
    "供养待遇 服务补贴 辅具适配 康复训练 技能鉴定 岗位补贴 职业介绍 电费减免 水费减免 燃气补贴"
)
ACTIONS = words("新办 补办 变更 注销 延续 申领 审核 转移 查询 备案 年审 停发")
MATERIALS = words(
    "居民身份证 居民户口簿 结婚证 离婚证 残疾人证 退役证 户口迁移证 出生医学证明 《申请表》 "
    "家庭收入证明 银行卡 一寸照片 房屋租赁合同 不动产权证书 劳动合同 营业执照 社会保障卡 "
    "医疗费用发票 出院小结 诊断证明 死亡证明 火化证明 学生证 录取通知书 居住证 授权委托书 "
    "独生子女父母光荣证 退休证 党员组织关系介绍信 优待证 失业证明 就业创业证 低保证"
)
CONDITIONS = words(
    "委托他人代办的 外地户籍的 已婚的 有子女的 再婚的 原件遗失的 在职的 未成年人申请的 "
    "租房居住的 系统查询不到的 残疾等级变更的 首次申请的"
)
STEPS = (
    "提交申请：携带材料到社区事务受理服务中心窗口提交，也可在一网通办网上申请。",
    "窗口受理：工作人员核对证件和材料，材料不全的一次性告知需要补齐的内容。",
    "审核：街道经办部门在规定时限内完成审核，必要时入户调查核实家庭情况。",
    "公示：审核通过的在居住地村居委会公示七天，公示无异议后批准。",
    "发放：审批通过后按月发放到申请人的社会保障卡或银行账户。",
    "领取证件：凭受理回执到窗口领取证件，或选择邮寄到家。",
    "信息录入：工作人员在业务系统中录入申请信息并上传材料扫描件。",
)
FAQS = (
    ("外地户口可以办吗？", "持本市居住证的可以在居住地办理，其他情形请回户籍地办理。"),
    ("可以请别人代办吗？", "可以，代办人需携带授权委托书和本人身份证原件。"),
    ("多久能办好？", "材料齐全的，承诺时限内办结，办结后短信通知。"),
    ("收费吗？", "不收取任何费用。"),
    ("原件丢了怎么办？", "先到原发证机关补办，或由窗口通过系统核验。"),
    ("网上能办吗？", "可以在一网通办网站或随申办 App 上申请，审核通过后到窗口领取。"),
)
CATEGORIES = words(
    "计划生育 党务 就业创业 社会保险 医疗保障 民政救助 残疾人服务 退役军人服务 户籍 老龄服务 "
    "住房保障 教育 卫生健康 司法 工会 妇联 人才服务 税务"
)
# Homophones a pinyin input method offers first by mistake.
SLIPS = dict(zip("障贴证保助籍疾费", "帐帖正宝住级急废", strict=True))


def title_of(index: int) -> tuple[str, str, str, str]:
    """A title unique to `index` (up to 40 × 48 × 12 = 23,040 procedures)."""
    subject = SUBJECTS[index % len(SUBJECTS)]
    obj = OBJECTS[(index // len(SUBJECTS)) % len(OBJECTS)]
    action = ACTIONS[(index // (len(SUBJECTS) * len(OBJECTS))) % len(ACTIONS)]
    return f"{subject}{obj}{action}", subject, obj, action


def procedure(index: int, rng: random.Random) -> dict:
    title, subject, obj, action = title_of(index)
    aliases = [f"{subject[:2]}{obj}", f"{obj}{action}"][: rng.randint(0, 2)]
    materials = []
    for name in rng.sample(MATERIALS, rng.randint(3, 8)):
        material = {"name": name, "form": rng.choice(["原件", "复印件", "原件及复印件"])}
        if rng.random() < 0.3:
            material.update(required=False, condition=rng.choice(CONDITIONS))
        materials.append(material)
    steps = [
        {"title": text.split("：")[0], "body": text.split("：")[1]}
        for text in rng.sample(STEPS, rng.randint(3, 5))
    ]
    faqs = [{"question": q, "answer": a} for q, a in rng.sample(FAQS, rng.randint(1, 3))]
    return {
        "slug": f"p{index:05d}",
        "title": title,
        "category": CATEGORIES[index % len(CATEGORIES)],
        "aliases": aliases,
        "summary": f"为符合条件的{subject}办理{obj}{action}。{subject}凭相关证明材料提出申请，"
        f"经审核符合规定的，按标准办理{obj}。",
        "audience": f"户籍或居住在本街道的{subject}",
        "conditions": f"- 属于{subject}\n- 符合{obj}的相关政策规定\n- 材料真实、完整",
        "department": f"社区事务受理服务中心 {rng.randint(1, 12)} 号窗口",
        "hours": "周一至周五 9:00—17:00",
        "phone": f"021-5555 {rng.randint(1000, 9999)}",
        "time_limit": f"承诺 {rng.randint(1, 20)} 个工作日",
        "fee": "不收费",
        "basis": f"《关于做好{subject}{obj}工作的通知》",
        "staff_notes": f"内部：{obj}在业务系统中先查重，{rng.choice(CONDITIONS)}要人工复核。",
        "materials": materials,
        "steps": steps,
        "faqs": faqs,
        "effective_from": "2024-01-01",
    }


def write_library(count: int, folder: Path) -> None:
    rng = random.Random(20)
    folder.mkdir(parents=True)
    for start in range(0, count, 1000):
        items = [procedure(i, rng) for i in range(start, min(count, start + 1000))]
        text = yaml.safe_dump(items, allow_unicode=True, sort_keys=False)
        (folder / f"part-{start // 1000:03d}.yaml").write_text(text, encoding="utf-8")


def queries(count: int, procedures: int) -> list[tuple[str, str]]:
    """Varied phrasings of random procedures of the library: (query, expected slug)."""
    rng = random.Random(7)
    to_traditional = opencc.OpenCC("s2t")
    found = []
    for _ in range(count):
        index = rng.randrange(procedures)
        title, subject, obj, action = title_of(index)
        kind = rng.randrange(7)
        if kind == 0:
            query = title
        elif kind == 1:
            query = f"我想问一下{title}要带什么材料"
        elif kind == 2:
            query = "".join(lazy_pinyin(title))
        elif kind == 3:
            query = "".join(s[0] for s in lazy_pinyin(title, style=Style.NORMAL))
        elif kind == 4:
            query = to_traditional.convert(title)
        elif kind == 5:
            query = "".join(SLIPS.get(char, char) for char in title)
        else:
            query = f"{subject[:2]}{obj}{action}"
        found.append((query, f"p{index:05d}"))
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def api_search(client: Client, query: str) -> list[str]:
    response = client.get("/api/search", {"q": query, "limit": 10})
    return [result["slug"] for result in response.json()["results"]]


def naive_search(query: str) -> list[str]:
    matches = (
        Procedure.objects.public()
        .filter(
            Q(versions__title__icontains=query)
            | Q(aliases__icontains=query)
            | Q(versions__materials__name__icontains=query)
        )
        .distinct()
        .values_list("slug", flat=True)[:10]
    )
    return list(matches)


def measure(search, items: list[tuple[str, str]]) -> tuple[list[float], list[float], float, float]:
    """Wall-clock and CPU milliseconds per query (CPU time shows what other load on the machine
    added to the wall clock), and the share of queries whose procedure came first, top three."""
    wall, cpu, first, top3 = [], [], 0, 0
    for query, slug in items:
        start, start_cpu = time.perf_counter(), time.process_time()
        slugs = search(query)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
        first += bool(slugs) and slugs[0] == slug
        top3 += slug in slugs[:3]
    return wall, cpu, first / len(items), top3 / len(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    options = parser.parse_args()
    try:
        run(options.procedures, options.queries)
    finally:
        if options.keep:
            print(f"kept {WORK_DIR}")
        else:
            shutil.rmtree(WORK_DIR, ignore_errors=True)


def run(count: int, query_count: int) -> None:
    call_command("migrate", verbosity=0)
    library = WORK_DIR / "library"
    write_library(count, library)
    print(f"library: {count} procedures, {len(list(library.iterdir()))} YAML files")

    start = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("import_procedures", str(library), publish=True, stdout=quiet)
    print(f"import (with indexing):  {time.perf_counter() - start:8.1f} s")

    start = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("rebuild_search_index", stdout=quiet)
    print(f"rebuild_search_index:    {time.perf_counter() - start:8.1f} s")
    database = WORK_DIR / "sopdesk.sqlite3"
    print(f"database file:           {database.stat().st_size / 1e6:8.1f} MB")

    items = queries(query_count, count)
    client = Client()
    for query, _ in items[:20]:
        api_search(client, query)
    rows = [
        ("/api/search", *measure(lambda q: api_search(client, q), items)),
        ("icontains", *measure(naive_search, items)),
    ]
    print(f"load average after the queries: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"\n{len(items)} queries   wall p50  wall p95  cpu p50  cpu p95   first   top-3")
    for name, wall, cpu, first, top3 in rows:
        print(
            f"{name:<13} {statistics.median(wall):8.1f}  {percentile(wall, 0.95):8.1f}"
            f" {statistics.median(cpu):8.1f} {percentile(cpu, 0.95):8.1f}"
            f"  {first:6.1%}  {top3:6.1%}"
        )


if __name__ == "__main__":
    main()
