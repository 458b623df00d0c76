"""Issue 11, item 12: the database file is opened by SQLite alone. Qt's own file dialog opened the
files it listed to guess their type, which on Linux drops every POSIX lock the process holds on
that file; another program opening and closing the database then believed it was the last user and
deleted the write-ahead log under the running app. desk's dialog never starts in the data directory
and never opens a file it lists."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from desk.ui import file_choice

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Windows locks belong to handles, not to the process")

OTHER_PROGRAM = ("import sqlite3, sys\n"
                 "connection = sqlite3.connect(sys.argv[1])\n"
                 "connection.execute('SELECT COUNT(*) FROM operators').fetchone()\n"
                 "connection.close()\n")


def show_for_a_while(qtbot, dialog: QFileDialog, seconds: float = 1.5) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    end = time.monotonic() + seconds  # the folder listed, its icons and types fetched
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def another_program_opens_and_closes(path: Path) -> None:
    subprocess.run([sys.executable, "-c", OTHER_PROGRAM, str(path)], check=True, timeout=60)


def test_qt_s_own_dialog_would_drop_the_locks(qtbot, desk, staff):
    """The hazard itself, so that the test below can fail: a plain Qt dialog on the data directory."""
    wal = Path(f"{desk.path}-wal")
    assert wal.exists()
    dialog = QFileDialog(None, "plain", str(desk.path.parent), "所有文件 (*)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    show_for_a_while(qtbot, dialog)
    another_program_opens_and_closes(desk.path)
    if wal.exists():  # a Qt that no longer opens the files it lists: nothing left to show
        pytest.skip("this Qt's own dialog no longer drops SQLite's locks")
    assert not wal.exists()  # the write-ahead log was deleted under the open database


def test_desk_s_dialog_in_the_data_directory_keeps_sqlite_s_locks(qtbot, desk, staff):
    wal = Path(f"{desk.path}-wal")
    dialog = file_choice.make_dialog(None, "desk", desk.path.parent, "所有文件 (*)", saving=False)
    show_for_a_while(qtbot, dialog)
    another_program_opens_and_closes(desk.path)
    assert wal.exists()
    from desk.services import persons
    from tests.conftest import person_form

    persons.register_person(desk, staff.clerk, person_form())  # later work goes into the real file
    another_program_opens_and_closes(desk.path)
    import sqlite3

    other = sqlite3.connect(desk.path)
    try:
        assert other.execute("SELECT COUNT(*) FROM persons").fetchone()[0] == 1
    finally:
        other.close()


def test_no_dialog_starts_in_the_data_directory(desk, tmp_path):
    file_choice.protect(desk.path.parent)
    inside = desk.path.parent / "backups"
    assert file_choice.safe_start(inside, is_file=False) == file_choice.documents_folder()
    assert file_choice.safe_start(desk.path.parent / "审计.xlsx", is_file=True) == file_choice.documents_folder() / "审计.xlsx"
    elsewhere = tmp_path.parent / "elsewhere"
    assert file_choice.safe_start(elsewhere, is_file=False) == elsewhere
