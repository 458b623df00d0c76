"""The export outbox (issue 14, item 2): which business records are not yet exported, read as rows
for desk.core.export_format; the batches, the marks of the records they carry, the platform's
acknowledgements. Everything here is appended, never changed (migration m009)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils

from desk.store.ids import new_id

# kind -> (the source table, the condition a row of it must meet)
SOURCES = {
    "person_version": ("person_versions", "1"),
    "enrolment": ("enrolments", "1"),
    "filing_event": ("filing_events", "1"),
    "settlement": ("settlements", "entry = 'settlement'"),
    "settlement_reversal": ("settlements", "entry = 'reversal'"),
    "transfer_event": ("transfer_events", "1"),
}
_OPERATOR = "LEFT JOIN operators o ON o.id = {alias}.operator_id"
_ROWS = {
    "person_version": "SELECT x.*, x.changed_at AS at, p.personal_number, p.id_number, o.display_name AS operator_name,"
                      " NULL AS window FROM person_versions x JOIN persons p ON p.id = x.person_id "
                      + _OPERATOR.format(alias="x"),
    "enrolment": "SELECT x.*, x.created_at AS at, p.personal_number, p.id_number, o.display_name AS operator_name"
                 " FROM enrolments x JOIN persons p ON p.id = x.person_id " + _OPERATOR.format(alias="x"),
    "filing_event": "SELECT x.*, f.person_id, f.disease_code, f.disease_name, f.kind, f.application_date, f.window,"
                    " p.personal_number, p.id_number, p.name AS person_name, o.display_name AS operator_name"
                    " FROM filing_events x JOIN filings f ON f.id = x.filing_id JOIN persons p ON p.id = f.person_id "
                    + _OPERATOR.format(alias="x"),
    "settlement": "SELECT x.*, p.personal_number, p.id_number, e.scheme, e.region_code, o.display_name AS operator_name"
                  " FROM settlements x JOIN persons p ON p.id = x.person_id LEFT JOIN enrolments e ON e.id = x.enrolment_id "
                  + _OPERATOR.format(alias="x"),
    "transfer_event": "SELECT x.*, t.query_number, t.applicant_name, t.applicant_id_number, t.direction, t.scope,"
                      " t.out_region_code, t.in_region_code, t.form_json, t.window, p.personal_number,"
                      " o.display_name AS operator_name FROM transfer_events x JOIN transfers t ON t.id = x.transfer_id"
                      " LEFT JOIN persons p ON p.id = t.person_id " + _OPERATOR.format(alias="x"),
}
_ROWS["settlement_reversal"] = _ROWS["settlement"]
_CANCELLED = ("SELECT x.*, p.personal_number, p.id_number, o.display_name AS operator_name FROM enrolments x"
              " JOIN persons p ON p.id = x.person_id LEFT JOIN operators o ON o.id = x.cancelled_by")


def watermark(db: sqlite_utils.Database, kind: str) -> int:
    """The highest source id of this kind already exported (0: none)."""
    return db.execute("SELECT COALESCE(MAX(source_id), 0) FROM export_records WHERE kind = ?", [kind]).fetchone()[0]


def highest(db: sqlite_utils.Database, kind: str) -> int:
    table, condition = SOURCES[kind]
    return db.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table} WHERE {condition}").fetchone()[0]


def count_between(db: sqlite_utils.Database, kind: str, above: int, up_to: int) -> int:
    table, condition = SOURCES[kind]
    return db.execute(f"SELECT COUNT(*) FROM {table} WHERE {condition} AND id > ? AND id <= ?",
                      [above, up_to]).fetchone()[0]


def count_above(db: sqlite_utils.Database, kind: str, above: int, cap: int) -> int:
    """How many rows of a kind have ids above `above`, counting at most `cap` + 1 (bounded work: a page
    refresh at 3.35 million persons before the first batch does not count them all)."""
    table, condition = SOURCES[kind]
    return db.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {condition} AND id > ? LIMIT ?)",
                      [above, cap + 1]).fetchone()[0]


def cancellations_waiting_count(db: sqlite_utils.Database, cap: int) -> int:
    return db.execute(
        "SELECT COUNT(*) FROM (SELECT 1 FROM enrolments x WHERE x.status = 'cancelled' AND NOT EXISTS (SELECT 1 FROM"
        " export_records r WHERE r.kind = 'enrolment_cancel' AND r.source_id = x.id) LIMIT ?)", [cap + 1]).fetchone()[0]


def rows_between(db: sqlite_utils.Database, kind: str, above: int, up_to: int, chunk: int = 2000) -> Iterator[list[dict]]:
    """The rows of a kind with ids in (above, up_to], in id order, a chunk at a time (keyset)."""
    condition = SOURCES[kind][1].replace("entry", "x.entry")
    last = above
    while True:
        rows = list(db.query(f"{_ROWS[kind]} WHERE {condition} AND x.id > ? AND x.id <= ? ORDER BY x.id LIMIT ?",
                             [last, up_to, chunk]))
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]


def cancellations_waiting(db: sqlite_utils.Database) -> list[dict]:
    """Cancelled enrolments whose cancellation is not yet exported, in enrolment id order."""
    return list(db.query(
        f"{_CANCELLED} WHERE x.status = 'cancelled' AND NOT EXISTS (SELECT 1 FROM export_records r"
        " WHERE r.kind = 'enrolment_cancel' AND r.source_id = x.id) ORDER BY x.id"))


def last_batch(db: sqlite_utils.Database) -> dict | None:
    return next(iter(db.query("SELECT * FROM export_batches ORDER BY id DESC LIMIT 1")), None)


def next_batch_id(db: sqlite_utils.Database) -> int:
    """The sequence number the next batch takes (above the floor a restore raised)."""
    floor = new_id(db, "export_batches")
    if floor is not None:
        return floor
    return (db.execute("SELECT COALESCE(MAX(id), 0) FROM export_batches").fetchone()[0]) + 1


def insert_batch(db: sqlite_utils.Database, row: dict) -> int:
    floor = new_id(db, "export_batches")
    if floor is not None and floor != row["id"]:
        raise ValueError("batch id below the floor")
    db.execute(
        "INSERT INTO export_batches (id, directory, created_at, operator_id, audit_first, audit_last, counts_json,"
        " records, manifest_sha256, complete) VALUES (:id, :directory, :created_at, :operator_id, :audit_first,"
        " :audit_last, :counts_json, :records, :manifest_sha256, :complete)", row)
    return row["id"]


def id_after(db: sqlite_utils.Database, kind: str, above: int, count: int) -> int:
    """The id of the `count`-th row of a kind above `above` (count >= 1): where a batch at its size limit stops."""
    table, condition = SOURCES[kind]
    return db.execute(f"SELECT id FROM {table} WHERE {condition} AND id > ? ORDER BY id LIMIT 1 OFFSET ?",
                      [above, count - 1]).fetchone()[0]


def mark_between(db: sqlite_utils.Database, batch_id: int, kind: str, above: int, up_to: int) -> int:
    """Mark every row of a kind with ids in (above, up_to] as exported in this batch."""
    table, condition = SOURCES[kind]
    cursor = db.execute(
        f"INSERT INTO export_records (rec_id, batch_id, kind, source_id) SELECT ? || ':' || id, ?, ?, id FROM {table}"
        f" WHERE {condition} AND id > ? AND id <= ? ORDER BY id", [kind, batch_id, kind, above, up_to])
    return cursor.rowcount


def mark_ids(db: sqlite_utils.Database, batch_id: int, kind: str, source_ids: list[int]) -> int:
    db.conn.executemany("INSERT INTO export_records (rec_id, batch_id, kind, source_id) VALUES (?, ?, ?, ?)",
                        [(f"{kind}:{source}", batch_id, kind, source) for source in source_ids])
    return len(source_ids)


def batches(db: sqlite_utils.Database) -> list[dict]:
    """Every batch, newest first, with the counts of its records' answers (summed over its acknowledgement
    files, each of which counts the answers it added) and its operator's name."""
    return list(db.query(
        "SELECT b.*, o.display_name AS operator_name,"
        " (SELECT COALESCE(SUM(f.accepted), 0) FROM export_ack_files f WHERE f.batch_id = b.id) AS accepted,"
        " (SELECT COALESCE(SUM(f.refused), 0) FROM export_ack_files f WHERE f.batch_id = b.id) AS refused"
        " FROM export_batches b LEFT JOIN operators o ON o.id = b.operator_id ORDER BY b.id DESC"))


def get_batch(db: sqlite_utils.Database, batch_id: int) -> dict | None:
    return next(iter(db.query("SELECT * FROM export_batches WHERE id = ?", [batch_id])), None)


def batch_records(db: sqlite_utils.Database, batch_id: int) -> set[str]:
    return {row[0] for row in db.execute("SELECT rec_id FROM export_records WHERE batch_id = ?", [batch_id])}


def answers(db: sqlite_utils.Database, rec_ids: list[str]) -> dict[str, str]:
    """rec_id -> its recorded outcome, for those of `rec_ids` already answered."""
    found: dict[str, str] = {}
    for start in range(0, len(rec_ids), 500):
        part = rec_ids[start:start + 500]
        marks = ", ".join("?" for _ in part)
        found.update({row[0]: row[1] for row in db.execute(
            f"SELECT rec_id, outcome FROM export_acks WHERE rec_id IN ({marks})", part)})
    return found


def ack_file(db: sqlite_utils.Database, sha256: str) -> dict | None:
    return next(iter(db.query("SELECT * FROM export_ack_files WHERE sha256 = ?", [sha256])), None)


def insert_ack(db: sqlite_utils.Database, file_row: dict, outcomes: list[tuple[str, str, str | None, str | None]]) -> None:
    """The acknowledgement file and each new answer (rec_id, outcome, code, reason)."""
    db.execute(
        "INSERT INTO export_ack_files (sha256, batch_id, file_name, acked_at, loaded_at, operator_id, accepted, refused)"
        " VALUES (:sha256, :batch_id, :file_name, :acked_at, :loaded_at, :operator_id, :accepted, :refused)", file_row)
    db.conn.executemany(
        "INSERT INTO export_acks (rec_id, batch_id, ack_sha256, outcome, code, reason) VALUES (?, ?, ?, ?, ?, ?)",
        [(rec, file_row["batch_id"], file_row["sha256"], outcome, code, reason) for rec, outcome, code, reason in outcomes])


def refused_records(db: sqlite_utils.Database, limit: int = 500) -> list[dict]:
    """The records the platform refused, newest batch first, with the reason it gave."""
    return list(db.query(
        "SELECT a.rec_id, a.batch_id, a.code, a.reason, r.kind, r.source_id FROM export_acks a"
        " JOIN export_records r ON r.rec_id = a.rec_id WHERE a.outcome = 'refused'"
        " ORDER BY a.batch_id DESC, a.rec_id LIMIT ?", [limit]))


_WHO = {
    "person_version": "SELECT p.name, p.id_number FROM person_versions x JOIN persons p ON p.id = x.person_id WHERE x.id = ?",
    "enrolment": "SELECT p.name, p.id_number FROM enrolments x JOIN persons p ON p.id = x.person_id WHERE x.id = ?",
    "filing_event": "SELECT p.name, p.id_number FROM filing_events x JOIN filings f ON f.id = x.filing_id"
                    " JOIN persons p ON p.id = f.person_id WHERE x.id = ?",
    "settlement": "SELECT p.name, p.id_number FROM settlements x JOIN persons p ON p.id = x.person_id WHERE x.id = ?",
    "transfer_event": "SELECT t.applicant_name, t.applicant_id_number FROM transfer_events x"
                      " JOIN transfers t ON t.id = x.transfer_id WHERE x.id = ?",
}
_WHO.update(enrolment_cancel=_WHO["enrolment"], settlement_reversal=_WHO["settlement"])


def person_of(db: sqlite_utils.Database, kind: str, source_id: int) -> tuple[str, str] | None:
    """(name, ID number) of the person a record is about, or None."""
    return db.execute(_WHO[kind], [source_id]).fetchone() if kind in _WHO else None


def counts_json(counts: dict) -> str:
    return json.dumps(counts, sort_keys=True)


@contextmanager
def snapshot(db: sqlite_utils.Database) -> Iterator[None]:
    """One read transaction: everything read inside sees the database as it stood at its first read
    (WAL), whatever other windows commit meanwhile."""
    conn = db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT COUNT(*) FROM export_batches").fetchone()
        yield
    finally:
        if conn.in_transaction:
            conn.rollback()
