import sqlite3
from datetime import date

import pytest

from desk.services import enrolment, persons
from desk.services.integrity import check_database
from desk.store.db import connect
from desk.store.migrations import migrations
from tests.conftest import person_form


def test_connection_settings(tmp_path):
    db = connect(tmp_path / "x.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_migrations_are_named_recorded_and_applied_once(tmp_path):
    path = tmp_path / "x.db"
    connect(path).conn.close()
    db = connect(path)
    applied = [m.name for m in migrations.applied(db)]
    assert applied[0] == "m001_initial_schema" and applied == [m.name for m in migrations._migrations]
    assert migrations.pending(db) == [] and len(applied) == len(set(applied)) >= 3


def test_money_is_integer_fen(desk, clerk):
    record = persons.register_person(desk, clerk, person_form())
    enrolment.enrol(desk, clerk, person_id=record.id, year=2026, paid_on=date(2026, 3, 10))
    kinds = desk.db.execute("SELECT typeof(individual_fen), typeof(payable_fen) FROM enrolments").fetchone()
    assert kinds == ("integer", "integer")


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM persons",
        "DELETE FROM enrolments",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET action = 'x'",
        "UPDATE vouchers SET payload_json = '{}'",
        "DELETE FROM vouchers",
        "UPDATE person_versions SET data_json = '{}'",
        "UPDATE enrolments SET payable_fen = 0",
    ],
)
def test_records_are_never_deleted_or_overwritten(desk, clerk, sql):
    record = persons.register_person(desk, clerk, person_form())
    enrolment.enrol(desk, clerk, person_id=record.id, year=2026, paid_on=date(2026, 3, 10))
    with pytest.raises(sqlite3.IntegrityError):
        desk.db.execute(sql)


def _tamper(desk, sql):
    desk.db.execute("DROP TRIGGER audit_log_no_update")
    desk.db.execute("DROP TRIGGER audit_log_no_delete")
    desk.db.execute(sql)
    desk.db.conn.commit()


@pytest.fixture
def busy_desk(desk, clerk):
    for index, name in enumerate(("杨一", "杨二", "杨三")):
        form = person_form(f"53292319850601{450 + index:03d}", name=name)
        from desk.core.idnumber import check_character

        form["id_number"] = form["id_number"][:17] + check_character(form["id_number"][:17])
        persons.register_person(desk, clerk, form)
    assert check_database(desk).sound
    return desk


@pytest.mark.parametrize(
    "sql, entry, words",
    [
        ("UPDATE audit_log SET detail_json = '{}' WHERE id = 4", 4, "内容"),
        ("DELETE FROM audit_log WHERE id = 5", 6, "缺失"),
        ("UPDATE audit_log SET id = -1 WHERE id = 4; UPDATE audit_log SET id = 4 WHERE id = 5; UPDATE audit_log SET id = 5 WHERE id = -1", 4, "哈希"),
    ],
)
def test_desk_check_names_the_first_broken_audit_entry(busy_desk, sql, entry, words):
    for statement in sql.split("; "):
        _tamper(busy_desk, statement) if statement == sql.split("; ")[0] else busy_desk.db.execute(statement)
    busy_desk.db.conn.commit()
    report = check_database(busy_desk)
    assert not report.sound
    assert report.first_break.entry_id == entry and words in report.first_break.problem


def test_every_migration_function_is_registered_in_order():
    """A migration written without its @migrations() line is never applied (a merge once dropped m010's)."""
    import re

    from desk.store import migrations as module

    defined = sorted(name for name in vars(module) if re.fullmatch(r"m\d{3}_\w+", name))
    registered = [migration.name for migration in module.migrations._migrations]
    assert registered == defined and registered[-1] == defined[-1]
    assert [int(name[1:4]) for name in registered] == list(range(1, len(registered) + 1))
