"""Importing the official catalogue: every item a procedure to fill in (待完善) (issue 14)."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from procedures import catalogue_import, library, publishing
from procedures.catalogue_import import awaiting_content, import_catalogue
from procedures.exceptions import ImportFormatError
from procedures.models import AuditEvent, Procedure, ProcedureVersion
from tests.factories import make_category, make_published
from tests.search.conftest import slugs

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "catalogue_samples"
GAS_NEW = "ran-qi-jing-ying-xu-ke-zheng-xin-ban"
GAS_CHANGE = "ran-qi-jing-ying-xu-ke-zheng-bian-geng"
MARRIAGE = "jie-hun-deng-ji"


def imported() -> dict[str, tuple]:
    return {
        p.slug: (p.code, p.catalogue_url, p.category.name, p.aliases, p.latest_version.title)
        for p in Procedure.objects.select_related("category", "latest_version")
    }


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ImportFormatError) as error:
        import_catalogue(path)
    assert not Procedure.objects.exists()
    return error.value.problems


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def test_a_csv_row_becomes_a_published_procedure_with_only_its_title():
    summary = import_catalogue(SAMPLES / "catalogue.csv")
    assert summary.created == [GAS_NEW, GAS_CHANGE, MARRIAGE]
    procedure = Procedure.objects.get(slug=GAS_NEW)
    assert procedure.code == "330100-RQ-001"
    assert procedure.catalogue_url == "https://zwfw.zj.gov.cn/guide/330100-RQ-001"
    assert procedure.category.name == "市场监督管理局"
    assert procedure.aliases == ["燃气经营许可"]
    version = procedure.current_version()
    assert (version.title, version.department, version.number) == (
        "燃气经营许可证（新办）",
        "市场监督管理局",
        1,
    )
    assert summary.unused_columns == ["序号"]


def test_an_imported_item_is_awaiting_content_until_it_has_materials():
    import_catalogue(SAMPLES / "catalogue.csv")
    make_published("生育服务手册")
    assert awaiting_content(Procedure.objects.all()).count() == 3


@pytest.mark.parametrize(
    "name", ["catalogue_gb18030.csv", "catalogue_flat.json", "catalogue_nested.json"]
)
def test_every_shape_gives_the_same_procedures(name):
    import_catalogue(SAMPLES / name)
    assert imported() == {
        GAS_NEW: (
            "330100-RQ-001",
            "https://zwfw.zj.gov.cn/guide/330100-RQ-001",
            "市场监督管理局",
            ["燃气经营许可"],
            "燃气经营许可证（新办）",
        ),
        GAS_CHANGE: (
            "330100-RQ-002",
            "https://zwfw.zj.gov.cn/guide/330100-RQ-002",
            "市场监督管理局",
            ["燃气经营许可"],
            "燃气经营许可证（变更）",
        ),
        MARRIAGE: ("330100-MZ-001", "", "民政局", [], "结婚登记"),
    }


def test_a_utf8_csv_without_bom_is_read(tmp_path):
    path = write(tmp_path, "a.csv", "部门,事项名称\n民政局,结婚登记\n")
    assert import_catalogue(path).created == [MARRIAGE]


def test_an_xlsx_reads_its_first_sheet_and_numbers_as_text():
    pytest.importorskip("openpyxl")
    import_catalogue(SAMPLES / "catalogue.xlsx")
    assert Procedure.objects.get(slug=MARRIAGE).code == "330100001"
    assert Procedure.objects.count() == 3


def test_an_xlsx_without_openpyxl_says_what_to_do(monkeypatch):
    def missing(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(catalogue_import.importlib, "import_module", missing)
    [problem] = problems_of(SAMPLES / "catalogue.xlsx")
    assert "需要安装 openpyxl" in problem and "CSV UTF-8" in problem


def test_bad_rows_are_each_named_by_row_and_column_and_nothing_is_written():
    assert problems_of(SAMPLES / "bad_rows.csv") == [
        "bad_rows.csv 第 3 行，列“事项名称”：不能为空",
        "bad_rows.csv 第 4 行，列“事项名称”：含有不允许的控制字符 U+0007（每项须是一行文本）",
        "bad_rows.csv 第 5 行，列“事项名称”：最长 200 个字符，实际 201 个",
        "bad_rows.csv 第 6 行，列“链接”：“ftp://example.com/x”不是有效的网址"
        "（应以 http:// 或 https:// 开头）",
        "bad_rows.csv 第 7 行，事项编码“330100-MZ-001”与第 2 行重复",
    ]


def test_a_missing_column_is_refused(tmp_path):
    path = write(tmp_path, "a.csv", "部门,名称\n民政局,结婚登记\n")
    [problem] = problems_of(path)
    assert problem.startswith("a.csv 第 1 行（标题行）: 缺少列 “事项名称”")


def test_a_file_in_neither_utf8_nor_gb18030_is_refused_naming_the_line(tmp_path):
    path = write(tmp_path, "a.csv", "部门,事项名称\n".encode() + b"\x80\x80\xff\n")
    [problem] = problems_of(path)
    assert "第 2 行附近" in problem and "GB18030" in problem


def test_a_department_longer_than_a_category_name_is_refused(tmp_path):
    path = write(tmp_path, "a.csv", f"部门,事项名称\n{'部' * 51},结婚登记\n")
    assert problems_of(path) == ["a.csv 第 2 行，列“部门”：最长 50 个字符，实际 51 个"]


def test_too_many_rows_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(catalogue_import, "MAX_ROWS", 2)
    path = write(tmp_path, "a.csv", "部门,事项名称\n民政局,甲\n民政局,乙\n民政局,丙\n")
    assert problems_of(path) == ["a.csv: 超过 2 行；请分成几个文件导入"]


def test_a_file_too_big_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(catalogue_import, "MAX_FILE_BYTES", 10)
    path = write(tmp_path, "a.csv", "部门,事项名称\n民政局,结婚登记\n")
    [problem] = problems_of(path)
    assert "最大" in problem


def test_json_entries_of_the_wrong_shape_are_named(tmp_path):
    text = '{"民政局": [{"title": "结婚登记", "cost": "0"}, {"title": 12.5}, ["x"]], "x": "y"}'
    assert problems_of(write(tmp_path, "a.json", text)) == [
        "a.json 部门“民政局”第 1 项，不认识的键 cost",
        "a.json 部门“民政局”第 3 项，事项应是映射或文本，实际是列表",
        "a.json 部门“x”，应是事项列表，实际是str",
    ]


def test_reimporting_the_same_file_changes_nothing():
    import_catalogue(SAMPLES / "catalogue.csv")
    events = AuditEvent.objects.count()
    summary = import_catalogue(SAMPLES / "catalogue.csv")
    assert (summary.created, len(summary.existing), summary.filled) == ([], 3, [])
    assert AuditEvent.objects.count() == events
    assert ProcedureVersion.objects.count() == 3


def test_an_item_with_content_is_left_alone_but_gets_its_missing_code_and_link():
    housing = make_category("住建")
    version = make_published("燃气经营许可证（新办）", slug="ran-qi", category=housing)
    summary = import_catalogue(SAMPLES / "catalogue.csv")
    procedure = Procedure.objects.get(slug="ran-qi")
    assert summary.filled == ["ran-qi"]
    assert procedure.latest_version == version
    assert procedure.versions.count() == 1
    assert (procedure.code, procedure.category.name) == ("330100-RQ-001", "住建")
    assert procedure.catalogue_url == "https://zwfw.zj.gov.cn/guide/330100-RQ-001"


def test_a_code_already_set_is_not_replaced_and_finds_the_item():
    procedure = make_published("结婚登记（旧名）", slug="hun-yin").procedure
    publishing.update_procedure_details(
        procedure, category=procedure.category, code="330100-MZ-001", aliases=[], by=None
    )
    summary = import_catalogue(SAMPLES / "catalogue.csv")
    assert "hun-yin" in summary.existing
    assert Procedure.objects.get(slug="hun-yin").latest_version.title == "结婚登记（旧名）"


def test_a_retired_item_is_skipped_not_revived():
    version = make_published("结婚登记")
    publishing.retire_procedure(version.procedure, by=None, reason="事项取消")
    summary = import_catalogue(SAMPLES / "catalogue.csv")
    assert summary.skipped == ["catalogue.csv 第 4 行：“结婚登记”已停办，不再导入"]
    assert Procedure.objects.get(slug=MARRIAGE).retired_at is not None


def test_two_items_of_one_title_with_different_codes_become_two_procedures(tmp_path):
    text = "部门,事项名称,事项编码\n民政局,结婚登记,A1\n公安局,结婚登记,B2\n"
    assert import_catalogue(write(tmp_path, "a.csv", text)).created == [
        MARRIAGE,
        f"{MARRIAGE}-2",
    ]


def test_search_finds_an_imported_item_by_title_and_by_code():
    import_catalogue(SAMPLES / "catalogue.csv")
    assert slugs("燃气经营许可证变更")[0] == GAS_CHANGE
    # Found by its code, though not yet ranked first among codes sharing a prefix (search's
    # ranking, not the import: see the report on issue 14).
    assert GAS_CHANGE in slugs("330100-RQ-002")
    assert slugs("330100-MZ-001")[0] == MARRIAGE


def test_a_dry_run_writes_nothing():
    summary = import_catalogue(SAMPLES / "catalogue.csv", dry_run=True)
    assert (len(summary.created), summary.awaiting) == (3, 3)
    assert not Procedure.objects.exists()


def test_it_writes_in_batches(monkeypatch):
    monkeypatch.setattr(library, "BATCH_SECONDS", 0)
    monkeypatch.setattr(library, "SQLITE_PAUSE_SECONDS", 0)
    seen = []
    import_catalogue(SAMPLES / "catalogue.csv", progress=lambda done, total: seen.append(done))
    assert seen == [1, 2, 3]


def test_the_command_prints_the_counts(capsys):
    call_command("import_catalogue", str(SAMPLES / "catalogue.csv"))
    out = capsys.readouterr().out
    assert "新建 3，已有 0，跳过 0，问题 0" in out
    assert "3 个待完善" in out


def test_the_command_lists_every_problem_and_fails(capsys):
    with pytest.raises(CommandError, match="拒绝 5 行，共 5 个问题；本次没有导入任何内容"):
        call_command("import_catalogue", str(SAMPLES / "bad_rows.csv"))
    assert "第 4 行" in capsys.readouterr().err


# ---------------------------------------------------------------------------- shown and exported


def test_an_awaiting_item_says_so_on_its_page_with_the_provincial_link(client):
    import_catalogue(SAMPLES / "catalogue.csv")
    procedure = Procedure.objects.get(slug=GAS_NEW)
    page = client.get(procedure.get_absolute_url()).content.decode()
    assert "本事项内容待完善" in page
    assert f'href="{procedure.catalogue_url}"' in page
    category = client.get(procedure.category.get_absolute_url()).content.decode()
    assert (
        category.count("tag--awaiting")
        == awaiting_content(Procedure.objects.filter(category=procedure.category)).count()
    )


def test_an_item_with_materials_is_not_called_awaiting(client):
    version = make_published("生育服务手册")
    page = client.get(version.procedure.get_absolute_url()).content.decode()
    assert "待完善" not in page
    category = client.get(version.procedure.category.get_absolute_url()).content.decode()
    assert "tag--awaiting" not in category


def test_the_library_format_carries_the_link_and_an_import_without_it_keeps_it(tmp_path):
    import_catalogue(SAMPLES / "catalogue.csv")
    procedure = Procedure.objects.get(slug=GAS_NEW)
    exported = library.export_library(tmp_path / "out")
    text = "".join(path.read_text(encoding="utf-8") for path in exported)
    assert f"catalogue_url: {procedure.catalogue_url}" in text
    write(tmp_path, "bare.yaml", f"slug: {GAS_NEW}\ntitle: {procedure.latest_version.title}\n")
    library.import_library([tmp_path / "bare.yaml"], publish=True)
    procedure.refresh_from_db()
    assert procedure.catalogue_url.startswith("https://")


def test_a_link_that_is_not_http_is_refused_by_name(tmp_path):
    path = write(
        tmp_path, "bad.yaml", "title: 燃气经营许可证新办\ncatalogue_url: javascript:alert(1)\n"
    )
    with pytest.raises(ImportFormatError) as error:
        library.import_library([path], publish=True)
    assert "catalogue_url" in error.value.problems[0]
    assert "http://" in error.value.problems[0]
    assert not Procedure.objects.exists()
