"""Issue 11, item 8 in the GUI: a disabled operator's open session ends at the next action."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desk.core.idnumber import make_id_number
from desk.services import operators
from desk.services.context import Desk
from tests.ui.conftest import NOW, PASSWORD

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ID_NUMBER = make_id_number("532923", date(1985, 6, 1), 452)


def wait_for_lock(qtbot, window):
    """The lock is up and has the keyboard (under load the dialog takes a moment to be active)."""
    qtbot.waitUntil(lambda: window.screen_lock.locked, timeout=3000)
    dialog = window.screen_lock.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog and QApplication.focusWidget() is dialog.password)
    return dialog


def disable_elsewhere(desk, staff, operator) -> None:
    """The administrator disables the account from their own PC (another connection to the file)."""
    other = Desk.open(desk.path, clock=lambda: NOW)
    try:
        operators.set_disabled(other, staff.admin, operator_id=operator.id, disabled=True)
    finally:
        other.close()


def save_a_new_person(keyboard, tab) -> None:
    keyboard.press(Key.Key_F2)
    keyboard.type(ID_NUMBER)
    keyboard.press(Key.Key_Return)
    keyboard.type("李秀英")
    keyboard.press(Key.Key_S, CTRL)


def test_a_clerk_disabled_while_logged_in_is_sent_back_to_the_login_at_the_next_save(
        qtbot, desk, staff, open_window, keyboard):
    window = open_window(staff.clerk)
    tab = window.tabs.currentWidget()
    disable_elsewhere(desk, staff, staff.clerk)
    with qtbot.waitSignal(window.logout_requested, timeout=3000):
        save_a_new_person(keyboard, tab)
    assert desk.db.execute("SELECT COUNT(*) FROM persons").fetchone()[0] == 0  # nothing written
    assert "已停用" in window.session_end_message and "重新登录" in window.session_end_message
    assert window._listener not in desk.session_listeners


def test_the_session_returns_to_the_login_which_says_why(qtbot, desk, staff, keyboard, monkeypatch):
    from desk.ui import app as app_module

    monkeypatch.setattr(app_module.backup, "daily_backup_due", lambda _desk: False)
    logins = []

    def login_flow(_desk, parent=None, *, username="", notice=""):
        logins.append((username, notice))
        return staff.clerk if len(logins) == 1 else staff.reviewer  # the reviewer takes the window over

    monkeypatch.setattr(app_module, "login_flow", login_flow)
    session = app_module.Session(app_module.create_application(), desk)
    assert session.start()
    first = session.window
    try:
        qtbot.waitExposed(first)
        disable_elsewhere(desk, staff, staff.clerk)
        qtbot.waitUntil(lambda: keyboard.focused() is not None)
        save_a_new_person(keyboard, first.tabs.currentWidget())
        qtbot.waitUntil(lambda: len(logins) == 2, timeout=3000)
        assert logins[1][0] == "clerk" and "已停用" in logins[1][1]
        assert session.window is not first and session.window.operator == staff.reviewer
    finally:
        session._close_window()


def test_a_disabled_operator_at_the_screen_lock_is_logged_out_after_the_right_password(
        qtbot, desk, staff, open_window, keyboard):
    window = open_window(staff.clerk)
    window.screen_lock.watcher.timer.setInterval(200)
    window.screen_lock.watcher.resume()
    dialog = wait_for_lock(qtbot, window)
    disable_elsewhere(desk, staff, staff.clerk)
    keyboard.type("guess2026")
    keyboard.press(Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.job.done)  # checked in a thread
    assert window.screen_lock.locked and "还可尝试4次" in dialog.message.text()  # counted, nothing more said
    with qtbot.waitSignal(window.logout_requested, timeout=3000):
        keyboard.type(PASSWORD)
        keyboard.press(Key.Key_Return)
    assert "已停用" in window.session_end_message
    failed = desk.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'login.failed' AND detail_json LIKE '%screen lock%'")
    assert failed.fetchone()[0] == 1


def test_wrong_passwords_at_the_lock_lock_the_account_for_the_login_too(qtbot, desk, staff, open_window, keyboard):
    window = open_window(staff.reviewer)
    window.screen_lock.watcher.timer.setInterval(200)
    window.screen_lock.watcher.resume()
    dialog = wait_for_lock(qtbot, window)
    for _ in range(4):
        keyboard.type("guess2026")
        keyboard.press(Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.job.done)
    with qtbot.waitSignal(window.logout_requested, timeout=3000):
        keyboard.type("guess2026")
        keyboard.press(Key.Key_Return)
    assert "锁定15分钟" in window.session_end_message
    row = desk.db.execute("SELECT locked_until FROM operators WHERE id = ?", [staff.reviewer.id]).fetchone()
    assert row[0] == "2026-03-10T09:45:00"


def test_a_disabled_clerk_who_only_reads_is_sent_back_to_the_login_too(qtbot, desk, staff, open_window):
    window = open_window(staff.clerk)
    assert window.account_check.isActive()
    window.account_check.setInterval(100)  # every 10 s in the app
    window.check_account()
    assert not window._ending  # an enabled account goes on
    with qtbot.waitSignal(window.logout_requested, timeout=3000):
        disable_elsewhere(desk, staff, staff.clerk)
    assert "已停用" in window.session_end_message and not window.account_check.isActive()


def test_a_reviewer_given_another_role_is_sent_back_to_the_login(qtbot, desk, staff, open_window):
    window = open_window(staff.reviewer)
    window.account_check.setInterval(100)
    with qtbot.waitSignal(window.logout_requested, timeout=3000), desk.transaction():
        desk.db.execute("UPDATE operators SET role = 'clerk' WHERE id = ?", [staff.reviewer.id])
    assert "角色已由审核员变更为窗口经办员" in window.session_end_message
