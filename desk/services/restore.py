"""Restoring a backup (issue 11, item 6; operations.md, "Data safety").

* By an administrator only: `administrator_of_backup` checks a password against the backup's own
  operators without writing anything (the current file may be damaged); the command line logs in
  on the current file when it opens.
* The database is locked exclusively first: a running app or any other open connection refuses the
  restore with a Chinese message, and nothing changes.
* The current file is copied aside as `NAME.before-restore-YYYYMMDD-HHMMSS[-N].db`, a name created
  exclusively, so it is never reused (two restores in the same second keep both files).
* The backup is written beside the database under a temporary name, voucher sequences raised to the
  highest number ever issued in the kept-aside file (no voucher number is ever issued twice), the
  restore audited (`backup.restore`) in it, fsynced, then renamed over the database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desk.services import faults
from desk.services.backup import BackupError, backup_problem, copy_online, fault_error, fsync_file, fsync_folder
from desk.services.context import Desk, Operator
from desk.store import audit as audit_store
from desk.store import files, ids, sequences
from desk.store import operators as operators_store
from desk.store import settings as settings_store

LOCK_WAIT_SECONDS = 1.0


class DatabaseInUse(BackupError):
    """数据库正被其他程序使用（例如正在运行的 desk），不能恢复。请关闭所有 desk 窗口和使用该文件的程序后重试。"""

    code = "in_use"


@dataclass(frozen=True)
class RestoreResult:
    restored: Path
    aside: Path | None
    sequences_raised: int
    highest_read: bool  # the kept-aside file's numbers could be read


def administrator_of_backup(backup_file: Path, username: str, password: str) -> Operator:
    """The administrator `username` as the backup knows them, if `password` is theirs (read-only check)."""
    from desk.services.operators import password_matches

    connection = files.open_read_only(backup_file)
    try:
        row = operators_store.operator_row(connection, (username or "").strip())
    except sqlite3.DatabaseError:
        row = None
    finally:
        connection.close()
    if row is None or row[4] or not password_matches(password or "", row[5]):
        raise BackupError("用户名或密码不正确，或该账户不是有效的管理员账户；数据库没有改动。")
    operator = Operator(row[0], row[1], row[2], row[3])
    if not operator.can("admin.backup"):
        raise BackupError(f"{operator.role_name}{operator.display_name}不是管理员，不能恢复数据库；数据库没有改动。")
    return operator


def restore_database(db_path: Path, backup_file: Path, *, operator: Operator | None, clock=None) -> RestoreResult:
    """Replace the database with a good backup (see the module docstring); nothing changes on a refusal."""
    clock = clock or datetime.now
    if operator is not None:
        operator.require("admin.backup")
    problem = backup_problem(backup_file)
    if problem:
        raise BackupError(f"{problem}不能用来恢复，请选择另一个备份。")
    lock = _lock_exclusively(db_path)
    try:
        _check_against_its_audit_entry(lock, backup_file)
        highest = _read_highest(lock, sequences.highest_issued)
        highest_ids = _read_highest(lock, ids.highest_ids)
        aside = _keep_aside(db_path, lock, clock())
        temporary = _write_restored(db_path, backup_file, highest or {}, highest_ids or {}, operator, clock, aside)
        _replace(db_path, temporary, lock, aside)
        lock = None
    finally:
        if lock is not None:
            lock.close()
    return RestoreResult(db_path, aside, len(highest or {}), highest is not None)


def _lock_exclusively(db_path: Path) -> sqlite3.Connection | None:
    """An exclusive lock on the current file, held until it is replaced; None when there is no file."""
    if not db_path.exists():
        return None
    connection = files.open_for_lock(db_path, LOCK_WAIT_SECONDS)
    try:
        files.hold_exclusively(connection)  # held until the connection closes
    except sqlite3.Error as error:
        connection.close()
        kind = faults.kind_of(error)
        if kind == faults.LOCKED:
            raise DatabaseInUse() from None
        if kind == faults.CORRUPT:
            return None  # a damaged file is not locked by SQLite; it is copied aside as it is
        raise fault_error(error, "恢复") from None
    return connection


def _read_highest(lock: sqlite3.Connection | None, reader) -> dict | None:
    """What the current file says was issued (voucher sequences, record ids); None when it cannot tell."""
    if lock is None:
        return None
    try:
        return reader(lock)
    except sqlite3.DatabaseError:
        return None


def _check_against_its_audit_entry(lock: sqlite3.Connection | None, backup_file: Path) -> None:
    """The backup's chain must still end where the live database's keyed audit entry of that backup
    says it did (a manifest beside the file can be rewritten with it; the live chain cannot)."""
    if lock is None:
        return
    copy = files.open_read_only(backup_file)
    try:
        found = audit_store.head(files.database_over(copy))
        its_installation = settings_store.get_setting(files.database_over(copy), "installation_id")
        recorded = audit_store.backup_chain_head(lock, backup_file.name)
        ours = settings_store.get_setting(files.database_over(lock), "installation_id")
        same_database = its_installation is not None and its_installation == ours
        known = audit_store.backup_with_head(lock, *found) if same_database else True
    except (sqlite3.DatabaseError, ValueError):
        return
    finally:
        copy.close()
    if not known:  # a backup of this very database, renamed or cut: no backup.create entry ever ended there
        raise BackupError(f"备份文件 {backup_file.name} 的审计链（止于第{found[0]}条）与本数据库审计日志中记录的任何一次备份都不符："
                          "它不是本数据库备份功能写成的原样备份（可能被截去、改写或改名），不能用来恢复。数据库没有改动。")
    if recorded is None:
        return
    if list(found) != [recorded.get("entry"), recorded.get("hash")]:
        raise BackupError(f"备份文件 {backup_file.name} 的审计链与数据库中该备份的审计记录不符（备份时为第{recorded.get('entry')}条）："
                          "备份在写成之后被截去或改写过，不能用来恢复。数据库没有改动。")


def _aside_name(db_path: Path, moment: datetime) -> Path:
    """A name created exclusively: two restores in the same second never share one."""
    base = f"{db_path.stem}.before-restore-{moment:%Y%m%d-%H%M%S}"
    for serial in range(100_000):
        aside = db_path.with_name(f"{base}{'' if serial == 0 else f'-{serial + 1}'}{db_path.suffix}")
        try:
            os.close(os.open(str(aside), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            continue
        return aside
    raise BackupError("同一秒内的恢复过多，请稍后再试。")


def _keep_aside(db_path: Path, lock: sqlite3.Connection | None, moment: datetime) -> Path | None:
    if not db_path.exists():
        return None
    aside = _aside_name(db_path, moment)
    try:
        _copy_raw(db_path, aside)  # byte for byte (its write-ahead log beside it): held still by the lock
        fsync_file(aside)
    except OSError as raw_error:
        if lock is None:  # Windows refuses to read the locked byte range of a file over 1 GB: copy through SQLite
            raise fault_error(raw_error, "恢复") from None
        try:
            copy_online(lock, aside, None)
            fsync_file(aside)
        except (sqlite3.Error, OSError) as error:
            raise fault_error(error, "恢复") from None
    return aside


def _copy_raw(db_path: Path, aside: Path) -> None:
    shutil.copyfile(db_path, aside)
    for suffix in ("-wal",):
        extra = Path(f"{db_path}{suffix}")
        if extra.exists():
            shutil.copyfile(extra, f"{aside}{suffix}")


def _write_restored(db_path: Path, backup_file: Path, highest: dict, highest_ids: dict, operator: Operator | None,
                    clock, aside: Path | None) -> Path:
    temporary = db_path.with_name(f"{db_path.name}.restoring-{os.getpid()}")
    _remove(temporary)
    try:
        source = files.open_read_only(backup_file)
        try:
            copy_online(source, temporary, None)
        finally:
            source.close()
        _continue_and_audit(temporary, db_path, highest, highest_ids, operator, clock, backup_file, aside)
        fsync_file(temporary)
    except (sqlite3.Error, OSError) as error:
        _remove(temporary)
        raise fault_error(error, "恢复") from None
    except BaseException:
        _remove(temporary)
        raise
    return temporary


def _desk_on(path: Path, db_path: Path, clock) -> Desk:
    """The restored file under its temporary name, known as the database it becomes (its keys are found by that name)."""
    from desk.core.packs import PackRegistry
    from desk.resources import resource_path
    from desk.store.db import connect

    db = connect(path)
    desk = Desk(db=db, packs=PackRegistry.load_directory(resource_path("policies")), path=db_path, clock=clock)
    ensure = getattr(desk, "_ensure_installation", None)
    if ensure is not None:
        ensure()
    return desk


def _continue_and_audit(path: Path, db_path: Path, highest: dict, highest_ids: dict, operator: Operator | None, clock,
                        backup_file: Path, aside: Path | None) -> None:
    desk = _desk_on(path, db_path, clock)
    try:
        actor = _same_operator(desk, operator)
        restored_entry, restored_hash = audit_store.head(desk.db)
        with desk.transaction():
            raised = sequences.raise_sequences(desk.db.conn, highest)
            floors = ids.raise_floors(desk.db.conn, highest_ids)
            desk.audit(actor, "backup.restore", "backup", backup_file.name, {
                "from": backup_file.name, "previous_file_kept_at": aside.name if aside else None,
                "sequences_raised": raised, "ids_continue_after": floors,
                "chain_head": {"entry": restored_entry, "hash": restored_hash},
                "by": operator.username if operator else None})
        files.checkpoint(desk.db)
    finally:
        desk.close()


def _same_operator(desk: Desk, operator: Operator | None) -> Operator | None:
    """The restoring administrator as the restored file knows them (None if created after the backup)."""
    if operator is None:
        return None
    row = operators_store.operator_row(desk.db.conn, operator.username)
    return Operator(row[0], row[1], row[2], row[3]) if row else None


def _replace(db_path: Path, temporary: Path, lock: sqlite3.Connection | None, aside: Path | None) -> None:
    """The old file's write-ahead log is folded in (still locked) or kept aside, never left to be replayed
    into the restored file. Windows cannot rename over an open file, so the lock is let go just before."""
    for suffix in ("-wal", "-shm"):
        _remove(Path(f"{temporary}{suffix}"))
    if lock is not None:
        try:
            files.leave_wal(lock)  # checkpoints and removes the old WAL, lock kept
        except sqlite3.Error:
            pass
        if os.name == "nt":
            lock.close()
            lock = None
    old_wal = Path(f"{db_path}-wal")
    if old_wal.exists():
        os.replace(old_wal, f"{aside or db_path}.wal-{os.getpid()}-{id(old_wal)}")
    _remove(Path(f"{db_path}-shm"))
    os.replace(temporary, db_path)
    if lock is not None:
        lock.close()
    fsync_folder(db_path.parent)


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def restore(db_path: Path, backup_file: Path, *, now: datetime | None = None,
            operator: Operator | None = None, clock=None) -> Path:
    """Replace the database with a good backup; the current file is kept aside first. Returns that path."""
    return restore_database(Path(db_path), Path(backup_file), operator=operator,
                            clock=clock or (lambda: now or datetime.now())).aside
