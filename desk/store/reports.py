"""The day's figures for the 日报表: what each operator did between two timestamps, summed in fen.

Every query takes the day as [start, end) ISO timestamps ('2026-03-10', '2026-03-11'), which
compare correctly with the stored 'YYYY-MM-DDTHH:MM:SS' strings, and returns one row per
operator (and kind), so the service sums and shapes them without reading a record twice.
"""

from __future__ import annotations

import sqlite_utils

from desk.store.settlements import AMOUNT_COLUMNS

DAILY_REPORT = "daily_report"


def _operator_clause(operator_id: int | None, column: str) -> tuple[str, list]:
    return ("", []) if operator_id is None else (f" AND {column} = ?", [operator_id])


def enrolments_created(db: sqlite_utils.Database, start: str, end: str, operator_id: int | None) -> list[dict]:
    """Local enrolments recorded in the period (cancelled later or not), per operator."""
    clause, extra = _operator_clause(operator_id, "operator_id")
    return list(db.query("SELECT operator_id, COUNT(*) AS count, SUM(individual_fen) AS individual_fen,"
                         " SUM(subsidy_fen) AS subsidy_fen, SUM(payable_fen) AS payable_fen FROM enrolments"
                         f" WHERE origin = 'local' AND created_at >= ? AND created_at < ?{clause} GROUP BY operator_id",
                         [start, end, *extra]))


def enrolments_cancelled(db: sqlite_utils.Database, start: str, end: str, operator_id: int | None) -> list[dict]:
    """Enrolments cancelled in the period, per cancelling operator (whenever they were recorded)."""
    clause, extra = _operator_clause(operator_id, "cancelled_by")
    return list(db.query("SELECT cancelled_by AS operator_id, COUNT(*) AS count, SUM(individual_fen) AS individual_fen,"
                         " SUM(subsidy_fen) AS subsidy_fen, SUM(payable_fen) AS payable_fen FROM enrolments"
                         f" WHERE status = 'cancelled' AND cancelled_at >= ? AND cancelled_at < ?{clause} GROUP BY cancelled_by",
                         [start, end, *extra]))


def _event_counts(db, table: str, start: str, end: str, operator_id: int | None) -> list[dict]:
    clause, extra = _operator_clause(operator_id, "operator_id")
    return list(db.query(f"SELECT operator_id, action, from_state, to_state, COUNT(*) AS count FROM {table}"
                         f" WHERE at >= ? AND at < ?{clause} GROUP BY operator_id, action, from_state, to_state",
                         [start, end, *extra]))


def filing_events(db: sqlite_utils.Database, start: str, end: str, operator_id: int | None) -> list[dict]:
    return _event_counts(db, "filing_events", start, end, operator_id)


def transfers_completed(db: sqlite_utils.Database, start: str, end: str, operator_id: int | None) -> list[dict]:
    """Completions in the period with the amounts the transfer records, per operator and direction."""
    clause, extra = _operator_clause(operator_id, "e.operator_id")
    return list(db.query("SELECT e.operator_id, t.direction, COUNT(*) AS count, SUM(t.pooled_fund_fen) AS pooled_fund_fen,"
                         " SUM(t.personal_account_fen) AS personal_account_fen FROM transfer_events e"
                         " JOIN transfers t ON t.id = e.transfer_id"
                         f" WHERE e.action = 'complete' AND e.at >= ? AND e.at < ?{clause} GROUP BY e.operator_id, t.direction",
                         [start, end, *extra]))


def transfer_directions(db: sqlite_utils.Database, start: str, end: str, operator_id: int | None) -> list[dict]:
    """(operator, action, states, direction) counts of the period's transfer events."""
    clause, extra = _operator_clause(operator_id, "e.operator_id")
    return list(db.query("SELECT e.operator_id, e.action, e.from_state, e.to_state, t.direction, COUNT(*) AS count"
                         " FROM transfer_events e JOIN transfers t ON t.id = e.transfer_id"
                         f" WHERE e.at >= ? AND e.at < ?{clause}"
                         " GROUP BY e.operator_id, e.action, e.from_state, e.to_state, t.direction",
                         [start, end, *extra]))


def settlements(db: sqlite_utils.Database, start: str, end: str, operator_id: int | None) -> list[dict]:
    """Settlements and reversals (entry) recorded in the period, each amount column summed in fen."""
    clause, extra = _operator_clause(operator_id, "operator_id")
    sums = ", ".join(f"SUM({name}_fen) AS {name}_fen" for name in AMOUNT_COLUMNS)
    return list(db.query(f"SELECT operator_id, entry, COUNT(*) AS count, {sums} FROM settlements"
                         f" WHERE created_at >= ? AND created_at < ?{clause} GROUP BY operator_id, entry",
                         [start, end, *extra]))


def vouchers_issued(db: sqlite_utils.Database, start: str, end: str, operator_id: int | None) -> list[dict]:
    """Per operator: how many vouchers (daily reports excluded) and the first and last number, by issue order."""
    clause, extra = _operator_clause(operator_id, "operator_id")
    return list(db.query("SELECT g.operator_id, g.count, g.first_id, g.last_id, f.number AS first_number,"
                         " l.number AS last_number FROM (SELECT operator_id, COUNT(*) AS count, MIN(id) AS first_id,"
                         " MAX(id) AS last_id FROM vouchers"
                         f" WHERE doc_type != ? AND created_at >= ? AND created_at < ?{clause} GROUP BY operator_id) g"
                         " JOIN vouchers f ON f.id = g.first_id JOIN vouchers l ON l.id = g.last_id",
                         [DAILY_REPORT, start, end, *extra]))


def chain_head(db: sqlite_utils.Database) -> tuple[int, str] | None:
    """The audit chain's last entry (number, hash), or None before the first entry."""
    row = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else None
