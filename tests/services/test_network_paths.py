"""Issue 11, item 12: a database on a network share is refused where the system reveals one."""

from __future__ import annotations

import sys

import pytest

from desk.services import network_paths
from desk.services.context import Desk
from desk.services.network_paths import DRIVE_REMOTE, NetworkShare, mount_kind, windows_share_kind

MOUNTS = """\
/dev/vda / ext4 rw,relatime 0 0
//fileserver/yibao /mnt/share cifs rw,vers=3.0 0 0
fs:/export /srv/nfs nfs4 rw 0 0
/dev/vdb /mnt/share/local ext4 rw 0 0
//server/with\\040space /mnt/with\\040space cifs rw 0 0
"""


@pytest.mark.parametrize(("path", "kind"), [
    ("/mnt/share/desk.db", "cifs"),
    ("/srv/nfs/office/desk.db", "nfs4"),
    ("/mnt/share/local/desk.db", None),  # a local disk mounted inside the share
    ("/mnt/sharex/desk.db", None),
    ("/home/clerk/.local/share/desk/desk.db", None),
    ("/mnt/with space/desk.db", "cifs"),
])
def test_network_mounts_from_proc_mounts(path, kind):
    assert mount_kind(path, MOUNTS) == kind


@pytest.mark.parametrize(("path", "remote", "found"), [
    (r"\\fileserver\yibao\desk.db", False, "UNC"),
    (r"\\?\UNC\fileserver\yibao\desk.db", False, "UNC"),
    (r"\\?\C:\Users\clerk\desk.db", False, None),
    (r"C:\Users\clerk\AppData\Local\desk\desk.db", False, None),
    (r"Z:\desk\desk.db", True, "网络驱动器 Z:"),
    ("//fileserver/yibao/desk.db", False, "UNC"),
])
def test_windows_shares(path, remote, found):
    assert windows_share_kind(path, lambda root: DRIVE_REMOTE if remote else 3) == found


@pytest.mark.skipif(sys.platform == "win32", reason="the Linux detection")
def test_desk_refuses_to_open_a_database_on_a_share_and_creates_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(network_paths, "mount_kind", lambda path, mounts: "cifs")
    path = tmp_path / "desk.db"
    for opening in (Desk.open, Desk.open_read_only):
        with pytest.raises(NetworkShare, match="网络共享文件夹") as caught:
            opening(path)
        assert "本机磁盘" in caught.value.message
    assert not list(tmp_path.iterdir())
