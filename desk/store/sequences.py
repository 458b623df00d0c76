"""Voucher sequence numbers across a restore (issue 11, item 6): read the highest number ever issued
per document type and day from a database (the file kept aside), and raise another database's
sequences to at least those, so that no voucher number is ever issued twice."""

from __future__ import annotations

import re
import sqlite3

_NUMBER = re.compile(r"^([A-Z]{2})-(\d{8})-(\d{1,9})$")


def highest_issued(connection: sqlite3.Connection) -> dict[tuple[str, str], int]:
    """(prefix, day) -> the highest sequence issued, from the sequences table and the vouchers themselves."""
    highest: dict[tuple[str, str], int] = {}
    for prefix, day, last in connection.execute("SELECT prefix, day, last FROM voucher_sequences"):
        highest[(prefix, day)] = max(highest.get((prefix, day), 0), int(last))
    for (number,) in connection.execute("SELECT number FROM vouchers"):
        match = _NUMBER.match(number or "")
        if match:
            key = (match.group(1), match.group(2))
            highest[key] = max(highest.get(key, 0), int(match.group(3)))
    return highest


def raise_sequences(connection: sqlite3.Connection, highest: dict[tuple[str, str], int]) -> int:
    """Make every (prefix, day) continue above `highest`; returns how many sequences were raised."""
    raised = 0
    for (prefix, day), last in sorted(highest.items()):
        row = connection.execute("SELECT last FROM voucher_sequences WHERE prefix = ? AND day = ?", [prefix, day]).fetchone()
        if row is None or row[0] < last:
            connection.execute(
                "INSERT INTO voucher_sequences (prefix, day, last) VALUES (?, ?, ?)"
                " ON CONFLICT(prefix, day) DO UPDATE SET last = MAX(last, excluded.last)", [prefix, day, last])
            raised += 1
    return raised

