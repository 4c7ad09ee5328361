"""`manage.py import_procedures`: all or nothing, new versions only for real changes."""

import datetime
import textwrap

import pytest
from django.core.management import CommandError, call_command

from procedures.models import Category, Procedure, ProcedureVersion

pytestmark = pytest.mark.django_db

LIBRARY = textwrap.dedent(
    """\
    - slug: sheng-yu-fu-wu-shou-ce
      title: 生育服务手册
      category: 计划生育
      aliases: [准生证, 生育登记]
      materials:
        - {name: 居民身份证, form: 原件}
        - {name: 结婚证, form: 原件及复印件, copies: 1}
        - {name: 授权委托书, required: false, condition: 委托他人代办的}
      steps:
        - {title: 提交申请, body: 到窗口或网上提交, staff_note: 先查婚育信息}
        - {title: 领取手册}
      faqs:
        - {question: 外地户口可以办吗？, answer: 可以。}
      change_summary: 首次发布
      effective_from: 2024-03-01
    - title: 失业登记
      category: 就业创业
      materials: [居民身份证]
    """
)


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_import(*paths, publish=True):
    call_command("import_procedures", *map(str, paths), publish=publish, stdout=_Sink())


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def snapshot():
    """Every version of every procedure with its parts, to compare before and after."""
    return [
        (
            v.procedure.slug,
            v.number,
            v.status,
            v.title,
            v.change_summary,
            list(v.materials.values_list("name", "form", "copies", "required")),
            list(v.steps.values_list("title", "body")),
        )
        for v in ProcedureVersion.objects.order_by("procedure__slug", "pk")
    ]


def test_it_imports_and_publishes_a_library(tmp_path):
    run_import(write(tmp_path, "lib.yaml", LIBRARY))
    manual = Procedure.objects.get(slug="sheng-yu-fu-wu-shou-ce")
    version = manual.current_version()
    assert (version.number, version.effective_from) == (1, datetime.date(2024, 3, 1))
    assert manual.aliases == ["准生证", "生育登记"]
    assert list(version.materials.values_list("form", flat=True)) == [
        "original",
        "original_and_copy",
        "original",
    ]
    assert version.steps.first().staff_note == "先查婚育信息"
    assert Procedure.objects.get(slug="shi-ye-deng-ji").category.name == "就业创业"
    assert Category.objects.count() == 2


def test_without_publish_it_makes_drafts(tmp_path):
    run_import(write(tmp_path, "lib.yaml", LIBRARY), publish=False)
    assert set(ProcedureVersion.objects.values_list("status", flat=True)) == {"draft"}
    assert not Procedure.objects.public().exists()


def test_reimporting_the_same_library_changes_nothing(tmp_path):
    path = write(tmp_path, "lib.yaml", LIBRARY)
    run_import(path)
    before = snapshot()
    out = _Sink()
    call_command("import_procedures", str(path), publish=True, stdout=out)
    assert snapshot() == before
    assert "未变 2" in out.text


def test_one_changed_procedure_makes_version_2_and_keeps_version_1(tmp_path):
    path = write(tmp_path, "lib.yaml", LIBRARY)
    run_import(path)
    version_1 = snapshot()[0]
    write(
        tmp_path,
        "lib.yaml",
        LIBRARY.replace("copies: 1}", "copies: 2}").replace(
            "change_summary: 首次发布", "change_summary: 结婚证复印件改为 2 份"
        ),
    )
    run_import(path)
    versions = ProcedureVersion.objects.filter(procedure__slug="sheng-yu-fu-wu-shou-ce")
    assert sorted(versions.values_list("number", "status")) == [(1, "superseded"), (2, "published")]
    assert snapshot()[0][1:] == (1, "superseded", *version_1[3:])
    assert versions.get(number=2).materials.get(name="结婚证").copies == 2
    assert versions.get(number=2).change_summary == "结婚证复印件改为 2 份"
    assert ProcedureVersion.objects.filter(procedure__slug="shi-ye-deng-ji").count() == 1


def test_an_alias_change_updates_the_procedure_without_a_new_version(tmp_path):
    path = write(tmp_path, "lib.yaml", LIBRARY)
    run_import(path)
    write(tmp_path, "lib.yaml", LIBRARY.replace("[准生证, 生育登记]", "[准生证]"))
    run_import(path)
    manual = Procedure.objects.get(slug="sheng-yu-fu-wu-shou-ce")
    assert manual.aliases == ["准生证"] and manual.versions.count() == 1


BAD_INPUTS = {
    "yaml syntax": ("title: [unclosed", "YAML 语法错误"),
    "missing title": ("summary: 没有名称", "字段 title"),
    "unknown form": ("title: 残疾人证\nmaterials: [{name: 照片, form: 扫描件}]", "form"),
    "negative copies": ("title: 残疾人证\nmaterials: [{name: 照片, copies: -2}]", "copies"),
    "unknown key": ("title: 残疾人证\nmaterals: []", "字段 materals"),
    "too long title": ("title: " + "长" * 201, "字段 title"),
    "duplicate slug": ("- title: 残疾人证\n- title: 残疾人证", "字段 slug"),
}


@pytest.mark.parametrize("kind", BAD_INPUTS)
def test_one_bad_procedure_imports_nothing(tmp_path, kind, capsys):
    good = write(tmp_path, "a-good.yaml", LIBRARY)
    text, expected = BAD_INPUTS[kind]
    bad = write(tmp_path, "b-bad.yaml", text)
    with pytest.raises(CommandError, match="本次没有导入任何内容"):
        call_command("import_procedures", str(tmp_path), publish=True)
    problems = capsys.readouterr().err
    assert str(bad) in problems and expected in problems
    assert str(good) not in problems
    assert not Procedure.objects.exists() and not Category.objects.exists()


def test_a_bad_procedure_does_not_touch_an_existing_library(tmp_path):
    path = write(tmp_path, "lib.yaml", LIBRARY)
    run_import(path)
    before = snapshot()
    changed = LIBRARY.replace("copies: 1}", "copies: 3}") + "- {title: 残疾人证, steps: 5}\n"
    write(tmp_path, "lib.yaml", changed)
    with pytest.raises(CommandError):
        run_import(path)
    assert snapshot() == before


def test_an_open_draft_is_not_overwritten_by_an_import(tmp_path):
    path = write(tmp_path, "lib.yaml", LIBRARY)
    run_import(path, publish=False)
    write(tmp_path, "lib.yaml", LIBRARY.replace("copies: 1}", "copies: 4}"))
    with pytest.raises(CommandError):
        run_import(path)
    assert not ProcedureVersion.objects.filter(materials__copies=4).exists()


def test_the_summary_counts_each_outcome(tmp_path):
    path = write(tmp_path, "lib.yaml", LIBRARY)
    first = _Sink()
    call_command("import_procedures", str(path), publish=True, stdout=first)
    assert "新建 2，新版本 0，未变 0，拒绝 0" in first.text
    write(tmp_path, "lib.yaml", LIBRARY.replace("copies: 1}", "copies: 2}"))
    second = _Sink()
    call_command("import_procedures", str(path), publish=True, stdout=second)
    assert "新建 0，新版本 1，未变 1，拒绝 0" in second.text


def test_an_unknown_user_is_refused(tmp_path):
    with pytest.raises(CommandError, match="nobody"):
        call_command("import_procedures", str(write(tmp_path, "a.yaml", LIBRARY)), by="nobody")
