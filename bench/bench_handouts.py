"""Print how fast handouts render and how big they are; never asserts (machines differ).

Run from the project root:  .venv/bin/python bench/bench_handouts.py
It works in a throwaway SQLite database and media folder, so var/ is never touched.
Targets: first render ≤ 1 s, cached fetch ≤ 20 ms, file ≤ 300 KB, one page (standard).
Then the demo library's longest handouts: one page standard, two large (issue 15).
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = Path(tempfile.mkdtemp(prefix="bench-handouts-"))
os.environ["SOPDESK_VAR_DIR"] = str(WORK_DIR)
os.environ["MEDIA_ROOT"] = str(WORK_DIR / "media")
os.environ["DJANGO_SETTINGS_MODULE"] = "sopdesk.settings"
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

TYPICAL = {
    "title": "灵活就业人员社保缴费登记",
    "department": "幸福街道社区事务受理服务中心 社保窗口",
    "location": "幸福街道社区事务受理服务中心 一楼 2 号窗口（幸福路 88 号）",
    "hours": "周一至周五 9:00—17:00；周六上午 9:00—12:00（法定节假日除外）",
    "phone": "021-5555 0102",
    "time_limit": "即时办结",
    "fee": "登记不收费；社会保险费按选定的缴费基数档次缴纳",
    "staff_notes": "内部：职工医保要到 4 号窗口另行登记，务必提醒。",
    "materials": (
        {"name": "居民身份证", "form": "original"},
        {"name": "社会保障卡", "form": "original", "note": "未办理的可在窗口同时申领"},
        {
            "name": "《灵活就业人员参保登记表》",
            "form": "original",
            "note": "窗口领取或在“一网通办”在线填写",
        },
        {
            "name": "银行借记卡",
            "form": "original",
            "required": False,
            "condition": "选择银行代扣缴费、且代扣账户不是社保卡的",
        },
        {"name": "营业执照", "form": "copy", "required": False, "condition": "无雇工的个体工商户"},
        {
            "name": "授权委托书及代办人身份证",
            "form": "original_and_copy",
            "copies": 2,
            "required": False,
            "condition": "委托他人代办的",
        },
    ),
    "steps": (
        {
            "title": "提交参保申请",
            "body": "在“一网通办”网上申请，或带材料到 **一楼 2 号窗口** 办理。",
        },
        {
            "title": "核验参保状态",
            "body": "工作人员查询是否有在职参保记录；有单位参保的，需原单位先办理停保。",
        },
        {
            "title": "选择缴费档次",
            "body": "在缴费基数上下限（社会平均工资的 60%—300%）之间自选档次，当场打印参保凭证。",
            "staff_note": "内部：不要替居民做决定。",
        },
        {
            "title": "按月缴费",
            "body": "通过电子税务局、手机 APP 或签约银行代扣按月缴费，次月可查询缴费记录。",
        },
    ),
}


def page_count(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def bench(version, *, large: bool) -> None:
    from handouts.pdf import handout_pdf

    started = time.perf_counter()
    pdf = handout_pdf(version, large=large)
    first = time.perf_counter() - started
    cached = []
    for _ in range(20):
        started = time.perf_counter()
        handout_pdf(version, large=large)
        cached.append(time.perf_counter() - started)
    label = "large" if large else "standard"
    print(
        f"{label:>8}: first render {first * 1000:7.0f} ms | "
        f"cached (median of 20) {statistics.median(cached) * 1000:6.2f} ms | "
        f"{len(pdf) / 1024:6.1f} KB | {page_count(pdf)} page(s)"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    import handouts.pdf  # noqa: F401 - WeasyPrint's import is paid once per worker

    print(f"import of handouts.pdf: {(time.perf_counter() - started) * 1000:.0f} ms")
    from tests.factories import make_published

    version = make_published(**TYPICAL)
    print(f"typical: {version.materials.count()} materials, {version.steps.count()} steps")
    bench(version, large=False)
    bench(version, large=True)
    demo()


# The demo's longest handouts: each tries layouts until it fits (see handouts.pdf.LAYOUTS),
# so its first render costs more than one layout's.
DEMO_LONGEST = (
    "zui-di-sheng-huo-bao-zhang",
    "sheng-yu-fu-wu-shou-ce",
    "kai-ban-can-yin-dian-yi-jian-shi",
    "xin-sheng-er-chu-sheng-yi-jian-shi",
)


def demo() -> None:
    from handouts.pdf import render_handout
    from procedures.models import Procedure

    call_command("flush", interactive=False, verbosity=0)  # the throwaway database only
    call_command("load_demo_library", stdout=open(os.devnull, "w"))  # noqa: SIM115
    for slug in DEMO_LONGEST:
        procedure = Procedure.objects.filter(slug=slug).first()
        if procedure is None or procedure.current_version() is None:
            continue
        for large in (False, True):
            started = time.perf_counter()
            pdf = render_handout(procedure.current_version(), large=large)
            took = time.perf_counter() - started
            label = "large" if large else "standard"
            print(f"{slug[:28]:>28} {label:>8}: {took * 1000:6.0f} ms | {page_count(pdf)} page(s)")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK_DIR)
