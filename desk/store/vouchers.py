"""Vouchers: the payload of every printed document, its number and verification code, and each print."""

from __future__ import annotations

import re

import sqlite_utils

from desk.core.records import RECORD_TYPES
from desk.store.ids import new_id


def next_sequence(db: sqlite_utils.Database, prefix: str, day: str) -> int:
    """The next number of the day for a document type; inside the business transaction, never reused."""
    db.execute(
        "INSERT INTO voucher_sequences (prefix, day, last) VALUES (?, ?, 1)"
        " ON CONFLICT(prefix, day) DO UPDATE SET last = last + 1",
        [prefix, day],
    )
    return db.execute("SELECT last FROM voucher_sequences WHERE prefix = ? AND day = ?", [prefix, day]).fetchone()[0]


def insert_voucher(db: sqlite_utils.Database, row: dict) -> int:
    columns = (
        "id", "number", "doc_type", "record_type", "record_id", "payload_json", "code", "operator_id", "operator_name",
        "window", "created_at",
    )
    cursor = db.execute(
        f"INSERT INTO vouchers ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})",
        {**{c: row.get(c) for c in columns}, "id": new_id(db, "vouchers")},
    )
    return cursor.lastrowid


def voucher_by_number(db: sqlite_utils.Database, number: str) -> dict | None:
    rows = list(db.query("SELECT * FROM vouchers WHERE number = ?", [number]))
    return rows[0] if rows else None


def number_was_issued(db: sqlite_utils.Database, number: str) -> bool:
    """Whether the day's sequence of this number's type has passed it (numbers are never reused, and a
    restore raises the sequences to the highest ever issued), whether or not this file holds the voucher."""
    parts = number.split("-")
    if len(parts) != 3 or not parts[2].isascii() or not parts[2].isdigit():
        return False
    row = db.execute("SELECT last FROM voucher_sequences WHERE prefix = ? AND day = ?", parts[:2]).fetchone()
    return row is not None and int(parts[2]) <= row[0]


def latest_restore(db: sqlite_utils.Database) -> dict | None:
    """The newest restore's audit entry (when, and the file kept aside), or None."""
    rows = list(db.query("SELECT at, detail_json FROM audit_log WHERE action = 'backup.restore' ORDER BY id DESC LIMIT 1", []))
    return rows[0] if rows else None


def vouchers_for(db: sqlite_utils.Database, record_type: str, record_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM vouchers WHERE record_type = ? AND record_id = ? ORDER BY id", [record_type, record_id]))


def print_count(db: sqlite_utils.Database, voucher_id: int) -> int:
    return db.execute("SELECT COUNT(*) FROM voucher_prints WHERE voucher_id = ?", [voucher_id]).fetchone()[0]


def record_print(db: sqlite_utils.Database, voucher_id: int, *, at: str, operator_id: int | None) -> int:
    copy_no = print_count(db, voucher_id)
    db.execute(
        "INSERT INTO voucher_prints (id, voucher_id, copy_no, printed_at, operator_id) VALUES (?, ?, ?, ?, ?)",
        [new_id(db, "voucher_prints"), voucher_id, copy_no, at, operator_id],
    )
    return copy_no


# the business records a voucher can be issued for (record_type -> table), from the one registry
RECORD_TABLES = {key: kind.table for key, kind in RECORD_TYPES.items() if kind.papers}
_VOUCHER_NUMBER = re.compile(r"[A-Z]{2}-\d{8}-\d{4,}")


def business_record(db: sqlite_utils.Database, record_type: str, record_id) -> dict | None:
    table = RECORD_TABLES[record_type]
    rows = list(db.query(f"SELECT * FROM {table} WHERE id = ?", [record_id]))
    return rows[0] if rows else None


def reversal_of(db: sqlite_utils.Database, settlement_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM settlements WHERE reverses_id = ?", [settlement_id]))
    return rows[0] if rows else None


def all_vouchers(db: sqlite_utils.Database):
    return db.query("SELECT number, doc_type, payload_json, code, created_at FROM vouchers ORDER BY id")


def voucher_numbers_in_audit(db: sqlite_utils.Database) -> set[str]:
    """Every voucher number any audit entry names (in its detail or as its record)."""
    found: set[str] = set()
    for record_id, detail in db.execute("SELECT record_id, detail_json FROM audit_log"):
        found.update(_VOUCHER_NUMBER.findall(detail))
        if isinstance(record_id, str) and _VOUCHER_NUMBER.fullmatch(record_id):
            found.add(record_id)
    return found
