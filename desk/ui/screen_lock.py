"""The screen lock (operations.md): after `idle_lock_minutes` without keyboard or mouse input
anywhere in the application, the main window is covered; only the same operator's password
opens it again. Another operator presses 退出登录 there, which ends the first one's session
(their unsaved input is given up) and returns to the login.

The idle time is a single-shot QTimer restarted by an application-wide event filter; tests
shorten it with `ScreenLock.watcher.timer.setInterval(200)`. A wrong password here counts on the
account's one failure counter with the login's (`operators.unlock`, audited as `login.failed`):
reaching `max_failed_logins` locks the account and logs the session out, so guessing at a locked
screen meets the same limit as guessing at the login. A disabled account's right password ends
the session too.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QFrame, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desk.services import operators
from desk.services.background import separate_connection
from desk.services.context import Desk, Operator
from desk.ui import errors
from desk.ui.background import run_in_background
from desk.ui.widgets import action_button, error_label, hint_label

INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.InputMethod, QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
})
MINUTE_MS = 60_000


class IdleWatcher(QObject):
    """Emits `idle` once no input has reached the application for the interval of `timer`."""

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setObjectName("idleTimer")
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        self.paused = False
        QApplication.instance().installEventFilter(self)
        self.timer.start()

    def set_minutes(self, minutes: int) -> None:
        self.timer.setInterval(max(1, int(minutes)) * MINUTE_MS)

    def eventFilter(self, watched, event) -> bool:
        if not self.paused and event.type() in INPUT_EVENTS:
            self.timer.start()
        return False

    def pause(self) -> None:
        self.paused = True
        self.timer.stop()

    def resume(self) -> None:
        self.paused = False
        self.timer.start()


class LockDialog(QDialog):
    """Covers the main window; the password of the operator who locked it, or 退出登录."""

    unlocked = Signal()
    logout_chosen = Signal()

    def __init__(self, desk: Desk, operator: Operator, window: QWidget):
        super().__init__(window, Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)
        self.desk, self.operator, self.window_ = desk, operator, window
        self.failures = 0
        self.job = None  # the password being checked in a thread
        self.end_message = ""  # why the lock ended the session (shown at the login), "" for 退出登录
        self._closing = False
        self.setObjectName("lockDialog")
        self.setWindowTitle(self.tr("屏幕已锁定"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setStyleSheet("QDialog#lockDialog { background: #26384a; }"
                           " QFrame#lockCard { background: #ffffff; border-radius: 8px; }")
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("{name}的密码").format(name=operator.display_name))
        self.message = error_label()
        self.message.setObjectName("lockMessage")
        self.unlock_button = action_button(self.tr("解锁"), "Enter")
        self.unlock_button.setProperty("primary", True)
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.logout_button = action_button(self.tr("退出登录"))
        self.logout_button.setObjectName("lockLogout")
        self.logout_button.clicked.connect(self.choose_logout)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self._card())
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(3)

    def _card(self) -> QFrame:
        card = QFrame()
        card.setObjectName("lockCard")
        card.setFixedWidth(500)
        title = QLabel(self.tr("屏幕已锁定"))
        title.setProperty("role", "title")
        who = QLabel(self.tr("{name}（{role}）· {window}\n{minutes}分钟无操作，于 {time} 锁定。").format(
            name=self.operator.display_name, role=self.operator.role_name, window=self.desk.setting("window"),
            minutes=self.desk.setting("idle_lock_minutes"), time=self.desk.now().strftime("%H:%M")))
        who.setProperty("role", "value")
        who.setObjectName("lockWho")
        note = hint_label(self.tr("只有{name}本人的密码可以解锁。其他操作员请先点“退出登录”再用自己的账户登录；"
                                  "{name}未保存的内容将被放弃。").format(name=self.operator.display_name))
        buttons = QHBoxLayout()
        buttons.addWidget(self.unlock_button)
        buttons.addStretch(1)
        buttons.addWidget(self.logout_button)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(28, 22, 28, 22)
        layout.setSpacing(10)
        for widget in (title, who, self.password, self.message):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(note)
        return card

    def cover(self) -> None:
        """Lay the lock over the whole main window and take the keyboard."""
        self.setGeometry(self.window_.frameGeometry())
        self.show()
        self.raise_()
        self.activateWindow()
        self.password.setFocus()

    def try_unlock(self) -> None:
        """The password is checked in a thread, on its own connection (scrypt at N=2^17 takes about 0.6 s,
        too long for the UI thread): 解锁 waits disabled under 正在核对密码……, Enter again does nothing,
        退出登录 still works; the answer comes back to `_answered`."""
        if self.job is not None and not self.job.done:
            return
        password = self.password.text()

        def work() -> None:
            with separate_connection(self.desk) as other:
                operators.unlock(other, self.operator, password)

        self.unlock_button.setEnabled(False)
        self.message.setText(self.tr("正在核对密码……"))
        self.message.setVisible(True)
        self.job = run_in_background(work, parent=self, on_done=lambda _none: self._answered(None),
                                     on_error=self._answered, all_errors=True)

    def _answered(self, error: BaseException | None) -> None:
        from desk.services.context import SessionEnded

        self.unlock_button.setEnabled(True)
        self.message.setText("")
        self.message.setVisible(False)
        if self._closing:  # 退出登录 chosen meanwhile
            return
        try:
            if error is not None:
                raise error
        except operators.UnlockFailed as failed:
            self.failures += 1
            self.password.clear()
            if failed.logged_out:
                self.choose_logout(failed.message)
                return
            self.message.setText(failed.message)
            self.message.setVisible(True)
            self.password.setFocus()
            return
        except SessionEnded as ended:  # disabled or changed meanwhile: told after the right password
            self.password.clear()
            self.choose_logout(ended.message)
            return
        except Exception as unexpected:  # the database went away meanwhile, …: said, and the lock stays
            self.password.clear()
            errors.show_unexpected(self, unexpected)
            self.password.setFocus()
            return
        self.failures = 0
        self.done(QDialog.DialogCode.Accepted)
        self.unlocked.emit()

    def choose_logout(self, message: str = "") -> None:
        self.end_message = message
        self.done(QDialog.DialogCode.Rejected)
        self.logout_chosen.emit()

    def reject(self) -> None:
        """Esc does not open a locked screen."""

    def closeEvent(self, event) -> None:
        if self._closing:
            event.accept()
        else:
            event.ignore()  # Alt+F4 does not open a locked screen either

    def done(self, result: int) -> None:
        self._closing = True
        super().done(int(result))


class ScreenLock(QObject):
    """Watches the application for input and locks `window` after the office's idle time."""

    logout_requested = Signal()

    def __init__(self, window: QWidget, desk: Desk, operator: Operator):
        super().__init__(window)
        self.window_, self.desk, self.operator = window, desk, operator
        self.dialog: LockDialog | None = None
        self.end_message = ""
        self.watcher = IdleWatcher(int(desk.setting("idle_lock_minutes")), self)
        self.watcher.idle.connect(self.lock)

    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def set_minutes(self, minutes: int) -> None:
        self.watcher.set_minutes(minutes)
        if not self.locked:
            self.watcher.resume()

    def lock(self) -> None:
        if self.locked or not self.window_.isVisible():
            return
        self.watcher.pause()
        self.dialog = LockDialog(self.desk, self.operator, self.window_)
        self.dialog.unlocked.connect(self._unlocked)
        self.dialog.logout_chosen.connect(self._logout)
        self.dialog.cover()

    def _finish(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def _unlocked(self) -> None:
        self._finish()
        self.watcher.resume()

    def _logout(self) -> None:
        self.end_message = self.dialog.end_message if self.dialog is not None else ""
        self._finish()
        QTimer.singleShot(0, self.logout_requested.emit)  # after the lock has gone, out of its button's slot
