"""The database at start: its size (which check runs before the login) and the full check as
sentences (SQLite's integrity check and the audit chain). desk.services.faults opens the file and
names the fault; desk.ui.startup shows it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desk.services.context import Desk


def database_problems(desk: Desk) -> list[str]:
    """The full check (integrity_check and the audit chain) as sentences; empty when sound."""
    from desk.services.integrity import check_database

    try:
        report = check_database(desk, records=False)  # the rows one by one: `desk check` on request
    except sqlite3.DatabaseError as error:
        return [f"数据库文件已损坏，无法读取（SQLite 报告：{error}）。"]
    problems = [f"数据库完整性检查：{problem}" for problem in report.database_problems[:10]]
    if report.first_break is not None:
        problems.append(f"审计日志第{report.first_break.entry_id}条：{report.first_break.problem}")
    if not problems:
        from desk.services.integrity import mark_verified

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
