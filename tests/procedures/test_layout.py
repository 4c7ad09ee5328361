"""The library core depends on no other app: they learn about it from its signals."""

import ast
from pathlib import Path

import procedures

OTHER_APPS = {"search", "hall", "handouts", "backups"}
CORE = Path(procedures.__file__).parent


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & OTHER_APPS


def test_the_core_imports_none_of_the_other_apps():
    offenders = {
        str(path.relative_to(CORE)): sorted(imported_apps(path))
        for path in CORE.rglob("*.py")
        if imported_apps(path)
    }
    assert offenders == {}


def test_the_check_would_see_an_import_of_another_app(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("from search.ranking import search\nimport hall.models\n", encoding="utf-8")
    assert imported_apps(module) == {"search", "hall"}
