"""The audit log: append-only, each entry's hash covering the previous entry's hash."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass

import sqlite_utils

GENESIS = "0" * 64
_HASHED = ("id", "at", "operator_id", "operator_name", "window", "action", "record_type", "record_id", "detail_json")


def canonical_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, entry: dict, key: bytes | None = None) -> str:
    """SHA-256 of the entry and the previous hash; keyed (HMAC-SHA256) when the installation's audit
    key is given, so that nobody without the key can write a chain that verifies."""
    material = (prev_hash + "\n" + canonical_json({k: entry.get(k) for k in _HASHED})).encode("utf-8")
    if key is None:
        return hashlib.sha256(material).hexdigest()
    return hmac.new(key, material, hashlib.sha256).hexdigest()


def next_entry_id(db: sqlite_utils.Database) -> int:
    row = db.execute("SELECT MAX(id) FROM audit_log").fetchone()
    return (row[0] or 0) + 1


def entry_hash_of(db: sqlite_utils.Database, entry_id: int) -> str | None:
    row = db.execute("SELECT hash FROM audit_log WHERE id = ?", [entry_id]).fetchone()
    return row[0] if row else None


def head(db: sqlite_utils.Database) -> tuple[int, str]:
    """(entry number, hash) of the last entry: (0, GENESIS) for an empty log."""
    row = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def append_entry(
    db: sqlite_utils.Database,
    *,
    at: str,
    operator_id: int | None,
    operator_name: str | None,
    window: str | None,
    action: str,
    record_type: str | None,
    record_id,
    detail: dict,
    key: bytes | None = None,
    keyed_from: int = 1,
) -> int:
    """Append one entry; call inside the business transaction so both land or neither does."""
    last = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev_hash = last[1] if last else GENESIS
    entry = {
        "id": (last[0] + 1) if last else 1,
        "at": at,
        "operator_id": operator_id,
        "operator_name": operator_name,
        "window": window,
        "action": action,
        "record_type": record_type,
        "record_id": None if record_id is None else str(record_id),
        "detail_json": canonical_json(detail),
    }
    entry["prev_hash"] = prev_hash
    entry["hash"] = entry_hash(prev_hash, entry, key if key is not None and entry["id"] >= keyed_from else None)
    db.execute(
        "INSERT INTO audit_log (id, at, operator_id, operator_name, window, action, record_type, record_id,"
        " detail_json, prev_hash, hash) VALUES (:id, :at, :operator_id, :operator_name, :window, :action,"
        " :record_type, :record_id, :detail_json, :prev_hash, :hash)",
        entry,
    )
    return entry["id"]


LOG_COLUMNS = ("id", "at", "operator_name", "window", "action", "record_type", "record_id", "detail_json")


def log_where(*, since: str | None = None, before: str | None = None, operator_name: str | None = None,
              action_prefix: str | None = None, record_id: str | None = None) -> tuple[str, list]:
    """The WHERE clause (with its parameters) of the log's browse filters: entries at or after
    `since` and before `before` (ISO text), by one operator's name, whose action starts with
    `action_prefix` (a '%' in it is dropped), about one record id."""
    clauses, params = [], []
    if since:
        clauses.append("at >= ?")
        params.append(since)
    if before:
        clauses.append("at < ?")
        params.append(before)
    if operator_name:
        clauses.append("operator_name = ?")
        params.append(operator_name)
    if action_prefix:  # a range, not LIKE (which no index serves): the actions are ASCII codes
        prefix = action_prefix.replace("%", "")
        clauses.append("action >= ? AND action < ?")
        params += [prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)] if prefix else ["", "\U0010ffff"]
    if record_id:
        clauses.append("record_id = ?")
        params.append(record_id)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def log_entries(db: sqlite_utils.Database, *, newest_first: bool, limit: int | None = None, offset: int = 0,
                below: int | None = None, **filters) -> list[dict]:
    """The filtered log (`log_where`) as rows of LOG_COLUMNS: newest first one page (`limit`,
    `offset`, or keyset: the entries numbered below `below`), or oldest first all of it."""
    where, params = log_where(**filters)
    if below is not None:
        where += (" AND" if where else " WHERE") + " id < ?"
        params.append(below)
    columns = ", ".join(LOG_COLUMNS)
    order = " ORDER BY id DESC" if newest_first else " ORDER BY id"
    if limit is None:
        return list(db.query(f"SELECT {columns} FROM audit_log{where}{order}", params))
    # the page's entry numbers first (from an index of m010 alone, sorting numbers, not rows), then its rows
    sql = (f"SELECT {columns} FROM audit_log WHERE id IN (SELECT id FROM audit_log{where}{order} LIMIT ? OFFSET ?)"
           f"{order}")
    return list(db.query(sql, [*params, limit, offset]))


def last_entry_id(db: sqlite_utils.Database) -> int:
    """The number of the newest entry (0: an empty log): an export takes the log up to it."""
    return db.execute("SELECT COALESCE(MAX(id), 0) FROM audit_log").fetchone()[0]


def log_chunks(db: sqlite_utils.Database, *, up_to: int, chunk: int = 2000, **filters) -> Iterator[list[dict]]:
    """The filtered log (`log_where`) up to entry `up_to`, oldest first, `chunk` rows at a time
    (keyset on id: one short query per chunk, so memory stays the same however long the log)."""
    where, params = log_where(**filters)
    where += (" AND" if where else " WHERE") + " id > ? AND id <= ?"
    # NOT INDEXED: walked by entry number (a chunk from m010's indexes would sort the whole selection each time)
    sql = f"SELECT {', '.join(LOG_COLUMNS)} FROM audit_log NOT INDEXED{where} ORDER BY id LIMIT ?"
    after = 0
    while True:
        rows = list(db.query(sql, [*params, after, up_to, chunk]))
        if not rows:
            return
        yield rows
        after = rows[-1]["id"]


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    problem: str


def verify_chain(db: sqlite_utils.Database, key: bytes | None = None, keyed_from: int | None = None, *,
                 after: tuple[int, str] | None = None) -> tuple[int, ChainBreak | None]:
    """(entries checked, first break or None). Detects altered, deleted and reordered entries; from
    `keyed_from` on every hash must be the keyed one (an entry rewritten without the key breaks).
    `after` = (entry, hash) of a point already verified: only the entries after it are checked,
    chained onto that hash."""
    prev_hash, expected_id = (GENESIS, 1) if after is None else (after[1], after[0] + 1)
    checked = 0
    rows = db.query(
        "SELECT id, at, operator_id, operator_name, window, action, record_type, record_id, detail_json,"
        " prev_hash, hash FROM audit_log WHERE id >= ? ORDER BY id", [expected_id]
    )
    for entry in rows:
        if entry["id"] != expected_id:
            return checked, ChainBreak(entry["id"], f"第{expected_id}条记录缺失（编号不连续）")
        if entry["prev_hash"] != prev_hash:
            return checked, ChainBreak(entry["id"], "前一条记录的哈希不符（记录被删除、插入或调换了顺序）")
        keyed = key is not None and keyed_from is not None and entry["id"] >= keyed_from
        if entry_hash(prev_hash, entry, key if keyed else None) != entry["hash"]:
            return checked, ChainBreak(entry["id"], "记录内容与其哈希不符（记录被改动）")
        prev_hash = entry["hash"]
        expected_id += 1
        checked += 1
    return checked, None


def backup_with_head(connection, entry: int, entry_hash: str) -> bool:
    """Whether some `backup.create` entry of this chain recorded a backup ending at (entry, hash), or
    a `backup.restore` entry a restored one (the same backup restored again)."""
    row = connection.execute(
        "SELECT 1 FROM audit_log WHERE action IN ('backup.create', 'backup.restore')"
        " AND json_extract(detail_json, '$.chain_head.entry') = ?"
        " AND json_extract(detail_json, '$.chain_head.hash') = ? LIMIT 1", [entry, entry_hash]).fetchone()
    return row is not None


def backup_chain_head(connection, backup_name: str) -> dict | None:
    """The chain head recorded in the `backup.create` entry of a backup (None: no entry, or one
    written before entries carried it). `connection`: a plain sqlite3 connection."""
    row = connection.execute("SELECT detail_json FROM audit_log WHERE action = 'backup.create' AND record_id = ?"
                             " ORDER BY id DESC LIMIT 1", [backup_name]).fetchone()
    if row is None:
        return None
    head = json.loads(row[0]).get("chain_head")
    return head if isinstance(head, dict) else None
