"""A small library for the practice tests: the browser tests build it too."""

from tests.factories import make_category, make_published

THREE_STEPS = (
    {"title": "提交申请", "body": "携带材料到窗口提交。"},
    {"title": "审核", "body": "窗口当场审核。"},
    {"title": "发证", "body": "当场发放。"},
)


def make_small_library():
    """Three procedures in 计划生育 (one with an alias and three steps), one in 社会救助."""
    family = make_category("计划生育")
    birth = make_published("生育服务手册", category=family, aliases=["准生证"], steps=THREE_STEPS)
    make_published(
        "独生子女父母光荣证",
        category=family,
        materials=(
            {"name": "结婚证", "form": "original_and_copy", "copies": 2},
            {"name": "子女出生医学证明", "form": "copy"},
        ),
        steps=({"title": "窗口受理"}, {"title": "核实审核"}),
    )
    make_published(
        "计划生育特别扶助金",
        category=family,
        materials=({"name": "银行卡", "form": "copy"}, {"name": "独生子女父母光荣证"}),
    )
    make_published(
        "最低生活保障",
        category=make_category("社会救助"),
        materials=({"name": "低保申请书"}, {"name": "收入证明", "form": "copy"}),
    )
    return birth
