"""Issue 11, item 6: restore by an administrator, the file locked first, the kept-aside file never
overwritten, and voucher numbers never issued twice."""

import subprocess
import sys
from datetime import date

import pytest

from desk.services import backup, persons, vouchers
from desk.services import restore as restoring
from desk.services.context import Desk
from desk.vouchers.types import DOCUMENT_TYPES
from tests.conftest import make_id_number, person_form


def test_two_restores_in_the_same_second_keep_both_files_aside(desk, staff, clock):
    taken = backup.backup(desk, staff["admin"])
    path = desk.path
    desk.close()
    first = restoring.restore_database(path, taken.path, operator=staff["admin"], clock=clock)
    second = restoring.restore_database(path, taken.path, operator=staff["admin"], clock=clock)
    assert first.aside != second.aside and first.aside.exists() and second.aside.exists()
    reopened = Desk.open(path, clock=clock)
    restores = reopened.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'backup.restore'").fetchone()[0]
    reopened.close()
    assert restores == 1  # each restore starts from the backup, which had none


def test_a_clerk_cannot_restore(desk, staff, clock):
    from desk.core.errors import PermissionDenied

    taken = backup.backup(desk, staff["admin"])
    with pytest.raises(PermissionDenied):
        restoring.restore_database(desk.path, taken.path, operator=staff["clerk"], clock=clock)


def test_the_password_is_checked_against_the_backup(desk, staff):
    taken = backup.backup(desk, staff["admin"])
    with pytest.raises(backup.BackupError, match="用户名或密码不正确"):
        restoring.administrator_of_backup(taken.path, "admin", "wrong-one-1")
    with pytest.raises(backup.BackupError, match="不是管理员"):
        restoring.administrator_of_backup(taken.path, "clerk01", "Clerk2026")
    assert restoring.administrator_of_backup(taken.path, "admin", "Admin2026").username == "admin"


def test_an_open_database_refuses_the_restore_and_nothing_changes(desk, staff, clock):
    taken = backup.backup(desk, staff["admin"])
    persons.register_person(desk, staff["clerk"], person_form())  # the app is open on the file
    before = desk.path.read_bytes()
    files = sorted(p.name for p in desk.path.parent.iterdir())
    with pytest.raises(restoring.DatabaseInUse) as caught:
        restoring.restore_database(desk.path, taken.path, operator=staff["admin"], clock=clock)
    assert "desk" in caught.value.message and "关闭" in caught.value.message
    assert sorted(p.name for p in desk.path.parent.iterdir()) == files
    assert desk.path.read_bytes() == before


def test_another_process_holding_the_file_refuses_the_restore(desk, staff, clock):
    taken = backup.backup(desk, staff["admin"])
    path = desk.path
    desk.close()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT 1 FROM operators').fetchall();"
        "print('ready', flush=True); sys.stdin.read()"), str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(restoring.DatabaseInUse):
            restoring.restore_database(path, taken.path, operator=staff["admin"], clock=clock)
    finally:
        holder.stdin.close()
        holder.wait(10)
    restoring.restore_database(path, taken.path, operator=staff["admin"], clock=clock)


def _issue(desk, operator, index):
    record = persons.register_person(desk, operator, person_form(f"53290119900101{index:03d}", name=f"人{index}"))
    with desk.transaction():
        return vouchers.issue(desk, operator, doc_type=_doc_type(), record_type="person", record_id=record.id,
                              payload={"n": index}) if hasattr(vouchers, "issue") else None


def _doc_type():
    return next(iter(DOCUMENT_TYPES))


def test_voucher_numbers_continue_after_the_highest_ever_issued(desk, staff, clock):
    from desk.store import vouchers as voucher_store

    with desk.transaction():
        for _ in range(3):
            voucher_store.next_sequence(desk.db, "JS", clock().strftime("%Y%m%d"))
    taken = backup.backup(desk, staff["admin"])
    with desk.transaction():
        for _ in range(5):  # issued after the backup: numbers 4 to 8
            last = voucher_store.next_sequence(desk.db, "JS", clock().strftime("%Y%m%d"))
    assert last == 8
    path = desk.path
    desk.close()
    result = restoring.restore_database(path, taken.path, operator=staff["admin"], clock=clock)
    assert result.sequences_raised >= 1 and result.highest_read
    reopened = Desk.open(path, clock=clock)
    with reopened.transaction():
        assert voucher_store.next_sequence(reopened.db, "JS", clock().strftime("%Y%m%d")) == 9
    entry = reopened.db.execute("SELECT detail_json FROM audit_log WHERE action = 'backup.restore'").fetchone()[0]
    reopened.close()
    assert result.aside.name in entry


def test_a_restore_leaves_no_old_write_ahead_log_to_replay(desk, staff, clock):
    taken = backup.backup(desk, staff["admin"])
    persons.register_person(desk, staff["clerk"], person_form())
    path = desk.path
    desk.close()
    restoring.restore_database(path, taken.path, operator=staff["admin"], clock=clock)
    reopened = Desk.open(path, clock=clock)
    count = reopened.db.execute("SELECT COUNT(*) FROM persons").fetchone()[0]
    reopened.close()
    assert count == 0


def test_after_a_restore_the_chain_and_its_kept_head_agree(desk, staff, clock):
    """The head kept outside the file follows the restored chain (its backup.restore entry), so the
    restored database is sound, not reported as cut."""
    from desk.services.integrity import check_database

    taken = backup.backup(desk, staff["admin"])
    persons.register_person(desk, staff["clerk"], person_form())  # work after the backup: the chain grows
    path = desk.path
    desk.close()
    restoring.restore_database(path, taken.path, operator=staff["admin"], clock=clock)
    reopened = Desk.open(path, clock=clock)
    try:
        report = check_database(reopened)
        assert report.sound, report.as_json()
    finally:
        reopened.close()


def test_record_ids_continue_after_the_highest_ever_issued(desk, staff, clock):
    """A resident registered after the backup holds a paper with their 个人编号 (built from the id): after
    the restore, the next resident registered must not get the same number, nor any record its id."""
    from desk.services import enrolment
    from desk.store.ids import ID_TABLES, highest_ids

    first = persons.register_person(desk, staff["clerk"], person_form())
    taken = backup.backup(desk, staff["admin"])
    later = persons.register_person(desk, staff["clerk"], person_form(make_id_number("532901", date(1990, 1, 2), 12)))
    enrolment.enrol(desk, staff["clerk"], person_id=later.id, year=2026, paid_on=clock().date())
    lost = highest_ids(desk.db.conn)
    lost_number = later.personal_number
    path = desk.path
    desk.close()
    restoring.restore_database(path, taken.path, operator=staff["admin"], clock=clock)

    reopened = Desk.open(path, clock=clock)
    try:
        clerk = reopened_operator(reopened, staff["clerk"])
        again = persons.register_person(reopened, clerk, person_form(make_id_number("532901", date(1991, 3, 4), 34)))
        assert again.id > later.id and again.personal_number != lost_number
        result = enrolment.enrol(reopened, clerk, person_id=again.id, year=2026, paid_on=clock().date())
        now = highest_ids(reopened.db.conn)
        for table in ("persons", "person_versions", "enrolments", "vouchers"):
            assert reopened.db.execute(f"SELECT MAX(id) FROM {table}").fetchone()[0] > lost[table], table
        assert result.enrolment_id > lost["enrolments"]
        assert set(now) == set(ID_TABLES)
        entry = reopened.db.execute("SELECT detail_json FROM audit_log WHERE action = 'backup.restore'").fetchone()[0]
        assert '"persons":' in entry  # the restore's audit entry says where ids continue
        assert first.id < later.id
    finally:
        reopened.close()


def reopened_operator(desk, operator):
    from desk.services.operators import authenticate

    return authenticate(desk, username=operator.username, password="Clerk2026")


def test_a_paper_issued_after_the_backup_is_not_called_forged_after_the_restore(desk, staff, clock):
    from desk.services import enrolment

    taken = backup.backup(desk, staff["admin"])
    later = persons.register_person(desk, staff["clerk"], person_form())
    receipt = enrolment.enrol(desk, staff["clerk"], person_id=later.id, year=2026, paid_on=clock().date()).receipt
    path = desk.path
    desk.close()
    result = restoring.restore_database(path, taken.path, operator=staff["admin"], clock=clock)
    reopened = Desk.open(path, clock=clock)
    try:
        answer = vouchers.verify(reopened, receipt.number, receipt.code)
        assert not answer.genuine
        assert "已由本窗口出具" in answer.message and "不要当作伪造" in answer.message
        assert result.aside.name in answer.message
        never = vouchers.verify(reopened, receipt.number[:-4] + "9999", receipt.code)
        assert "不是本窗口出具" in never.message
    finally:
        reopened.close()
