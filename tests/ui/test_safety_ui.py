"""Safety in the GUI: the screen lock after the idle time, the refusal of a damaged database at
start (and after the background check of a big one) with the newest good backup offered, the
daily backup after login, and the start-up timing seam."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desk.services import backup, operators
from desk.services.context import Desk
from desk.ui import startup
from desk.ui.app import Session, build_main_window
from desk.ui.screen_lock import LockDialog
from desk.ui.startup import DamagedDatabaseDialog, open_database_at_start
from tests.ui.conftest import NOW, PASSWORD

Key = Qt.Key
REPO = Path(__file__).resolve().parents[2]


def shorten_idle_time(window, milliseconds: int = 200) -> None:
    window.screen_lock.watcher.timer.setInterval(milliseconds)
    window.screen_lock.watcher.resume()


def wait_for_lock(qtbot, window) -> LockDialog:
    qtbot.waitUntil(lambda: window.screen_lock.locked, timeout=3000)
    dialog = window.screen_lock.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


# ------------------------------------------------------------------ screen lock


def test_the_screen_locks_when_idle_and_only_the_same_password_opens_it(qtbot, desk, staff, open_window, keyboard):
    window = open_window(staff.clerk)
    shorten_idle_time(window, 300)
    for _ in range(6):  # typing keeps it open
        qtbot.wait(100)
        keyboard.press(Key.Key_Shift)
    assert not window.screen_lock.locked

    dialog = wait_for_lock(qtbot, window)
    assert dialog.isModal() and dialog.geometry() == window.frameGeometry()  # covers the whole window
    assert "张经办（窗口经办员）· 1号窗口" in dialog.findChild(type(dialog.message), "lockWho").text()
    assert keyboard.focused() is dialog.password
    keyboard.press(Key.Key_Escape)  # Esc does not open it
    assert window.screen_lock.locked and dialog.isVisible()

    keyboard.type("another2026")  # someone else's password
    keyboard.press(Key.Key_Return)
    assert not dialog.unlock_button.isEnabled() and dialog.message.text() == "正在核对密码……"  # in a thread
    qtbot.waitUntil(lambda: dialog.job.done)
    assert window.screen_lock.locked and dialog.password.text() == ""
    assert "只有张经办本人的密码可以解锁" in dialog.message.text() and "还可尝试4次" in dialog.message.text()
    keyboard.type(PASSWORD)
    keyboard.press(Key.Key_Return)
    qtbot.waitUntil(lambda: not window.screen_lock.locked)  # the dialog goes (and is deleted) once the thread answers
    assert window.screen_lock.watcher.timer.isActive()  # watching again
    wait_for_lock(qtbot, window)  # and locks again after the next idle spell


def test_another_operator_logs_the_first_out_from_the_lock(qtbot, desk, staff, open_window, keyboard):
    window = open_window(staff.clerk)
    shorten_idle_time(window)
    dialog = wait_for_lock(qtbot, window)
    with qtbot.waitSignal(window.logout_requested, timeout=2000):
        dialog.logout_button.click()
    assert not window.screen_lock.locked


def test_too_many_wrong_passwords_at_the_lock_log_out(qtbot, desk, staff, open_window, keyboard):
    window = open_window(staff.reviewer)
    shorten_idle_time(window)
    dialog = wait_for_lock(qtbot, window)
    for _ in range(4):
        keyboard.type("guess2026")
        keyboard.press(Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.job.done)
    assert window.screen_lock.locked and "还可尝试1次" in dialog.message.text()
    with qtbot.waitSignal(window.logout_requested, timeout=3000):
        keyboard.type("guess2026")  # the fifth (max_failed_logins) wrong password
        keyboard.press(Key.Key_Return)
    assert not window.screen_lock.locked


# ------------------------------------------------------------------ damaged database


def damaged_desk_with_a_backup(tmp_path) -> tuple[Path, backup.BackupFile, bytes]:
    """A database with one backup, a change after it, then some bytes in the middle of the file overwritten."""
    path = tmp_path / "office" / "desk.db"
    path.parent.mkdir()
    desk = Desk.open(path, clock=lambda: NOW)
    admin = operators.create_first_administrator(desk, username="admin", display_name="王管理", password=PASSWORD)
    taken = backup.backup(desk, admin)
    operators.create_operator(desk, admin, username="later", display_name="后来的", role="clerk",
                              temporary_password=PASSWORD)
    desk.close()
    with open(path, "r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        handle.write(b"\xa5" * 8192)
    return path, taken, path.read_bytes()


def test_a_damaged_database_is_refused_at_start_and_the_newest_good_backup_restored(qtbot, tmp_path, modal):
    path, taken, damaged = damaged_desk_with_a_backup(tmp_path)
    seen = {}

    def restore(dialog: DamagedDatabaseDialog) -> None:
        seen["problems"] = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
        seen["offer"] = dialog.offer.text()
        seen["default"] = dialog.restore_button.isDefault() or dialog.exit_button.isDefault()
        dialog.restore_button.click()  # without the administrator's password: refused, nothing changes
        seen["refused"] = dialog.bar.isVisible() and dialog.isVisible()
        dialog.username.setText("admin")
        dialog.password.setText(PASSWORD)
        dialog.restore_button.click()

    modal.expect(DamagedDatabaseDialog, restore)
    desk, notice = open_database_at_start(path, clock=lambda: NOW)
    modal.check()
    try:
        assert any("已损坏" in problem or "完整性" in problem for problem in seen["problems"])
        assert f"最新的完好备份：{taken.path.name}" in seen["offer"] and not seen["default"] and seen["refused"]
        assert desk is not None and [row.username for row in operators.list_operators(desk, _admin(desk))] == ["admin"]
        [aside] = [item for item in path.parent.iterdir() if ".before-restore-" in item.name and item.suffix == ".db"]
        assert aside.read_bytes() == damaged  # the damaged file is kept aside, untouched
        assert taken.path.name in notice and aside.name in notice
    finally:
        desk.close()


def test_without_choosing_the_backup_the_app_exits(qtbot, tmp_path, modal):
    path, _, damaged = damaged_desk_with_a_backup(tmp_path)
    modal.expect(DamagedDatabaseDialog, lambda dialog: dialog.exit_button.click())
    assert open_database_at_start(path) == (None, "")
    assert path.read_bytes() == damaged and not list(path.parent.glob("*.before-restore-*"))


def test_a_big_database_is_checked_after_login_and_locked_when_damaged(qtbot, desk, staff, modal, monkeypatch):
    taken = backup.backup(desk, staff.admin)
    monkeypatch.setattr(startup, "FULL_CHECK_BEFORE_LOGIN_MAX_BYTES", 0)  # every file counts as big
    raw = sqlite3.connect(desk.path)  # someone tampers with the audit log behind the app's back
    triggers = [row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")]
    for name in triggers:
        raw.execute(f"DROP TRIGGER {name}")
    raw.execute("UPDATE audit_log SET detail_json = '{}' WHERE id = 2")
    raw.commit()
    raw.close()
    session = Session(QApplication.instance(), desk)
    assert session.full_check_pending
    session.window = build_main_window(desk, staff.clerk)  # not qtbot's: the session closes it
    session.window.show()
    restarted = []
    monkeypatch.setattr(Session, "start", lambda self, username="": restarted.append(self.desk) or True)
    seen = {}

    def restore(dialog: DamagedDatabaseDialog) -> None:
        seen["problems"] = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
        dialog.username.setText("admin")
        dialog.password.setText(PASSWORD)
        dialog.restore_button.click()

    modal.expect(DamagedDatabaseDialog, restore)
    session._after_login()
    qtbot.waitUntil(lambda: bool(restarted), timeout=10_000)
    assert seen["problems"] == ["审计日志第2条：记录内容与其哈希不符（记录被改动）"]
    assert session.window is None and restarted[0] is session.desk and session.desk is not desk
    assert taken.path.name in session.notice
    session.desk.close()


def _admin(desk):
    return operators.authenticate(desk, username="admin", password=PASSWORD)


# ------------------------------------------------------------------ daily backup, start-up timing


def test_the_first_login_of_the_day_takes_a_backup_in_the_background(qtbot, desk, staff, open_window):
    assert backup.daily_backup_due(desk)
    session = Session(QApplication.instance(), desk)
    session.window = window = open_window(staff.clerk)
    session._after_login()
    qtbot.waitUntil(lambda: session.backup_job.done, timeout=10_000)
    [taken] = backup.list_backups(desk.path)
    assert window.statusBar().currentMessage() == f"今日自动备份已完成：{taken.path.name}"
    assert not backup.daily_backup_due(desk)
    session._after_login()  # a second login the same day takes none
    assert session.backup_job.done and len(backup.list_backups(desk.path)) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="offscreen platform")
def test_the_start_up_seam_reports_when_the_login_window_is_shown(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DESK_BENCH_STARTUP": "1", "DESK_BENCH_T0": repr(time.time())}
    done = subprocess.run([sys.executable, "-m", "desk", "--db", str(tmp_path / "fresh.db")], env=env, cwd=REPO,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stdout.splitlines() if line.startswith("login-window-shown ")]
    assert 0 < float(line.split()[1]) < 30


def test_a_full_disk_while_registering_says_so_and_keeps_the_input(qtbot, desk, staff, open_window, keyboard):
    """Issue 11, item 9: the clerk reads 磁盘空间已满 and what to do on the bar (no apology box, no red
    field); the form keeps what was typed; nothing was written."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from desk.core.idnumber import make_id_number

    window = open_window(staff.clerk)
    tab = window.tabs.currentWidget()
    number = make_id_number("532923", date(1990, 2, 3), 452)
    from desk.services.faults import DatabaseFault
    from tests.safety.test_disk_faults import fill_the_disk, register_many

    fill_the_disk(desk)
    with pytest.raises(DatabaseFault):
        register_many(desk, staff.clerk, start=900)  # until the pages still half empty are full too
    persons_before = desk.db.execute("SELECT COUNT(*) FROM persons").fetchone()[0]
    keyboard.press(Qt.Key.Key_F2)
    keyboard.type(number)
    keyboard.press(Qt.Key.Key_Return)  # a number nobody holds starts its registration
    keyboard.type("李秀英")
    tab.form.ethnicity.setCurrentIndex(tab.form.ethnicity.findText("白族"))
    keyboard.press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "磁盘空间已满" in tab.bar.text() and "没有保存" in tab.bar.text(), tab.bar.text()
    assert "参考编号" not in tab.bar.text()
    assert not [box for box in window.findChildren(QMessageBox) if box.objectName() == "unexpectedErrorBox"]
    assert tab.form.id_number.text() == number
    assert desk.db.execute("SELECT COUNT(*) FROM persons").fetchone()[0] == persons_before
