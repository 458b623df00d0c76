"""The shape of desk, enforced (docs/architecture.md).

    core  <-  store  <-  services  <-  screens  <-  ui
                 vouchers (papers) <- services

Each layer may import only the layers to its left; SQL text and `.execute` live only in the
store; no module imports another module's private name; the import graph has no cycles. The
checks read the source with `ast` (nothing is imported), so they also run on a planted copy:
the last tests plant one violation of each rule in a copy of desk and watch it be caught.
"""

from __future__ import annotations

import ast
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

import desk

DESK = Path(desk.__file__).parent

QT = ("PySide6", "shiboken6")
SQLITE = ("sqlite3", "sqlite_utils", "apsw")
PDF = ("reportlab", "pypdf")
NETWORK = ("socket", "urllib.request", "http", "requests", "ftplib", "smtplib", "ssl", "asyncio", "xmlrpc", "webbrowser")

# Per layer: the desk packages and the outside modules it must not import. desk/cli.py and
# desk/demo.py are entry points: they stand where the ui stands (no store, no SQL).
RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "core": (("store", "services", "screens", "ui", "vouchers", "cli", "demo"), QT + SQLITE + PDF + NETWORK),
    "store": (("services", "screens", "ui", "vouchers", "cli", "demo"), QT + PDF + NETWORK),
    "vouchers": (("store", "services", "screens", "ui", "cli", "demo"), QT + SQLITE + NETWORK),
    "services": (("screens", "ui", "cli", "demo"), QT + NETWORK),
    "screens": (("store", "ui", "vouchers", "cli", "demo"), QT + SQLITE + PDF + NETWORK),
    "ui": (("store", "vouchers", "cli", "demo"), SQLITE + PDF + NETWORK),
    "cli": (("store", "ui", "screens"), QT + SQLITE + PDF + NETWORK),  # the GUI is started through desk.ui.app only
    "demo": (("store", "ui", "screens", "vouchers"), QT + SQLITE + PDF + NETWORK),
}
# The one sanctioned crossing: `desk` with no subcommand opens the GUI.
ALLOWED = {("cli", "desk.ui.app")}

SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|TRIGGER|VIEW)|"
    r"DROP\s+(TABLE|INDEX|TRIGGER)|ALTER\s+TABLE|PRAGMA\s+\w+|BEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED)|VACUUM\s+INTO)\b",
    re.S,
)
RAW_SQL_CALLS = {"execute", "executemany", "executescript"}


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.what}"


def modules(root: Path) -> dict[str, Path]:
    """desk's modules by dotted name, read from the tree at `root` (the folder named desk)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts or "_resources" in path.parts:
            continue
        parts = path.relative_to(root.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None
    return parts[1] if parts[1] in RULES else None


def imports(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, names) for every import anywhere in the module, relative ones resolved."""
    found = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.append((node.lineno, base, [alias.name for alias in node.names]))
    return found


def docstring_nodes(tree: ast.AST) -> set[int]:
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                skip.add(id(first.value))
    return skip


def violations(root: Path) -> list[Violation]:
    found: list[Violation] = []
    all_modules = modules(root)
    graph: dict[str, set[str]] = {name: set() for name in all_modules}
    for module, path in all_modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        layer = layer_of(module)
        for line, target, names in imports(tree, module, path.name == "__init__.py"):
            top = target.split(".")[0]
            desk_target = target.split(".")[1] if top == "desk" and "." in target else None
            if top == "desk":
                # `from desk.services import vouchers` imports the module desk.services.vouchers
                for candidate in [target, *(f"{target}.{name}" for name in names)]:
                    if candidate in all_modules and candidate != module:
                        graph[module].add(candidate)
                for name in names:
                    if name.startswith("_") and not name.startswith("__") and f"{target}.{name}" not in all_modules:
                        found.append(Violation(module, line, f"imports the private name {name} from {target}"))
            if layer is None or (layer, target) in ALLOWED:
                continue
            desk_banned, outside_banned = RULES[layer]
            if desk_target in desk_banned:
                found.append(Violation(module, line, f"{layer} imports {target}"))
            else:
                reached = [target, *(f"{target}.{name}" for name in names)]  # from urllib import request
                banned = next((ban for ban in outside_banned for one in reached if one == ban or one.startswith(ban + ".")), None)
                if banned:
                    found.append(Violation(module, line, f"{layer} imports {banned}"))
        if layer != "store":
            skip = docstring_nodes(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip and SQL.search(node.value):
                    found.append(Violation(module, node.lineno, f"SQL outside desk/store: {node.value[:60]!r}"))
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RAW_SQL_CALLS:
                    found.append(Violation(module, node.lineno, f".{node.func.attr}() outside desk/store"))
    found.extend(cycles(graph))
    return found


def cycles(graph: dict[str, set[str]]) -> list[Violation]:
    """Every import cycle among desk's modules (lazy imports inside functions count too)."""
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                loop = stack[stack.index(target):] + [target]
                # a package importing its own submodule is not a cycle worth naming
                if not all(b.startswith(a + ".") or a.startswith(b + ".") for a, b in zip(loop, loop[1:], strict=False)):
                    found.append(Violation(node, 0, "import cycle: " + " -> ".join(loop)))
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


# --------------------------------------------------------------------------- desk as it is


def test_desk_keeps_its_layers():
    found = violations(DESK)
    assert [str(violation) for violation in found] == []


def test_every_layer_is_there_and_read():
    layers = {layer_of(name) for name in modules(DESK)}
    assert {"core", "store", "services", "screens", "ui", "vouchers", "cli", "demo"} <= layers
    assert len(modules(DESK)) >= 100


def test_no_ui_support_modules_left_in_services():
    assert sorted(path.name for path in (DESK / "services").glob("*ui_support*.py")) == []


# --------------------------------------------------------------------------- the checks can fail


PLANTED = {
    "ui imports the store": ("ui/planted.py", "from desk.store import persons\n", "ui imports desk.store"),
    "ui opens sqlite": ("ui/planted.py", "import sqlite3\n", "ui imports sqlite3"),
    "ui draws a paper itself": ("ui/planted.py", "from desk.vouchers.render import render_pdf\n", "ui imports desk.vouchers.render"),
    "screens reach the store": ("screens/planted.py", "from desk.store.persons import find\n", "screens imports desk.store.persons"),
    "screens import Qt": ("screens/planted.py", "from PySide6.QtWidgets import QLabel\n", "screens imports PySide6"),
    "vouchers call a service": ("vouchers/planted.py", "from desk.services import enrolment\n", "vouchers imports desk.services"),
    "store calls a service": ("store/planted.py", "import desk.services.persons\n", "store imports desk.services.persons"),
    "core opens sqlite": ("core/planted.py", "import sqlite_utils\n", "core imports sqlite_utils"),
    "core opens a socket": ("core/planted.py", "import socket\n", "core imports socket"),
    "core fetches a page": ("core/planted.py", "from urllib import request\n", "core imports urllib.request"),
    "services import a widget": ("services/planted.py", "from desk.ui import widgets\n", "services imports desk.ui"),
    "a service holds SQL": ("services/planted.py", 'ROWS = "SELECT id FROM persons WHERE name = ?"\n', "SQL outside desk/store"),
    "a screen executes": ("screens/planted.py", "def rows(db):\n    return db.execute('x')\n", ".execute() outside desk/store"),
    "a private name crosses": ("services/planted.py", "from desk.store.db import _connect\n", "private name _connect"),
    "the cli reaches the store": ("cli_planted.py", "", None),
}


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_a_planted_violation_is_caught(tmp_path, case):
    relative, source, expected = PLANTED[case]
    copy = tmp_path / "desk"
    shutil.copytree(DESK, copy, ignore=shutil.ignore_patterns("__pycache__", "_resources"))
    if expected is None:  # an entry point: plant the import into cli.py itself
        cli = copy / "cli.py"
        cli.write_text(cli.read_text(encoding="utf-8") + "\nfrom desk.store import persons\n", encoding="utf-8")
        expected = "cli imports desk.store"
    else:
        (copy / relative).write_text(source, encoding="utf-8")
    found = [str(violation) for violation in violations(copy)]
    assert any(expected in line for line in found), found


def test_a_planted_import_cycle_is_caught(tmp_path):
    copy = tmp_path / "desk"
    shutil.copytree(DESK, copy, ignore=shutil.ignore_patterns("__pycache__", "_resources"))
    (copy / "services" / "planted_a.py").write_text("from desk.services import planted_b\n", encoding="utf-8")
    (copy / "services" / "planted_b.py").write_text("def f():\n    from desk.services import planted_a\n", encoding="utf-8")
    found = [str(violation) for violation in violations(copy)]
    assert any("import cycle" in line and "planted_a" in line and "planted_b" in line for line in found), found


def test_a_docstring_may_name_sql_words():
    tree = ast.parse('"""PRAGMA quick_check runs first; SELECT nothing FROM here."""\nX = 1\n')
    assert len(docstring_nodes(tree)) == 1


def test_loading_a_calendar_and_transferring_point_one_way():
    """calendar (the admin loads a schedule) -> transfer (due dates recomputed) -> workdays (the calendar in force)."""
    graph = {name: set() for name in modules(DESK)}
    for module, path in modules(DESK).items():
        for _, target, names in imports(ast.parse(path.read_text(encoding="utf-8")), module, path.name == "__init__.py"):
            graph[module] |= {one for one in [target, *(f"{target}.{name}" for name in names)] if one in graph}
    assert "desk.services.transfer" in graph["desk.services.calendar"]
    assert "desk.services.calendar" not in graph["desk.services.transfer"] | graph["desk.services.workdays"]
