"""A database on a network share is refused (issue 11, item 12; docs/rules.md, "Where the database lives").

SQLite's locks are not reliable over SMB/CIFS or NFS, and its write-ahead log needs shared memory
that a network file system does not give: two PCs using one file on a share corrupt it. desk
refuses such a path where it can tell: on Windows a UNC path (\\\\server\\share\\...) or a drive
letter Windows reports as remote (GetDriveTypeW = DRIVE_REMOTE); elsewhere a path whose mount in
/proc/mounts is a network file system. A share the system does not reveal (a folder redirected
by policy, some FUSE mounts) cannot be told apart and stays the administrator's responsibility.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PureWindowsPath

from desk.core.errors import DeskError

NETWORK_FILE_SYSTEMS = ("nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "fuse.sshfs", "fuse.rclone",
                        "fuse.s3fs", "davfs", "fuse.davfs2", "glusterfs", "ceph", "lustre")
DRIVE_REMOTE = 4


class NetworkShare(DeskError):
    """数据库不能放在网络共享文件夹上。"""

    code = "network_share"


def windows_share_kind(path: str, drive_type=None) -> str | None:
    """'UNC' or 'remote drive X:' for a Windows path on a share, else None (drive_type: a function of
    the root, e.g. 'Z:\\\\' -> the GetDriveTypeW value)."""
    pure = PureWindowsPath(path)
    if pure.drive.startswith("\\\\") or path.startswith(("\\\\", "//")):
        if pure.drive.startswith("\\\\?\\") and not pure.drive.upper().startswith("\\\\?\\UNC"):
            return None  # \\?\C:\... is a local long path
        return "UNC"
    if drive_type is not None and pure.drive and drive_type(pure.drive + "\\") == DRIVE_REMOTE:
        return f"网络驱动器 {pure.drive}"
    return None


def mount_kind(path: str, mounts_text: str) -> str | None:
    """The network file system the path lives on, from the text of /proc/mounts, else None."""
    best, kind = "", None
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        if (path == point or path.startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind if kind in NETWORK_FILE_SYSTEMS else None


def _windows_drive_type(root: str) -> int:  # pragma: no cover - Windows only
    import ctypes

    return ctypes.windll.kernel32.GetDriveTypeW(root)


def share_problem(path: Path | str) -> str | None:
    """A Chinese sentence when the database path is on a network share this system reveals, else None."""
    text = os.path.abspath(str(path))
    if sys.platform == "win32":
        kind = windows_share_kind(text, _windows_drive_type)
    else:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        kind = mount_kind(os.path.realpath(text), mounts)
    if kind is None:
        return None
    return (f"数据库 {path} 位于网络共享文件夹上（{kind}）：SQLite 的文件锁在网络盘上不可靠，两台电脑同时使用会损坏数据库，"
            "desk 不支持这样使用。请把数据库放在本机磁盘上（默认的数据文件夹），备份可以另行复制到网络盘。")


def refuse_network_share(path: Path | str) -> None:
    problem = share_problem(path)
    if problem:
        raise NetworkShare(problem)
