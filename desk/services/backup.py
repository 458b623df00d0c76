"""Backups (operations.md, "Data safety"): an online backup through SQLite's backup API into a
`backups` folder beside the database, the last 30 kept; restore keeps the current file aside
first; a damaged database is refused at start and the newest good backup offered."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from desk.core.errors import DeskError
from desk.services.context import Desk, Operator

KEEP = 30
PREFIX = "desk-backup-"


class BackupError(DeskError):
    """备份或恢复未能完成。"""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    size: int


def backups_dir(db_path: Path) -> Path:
    return Path(db_path).resolve().parent / "backups"


def list_backups(db_path: Path) -> list[BackupFile]:
    """Newest first."""
    folder = backups_dir(db_path)
    found = []
    for path in folder.glob(f"{PREFIX}*.db") if folder.exists() else ():
        try:
            taken = datetime.strptime(path.stem.removeprefix(PREFIX), "%Y%m%d-%H%M%S")
        except ValueError:
            continue
        found.append(BackupFile(path, taken, path.stat().st_size))
    return sorted(found, key=lambda item: item.taken_at, reverse=True)


def read_only_uri(path: Path | str) -> str:
    """An SQLite URI opening `path` read-only. The path is percent-encoded: a '#' or '%' in a folder
    name would otherwise cut or change it (and drop `mode=ro`, creating an empty database there).
    Drive paths become file:///C:/..., UNC paths file:////server/share/..."""
    return uri_of_posix_path(Path(path).absolute().as_posix()) + "?mode=ro"


def uri_of_posix_path(posix: str) -> str:
    return "file://" + ("" if posix.startswith("/") else "/") + quote(posix, safe="/:")


def file_is_sound(path: Path) -> bool:
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error:
        return False
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()


def _copy_online(source: sqlite3.Connection, target_path: Path) -> None:
    target = sqlite3.connect(str(target_path))
    try:
        source.backup(target, pages=4096)
        target.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
    finally:
        target.close()


def backup(desk: Desk, operator: Operator | None, *, reason: str = "manual") -> BackupFile:
    """An online backup (the app may keep working), checked after it is written; keeps the last 30."""
    if operator is not None:
        operator.require("admin.backup")
    if desk.path is None:
        raise BackupError("内存数据库不能备份。")
    folder = backups_dir(desk.path)
    folder.mkdir(parents=True, exist_ok=True)
    taken = desk.now().replace(microsecond=0)
    path = folder / f"{PREFIX}{taken:%Y%m%d-%H%M%S}.db"
    if path.exists():
        path = folder / f"{PREFIX}{taken:%Y%m%d-%H%M%S}-{len(list(folder.iterdir()))}.db"
    with desk.transaction():
        desk.audit(operator, "backup.create", "backup", path.name, {"reason": reason})
    _copy_online(desk.db.conn, path)
    if not file_is_sound(path):
        path.rename(path.with_suffix(".damaged"))
        raise BackupError(f"备份文件 {path.name} 写入后校验未通过，请检查磁盘空间后重试。")
    _prune(desk.path)
    return BackupFile(path, taken, path.stat().st_size)


def _prune(db_path: Path) -> None:
    for old in list_backups(db_path)[KEEP:]:
        old.path.unlink()


def daily_backup_due(desk: Desk) -> bool:
    """The first start of each day takes a backup."""
    newest = list_backups(desk.path)[:1] if desk.path else []
    return not newest or newest[0].taken_at.date() < desk.today()


def restore(db_path: Path, backup_file: Path, *, now: datetime | None = None) -> Path:
    """Replace the database with a backup; the current file is kept aside first. Returns that path."""
    db_path, backup_file = Path(db_path), Path(backup_file)
    if not backup_file.exists():
        raise BackupError(f"找不到备份文件 {backup_file}。")
    if not file_is_sound(backup_file):
        raise BackupError(f"备份文件 {backup_file.name} 已损坏，不能用来恢复，请选择另一个备份。")
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    aside = db_path.with_name(f"{db_path.stem}.before-restore-{stamp}{db_path.suffix}")
    if db_path.exists():
        _move_with_wal(db_path, aside)
    source = sqlite3.connect(read_only_uri(backup_file), uri=True)
    try:
        _copy_online(source, db_path)
    finally:
        source.close()
    return aside


def _move_with_wal(path: Path, aside: Path) -> None:
    """Keep the current file aside, its WAL and shared-memory files with it."""
    shutil.move(str(path), str(aside))
    for suffix in ("-wal", "-shm"):
        extra = Path(str(path) + suffix)
        if extra.exists():
            shutil.move(str(extra), str(aside) + suffix)


def newest_good_backup(db_path: Path) -> BackupFile | None:
    for candidate in list_backups(db_path):
        if file_is_sound(candidate.path):
            return candidate
    return None
