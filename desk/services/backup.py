"""Backups (operations.md, "Data safety"; issue 11, items 5 and 6).

Taking a backup: SQLite's online backup in one step (`Connection.backup`, pages=-1: one read
transaction, so writers at the counter never restart it) into `NAME.db.partial` in the
`backups` folder beside the database, stamped (application id, taken-at in the header), fsynced,
checked (size against header, desk schema and stamp, chain head against its manifest; SQLite's
quick_check of the whole copy is left to every use of the backup, since the copy was just read
back from the cache and checking it doubled the time of a backup), then renamed to
`desk-backup-YYYYMMDD-HHMMSS[-N].db` and only then audited (`backup.create`). A failure leaves no file
and no audit entry, and is a Chinese BackupError.

A file counts as a good backup only if it opens read-only, is a desk database (its tables and
migrations), passes `PRAGMA quick_check`, and its stamp matches the time in its name (an old
backup copied under a newer name is refused). Start-up and restore use nothing else.

Each backup has its manifest beside it (`NAME.db.manifest.json`, written and fsynced before the
backup takes its name): when it was taken, its size and the audit chain's head in it (entry number
and keyed hash); the head is also in the `backup.create` audit entry of the live database. A backup
whose chain no longer ends at its manifest's head (entries cut off or rewritten in the file after
it was taken), or that has no manifest, is not a good backup. A restore onto this very database
(same installation id) also needs some `backup.create` entry of the live chain to have recorded
the backup's head: a backup renamed, or cut with its manifest rewritten, is refused.

Kept (docs/rules.md, "Backups kept"): the 3 newest, the newest of each of the last 7 days, of
each of the last 4 ISO weeks and of each of the last 12 months that have a backup.

Restore (`restore`): by an administrator; the database locked exclusively first (a running app or
any other connection refuses it), the current file copied aside under a name never reused, the
backup written beside it and renamed over it, voucher sequence numbers raised to the highest
ever issued in the kept-aside file, audited `backup.restore` in the restored file.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from desk.core.errors import DeskError
from desk.services import faults
from desk.services.context import Desk, Operator
from desk.store import files
from desk.store.db import read_only_uri, uri_of_posix_path  # noqa: F401 - used by the tests
from desk.store.files import APPLICATION_ID

PREFIX = "desk-backup-"
PARTIAL = ".partial"
KEEP_NEWEST, KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 3, 7, 4, 12
STAMP_EPOCH = datetime(2020, 1, 1)
_NAME = re.compile(r"^desk-backup-(\d{8}-\d{6})(?:-(\d{1,6}))?\.db$")
_DESK_TABLES = ("settings", "operators", "persons", "audit_log", "vouchers", "voucher_sequences", "_sqlite_migrations")
STALE_PARTIAL = timedelta(minutes=30)
MANIFEST = ".manifest.json"
MANIFEST_FORMAT = "desk-backup-manifest-1"


class BackupError(DeskError):
    """备份或恢复未能完成。"""

    code = "backup"


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    size: int
    serial: int = 0  # 0, then 2, 3, ... for more backups in the same second


def backups_dir(db_path: Path) -> Path:
    return Path(db_path).resolve().parent / "backups"


def parse_name(name: str) -> tuple[datetime, int] | None:
    match = _NAME.match(name)
    if not match:
        return None
    try:
        return datetime.strptime(match.group(1), "%Y%m%d-%H%M%S"), int(match.group(2) or 0)
    except ValueError:
        return None


def list_backups(db_path: Path) -> list[BackupFile]:
    """Every file named like a backup, newest first (same-second backups by their serial)."""
    folder = backups_dir(db_path)
    found = []
    for path in folder.glob(f"{PREFIX}*.db") if folder.exists() else ():
        parsed = parse_name(path.name)
        if parsed is None:
            continue
        try:
            size = path.stat().st_size
        except OSError:
            continue
        found.append(BackupFile(path, parsed[0], size, parsed[1]))
    return sorted(found, key=lambda item: (item.taken_at, item.serial), reverse=True)


def _stamp_of(moment: datetime) -> int:
    return int((moment - STAMP_EPOCH).total_seconds())


# ---------------------------------------------------------------- is it a good backup?


def backup_problem(path: Path, *, claimed: datetime | None = None, deep: bool = True) -> str | None:
    """Why `path` is not a good backup (a Chinese sentence), or None when it is one. `deep=False`
    (the backup just written) leaves out SQLite's quick_check of the whole file: the copy is the
    source's pages as SQLite's backup wrote them, read back from the cache; every use of a backup
    (restore, the start-up offer) runs the deep check."""
    path = Path(path)
    if claimed is None:
        parsed = parse_name(path.name.removesuffix(PARTIAL))
        claimed = parsed[0] if parsed else None
    try:
        size = path.stat().st_size
    except OSError:
        return f"找不到备份文件 {path}。"
    if size < 512:
        return f"备份文件 {path.name} 是空的或不完整（{size} 字节）。"
    cheap = header_problem(path, claimed)
    if cheap:
        return cheap
    try:
        connection = files.open_read_only(path)
    except sqlite3.Error:
        return f"备份文件 {path.name} 无法打开。"
    try:
        return _content_problem(connection, path.name, claimed, deep) or _manifest_problem(connection, path)
    except sqlite3.DatabaseError as error:
        return f"备份文件 {path.name} 已损坏（{error}）。"
    finally:
        connection.close()


def _content_problem(connection: sqlite3.Connection, name: str, claimed: datetime | None, deep: bool = True
                     ) -> str | None:
    tables = files.table_names(connection)
    missing = [table for table in _DESK_TABLES if table not in tables]
    if missing:
        return f"文件 {name} 不是 desk 的数据库备份（缺少 {'、'.join(missing)}）。"
    if not files.desk_migrations_recorded(connection):
        return f"文件 {name} 不是 desk 的数据库备份（没有数据库版本记录）。"
    from desk.store.migrations import newer_migrations

    newer = newer_migrations(files.database_over(connection))
    if newer:
        return f"备份文件 {name} 由较新版本的 desk 写成（含本版没有的迁移 {newer[0]}），请用那个版本恢复。"
    if deep and files.quick_check(connection) != "ok":
        return f"备份文件 {name} 已损坏，未通过完整性检查。"
    if files.application_id(connection) != APPLICATION_ID:
        return f"文件 {name} 不是由 desk 备份功能写成的备份。"
    if claimed is not None and files.user_version(connection) != _stamp_of(claimed):
        return f"备份文件 {name} 的内容时间与文件名不符（可能是旧备份改了名字），不能使用。"
    return None


def manifest_path(path: Path) -> Path:
    path = Path(path)
    return path.with_name(path.name.removesuffix(PARTIAL) + MANIFEST)


def read_manifest(path: Path) -> dict | None:
    """The manifest beside a backup, None when there is none (a backup older than manifests)."""
    try:
        data = json.loads(manifest_path(path).read_text(encoding="utf-8")[:16384])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError):
        return {"format": "unreadable"}
    return data if isinstance(data, dict) else {"format": "unreadable"}


def _chain_head(connection: sqlite3.Connection) -> tuple[int, str]:
    return files.chain_head(connection)


def _manifest_problem(connection: sqlite3.Connection, path: Path) -> str | None:
    manifest = read_manifest(path)
    if manifest is None:
        return f"备份文件 {path.name} 没有清单（{path.name}{MANIFEST}），无法确认备份内容完整，不能使用。"
    head = manifest.get("chain_head") if manifest.get("format") == MANIFEST_FORMAT else None
    if not isinstance(head, dict):
        return f"备份文件 {path.name} 的清单无法读取，无法确认备份内容完整。"
    if list(_chain_head(connection)) != [head.get("entry"), head.get("hash")]:
        return (f"备份文件 {path.name} 的审计链与它的清单不符（第{head.get('entry')}条）：备份在写成之后被截去或改写过，"
                "不能使用。")
    return None


def header_problem(path: Path, claimed: datetime | None) -> str | None:
    """The cheap part of the check, from the file's first 100 bytes: an SQLite file of exactly the size its
    header states (a cut-off copy is shorter), with the desk stamp of the time in its name."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
        size = Path(path).stat().st_size
    except OSError:
        return f"备份文件 {Path(path).name} 无法读取。"
    if len(header) < 100 or not header.startswith(b"SQLite format 3\0"):
        return f"备份文件 {Path(path).name} 是空的、不完整或不是数据库文件。"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size * int.from_bytes(header[28:32], "big") != size:
        return f"备份文件 {Path(path).name} 不完整（大小与文件头不符）。"
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        return f"文件 {Path(path).name} 不是由 desk 备份功能写成的备份。"
    if claimed is not None and int.from_bytes(header[60:64], "big", signed=True) != _stamp_of(claimed):
        return f"备份文件 {Path(path).name} 的内容时间与文件名不符（可能是旧备份改了名字），不能使用。"
    return None


def file_is_sound(path: Path) -> bool:
    return backup_problem(path) is None


def newest_good_backup(db_path: Path) -> BackupFile | None:
    for candidate in list_backups(db_path):
        if backup_problem(candidate.path) is None:
            return candidate
    return None


# ---------------------------------------------------------------- taking a backup


def _open_target(path: Path) -> sqlite3.Connection:
    return files.open_file(path)


def copy_online(source: sqlite3.Connection, target_path: Path, stamp: int | None) -> None:
    """One backup step over all pages: a single read transaction, not restarted by writers."""
    target = _open_target(target_path)
    try:
        files.copy_pages(source, target, stamp)
    finally:
        target.close()


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def fsync_folder(folder: Path) -> None:
    if os.name == "nt":
        return  # NTFS: a rename is made durable with the file; directories cannot be opened for fsync
    descriptor = os.open(str(folder), os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _reserve(folder: Path, taken: datetime) -> tuple[Path, Path]:
    """The final name and its partial file, created exclusively: after every name of that second ever seen
    in the folder (a pruned one is not reused, so the newest backup always sorts first)."""
    base = f"{PREFIX}{taken:%Y%m%d-%H%M%S}"
    serials = [parse_name(path.name.removesuffix(PARTIAL)) for path in folder.glob(f"{base}*.db*")]
    first = max((found[1] for found in serials if found and found[0] == taken), default=-1) + 1
    for serial in range(first, first + 1000):
        if serial == 1:
            continue
        final = folder / (f"{base}.db" if serial == 0 else f"{base}-{serial}.db")
        partial = final.with_name(final.name + PARTIAL)
        if final.exists():
            continue
        try:
            os.close(os.open(str(partial), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            continue
        return final, partial
    raise BackupError("同一秒内的备份过多，请稍后再试。")


def _remove_partial(partial: Path) -> None:
    manifest = manifest_path(partial)
    for leftover in (partial, Path(f"{partial}-journal"), manifest, manifest.with_name(manifest.name + PARTIAL)):
        leftover.unlink(missing_ok=True)


def _remove_stale_partials(folder: Path, now: datetime) -> None:
    """Partial files of backups killed half-way: never a backup, removed once surely abandoned."""
    for partial in folder.glob(f"{PREFIX}*{PARTIAL}*"):
        try:
            if datetime.fromtimestamp(partial.stat().st_mtime) < now - STALE_PARTIAL:
                partial.unlink()
        except OSError:
            pass


def fault_error(error: BaseException, doing: str) -> BackupError:
    fault = faults.classify(error)
    if fault.kind == faults.OTHER:
        return BackupError(f"{doing}没有完成：{error}。请重试；如仍不成功，请联系技术支持。")
    next_step = fault.next_step.split("数据库没有损坏")[0]
    return BackupError(f"{doing}没有完成：{fault.message}{next_step}")


def backup(desk: Desk, operator: Operator | None, *, reason: str = "manual") -> BackupFile:
    """An online backup (the counter may keep working); counted and audited only once it is whole and checked."""
    if operator is not None:
        operator.require("admin.backup")
    if desk.path is None:
        raise BackupError("内存数据库不能备份。")
    folder = backups_dir(desk.path)
    taken = desk.now().replace(microsecond=0)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_partials(folder, datetime.now())
        final, partial = _reserve(folder, taken)
    except OSError as error:
        raise fault_error(error, "备份") from None
    try:
        head = _write_checked(desk, partial, final, taken)
    except (sqlite3.Error, OSError) as error:
        _remove_partial(partial)
        raise fault_error(error, "备份") from None
    except BaseException:
        _remove_partial(partial)
        raise
    with desk.transaction():
        desk.audit(operator, "backup.create", "backup", final.name, {
            "reason": reason, "bytes": final.stat().st_size, "chain_head": {"entry": head[0], "hash": head[1]}})
    prune(desk.path)
    parsed = parse_name(final.name)
    return BackupFile(final, taken, final.stat().st_size, parsed[1])


def _write_checked(desk: Desk, partial: Path, final: Path, taken: datetime) -> tuple[int, str]:
    """The copy, fsynced, its manifest written, the copy checked against it, then renamed; its chain head."""
    copy_online(desk.db.conn, partial, _stamp_of(taken))
    fsync_file(partial)
    connection = files.open_read_only(partial)
    try:
        head = _chain_head(connection)
    finally:
        connection.close()
    _write_manifest(partial, final, taken, head)
    problem = backup_problem(partial, claimed=taken, deep=False)
    if problem:
        raise BackupError(f"备份写入后校验未通过：{problem}请检查磁盘后重试。")
    if final.exists():
        raise BackupError(f"备份文件 {final.name} 已存在，请重试。")
    os.rename(partial, final)
    fsync_folder(final.parent)
    return head


def _write_manifest(partial: Path, final: Path, taken: datetime, head: tuple[int, str]) -> None:
    target = manifest_path(final)
    temporary = target.with_name(target.name + PARTIAL)
    data = {"format": MANIFEST_FORMAT, "file": final.name, "taken_at": taken.isoformat(),
            "bytes": partial.stat().st_size, "chain_head": {"entry": head[0], "hash": head[1]}}
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)


def kept(backups: list[BackupFile]) -> set[Path]:
    """The 3 newest, and the newest of each of the last 7 days, 4 ISO weeks and 12 months with a backup."""
    keep = {item.path for item in backups[:KEEP_NEWEST]}
    for count, period in ((KEEP_DAILY, lambda moment: moment.date()),
                          (KEEP_WEEKLY, lambda moment: moment.isocalendar()[:2]),
                          (KEEP_MONTHLY, lambda moment: (moment.year, moment.month))):
        seen: list = []
        for item in backups:  # newest first: the first of each period is its newest
            key = period(item.taken_at)
            if key not in seen:
                if len(seen) == count:
                    break
                seen.append(key)
                keep.add(item.path)
    return keep


def prune(db_path: Path) -> None:
    backups = list_backups(db_path)
    keep = kept(backups)
    for old in backups:
        if old.path not in keep:
            try:
                old.path.unlink()
                manifest_path(old.path).unlink(missing_ok=True)
            except OSError:
                pass  # pruned at the next backup
    for orphan in backups_dir(db_path).glob(f"{PREFIX}*{MANIFEST}"):  # of a backup killed before its rename
        backup_file = orphan.with_name(orphan.name.removesuffix(MANIFEST))
        if not backup_file.exists() and not Path(f"{backup_file}{PARTIAL}").exists():
            try:
                orphan.unlink()
            except OSError:
                pass


def daily_backup_due(desk: Desk) -> bool:
    """The first start of each day takes a backup (a file that is no good backup does not count)."""
    if desk.path is None:
        return False
    today = [item for item in list_backups(desk.path) if item.taken_at.date() >= desk.today()]
    return not any(header_problem(item.path, item.taken_at) is None for item in today)  # cheap: runs on the UI thread
