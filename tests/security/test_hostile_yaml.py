"""Hostile library files and export folders (issue 11).

An import refuses an alias bomb, an oversized file, YAML tags and links out of its folder at
once, with a message naming the file, and never prints what a file it should not have read
holds; an export never writes outside OUTDIR.
"""

import io
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command

from procedures.exceptions import ImportFormatError
from procedures.library_format import MAX_FILE_BYTES, parse_documents, read_library
from procedures.models import Procedure
from tests.factories import make_published
from tests.procedures.test_import_procedures import write

pytestmark = pytest.mark.django_db

SECRET = "SECRET-4f9c"
SHADOW = f"root:$6${SECRET}$Zx0:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"
# Where the bomb goes: the lines before it, and the indent of its nested lists.
BOMB_FIELDS = {
    "effective_from": ("effective_from:", "  "),
    "form": ("materials:\n  - name: 照片\n    form:", "      "),
    "copies": ("materials:\n  - name: 照片\n    copies:", "      "),
    "required": ("materials:\n  - name: 照片\n    required:", "      "),
}


def alias_bomb(field: str) -> str:
    """Under 600 bytes whose last list holds 9**10 words once its aliases are followed."""
    before, indent = BOMB_FIELDS[field]
    lines = [f"{indent}a: &a [{', '.join(['lol'] * 9)}]"]
    lines += [f"{indent}{b}: &{b} [{', '.join(['*' + a] * 9)}]" for a, b in pairwise("abcdefghij")]
    return "\n".join(["title: 炸弹", before, *lines]) + "\n"


def import_problems(capsys, *paths) -> list[str]:
    with pytest.raises(CommandError, match="本次没有导入任何内容"):
        call_command("import_procedures", *map(str, paths), publish=True)
    return capsys.readouterr().err.splitlines()


def problems_of(text: str) -> list[str]:
    with pytest.raises(ImportFormatError) as caught:
        parse_documents(text, source="lib.yaml")
    return caught.value.problems


@pytest.mark.parametrize("field", BOMB_FIELDS)
def test_an_alias_bomb_is_refused_at_its_first_anchor(tmp_path, field, capsys):
    path = write(tmp_path, "bomb.yaml", alias_bomb(field))
    assert path.stat().st_size < 600
    (problem,) = import_problems(capsys, path)
    assert problem.startswith(f"{path}: 第 ")
    assert problem.endswith("不支持 YAML 锚点/别名（&/*）")
    assert not Procedure.objects.exists()


def test_even_a_harmless_anchor_is_refused():
    assert problems_of("title: &t 劳动手册\nsummary: *t") == [
        "lib.yaml: 第 1 行第 8 列：不支持 YAML 锚点/别名（&/*）"
    ]


def test_a_huge_value_is_named_by_its_kind_not_printed():
    (problem,) = problems_of("title: t\neffective_from: [" + "lol, " * 200_000 + "]")
    assert problem == "lib.yaml: 事项“t”: 字段 effective_from: 日期应写成 YYYY-MM-DD，实际是列表"


def test_a_long_text_is_cut_in_a_message():
    (problem,) = problems_of("title: t\nmaterials: [{name: 照片, form: " + "扫" * 10_000 + "}]")
    assert "“" + "扫" * 40 + "…”" in problem and len(problem) < 200


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, capsys):
    path = write(tmp_path, "big.yaml", "title: 劳动手册\n" + "#" * MAX_FILE_BYTES + "\n")
    assert import_problems(capsys, path) == [f"{path}: 文件超过 2 MB 的上限，请拆成几个文件"]


@pytest.mark.parametrize(
    "text",
    ["title: t\neffective_from: !!timestamp 2024-02-30", f"title: t\nfee: !{SECRET} x"],
    ids=["timestamp", "unknown"],
)
def test_yaml_tags_are_refused_without_quoting_them(text):
    (problem,) = problems_of(text)
    assert problem.startswith("lib.yaml: 第 2 行")
    assert problem.endswith("不支持 YAML 标签（!/!!）")


def test_nesting_deeper_than_a_procedure_needs_is_refused():
    (problem,) = problems_of("title: t\nsummary: " + "[" * 900 + "]" * 900)
    assert problem.endswith("嵌套超过 20 层")


@pytest.mark.parametrize(
    "text",
    [
        f"password: [{SECRET}",
        f"a: b\n\t{SECRET}: x",
        f'token: "{SECRET}\\q"',
        f"- {SECRET}\n{SECRET}: x",
    ],
    ids=["unclosed", "tab", "escape", "structure"],
)
def test_a_yaml_syntax_error_names_the_line_but_quotes_nothing(text):
    (problem,) = problems_of(text)
    assert problem.startswith("lib.yaml: YAML 语法错误：第 ")
    assert SECRET not in problem


def test_a_yaml_file_that_is_no_procedure_does_not_have_its_keys_printed():
    (problem,) = problems_of(SHADOW)
    assert problem.startswith("lib.yaml: 事项: 不是事项：没有一个可用的键")
    assert SECRET not in problem and "root" not in problem


def test_links_out_of_the_folder_are_refused_by_name_and_never_read(tmp_path, capsys):
    outside = tmp_path / "etc"
    write(outside, "shadow", SHADOW)
    write(outside, "more.yaml", "title: 外来事项")
    library = tmp_path / "library"
    write(library, "good.yaml", "title: 劳动手册")
    (library / "shadow.yaml").symlink_to(outside / "shadow")
    (library / "etc").symlink_to(outside)
    problems = import_problems(capsys, library)
    assert problems == [
        f"{library / 'etc'}: 是指向文件夹以外的符号链接，不读取",
        f"{library / 'shadow.yaml'}: 是指向文件夹以外的符号链接，不读取",
    ]
    assert not Procedure.objects.exists()


def test_a_link_out_of_a_subfolder_is_refused_too(tmp_path):
    write(tmp_path / "elsewhere", "x.yaml", "title: 外来事项")
    (tmp_path / "library" / "sub").mkdir(parents=True)
    (tmp_path / "library" / "sub" / "x.yaml").symlink_to(tmp_path / "elsewhere" / "x.yaml")
    with pytest.raises(ImportFormatError, match="sub/x.yaml: 是指向文件夹以外的符号链接"):
        read_library([tmp_path / "library"])


# ---------------------------------------------------------------------------- export


def test_an_export_refuses_a_slug_that_would_leave_outdir(tmp_path):
    version = make_published()
    Procedure.objects.filter(pk=version.procedure_id).update(slug="../../../../X")
    outdir = tmp_path / "a" / "b" / "c" / "d" / "out"
    with pytest.raises(CommandError, match=r"slug '\.\./\.\./\.\./\.\./X' 不能用作文件名"):
        call_command("export_procedures", str(outdir), stdout=io.StringIO())
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_an_export_does_not_write_through_a_link_in_outdir(tmp_path):
    version = make_published()
    victim = write(tmp_path, "victim.txt", "不能被覆盖")
    outdir = tmp_path / "out"
    outdir.mkdir()
    (outdir / f"{version.procedure.slug}.yaml").symlink_to(victim)
    with pytest.raises(CommandError, match="已存在，且是符号链接或文件夹，不会覆盖"):
        call_command("export_procedures", str(outdir), stdout=io.StringIO())
    assert victim.read_text(encoding="utf-8") == "不能被覆盖"
