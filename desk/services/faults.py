"""Telling database faults apart (issue 11, item 7): a damaged file, a locked (busy) one, no
permission or a read-only folder, a full disk and an I/O error each get their own Chinese message
and next step. Only real damage may be answered with a restore from a backup; the others are
fixed where they arise (close the other program, free disk space, ask for permission, check the
disk), and replacing today's file would lose today's work for nothing.

Qt-free: the start-up dialog (desk.ui.startup), the backup and restore services and the command
line all classify through `classify`.
"""

from __future__ import annotations

import errno
import sqlite3
from dataclasses import dataclass

from desk.core.errors import DeskError
from desk.store.db import NotDeskDatabase  # noqa: F401 (the entry points name it from here, not from the store)

# What a database operation can raise before a service has turned it into a DeskError: the command
# line and the GUI catch these names, so no entry point imports sqlite3 itself.
DatabaseError = sqlite3.Error
DamagedFile = sqlite3.DatabaseError

CORRUPT, LOCKED, PERMISSION, FULL, IO, OTHER = "corrupt", "locked", "permission", "full", "io", "other"

# SQLite primary result codes (sqlite3.h)
_SQLITE_KINDS = {5: LOCKED, 6: LOCKED, 8: PERMISSION, 3: PERMISSION, 23: PERMISSION, 14: PERMISSION,
                 10: IO, 11: CORRUPT, 26: CORRUPT, 13: FULL}
_TEXT_KINDS = (("locked", LOCKED), ("busy", LOCKED), ("readonly", PERMISSION), ("read-only", PERMISSION),
               ("unable to open", PERMISSION), ("permission", PERMISSION), ("disk is full", FULL),
               ("i/o error", IO), ("malformed", CORRUPT), ("not a database", CORRUPT), ("corrupt", CORRUPT))
_ERRNO_KINDS = {errno.ENOSPC: FULL, errno.EACCES: PERMISSION, errno.EPERM: PERMISSION, errno.EROFS: PERMISSION,
                errno.EIO: IO, getattr(errno, "EDQUOT", -1): FULL}


@dataclass(frozen=True)
class Fault:
    kind: str
    title: str
    message: str
    next_step: str

    @property
    def offers_backup(self) -> bool:
        """Only a damaged file is ever answered with a restore."""
        return self.kind == CORRUPT


FAULTS = {
    CORRUPT: Fault(CORRUPT, "数据库已损坏", "数据库文件已损坏，未通过完整性检查，程序不能在它上面继续办理业务。",
                   "请联系系统管理员：可以用最新的完好备份恢复（现在的文件会另存一旁，不会删除）。"),
    LOCKED: Fault(LOCKED, "数据库正被占用", "数据库正被另一个程序占用（例如另一个正在运行的 desk，或正在复制该文件的程序）。",
                  "请关闭其他 desk 窗口或正在使用该文件的程序，稍等片刻后点“重试”。数据库没有损坏，不需要恢复备份。"),
    PERMISSION: Fault(PERMISSION, "没有权限写入数据库", "程序没有权限读写数据库文件或它所在的文件夹（文件夹只读、权限不足或文件被设为只读）。",
                      "请让系统管理员给当前 Windows 用户该文件夹的读写权限（或取消只读属性）后重试。数据库没有损坏，不需要恢复备份。"),
    FULL: Fault(FULL, "磁盘空间已满", "数据库所在的磁盘空间已满，数据无法写入。",
                "请删除或移走该磁盘上不需要的文件（不要删除 desk 数据文件夹里的文件），腾出空间后重试。数据库没有损坏，不需要恢复备份。"),
    IO: Fault(IO, "磁盘读写错误", "读写数据库文件时发生磁盘读写错误（磁盘、U盘或网络盘可能有故障或已拔出）。",
              "请检查磁盘连接，必要时请技术人员检查磁盘；问题排除后重试。不要急于恢复备份，以免丢失今天的数据。"),
    OTHER: Fault(OTHER, "数据库无法打开", "数据库无法打开。", "请重试；如仍不能打开，请联系系统管理员或技术支持。"),
}


def kind_of(error: BaseException | None) -> str:
    """The fault an exception stands for, looking through DeskErrors raised `from None` to their SQLite cause."""
    seen = 0
    while error is not None and seen < 10:
        found = _kind_of_one(error)
        if found != OTHER:
            return found
        error, seen = error.__cause__ or error.__context__, seen + 1
    return OTHER


def _kind_of_one(error: BaseException) -> str:
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None and (code & 0xFF) in _SQLITE_KINDS:
            return _SQLITE_KINDS[code & 0xFF]
        return _kind_of_text(str(error))
    if isinstance(error, OSError):
        return _ERRNO_KINDS.get(error.errno, IO if error.errno else OTHER)
    return _kind_of_text(str(error)) if type(error).__name__ == "DatabaseError" else OTHER


def _kind_of_text(text: str) -> str:
    lowered = text.lower()
    for fragment, kind in _TEXT_KINDS:
        if fragment in lowered:
            return kind
    return OTHER


def classify(error: BaseException) -> Fault:
    return FAULTS[kind_of(error)]


class DatabaseFault(DeskError):
    """数据库出现故障，本次操作没有保存。

    A business action met a fault of the database or the disk (full, read-only, locked, an I/O
    error, damage): `Desk.transaction` turns the SQLite error into this, the transaction rolled
    back. The message says nothing was saved and what the clerk or the administrator can do."""

    code = "database_fault"
    marks_field = False

    def __init__(self, message: str, fault: Fault):
        super().__init__(message)
        self.fault = fault

    @classmethod
    def of(cls, error: BaseException, fault: Fault | None = None) -> DatabaseFault:
        fault = fault or classify(error)
        return cls(f"{fault.message}本次操作没有保存。{fault.next_step}", fault)


# ---------------------------------------------------------------- the database at start
