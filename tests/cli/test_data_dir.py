"""The default data directory: %LOCALAPPDATA%\\desk on Windows (not roaming, no author folder)."""

import os
import sys
from pathlib import Path

import platformdirs
import platformdirs.windows
import pytest

from desk.cli import default_data_dir, default_db_path

LOCAL = Path("/fake/Users/李娜/AppData/Local")
ROAMING = Path("/fake/Users/李娜/AppData/Roaming")


@pytest.fixture
def windows_dirs(monkeypatch):
    """platformdirs' Windows rules, with the known folders of a fake profile (on Windows: the real ones)."""
    if sys.platform == "win32":
        return Path(os.environ["LOCALAPPDATA"])
    folders = {"CSIDL_LOCAL_APPDATA": str(LOCAL), "CSIDL_APPDATA": str(ROAMING)}
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", folders.__getitem__)
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    return LOCAL


def test_windows_data_dir_is_local_appdata_desk(windows_dirs):
    assert os.path.normcase(default_data_dir()) == os.path.normcase(windows_dirs / "desk")
    assert os.path.normcase(default_db_path()) == os.path.normcase(windows_dirs / "desk" / "desk.db")
