"""desk/core imports no Qt, no SQLite and no reportlab (architecture.md)."""

import ast
from pathlib import Path

import desk.core

FORBIDDEN = ("PySide6", "sqlite3", "sqlite_utils", "reportlab", "socket", "urllib", "http", "requests")


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_core_imports_nothing_forbidden():
    core = Path(desk.core.__file__).parent
    files = sorted(core.glob("*.py"))
    assert len(files) >= 8
    offenders = [
        (path.name, module)
        for path in files
        for module in imported_modules(path)
        if module.split(".")[0] in FORBIDDEN
    ]
    assert offenders == []


def test_the_check_itself_catches_an_offender(tmp_path):
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6 import QtCore\nimport sqlite_utils\n", encoding="utf-8")
    assert [m for m in imported_modules(sample) if m.split(".")[0] in FORBIDDEN] == ["PySide6", "sqlite_utils"]
