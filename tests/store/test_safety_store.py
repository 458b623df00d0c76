"""The safety services' statements in the store: over plain connections (store/files.py), the
four-eyes queries (store/integrity.py), the audit browse (store/audit.py) and the operators."""

import sqlite3
from datetime import datetime, timedelta

import pytest
import sqlite_utils

from desk.services import backup, operators, persons
from desk.store import audit as audit_store
from desk.store import files
from desk.store import integrity as integrity_store
from desk.store import operators as operator_store
from tests.conftest import person_form


def test_a_backup_read_through_a_plain_read_only_connection(desk, staff, clock):
    taken = backup.backup(desk, staff["admin"])
    connection = files.open_read_only(taken.path)
    try:
        assert {"settings", "operators", "persons", "audit_log", "vouchers", "_sqlite_migrations"} <= files.table_names(connection)
        assert files.desk_migrations_recorded(connection) >= 3
        assert files.quick_check(connection) == "ok"
        assert files.application_id(connection) == 0x4445534B
        assert files.user_version(connection) == int((clock() - datetime(2020, 1, 1)).total_seconds())
        head = files.chain_head(connection)
        assert head == (backup.read_manifest(taken.path)["chain_head"]["entry"], backup.read_manifest(taken.path)["chain_head"]["hash"])
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            connection.execute("DELETE FROM settings")
    finally:
        connection.close()


def test_a_copy_without_a_stamp_keeps_no_desk_header(desk, tmp_path):
    target = files.open_file(tmp_path / "copy.db")
    try:
        files.copy_pages(desk.db.conn, target, None)
        assert target.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert files.application_id(target) == 0 and files.user_version(target) == 0
        assert files.chain_head(target) == audit_store.head(desk.db)
    finally:
        target.close()
    stamped = files.open_file(tmp_path / "stamped.db")
    try:
        files.copy_pages(desk.db.conn, stamped, 1234)
        assert (files.application_id(stamped), files.user_version(stamped)) == (files.APPLICATION_ID, 1234)
    finally:
        stamped.close()


def test_the_exclusive_lock_is_held_until_its_connection_closes(tmp_path):
    path = tmp_path / "locked.db"
    sqlite_utils.Database(path)["t"].insert({"x": 1})
    lock = files.open_for_lock(path, 0.1)
    files.hold_exclusively(lock)
    other = files.open_for_lock(path, 0.1)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            files.hold_exclusively(other)
        lock.close()
        files.hold_exclusively(other)  # once the first lets go
    finally:
        other.close()


def test_the_four_eyes_queries_name_only_the_rows_that_break_the_rule():
    db = sqlite_utils.Database(memory=True)
    db["filings"].insert_all([
        {"id": 1, "state": "已认定", "accepted_by": 2, "decided_by": 3},
        {"id": 2, "state": "不予认定", "accepted_by": 3, "decided_by": 3},
        {"id": 3, "state": "已受理", "accepted_by": 3, "decided_by": None},
    ], pk="id")
    db["settlements"].insert_all([
        {"id": 10, "entry": "settlement", "operator_id": 2, "reverses_id": None},
        {"id": 11, "entry": "reversal", "operator_id": 2, "reverses_id": 10},
        {"id": 12, "entry": "settlement", "operator_id": 2, "reverses_id": None},
        {"id": 13, "entry": "reversal", "operator_id": 3, "reverses_id": 12},
    ], pk="id")
    assert integrity_store.self_decided_filings(db) == [(2, "不予认定")]
    assert integrity_store.self_reversed_settlements(db) == [(11, 10)]


def test_the_migrations_triggers_include_the_append_only_audit_log():
    triggers = integrity_store.migration_triggers()
    assert "audit_log_no_delete" in triggers and "CREATE TRIGGER" in triggers["audit_log_no_delete"].upper()


def test_the_audit_browse_filters_orders_and_pages(desk, staff, clock):
    persons.register_person(desk, staff["clerk"], person_form())
    clock.moment += timedelta(days=1)
    operators.set_disabled(desk, staff["admin"], operator_id=staff["clerk"].id, disabled=True)
    assert audit_store.log_where() == ("", [])
    assert audit_store.log_where(since="2026-03-11", action_prefix="operator.%dis") == (
        " WHERE at >= ? AND action >= ? AND action < ?", ["2026-03-11", "operator.dis", "operator.dit"])
    oldest_first = audit_store.log_entries(desk.db, newest_first=False)
    assert [row["id"] for row in oldest_first] == list(range(1, len(oldest_first) + 1))
    assert list(oldest_first[0]) == list(audit_store.LOG_COLUMNS)
    page = audit_store.log_entries(desk.db, newest_first=True, limit=2, offset=1)
    assert [row["id"] for row in page] == [len(oldest_first) - 1, len(oldest_first) - 2]
    later = audit_store.log_entries(desk.db, newest_first=True, since="2026-03-11")
    assert [(row["action"], row["operator_name"]) for row in later] == [("operator.disable", "赵管理")]
    registered = audit_store.log_entries(desk.db, newest_first=True, before="2026-03-11", action_prefix="person.")
    assert [(row["action"], row["operator_name"]) for row in registered] == [("person.register", "李娜")]


def test_the_operator_action_filter_is_a_prefix_of_codes_and_nothing_more(desk, staff):
    """A range of codes (an index serves it), no LIKE: '_' is no wildcard, case counts, '%' is dropped."""
    persons.register_person(desk, staff["clerk"], person_form())
    actions = {row["action"] for row in audit_store.log_entries(desk.db, newest_first=True, action_prefix="person.")}
    assert actions == {"person.register"}
    for prefix in ("person_", "PERSON.", "person.registers"):
        assert audit_store.log_entries(desk.db, newest_first=True, action_prefix=prefix) == []
    assert len(audit_store.log_entries(desk.db, newest_first=True, action_prefix="%")) == len(
        audit_store.log_entries(desk.db, newest_first=True))


@pytest.mark.parametrize(("filters", "index"), [
    ({"operator_name": "李娜"}, "audit_log_operator_action_at"),
    ({"operator_name": "李娜", "action_prefix": "person."}, "audit_log_operator_action_at"),
    ({"operator_name": "李娜", "since": "2026-03-01", "before": "2026-04-01"}, "audit_log_operator_action_at"),
    ({"action_prefix": "settlement."}, "audit_log_action_at"),
    ({"action_prefix": "settlement.", "since": "2026-03-01", "before": "2026-04-01"}, "audit_log_action_at"),
    ({"since": "2026-03-01", "before": "2026-04-01"}, "audit_log_at"),
    ({"record_id": "12"}, "audit_log_record_id"),
])
def test_every_filter_of_the_audit_page_counts_and_pages_from_an_index_of_m010(desk, filters, index):
    """EXPLAIN QUERY PLAN of the statements the page runs (caught as SQLite runs them, parameters bound):
    its count and its page (entry numbers from the index, then 200 rows) read a covering index, never
    the whole log (issue 13: 160-240 ms at a million entries without these indexes)."""
    from desk.store import audit_queries

    where, params = audit_store.log_where(**filters)
    statements = []
    desk.db.conn.set_trace_callback(statements.append)
    try:
        audit_queries.count_entries(desk.db, where, params)
        audit_store.log_entries(desk.db, newest_first=True, limit=200, offset=0, **filters)
    finally:
        desk.db.conn.set_trace_callback(None)
    statements = [sql for sql in statements if "audit_log" in sql]
    assert len(statements) == 2
    for sql in statements:
        plan = " ".join(row[3] for row in desk.db.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert f"COVERING INDEX {index}" in plan and "SCAN audit_log" not in plan, (sql, plan)


def test_the_operator_queries(desk, staff):
    clerk = staff["clerk"]
    assert operator_store.count_active_admins(desk.db) == 1
    assert operator_store.standing(desk.db, clerk.id) == ("clerk", 0)
    assert operator_store.standing(desk.db, 999) is None
    operators.set_disabled(desk, staff["admin"], operator_id=clerk.id, disabled=True)
    assert operator_store.standing(desk.db, clerk.id) == ("clerk", 1)
    row = operator_store.operator_row(desk.db.conn, "clerk01")
    assert row[:5] == (clerk.id, "clerk01", "李娜", "clerk", 1) and row[5].startswith("scrypt$")
    assert operator_store.operator_row(desk.db.conn, "nobody") is None
    assert [row["username"] for row in operator_store.list_operators(desk.db)] == ["admin", "clerk01", "review01"]
    assert operator_store.operator_by_username(desk.db, "review01")["display_name"] == "杨慧"
    assert operator_store.operator_by_id(desk.db, 999) is None
