"""Issue 11, item 6 in the GUI: 备份与恢复 restores the selected backup behind the administrator's own
password; the session closes the database first, so the exclusive lock is had; ids continue."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMainWindow

from desk.services import backup
from desk.ui.admin_backup import BackupPage
from desk.ui.app import Session, build_main_window
from tests.ui.conftest import PASSWORD


def hosted_page(qtbot, desk, admin):
    host = QMainWindow()
    calls = []
    host.restore_from_backup = lambda path, operator: calls.append((path, operator))
    page = BackupPage(desk, admin)
    host.setCentralWidget(page)
    qtbot.addWidget(host)
    page.host = host  # keeps the window (and the page in it) alive
    return page, calls


def test_the_page_asks_for_the_administrators_password(qtbot, desk, staff):
    taken = backup.backup(desk, staff.admin)
    page, calls = hosted_page(qtbot, desk, staff.admin)
    page.restore_button.click()
    assert not calls  # nothing selected
    page.table.selectRow(0)
    page.restore_password.setText("wrong-2026")
    page.restore_button.click()
    assert not page.restore_button.isEnabled() and "正在检查备份" in page.bar.text()  # checked in a thread
    qtbot.waitUntil(page.restore_button.isEnabled)
    assert not calls and page.bar.isVisibleTo(page) and "密码不正确" in page.bar.text()
    page.restore_password.setText(PASSWORD)
    page.restore_button.click()
    page.restore_button.click()  # while the first check runs: nothing more
    qtbot.waitUntil(lambda: bool(calls))
    qtbot.waitUntil(page.restore_button.isEnabled)
    assert [(path.name, operator.username) for path, operator in calls] == [(taken.path.name, "admin")]


def test_the_session_restores_and_opens_the_restored_file(qtbot, desk, staff, monkeypatch):
    taken = backup.backup(desk, staff.admin)
    session = Session(QApplication.instance(), desk)
    session.window = build_main_window(desk, staff.admin)
    session.window.show()
    started = []
    monkeypatch.setattr(Session, "start", lambda self, username="": started.append(username) or True)
    session._restore_now(taken.path, staff.admin)
    assert started == ["admin"] and session.desk is not desk
    assert taken.path.name in session.notice and "before-restore" in session.notice
    count = session.desk.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'backup.restore'").fetchone()[0]
    session.desk.close()
    assert count == 1
