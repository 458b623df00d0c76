"""Issue 11, item 6: every table whose rows get ids is covered by the id floors, every insert of the
store takes its id from `new_id`, and floors only ever go up."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from desk.store import ids
from desk.store.db import connect

STORE = Path(ids.__file__).parent


def test_the_floors_cover_every_table_with_ids_but_the_audit_chain(tmp_path):
    db = connect(tmp_path / "desk.db")
    with_ids = {table for table in db.table_names()
                if any(column.name == "id" and column.is_pk for column in db[table].columns)}
    assert set(ids.ID_TABLES) == with_ids - {"audit_log", "_sqlite_migrations"}


@pytest.mark.parametrize("table", ids.ID_TABLES)
def test_every_insert_takes_its_id_from_the_floors(table):
    source = "\n".join(path.read_text(encoding="utf-8") for path in STORE.glob("*.py") if path.name != "migrations.py")
    inserts = re.findall(rf'INSERT INTO {table} \(([^)]*)\)|db\["{table}"\]\.insert\(\{{\s*"(id)"', source)
    assert inserts, f"no insert into {table} in desk/store"
    assert f'new_id(db, "{table}")' in source
    for columns, keyed in inserts:  # a literal column list starts with id (f-string lists: checked by new_id above)
        assert keyed or columns.startswith("{") or columns.split(",")[0].strip() == "id", (table, columns)
    outside = [path for path in Path(ids.__file__).parents[1].rglob("*.py")
               if "store" not in path.parts and re.search(rf"INSERT INTO {table}\b", path.read_text(encoding="utf-8"))]
    assert not outside, outside


def test_floors_are_only_raised_and_never_deleted(tmp_path):
    db = connect(tmp_path / "desk.db")
    with db.conn:
        assert ids.raise_floors(db.conn, {"persons": 10}) == {"persons": 10}
    assert ids.new_id(db, "persons") == 11
    with pytest.raises(sqlite3.IntegrityError, match="only ever raised"):
        db.execute("UPDATE id_floors SET floor = 3 WHERE table_name = 'persons'")
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        db.execute("DELETE FROM id_floors")
    assert ids.raise_floors(db.conn, {"persons": 5}) == {}
    assert ids.new_id(db, "enrolments") is None
