"""`desk check`: the database's own integrity, the unbroken audit chain, and the records themselves.

- SQLite's integrity check and the foreign keys;
- the audit hash chain, entry by entry;
- every append-only / never-deleted trigger of the migrations is present and unchanged (a dropped
  trigger is how someone edits history behind the app's back);
- every business row matches what the audit chain says it became (its seal, desk/store/seals.py),
  and no sealed row exists that no audit entry speaks of;
- every voucher's verification code matches its number, type and contents;
- the four-eyes rules hold in the rows: no filing decided by its own acceptor, no settlement
  reversed by the operator who recorded it;
- every export batch marks exactly the records it counts (docs/export.md);
- every stored ID number is canonical (ASCII digits and X), and no two persons are one number once
  normalised (a database written before numbers were normalised may hold them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import sqlite_utils

from desk.core.records import RECORD_TYPES
from desk.services.context import Desk
from desk.services.keys import ForgedPoint, read_head, write_head
from desk.store import audit as audit_store
from desk.store import integrity as integrity_store
from desk.store import seals as seals_store
from desk.store.audit import ChainBreak, verify_chain
from desk.store.db import integrity_problems
from desk.store.persons import non_canonical_persons

# Before the login on a big file (desk.ui.startup), the chain is verified from the last point a
# full check verified; with no such point yet, only this many newest entries (a tail check).
TAIL_WITHOUT_POINT = 50_000
MAX_LISTED = 50  # problems listed per kind (the count says how many there are)


@dataclass(frozen=True)
class IntegrityReport:
    database_problems: tuple[str, ...]
    audit_entries_checked: int
    first_break: ChainBreak | None
    record_problems: tuple[str, ...] = ()
    records_checked: int = 0
    record_problem_count: int = 0
    trigger_problems: tuple[str, ...] = field(default=())

    @property
    def sound(self) -> bool:
        return (not self.database_problems and self.first_break is None and not self.record_problems
                and not self.trigger_problems)

    def as_json(self) -> dict:
        result = {
            "sound": self.sound,
            "database": "ok" if not self.database_problems else list(self.database_problems),
            "audit_entries_checked": self.audit_entries_checked,
            "triggers": "ok" if not self.trigger_problems else list(self.trigger_problems),
            "records_checked": self.records_checked,
            "records": "ok" if not self.record_problems else list(self.record_problems),
        }
        if self.record_problem_count > len(self.record_problems):
            result["record_problems_total"] = self.record_problem_count
        if self.first_break:
            result["first_broken_entry"] = {"id": self.first_break.entry_id, "problem": self.first_break.problem}
        return result


@cache
def expected_triggers() -> dict[str, str]:
    """The triggers the migrations create, read off a fresh in-memory database."""
    return integrity_store.migration_triggers()


def trigger_problems(db: sqlite_utils.Database) -> list[str]:
    present = seals_store.triggers(db)
    problems = []
    for name, sql in sorted(expected_triggers().items()):
        if name not in present:
            problems.append(f"保护触发器 {name} 不存在（被删除）：历史记录可能已被改动。")
        elif " ".join(present[name].split()) != " ".join(sql.split()):
            problems.append(f"保护触发器 {name} 与程序建立的不同（被改写）。")
    return problems


def record_problems(desk: Desk) -> tuple[list[str], int]:
    """(problems, rows checked): every sealed row against the latest audit entry about it."""
    audited = seals_store.audited_seals(desk.db)
    problems: list[str] = []
    checked = 0
    for record_type in seals_store.SEALED:
        name = RECORD_TYPES[record_type].name
        for row_id, row_seal in seals_store.sealed_rows(desk.db, record_type):
            checked += 1
            entry = audited.get((record_type, row_id))
            if entry is None:
                problems.append(f"{name}记录 {row_id} 没有任何审计记录：可能是绕过程序直接写入数据库的。")
            elif entry.seal is not None and entry.seal != row_seal:
                problems.append(f"{name}记录 {row_id} 与审计记录第{entry.entry_id}条（{entry.action}）所记的内容不符："
                                "记录在程序之外被改动过。")
    problems += _voucher_problems(desk)
    problems += _four_eyes_problems(desk)
    problems += [row["message"] for row in non_canonical_persons(desk.db)]
    return problems, checked


def _voucher_problems(desk: Desk) -> list[str]:
    from desk.services.vouchers import code_problems

    return code_problems(desk)


def _four_eyes_problems(desk: Desk) -> list[str]:
    problems = []
    for filing_id, state in integrity_store.self_decided_filings(desk.db):
        problems.append(f"慢特病申请 {filing_id}（{state}）由受理人本人审核：违反双人复核规则。")
    for reversal_id, original_id in integrity_store.self_reversed_settlements(desk.db):
        problems.append(f"结算 {original_id} 由记录人本人冲正（冲正记录 {reversal_id}）：违反双人复核规则。")
    for batch, counted, marked in integrity_store.export_mark_mismatches(desk.db):
        problems.append(f"上报批次 {batch} 记有 {counted} 条记录，数据库却把 {marked} 条标为在该批导出："
                        "导出标记在程序之外被改动过，有记录可能不会再上报。")
    return problems


def head_problems(desk: Desk) -> list[str]:
    """The chain against its head kept outside the database: a cut tail or a rewritten chain."""
    path = desk.head_file()
    if path is None:
        return []
    try:
        kept = read_head(path, desk.keys.audit_key)
    except ForgedPoint:
        return [f"保存在数据库之外的审计链头（{path.name}）的签名不符：它被没有密钥的人改写过，审计记录可能被截去，请联系系统管理员。"]
    if kept is None:
        return [f"保存在数据库之外的审计链头（{path.name}）不见了或无法读取：无法确认审计记录未被截去，请联系系统管理员。"]
    entry, kept_hash = kept
    if entry == 0:
        return []
    row = audit_store.entry_hash_of(desk.db, entry)
    if row is None:
        last, _ = audit_store.head(desk.db)
        return [f"审计记录在第{last}条之后被截去：数据库之外保存的链头是第{entry}条。"]
    if row != kept_hash:
        return [f"审计链第{entry}条与数据库之外保存的链头不符：审计记录被改写过。"]
    return []


def check_database(desk: Desk, *, records: bool = True) -> IntegrityReport:
    """The whole check (`desk check`); `records=False` leaves out the row-by-row part."""
    problems = tuple(integrity_problems(desk.db)) + tuple(head_problems(desk))
    checked, first_break = verify_chain(desk.db, desk.keys.audit_key, desk.keys.keyed_from)
    triggers = tuple(trigger_problems(desk.db))
    found, rows = record_problems(desk) if records else ([], 0)
    return IntegrityReport(problems, checked, first_break, tuple(found[:MAX_LISTED]), rows, len(found), triggers)


def start_problems(desk: Desk) -> list[str]:
    """The quick check before the login on a file too big for the full one (that runs in the
    background after the login): the kept chain head, and the keyed chain from the last point a full
    check verified (a verified point can be trusted: its entries are keyed). Milliseconds for a
    day's entries, whatever the size of the file."""
    problems = list(head_problems(desk)) + list(trigger_problems(desk.db))
    path = desk.verified_file()
    try:
        point = read_head(path, desk.keys.audit_key) if path is not None else None
    except ForgedPoint:
        point = None  # not trusted: the tail is checked as if there were no point (the full check follows)
        problems.append(f"上次完整检查的记录（{path.name}）签名不符，已不采信。")
    after = None
    if point is not None:
        if audit_store.entry_hash_of(desk.db, point[0]) != point[1]:
            return problems + [f"审计链第{point[0]}条与上次完整检查时不符：审计记录在那之后被改写或截去过。"]
        after = point
    else:
        last, _ = audit_store.head(desk.db)
        if last > TAIL_WITHOUT_POINT:
            start = last - TAIL_WITHOUT_POINT
            after = (start, audit_store.entry_hash_of(desk.db, start))
    _, first_break = verify_chain(desk.db, desk.keys.audit_key, desk.keys.keyed_from, after=after)
    if first_break is not None:
        problems.append(f"审计日志第{first_break.entry_id}条：{first_break.problem}")
    return problems


def mark_verified(desk: Desk, report: IntegrityReport) -> None:
    """After a sound full check by the app (never by the read-only `desk check`): the last entry it
    verified becomes the point the next start-up check goes on from."""
    path = desk.verified_file()
    if desk.read_only or path is None or not report.sound or not report.audit_entries_checked:
        return
    entry = report.audit_entries_checked  # entries 1..N were verified, in order
    entry_hash = audit_store.entry_hash_of(desk.db, entry)
    if entry_hash is not None:
        try:
            write_head(path, entry, entry_hash, desk.timestamp(), desk.keys.audit_key)
        except OSError:
            pass  # the next full check writes it; meanwhile the start-up check verifies more of the chain
