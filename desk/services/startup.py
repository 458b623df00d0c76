"""The database at start: its size (which check runs before the login) and the full check as
sentences (SQLite's integrity check and the audit chain). desk.services.faults opens the file and
names the fault; desk.ui.startup shows it.

`check_at_start` opens the file at start (and with `full_check` checks it): the open desk, or the
kind of fault that refuses it (desk.services.faults)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from desk.services import faults
from desk.services.context import Desk
from desk.services.integrity import check_database, mark_verified, start_problems


def database_problems(desk: Desk) -> list[str]:
    """The full check (integrity_check and the audit chain) as sentences; empty when sound."""
    try:
        report = check_database(desk, records=False)  # the rows one by one: `desk check` on request
    except sqlite3.DatabaseError as error:
        return [f"数据库文件已损坏，无法读取（SQLite 报告：{error}）。"]
    problems = [f"数据库完整性检查：{problem}" for problem in report.database_problems[:10]]
    if report.first_break is not None:
        problems.append(f"审计日志第{report.first_break.entry_id}条：{report.first_break.problem}")
    if not problems:
        mark_verified(desk, report)
    return problems


def database_size(db_path: Path, *, with_wal: bool = False) -> int:
    """The database file's size in bytes (0 when missing); `with_wal` adds its write-ahead log."""
    total = 0
    for path in (Path(db_path), Path(f"{db_path}-wal")) if with_wal else (Path(db_path),):
        try:
            total += path.stat().st_size
        except OSError:
            pass
    return total


@dataclass(frozen=True)
class StartCheck:
    """Opening the database at start: the open desk, or the fault and its details that refuse it."""

    desk: object | None
    problems: list[str]
    fault: faults.Fault | None

    @property
    def sound(self) -> bool:
        return self.fault is None


def check_at_start(db_path, *, full_check: bool, clock=None) -> StartCheck:
    """Open the database (and with `full_check` check it); a refusal names its kind of fault."""
    import gc

    try:
        desk = Desk.open(db_path, clock=clock)
    except Exception as error:
        gc.collect()  # a connection the failed open left behind must let go of the file before a restore
        return _refused(error)
    try:
        problems = database_problems(desk) if full_check else start_problems(desk)
    except sqlite3.Error as error:
        desk.close()
        return _refused(error)
    if problems:
        desk.close()
        return StartCheck(None, problems, faults.FAULTS[faults.CORRUPT])
    return StartCheck(desk, [], None)


def _root(error: BaseException) -> BaseException:
    while not isinstance(error, sqlite3.Error) and (error.__cause__ or error.__context__) is not None:
        error = error.__cause__ or error.__context__
    return error


def _refused(error: BaseException) -> StartCheck:
    fault = faults.classify(error)
    detail = getattr(error, "message", None) or str(error)
    if fault.kind == faults.CORRUPT:
        detail = f"数据库文件已损坏，无法读取（SQLite 报告：{_root(error)}）。"
    if fault.kind == faults.OTHER and getattr(error, "message", None):
        fault = faults.Fault(faults.OTHER, faults.FAULTS[faults.OTHER].title, error.message, faults.FAULTS[faults.OTHER].next_step)
    return StartCheck(None, [detail], fault)
