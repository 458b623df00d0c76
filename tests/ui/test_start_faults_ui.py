"""Issue 11, item 7 in the dialog: a locked, read-only, full or failing database is never offered a
restore; damage offers the backup without making it the default button (Enter restores nothing)."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

from desk.services import backup, faults, operators
from desk.services.context import Desk
from desk.store import db as store_db
from desk.ui.startup import RETRY, DamagedDatabaseDialog, open_database_at_start
from tests.ui.conftest import NOW, PASSWORD


def a_database_with_a_backup(tmp_path):
    path = tmp_path / "desk.db"
    desk = Desk.open(path, clock=lambda: NOW)
    admin = operators.create_first_administrator(desk, username="admin", display_name="王管理", password=PASSWORD)
    backup.backup(desk, admin)
    desk.close()
    return path


def test_a_locked_database_says_so_offers_retry_and_no_backup(qtbot, tmp_path, modal, monkeypatch):
    path = a_database_with_a_backup(tmp_path)
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    seen = {}

    def look_then_retry(dialog: DamagedDatabaseDialog) -> None:
        seen.update(title=dialog.windowTitle(), restore=dialog.restore_button.isVisibleTo(dialog),
                    default=dialog.retry_button.isDefault(), step=dialog.next_step.text())
        holder.close()  # the other program lets go
        dialog.retry_button.click()

    modal.expect(DamagedDatabaseDialog, look_then_retry)
    desk, notice = open_database_at_start(path, clock=lambda: NOW)
    modal.check()
    try:
        assert seen["title"] == "数据库正被占用" and not seen["restore"] and seen["default"]
        assert "不需要恢复备份" in seen["step"] and desk is not None and notice == ""
        assert not list(tmp_path.glob("*before-restore*"))
    finally:
        desk.close()


def test_each_non_damage_fault_has_its_title_and_no_restore(qtbot, tmp_path):
    path = a_database_with_a_backup(tmp_path)
    titles = set()
    for kind in (faults.LOCKED, faults.PERMISSION, faults.FULL, faults.IO):
        dialog = DamagedDatabaseDialog(path, ["x"], fault=faults.FAULTS[kind])
        qtbot.addWidget(dialog)
        assert dialog.candidate is None and not dialog.restore_button.isVisibleTo(dialog)
        assert dialog.retry_button.isDefault()
        titles.add(dialog.windowTitle())
    assert len(titles) == 4


def test_enter_on_the_damage_dialog_never_restores(qtbot, tmp_path):
    path = a_database_with_a_backup(tmp_path)
    before = path.read_bytes()
    dialog = DamagedDatabaseDialog(path, ["数据库完整性检查：x"], fault=faults.FAULTS[faults.CORRUPT])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.candidate is not None and dialog.restore_button.isVisibleTo(dialog)
    assert not dialog.restore_button.isDefault() and not dialog.restore_button.autoDefault()
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() != DamagedDatabaseDialog.DialogCode.Accepted and dialog.restored_from is None
    assert path.read_bytes() == before and not list(tmp_path.glob("*before-restore*"))
    dialog.username.setText("admin")
    dialog.password.setText("wrong-2026")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.restored_from is None and "不正确" in dialog.bar.findChildren(type(dialog.offer))[0].text() \
        if dialog.bar.findChildren(type(dialog.offer)) else dialog.restored_from is None
    assert RETRY not in (dialog.result(),)
