"""The registries a new business adds one line to (docs/architecture.md) are complete: a record type
vouchers are issued for, a permission the code asks for, a tab's permission. Each check is shown
catching a planted omission."""

from __future__ import annotations

import ast
from pathlib import Path

from desk.core.records import RECORD_TYPES
from desk.core.roles import PERMISSION_NAMES, PERMISSIONS
from desk.store.db import connect
from desk.store.seals import SEALED
from desk.store.vouchers import RECORD_TABLES

DESK = Path(__file__).resolve().parents[2] / "desk"


def literal_arguments(source: str) -> tuple[set[str], set[str]]:
    """(record types of `vouchers.issue(..., record_type="x")`, permissions of `.require("x")` / `.can("x")`)."""
    record_types, permissions = set(), set()
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr == "issue":
            record_types |= {keyword.value.value for keyword in node.keywords if keyword.arg == "record_type"
                             and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str)}
        elif node.func.attr in ("require", "can") and node.args and isinstance(node.args[0], ast.Constant):
            permissions.add(node.args[0].value)
    return record_types, permissions


def used_in_desk() -> tuple[set[str], set[str]]:
    record_types, permissions = set(), set()
    for path in sorted(DESK.rglob("*.py")):
        found, asked = literal_arguments(path.read_text(encoding="utf-8"))
        record_types |= found
        permissions |= asked
    return record_types, permissions


def test_every_record_type_has_its_table_and_the_store_reads_the_one_registry(tmp_path):
    db = connect(tmp_path / "desk.db")
    for kind in RECORD_TYPES.values():
        columns = {column.name for column in db[kind.table].columns}
        assert "id" in columns and set(kind.unsealed) <= columns, kind
    assert {key: (kind.table, kind.unsealed) for key, kind in RECORD_TYPES.items()} == SEALED
    assert {key: kind.table for key, kind in RECORD_TYPES.items() if kind.papers} == RECORD_TABLES


def test_papers_are_issued_only_for_registered_record_types():
    record_types, _ = used_in_desk()
    assert {"enrolment", "filing", "settlement", "transfer", "person"} <= record_types
    assert record_types - set(RECORD_TABLES) == set()  # (a daily report's paper is about a day: record_type=DAILY_REPORT)


def test_every_permission_the_code_asks_for_is_held_by_a_role_and_named():
    _, asked = used_in_desk()
    held = set().union(*PERMISSIONS.values())
    assert len(asked) >= 15
    assert asked - held == set()
    assert held - set(PERMISSION_NAMES) == set()


def test_an_omission_is_caught():
    source = '''
def f(desk, operator):
    operator.require("out_of_area.register")
    vouchers.issue(desk, operator, doc_type="out_of_area_receipt", record_type="out_of_area", record_id=1, payload={})
'''
    record_types, asked = literal_arguments(source)
    assert record_types - set(RECORD_TABLES) == {"out_of_area"}
    assert asked - set().union(*PERMISSIONS.values()) == {"out_of_area.register"}
