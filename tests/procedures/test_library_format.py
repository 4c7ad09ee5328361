"""Reading the YAML library format: every problem names the file, the procedure and the field."""

import datetime

import pytest

from procedures.exceptions import ImportFormatError
from procedures.library_format import (
    MaterialRecord,
    ProcedureRecord,
    derive_slug,
    dump_records,
    parse_documents,
    read_library,
)


def parse(text: str) -> list[ProcedureRecord]:
    return parse_documents(text, source="lib.yaml")


def problems_of(text: str) -> str:
    with pytest.raises(ImportFormatError) as caught:
        parse(text)
    return "\n".join(caught.value.problems)


def test_a_file_may_hold_one_procedure_or_a_list():
    assert [r.title for r in parse("title: 劳动手册")] == ["劳动手册"]
    records = parse("- title: 劳动手册\n- title: 残疾人证")
    assert [r.title for r in records] == ["劳动手册", "残疾人证"]


def test_defaults_are_filled_in():
    (record,) = parse("title: 劳动手册\nmaterials:\n  - name: 身份证")
    assert record.slug == "lao-dong-shou-ce"
    assert record.category == "未分类"
    assert record.materials == (MaterialRecord(name="身份证"),)
    assert record.materials[0].copies == 1 and record.materials[0].required is True


def test_chinese_form_labels_are_accepted():
    (record,) = parse(
        "title: t\nmaterials:\n"
        "  - {name: a, form: 原件}\n  - {name: b, form: 复印件}\n"
        "  - {name: c, form: 原件及复印件}\n  - {name: d, form: 电子版}"
    )
    assert [m.form for m in record.materials] == [
        "original",
        "copy",
        "original_and_copy",
        "electronic",
    ]


def test_materials_steps_and_aliases_may_be_plain_text():
    (record,) = parse("title: t\naliases: 准生证\nmaterials: [身份证]\nsteps: [提交申请]")
    assert record.aliases == ("准生证",)
    assert record.materials[0].name == "身份证"
    assert record.steps[0].title == "提交申请"


def test_effective_from_is_a_date():
    (record,) = parse("title: t\neffective_from: 2025-03-01")
    assert record.effective_from == datetime.date(2025, 3, 1)
    assert "effective_from" in problems_of("title: t\neffective_from: 三月一日")


def test_slug_from_pinyin_keeps_ascii_runs():
    assert derive_slug("生育服务手册") == "sheng-yu-fu-wu-shou-ce"
    assert derive_slug("CT 检查预约") == "ct-jian-cha-yu-yue"


@pytest.mark.parametrize(
    ("text", "field", "says"),
    [
        ("summary: 没有名称", "title", "缺少事项名称"),
        ("title: t\nmaterials: [{name: a, form: 扫描件}]", "materials[1].form", "扫描件"),
        ("title: t\nmaterials: [{name: a, copies: -1}]", "materials[1].copies", "-1"),
        ("title: t\nmaterials: [{name: a, copies: 0}]", "materials[1].copies", "不小于 1"),
        ("title: t\nmaterials: [{name: a, copies: 二}]", "materials[1].copies", "二"),
        ("title: t\nmaterials: [{name: a, required: 是}]", "materials[1].required", "是"),
        (
            "title: t\nmaterials: [{name: 照片, condition: 网上申请的}]",
            "materials[1].required",
            "应为按情形提交",
        ),
        ("title: t\nmaterials: [{form: copy}]", "materials[1].name", "不能为空"),
        ("title: t\nsteps: [{body: 没有标题}]", "steps[1].title", "不能为空"),
        ("title: t\nfaqs: [{answer: 没有问题}]", "faqs[1].question", "不能为空"),
        ("title: t\nmaterals: []", "materals", "未知的键"),
        ("title: t\nslug: 中文 slug", "slug", "无效"),
        ("title: [a, b]", "title", "应是文本"),
        ("title: t\naliases: {a: b}", "aliases", "文本列表"),
        ("title: t\nsteps: 3", "steps", "应是列表"),
    ],
)
def test_each_kind_of_bad_field_is_named(text, field, says):
    message = problems_of(text)
    assert "lib.yaml: 事项" in message
    assert f"字段 {field}:" in message
    assert says in message


def test_a_problem_names_the_procedure_by_title_and_position():
    message = problems_of("- title: 甲\n- title: 乙\n  materials: [{name: a, form: x}]")
    assert "lib.yaml: 第 2 个事项“乙”: 字段 materials[1].form" in message


def test_yaml_syntax_errors_give_the_line():
    message = problems_of("title: t\nmaterials:\n  - name: [unclosed\n")
    assert message.startswith("lib.yaml: YAML 语法错误：第 ")


def test_a_key_given_twice_is_refused_not_overwritten():
    assert "重复" in problems_of("title: 甲\ntitle: 乙")


def test_an_empty_file_is_refused():
    assert "没有任何事项" in problems_of("")


def test_duplicate_slugs_in_one_run_are_refused(tmp_path):
    (tmp_path / "a.yaml").write_text("title: 劳动手册", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text("title: 劳动手册", encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        read_library([tmp_path])
    assert "字段 slug" in str(caught.value) and "重复" in str(caught.value)


def test_missing_paths_and_other_files_are_named(tmp_path):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        read_library([tmp_path / "nope", tmp_path / "notes.txt"])
    assert "nope: 文件或文件夹不存在" in str(caught.value)
    assert "notes.txt: 不是 .yaml/.yml 文件" in str(caught.value)


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    (tmp_path / "gbk.yaml").write_bytes("title: 劳动手册".encode("gbk"))
    with pytest.raises(ImportFormatError, match="gbk.yaml: 不是 UTF-8"):
        read_library([tmp_path])


def test_dumping_and_reading_gives_the_same_record():
    (record,) = parse(
        "title: 生育服务手册\naliases: [准生证]\nconditions: |\n  - 已婚\n  - 户籍在本区\n"
        "materials:\n  - {name: 结婚证, form: 原件及复印件, copies: 2}\n"
        "  - {name: 委托书, required: false, condition: 委托他人代办的}\n"
        "steps: [{title: 申请, body: 到窗口}]\nfaqs: [{question: 问, answer: 答}]\n"
        "effective_from: 2025-01-01\nchange_summary: 首次发布"
    )
    text = dump_records(record)
    assert "conditions: |" in text
    assert parse(text) == [record]
