"""Import files that used to end in a traceback (ValueError, TypeError, ValidationError, and on
PostgreSQL DataError): each problem is reported the format's way, `FILE: 第 N 个事项: 字段 …`,
and refused alike on SQLite and PostgreSQL before anything is written."""

import pytest
from django.core.management import CommandError, call_command

from procedures.models import Category, Procedure
from tests.procedures.test_import_procedures import run_import, write

pytestmark = pytest.mark.django_db

# The second procedure of a file: its lines, the field named, what the message says.
REFUSED = {
    "impossible date": (
        "title: 残疾人证\n  effective_from: 2024-02-30",
        "effective_from",
        "没有“2024-02-30”这一天",
    ),
    "list as a key": ("title: 残疾人证\n  ? [a, b]\n  : x", "（第 3 行用作键的列表）", "未知的键"),
    "code too long": ("title: 残疾人证\n  code: " + "A" * 60, "code", "最长 50 个字符，实际 60 个"),
    "category too long": (
        "title: 残疾人证\n  category: " + "条" * 60,
        "category",
        "最长 50 个字符",
    ),
    "kind too long": (
        "title: 残疾人证\n  materials: [{name: 照片, kind: " + "k" * 201 + "}]",
        "materials[1].kind",
        "最长 200 个字符",
    ),
    "Markdown beyond what the editor takes": (
        "title: 残疾人证\n  conditions: " + "办" * 20001,
        "conditions",
        "最长 20000 个字符，实际 20001 个",
    ),
    "NUL in the title": ('title: "残疾\\0人证"', "title", "含有不允许的控制字符 U+0000"),
    "NUL in a step": (
        'title: 残疾人证\n  steps: [{title: 申请, body: "窗口\\0受理"}]',
        "steps[1].body",
        "U+0000",
    ),
    "escape in an alias": ('title: 残疾人证\n  aliases: ["残联\\e[31m"]', "aliases[1]", "U+001B"),
    "copies beyond any database": (
        "title: 残疾人证\n  materials: [{name: 照片, copies: 99999999999999999999}]",
        "materials[1].copies",
        "不超过 2147483647",
    ),
}


@pytest.mark.parametrize("kind", REFUSED)
def test_a_value_that_used_to_raise_is_named_and_nothing_is_imported(tmp_path, kind, capsys):
    lines, field, says = REFUSED[kind]
    path = write(tmp_path, "lib.yaml", f"- title: 劳动手册\n- {lines}\n")
    with pytest.raises(CommandError, match="本次没有导入任何内容"):
        call_command("import_procedures", str(path), publish=True)
    problems = capsys.readouterr().err.splitlines()
    assert [
        line
        for line in problems
        if line.startswith(f"{path}: 第 2 个事项") and f": 字段 {field}: " in line and says in line
    ], problems
    assert not Procedure.objects.exists() and not Category.objects.exists()


def test_text_that_yaml_would_read_as_a_number_or_a_date_is_kept_as_written(tmp_path):
    run_import(
        write(
            tmp_path,
            "lib.yaml",
            "title: 残疾人证\ncode: 310115\nsummary: 2024-13-45\naudience: 2024-02-01\n"
            "phone: 02155550101\nfee: 1.10\ntime_limit: 0x1F\n",
        )
    )
    procedure = Procedure.objects.get()
    version = procedure.current_version()
    assert procedure.code == "310115"
    assert (version.summary, version.audience) == ("2024-13-45", "2024-02-01")
    assert (version.phone, version.fee, version.time_limit) == ("02155550101", "1.10", "0x1F")


def test_a_category_name_at_its_limit_gets_a_slug_that_fits(tmp_path):
    name = "社会保障卡申领补换与挂失解挂金融功能激活及异地就医备案一件事联办窗口服务" * 2
    name = name[: Category._meta.get_field("name").max_length]
    run_import(write(tmp_path, "lib.yaml", f"title: 社保卡申领\ncategory: {name}\n"))
    slug = Category.objects.get(name=name).slug
    assert slug.startswith("she-hui-bao-zhang-ka")
    assert len(slug) <= Category._meta.get_field("slug").max_length


def test_a_link_to_a_file_inside_the_folder_is_read(tmp_path):
    write(tmp_path / "library" / "texts", "labour.txt", "title: 劳动手册")
    (tmp_path / "library" / "labour.yaml").symlink_to("texts/labour.txt")
    run_import(tmp_path / "library")
    assert Procedure.objects.get().slug == "lao-dong-shou-ce"
