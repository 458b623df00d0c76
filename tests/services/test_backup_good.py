"""Issue 11, item 5: a backup counts only when it is whole, checked and renamed; its audit entry follows it."""

import sqlite3
import threading
import time
from datetime import timedelta

import pytest

from desk.services import backup
from desk.services import restore as restoring
from desk.services.context import Desk


def backup_entries(desk) -> int:
    return desk.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'backup.create'").fetchone()[0]


def test_an_empty_file_in_the_backups_folder_is_never_good(desk, staff, clock):
    folder = backup.backups_dir(desk.path)
    folder.mkdir()
    (folder / "desk-backup-20260310-093100.db").write_bytes(b"")  # a backup killed as it started
    assert backup.newest_good_backup(desk.path) is None
    with pytest.raises(backup.BackupError):
        restoring.restore(desk.path, folder / "desk-backup-20260310-093100.db")


def test_a_partial_or_foreign_file_is_never_good(desk, staff, tmp_path):
    taken = backup.backup(desk, staff["admin"])
    data = taken.path.read_bytes()
    half = taken.path.with_name("desk-backup-20260310-093200.db")
    half.write_bytes(data[: len(data) // 2])
    foreign = taken.path.with_name("desk-backup-20260310-093300.db")
    other = sqlite3.connect(foreign)
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    assert backup.backup_problem(half) and backup.backup_problem(foreign)
    assert backup.backup_problem(taken.path) is None
    assert backup.newest_good_backup(desk.path).path == taken.path


def test_a_renamed_old_backup_is_not_younger_than_it_is(desk, staff, clock):
    taken = backup.backup(desk, staff["admin"])
    later = taken.path.with_name("desk-backup-20260311-080000.db")
    later.write_bytes(taken.path.read_bytes())
    assert "时间" in backup.backup_problem(later)
    assert backup.newest_good_backup(desk.path).path == taken.path


def test_a_full_disk_gives_a_chinese_message_no_audit_and_no_file(desk, staff, monkeypatch):
    original = backup._open_target

    def small_disk(path):
        target = original(path)
        target.execute("PRAGMA max_page_count = 2")
        return target

    monkeypatch.setattr(backup, "_open_target", small_disk)
    before = backup_entries(desk)
    with pytest.raises(backup.BackupError) as caught:
        backup.backup(desk, staff["admin"])
    assert "磁盘" in caught.value.message and "空间" in caught.value.message
    assert "database or disk is full" not in caught.value.message
    assert backup_entries(desk) == before
    assert list(backup.backups_dir(desk.path).iterdir()) == []
    assert desk.db.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_the_audit_entry_follows_a_successful_copy_only(desk, staff, monkeypatch):
    def broken(path):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(backup, "_open_target", broken)
    with pytest.raises(backup.BackupError):
        backup.backup(desk, staff["admin"])
    assert backup_entries(desk) == 0
    monkeypatch.undo()
    taken = backup.backup(desk, staff["admin"])
    assert backup_entries(desk) == 1
    row = desk.db.execute("SELECT record_id FROM audit_log WHERE action = 'backup.create'").fetchone()
    assert row[0] == taken.path.name


def test_backups_in_the_same_second_get_their_own_names_and_are_listed(desk, staff):
    names = [backup.backup(desk, staff["admin"]).path.name for _ in range(3)]
    assert len(set(names)) == 3
    listed = [item.path.name for item in backup.list_backups(desk.path)]
    assert listed == list(reversed(names))  # newest first
    assert all(backup.backup_problem(item.path) is None for item in backup.list_backups(desk.path))


def test_retention_keeps_7_daily_4_weekly_12_monthly(desk, staff, clock):
    for _ in range(400):  # one backup a day for 400 days, and a second one on each day
        backup.backup(desk, None, reason="daily")
        backup.backup(desk, None, reason="daily")
        clock.moment += timedelta(days=1)
    kept = backup.list_backups(desk.path)
    days = sorted({item.taken_at.date() for item in kept}, reverse=True)
    newest = kept[0].taken_at.date()
    assert all((newest - day).days < 7 for day in days[:7])
    weeks = {item.taken_at.isocalendar()[:2] for item in kept}
    months = {(item.taken_at.year, item.taken_at.month) for item in kept}
    assert len(weeks) >= 4 and len(months) == 12
    assert len(kept) <= 3 + 7 + 4 + 12
    assert len(kept) >= 12 + 4  # at least one a month for a year, one a week for a month


def test_a_backup_finishes_while_the_counter_keeps_writing(desk, staff, tmp_path):
    """40 MB (10,000 pages) and a commit every few ms: a step-wise copy restarts on every write and never ends."""
    from desk.services import background as support

    desk.db.execute("CREATE TABLE filler (x BLOB)")
    desk.db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
                    " INSERT INTO filler SELECT randomblob(20000) FROM n")
    desk.db.conn.commit()
    stop, written, outcome = threading.Event(), [], {}

    def writer():
        other = Desk.open(desk.path, clock=desk.clock)
        while not stop.is_set():
            other.db.execute("INSERT INTO filler VALUES (randomblob(100))")
            other.db.conn.commit()
            written.append(time.perf_counter())
            time.sleep(0.003)
        other.close()

    def take():
        started = time.perf_counter()
        with support.separate_connection(desk) as own:
            outcome["taken"] = backup.backup(own, staff["admin"])
        outcome["seconds"] = time.perf_counter() - started
        outcome["during"] = [at for at in written if at >= started]

    thread = threading.Thread(target=writer)
    thread.start()
    while len(written) < 10:
        time.sleep(0.01)
    backing = threading.Thread(target=take, daemon=True)
    backing.start()
    backing.join(60)
    stop.set()
    thread.join()
    assert "taken" in outcome, "the backup did not finish within 60 s under writes"
    assert backup.backup_problem(outcome["taken"].path) is None
    assert outcome["taken"].size > 40_000_000


def test_many_backups_in_one_second_never_reuse_a_pruned_name(desk, staff):
    made = [backup.backup(desk, staff["admin"]) for _ in range(8)]
    assert len({item.path.name for item in made}) == 8
    listed = backup.list_backups(desk.path)
    assert listed[0].path == made[-1].path and made[-1].path.exists()
    assert [item.path for item in listed] == [item.path for item in reversed(made)][:len(listed)]


def test_each_backup_has_its_manifest_with_the_chain_head(desk, staff, clock):
    """Issue 11, item 2: the chain head in each backup's manifest (and in its audit entry)."""
    import json

    from desk.store.audit import head

    taken = backup.backup(desk, staff["admin"])
    manifest = json.loads(backup.manifest_path(taken.path).read_text(encoding="utf-8"))
    copy = sqlite3.connect(backup.read_only_uri(taken.path), uri=True)
    last = copy.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    copy.close()
    assert [manifest["chain_head"]["entry"], manifest["chain_head"]["hash"]] == list(last)
    assert manifest["file"] == taken.path.name and manifest["bytes"] == taken.size
    entry = json.loads(desk.db.execute("SELECT detail_json FROM audit_log WHERE action = 'backup.create'"
                                       " ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert entry["chain_head"] == manifest["chain_head"]
    assert head(desk.db)[0] == last[0] + 1  # the backup.create entry itself follows the copy


def test_a_backup_whose_chain_was_cut_after_it_was_taken_is_not_good(desk, staff, clock):
    from desk.services import persons
    from tests.conftest import person_form

    persons.register_person(desk, staff["clerk"], person_form())
    taken = backup.backup(desk, staff["admin"])
    assert backup.backup_problem(taken.path) is None
    edited = sqlite3.connect(taken.path)
    edited.execute("DROP TRIGGER audit_log_no_delete")
    edited.execute("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")  # the registration's entry
    edited.commit()
    edited.close()
    problem = backup.backup_problem(taken.path)
    assert problem and "清单不符" in problem
    with pytest.raises(backup.BackupError, match="清单不符"):
        restoring.restore(desk.path, taken.path)
    assert backup.newest_good_backup(desk.path) is None


def test_pruning_takes_the_manifest_with_its_backup(desk, staff, clock):
    for _ in range(20):  # a backup a day for 20 days: some pruned
        clock.moment += timedelta(days=1)
        backup.backup(desk, staff["admin"])
    folder = backup.backups_dir(desk.path)
    backups = {p.name for p in folder.glob("*.db")}
    manifests = {p.name.removesuffix(backup.MANIFEST) for p in folder.glob(f"*{backup.MANIFEST}")}
    assert backups == manifests and 3 < len(backups) < 20


def test_a_cut_backup_with_its_manifest_rewritten_to_match_is_refused_by_the_restore(desk, staff, clock):
    """The manifest is a plain file beside the backup; the live database's keyed entry of that backup is the anchor."""
    import json

    from desk.services import persons
    from tests.conftest import person_form

    persons.register_person(desk, staff["clerk"], person_form())
    taken = backup.backup(desk, staff["admin"])
    edited = sqlite3.connect(taken.path)
    edited.execute("DROP TRIGGER audit_log_no_delete")
    edited.execute("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
    edited.commit()
    entry, entry_hash = edited.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    edited.close()
    manifest = json.loads(backup.manifest_path(taken.path).read_text(encoding="utf-8"))
    manifest["chain_head"] = {"entry": entry, "hash": entry_hash}
    backup.manifest_path(taken.path).write_text(json.dumps(manifest), encoding="utf-8")
    assert backup.backup_problem(taken.path) is None  # the file and its manifest agree with each other
    path = desk.path
    desk.close()
    with pytest.raises(backup.BackupError, match="不符"):
        restoring.restore(path, taken.path)
    reopened = Desk.open(path)
    try:
        assert reopened.db.execute("SELECT COUNT(*) FROM persons").fetchone()[0] == 1
        assert not list(path.parent.glob("*before-restore*"))
    finally:
        reopened.close()


def test_a_cut_backup_renamed_without_its_manifest_is_refused_by_the_restore(desk, staff, clock):
    """Found by an attack: a copy of a backup under a newer name, its chain cut, its stamp set to match
    the new name, no manifest; the live database never recorded a backup ending there."""
    import shutil

    from desk.services import persons
    from tests.conftest import person_form

    persons.register_person(desk, staff["clerk"], person_form())
    taken = backup.backup(desk, staff["admin"])
    forged = taken.path.with_name("desk-backup-20260311-080000.db")
    shutil.copy(taken.path, forged)
    edited = sqlite3.connect(forged)
    edited.execute("DROP TRIGGER audit_log_no_delete")
    edited.execute("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
    edited.execute(f"PRAGMA user_version = {backup._stamp_of(backup.parse_name(forged.name)[0])}")
    edited.commit()
    edited.close()
    assert "没有清单" in backup.backup_problem(forged)
    backup._write_manifest(forged, forged, backup.parse_name(forged.name)[0], backup._chain_head(sqlite3.connect(forged)))
    assert backup.backup_problem(forged) is None  # a manifest made to match: the file alone looks good
    path = desk.path
    desk.close()
    with pytest.raises(backup.BackupError, match="任何一次备份都不符"):
        restoring.restore(path, forged)
    restoring.restore(path, taken.path)  # the genuine one restores, and once more again
    restoring.restore(path, taken.path)
