"""情形引导 and 一件事 in the library format: questions, conditions, members and cases, read,
checked before an import writes anything, written in order, and exported as imported."""

import dataclasses
import datetime
import re
import textwrap
from pathlib import Path

import pytest

from procedures.exceptions import ImportFormatError
from procedures.library import (
    export_library,
    import_library,
    record_for_version,
    same_content,
)
from procedures.library_format import (
    CaseRecord,
    MemberRecord,
    ProcedureRecord,
    QuestionRecord,
    dump_records,
    parse_documents,
)
from procedures.models import Procedure, ProcedureVersion
from tests.factories import make_flow_published, make_published, when

DOCS = Path(__file__).resolve().parents[2] / "docs" / "library-format.md"
FIRST_PUBLISHED = datetime.date(2024, 3, 1)

# An item with a flow, in the form an export writes it.
ITEM = textwrap.dedent(
    """\
    slug: sheng-yu-fu-wu-shou-ce
    title: 生育服务手册
    category: 计划生育
    questions:
    - label: 户籍
      text: 夫妻双方的户籍在哪里？
      options:
      - 双方本区户籍
      - 一方或双方外地户籍
      help: 以户口簿为准
    - label: 代办
      text: 本人来办，还是委托他人代办？
      options:
      - 本人办理
      - 委托他人代办
    materials:
    - name: 居民身份证
    - name: 流动人口婚育证明
      required: false
      condition: 一方或双方外地户籍的
      when:
        户籍:
        - 一方或双方外地户籍
    - name: 授权委托书
      required: false
      condition: 委托他人代办的
      when:
        代办:
          not:
          - 本人办理
    cases:
    - name: 外地户籍 委托代办
      answers:
        户籍: 一方或双方外地户籍
        代办: 委托他人代办
      materials:
      - 居民身份证
      - 流动人口婚育证明
      - 授权委托书
    change_summary: 首次发布
    effective_from: 2024-03-01
    """
)

# A bundle listed before its members, in the hand-written form.
BUNDLE_FIRST = textwrap.dedent(
    """\
    - slug: kai-fan-dian
      title: 开饭店一件事
      kind: bundle
      questions:
        - {label: 面积, text: 经营面积多大？, options: [500平方米以下, 500平方米以上]}
      members:
        - ying-ye-zhi-zhao
        - procedure: xiao-fang-jian-cha
          when: {面积: [500平方米以上]}
          note: 面积 500 ㎡ 以下不需要办理
      cases:
        - name: 小店
          answers: {面积: 500平方米以下}
          materials: [居民身份证, 经营场所证明]
    - slug: ying-ye-zhi-zhao
      title: 营业执照
      materials: [居民身份证, 经营场所证明]
    - slug: xiao-fang-jian-cha
      title: 消防安全检查
      materials: [消防设计图]
    """
)


def parse(text: str) -> list[ProcedureRecord]:
    return parse_documents(text, source="lib.yaml")


def problems_of(text: str) -> str:
    with pytest.raises(ImportFormatError) as caught:
        parse(text)
    return "\n".join(caught.value.problems)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def import_problems(*paths: Path, publish: bool = True) -> str:
    with pytest.raises(ImportFormatError) as caught:
        import_library(paths, publish=publish)
    return "\n".join(caught.value.problems)


def docs_examples() -> list[str]:
    """The YAML blocks of the documentation's section on flows: the example, then its export."""
    section = DOCS.read_text(encoding="utf-8").split("## 情形引导与一件事", 1)[1]
    return re.findall(r"```yaml\n(.*?)```", section, flags=re.DOTALL)


def published_on_first_day(records: list[ProcedureRecord]) -> list[ProcedureRecord]:
    return [
        dataclasses.replace(r, change_summary="首次发布", effective_from=FIRST_PUBLISHED)
        for r in records
    ]


# ---------------------------------------------------------------------------- reading


def test_questions_conditions_and_cases_are_read():
    (record,) = parse(ITEM)
    assert record.kind == "item"
    assert record.questions[0] == QuestionRecord(
        "户籍", "夫妻双方的户籍在哪里？", ("双方本区户籍", "一方或双方外地户籍"), "以户口簿为准"
    )
    assert record.materials[1].when == (
        {"question": "户籍", "op": "any", "options": ["一方或双方外地户籍"]},
    )
    assert record.materials[2].when == (
        {"question": "代办", "op": "none", "options": ["本人办理"]},
    )
    assert record.cases[0] == CaseRecord(
        name="外地户籍 委托代办",
        answers=(("户籍", "一方或双方外地户籍"), ("代办", "委托他人代办")),
        materials=("居民身份证", "流动人口婚育证明", "授权委托书"),
    )


def test_members_may_be_given_by_slug_alone():
    bundle = parse(BUNDLE_FIRST)[0]
    assert bundle.kind == "bundle"
    assert bundle.members == (
        MemberRecord("ying-ye-zhi-zhao"),
        MemberRecord(
            "xiao-fang-jian-cha",
            ({"question": "面积", "op": "any", "options": ["500平方米以上"]},),
            "面积 500 ㎡ 以下不需要办理",
        ),
    )


def test_a_kind_may_be_written_in_chinese():
    kinds = [r.kind for r in parse("- {title: a, kind: 一件事}\n- {title: b, kind: 同类事项引导}")]
    assert kinds == ["bundle", "family"]


@pytest.mark.parametrize(
    ("text", "field", "says"),
    [
        ("kind: 套餐", "kind", "未知的类型“套餐”"),
        ("questions: 户籍", "questions", "应是列表"),
        ("questions: [{text: 问法, options: [a, b]}]", "questions[1].label", "不能为空"),
        ("questions: [{label: 户籍, options: [a, b]}]", "questions[1].text", "不能为空"),
        ("questions: [{label: 户籍, text: 问法}]", "questions[1].options", "缺少选项"),
        ("questions: [{label: 户籍, text: 问法, options: a}]", "questions[1].options", "文本列表"),
        (
            "questions: [{label: 户籍, text: 问法, options: [a, '']}]",
            "questions[1].options[2]",
            "不能为空",
        ),
        (
            "questions: [{label: 户籍, text: 问法, options: [a, yes]}]",
            "questions[1].options[2]",
            "请加引号",
        ),
        (
            "questions: [{label: " + "长" * 21 + ", text: 问, options: [a, b]}]",
            "questions[1].label",
            "最长 20 个字符",
        ),
        (
            "questions: [{label: 户籍, text: 问, options: [a, b], hint: x}]",
            "questions[1].hint",
            "未知的键",
        ),
        ("materials: [{name: a, when: [户籍]}]", "materials[1].when", "条件应是映射"),
        ("materials: [{name: a, when: 外地户籍}]", "materials[1].when", "条件应是映射"),
        ("materials: [{name: a, when: {}}]", "materials[1].when", "条件是空的"),
        (
            "materials: [{name: a, when: {户籍: 外地户籍}}]",
            "materials[1].when.户籍",
            "应是选项列表",
        ),
        ("materials: [{name: a, when: {户籍: []}}]", "materials[1].when.户籍", "至少要写一个选项"),
        (
            "materials: [{name: a, when: {户籍: {but: [a]}}}]",
            "materials[1].when.户籍",
            "{not: [选项, …]}",
        ),
        ("materials: [{name: a, when: {户籍: {not: a}}}]", "materials[1].when.户籍", "实际是“a”"),
        ("materials: [{name: a, when: {true: [a]}}]", "materials[1].when", "问题简称应是文本"),
        ("members: [{when: {a: [b]}}]", "members[1].procedure", "不能为空"),
        ("members: [营业执照]", "members[1].procedure", "不是有效的 slug"),
        ("members: [{procedure: a, note: " + "长" * 301 + "}]", "members[1].note", "最长 300"),
        ("members: [{procedure: a, when: [b]}]", "members[1].when", "条件应是映射"),
        ("cases: [{answers: {a: b}}]", "cases[1].name", "不能为空"),
        ("cases: [{name: c, answers: [a, b]}]", "cases[1].answers", "回答应是映射"),
        ("cases: [{name: c, answers: {户籍: [a]}}]", "cases[1].answers.户籍", "应是文本"),
        ("cases: [{name: c, answers: {户籍: }}]", "cases[1].answers.户籍", "没有写选项"),
        ("cases: [{name: c, materials: 身份证}]", "cases[1].materials", "文本列表"),
        ("cases: [{name: c, variant: 补领}]", "cases[1].variant", "不是有效的 slug"),
        ("cases: [{name: c, expected: [a]}]", "cases[1].expected", "未知的键"),
    ],
)
def test_each_bad_shape_is_named(text, field, says):
    message = problems_of(f"title: 生育服务手册\n{text}")
    assert "lib.yaml: 事项“生育服务手册”" in message
    assert f"字段 {field}:" in message
    assert says in message


def test_dumping_writes_conditions_as_the_format_reads_them():
    records = parse(BUNDLE_FIRST) + parse(ITEM)
    text = dump_records(records)
    assert "when:\n      面积:\n      - 500平方米以上" in text
    assert "not:\n        - 本人办理" in text
    assert "kind: item" not in text and "kind: bundle" in text
    assert parse(text) == records


# ---------------------------------------------------------------------------- importing


@pytest.mark.django_db
def test_an_exported_flow_imports_and_exports_to_the_same_bytes(tmp_path):
    import_library([write(tmp_path / "in", "sheng-yu-fu-wu-shou-ce.yaml", ITEM)], publish=True)
    (path,) = export_library(tmp_path / "out")
    assert path.read_bytes() == ITEM.encode("utf-8")


@pytest.mark.django_db
def test_the_documented_example_imports_and_exports_unchanged(tmp_path):
    example, family_export = docs_examples()
    records = published_on_first_day(parse(example))
    for record in records:
        write(tmp_path / "in", f"{record.slug}.yaml", dump_records(record))
    import_library([tmp_path / "in"], publish=True)
    exported = {
        path.name: path.read_text(encoding="utf-8") for path in export_library(tmp_path / "out")
    }
    assert exported == {f"{r.slug}.yaml": dump_records(r) for r in records}
    assert exported["ju-min-shen-fen-zheng.yaml"] == family_export


@pytest.mark.django_db
def test_a_bundle_listed_before_its_members_imports(tmp_path):
    summary = import_library([write(tmp_path, "lib.yaml", BUNDLE_FIRST)], publish=True)
    assert summary.created == ["ying-ye-zhi-zhao", "xiao-fang-jian-cha", "kai-fan-dian"]
    bundle = Procedure.objects.get(slug="kai-fan-dian")
    assert bundle.kind == "bundle"
    members = bundle.current_version().members.all()
    assert [(m.target.slug, m.when) for m in members] == [
        ("ying-ye-zhi-zhao", []),
        ("xiao-fang-jian-cha", when("面积", "500平方米以上")),
    ]


@pytest.mark.django_db
def test_drafts_of_a_bundle_and_its_members_import_together(tmp_path):
    import_library([write(tmp_path, "lib.yaml", BUNDLE_FIRST)], publish=False)
    draft = Procedure.objects.get(slug="kai-fan-dian").draft()
    assert [m.target.slug for m in draft.members.all()] == [
        "ying-ye-zhi-zhao",
        "xiao-fang-jian-cha",
    ]


@pytest.mark.django_db
def test_a_member_in_force_in_the_library_is_found(tmp_path):
    make_published("营业执照", slug="ying-ye-zhi-zhao", materials=[{"name": "居民身份证"}])
    make_published("消防安全检查", slug="xiao-fang-jian-cha", materials=[{"name": "消防设计图"}])
    bundle_only = BUNDLE_FIRST.split("- slug: ying-ye-zhi-zhao")[0].replace(", 经营场所证明", "")
    summary = import_library([write(tmp_path, "lib.yaml", bundle_only)], publish=True)
    assert summary.created == ["kai-fan-dian"]


@pytest.mark.django_db
def test_a_member_that_is_nowhere_is_refused_and_nothing_is_written(tmp_path):
    broken = BUNDLE_FIRST.replace("- ying-ye-zhi-zhao\n", "- ying-ye-zhi-zhao-2\n")
    path = write(tmp_path, "lib.yaml", broken)
    message = import_problems(path)
    assert (
        f"{path}: 事项“开饭店一件事”(kai-fan-dian): 包含的事项「ying-ye-zhi-zhao-2」不存在"
        in message
    )
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_a_member_taking_effect_later_is_not_in_force_for_a_published_bundle(tmp_path):
    later = BUNDLE_FIRST.replace(
        "title: 消防安全检查\n", "title: 消防安全检查\n  effective_from: 2999-01-01\n"
    )
    message = import_problems(write(tmp_path, "lib.yaml", later))
    assert "包含的事项「xiao-fang-jian-cha」不存在、已停办或还没有施行的版本" in message


@pytest.mark.django_db
def test_a_failing_case_is_refused_and_nothing_is_written(tmp_path):
    failing = ITEM.replace("  - 授权委托书\n", "")
    path = write(tmp_path, "lib.yaml", failing)
    message = import_problems(path)
    assert (
        f"{path}: 事项“生育服务手册”(sheng-yu-fu-wu-shou-ce): 测试用例「外地户籍 委托代办」"
        in message
    )
    assert "多出了不应要求的材料：授权委托书" in message
    assert not ProcedureVersion.objects.exists()


@pytest.mark.django_db
def test_a_bundle_case_is_checked_against_the_merged_list(tmp_path):
    failing = BUNDLE_FIRST.replace(
        "营业执照\n  materials: [居民身份证, 经营场所证明]", "营业执照\n  materials: [居民身份证]"
    )
    message = import_problems(write(tmp_path, "lib.yaml", failing))
    assert "测试用例「小店」缺少应提交的材料：经营场所证明" in message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "says"),
    [
        (("户籍:\n    - 一方", "户口:\n    - 一方"), "条件用到的情形问题「户口」已不存在"),
        (("not:\n      - 本人办理", "not:\n      - 本人"), "选项「代办：本人」已不存在"),
        (("  required: false\n  condition: 委托", "  condition: 委托"), "应为按情形提交"),
        (("    代办: 委托他人代办", "    代办: 请人代办"), "不是这个问题的选项"),
        (("  - 委托他人代办\nmaterials", "materials"), "至少要有两个选项"),
    ],
)
def test_a_broken_flow_is_refused(tmp_path, change, says):
    broken = ITEM.replace(*change)
    assert broken != ITEM
    assert says in import_problems(write(tmp_path, "lib.yaml", broken))
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_members_on_an_item_are_refused(tmp_path):
    item = (
        "- {title: 营业执照, materials: [居民身份证]}\n"
        "- {title: 消防, materials: [图], members: [ying-ye-zhi-zhao]}"
    )
    assert "普通事项不能包含其他事项" in import_problems(write(tmp_path, "lib.yaml", item))


@pytest.mark.django_db
def test_a_warning_does_not_stop_an_import(tmp_path):
    unused = ITEM.replace("cases:", "faqs: []\ncases:").replace(
        "questions:\n",
        "questions:\n- label: 婚姻\n  text: 已婚吗？\n  options:\n  - 已婚\n  - 未婚\n",
    )
    summary = import_library([write(tmp_path, "lib.yaml", unused)], publish=True)
    assert summary.created == ["sheng-yu-fu-wu-shou-ce"]


@pytest.mark.django_db
def test_an_import_does_not_change_a_procedures_kind(tmp_path):
    make_published("营业执照", slug="ying-ye-zhi-zhao")
    text = "slug: ying-ye-zhi-zhao\ntitle: 营业执照\nkind: bundle\nmembers: [a, b]"
    message = import_problems(write(tmp_path, "lib.yaml", text))
    assert (
        "字段 kind: 库里这个事项的类型是“事项”，文件里是“一件事”（bundle）；类型不能通过导入修改"
        in message
    )


@pytest.mark.django_db
def test_reimporting_flows_changes_nothing_and_a_changed_condition_is_a_new_version(tmp_path):
    path = write(tmp_path, "lib.yaml", BUNDLE_FIRST)
    import_library([path], publish=True)
    again = import_library([path], publish=True)
    assert sorted(again.unchanged) == ["kai-fan-dian", "xiao-fang-jian-cha", "ying-ye-zhi-zhao"]
    write(
        tmp_path,
        "lib.yaml",
        BUNDLE_FIRST.replace("{面积: [500平方米以上]}", "{面积: {not: [500平方米以下]}}"),
    )
    changed = import_library([path], publish=True)
    assert changed.new_versions == ["kai-fan-dian"]
    assert Procedure.objects.get(slug="kai-fan-dian").current_version().number == 2


@pytest.mark.django_db
def test_an_import_of_drafts_recognises_its_own_draft_of_a_bundle(tmp_path):
    path = write(tmp_path, "lib.yaml", BUNDLE_FIRST)
    import_library([path], publish=False)
    again = import_library([path], publish=False)
    assert len(again.unchanged) == 3


# ---------------------------------------------------------------------------- exporting


@pytest.mark.django_db
def test_a_flow_made_in_the_editor_exports_and_reads_back(tmp_path):
    item = make_flow_published("生育服务手册", slug="sheng-yu")
    other = make_published("出生登记", slug="chu-sheng", materials=[{"name": "出生医学证明"}])
    bundle = make_published(
        "新生儿出生一件事",
        slug="xin-sheng-er",
        kind="bundle",
        questions=[
            {"label": "户籍", "text": "户籍在本区吗？", "options": ["本区户籍", "外地户籍"]}
        ],
        members=[
            {"target": other.procedure, "when": [], "note": "先办"},
            {"target": item.procedure, "when": when("户籍", "外地户籍", op="none"), "note": ""},
        ],
    )
    files = {path.stem: path.read_text(encoding="utf-8") for path in export_library(tmp_path)}
    assert "kind" not in files["sheng-yu"]
    assert "  when:\n    代办:\n      not:\n      - 本人办理\n" in files["sheng-yu"]
    assert (
        "members:\n- procedure: chu-sheng\n  note: 先办\n- procedure: sheng-yu\n"
        in files["xin-sheng-er"]
    )
    for version in (item, bundle):
        (record,) = parse(files[version.procedure.slug])
        assert same_content(record, record_for_version(version))
