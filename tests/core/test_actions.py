"""The audit-action registry (desk/core/actions.py): every action the code audits has its name."""

from __future__ import annotations

import ast
from pathlib import Path

from desk.core.actions import ACTION_GROUPS, ACTION_NAMES, action_name
from desk.core.transfer import MOVES

DESK = Path(__file__).resolve().parents[2] / "desk"


def audited_actions(source: str) -> tuple[set[str], set[str]]:
    """The action strings passed to `.audit(operator, ACTION, ...)` in the source: the literal ones
    (both sides of `a if x else b` too, and a variable assigned literals just before), and the
    prefixes of f-strings (e.g. "transfer." for f"transfer.{action}")."""
    tree = ast.parse(source)
    literals: set[str] = set()
    prefixes: set[str] = set()
    assigned: dict[str, set[str]] = {}

    def strings(node) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return strings(node.body) | strings(node.orelse)
        return set()

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, set()).update(strings(node.value))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "audit"):
            continue
        if len(node.args) < 2:
            continue
        action = node.args[1]
        if isinstance(action, ast.JoinedStr):
            head = action.values[0]
            prefixes.add(head.value if isinstance(head, ast.Constant) else "")
        elif isinstance(action, ast.Name):
            literals |= assigned.get(action.id, set())
        else:
            literals |= strings(action)
    return literals, prefixes


def unregistered(literals: set[str], prefixes: set[str]) -> set[str]:
    missing = {action for action in literals if action not in ACTION_NAMES}
    for prefix in prefixes:
        if prefix == "transfer.":  # _move audits f"transfer.{action}" for every move of the transfer machine
            missing |= {f"transfer.{move}" for move in MOVES if f"transfer.{move}" not in ACTION_NAMES}
        else:
            missing.add(f"{prefix}…")  # a new dynamic action: register its names and teach this test
    return missing


def test_every_audited_action_in_desk_is_registered():
    literals, prefixes = set(), set()
    for path in sorted(DESK.rglob("*.py")):
        found, dynamic = audited_actions(path.read_text(encoding="utf-8"))
        literals |= found
        prefixes |= dynamic
    assert {"login", "settings.update", "standard.enter", "voucher.reprint", "report.daily"} <= literals
    assert prefixes == {"transfer."}
    assert unregistered(literals, prefixes) == set()


def test_an_unregistered_action_is_caught():
    source = '''
def f(desk, operator, copy_no, action):
    desk.audit(operator, "settings.update", "settings", None, {})
    desk.audit(operator, "person.merge", "person", 1, {})
    kind = "voucher.print" if copy_no == 0 else "voucher.shred"
    desk.audit(operator, kind, "voucher", "X", {})
    desk.audit(operator, f"keys.{action}", "keys", None, {})
'''
    literals, prefixes = audited_actions(source)
    assert literals == {"settings.update", "person.merge", "voucher.print", "voucher.shred"}
    assert unregistered(literals, prefixes) == {"person.merge", "voucher.shred", "keys.…"}


def test_action_names_and_groups():
    assert action_name("standard.enter") == "录入年度标准"
    assert action_name("backup.verify") == "备份：verify"  # an unknown action of a known group
    assert action_name("something") == "something"
    assert [prefix for prefix, _ in ACTION_GROUPS][:2] == ["login", "operator."]
