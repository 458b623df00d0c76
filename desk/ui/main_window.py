"""The main window: business tabs for the operator's role, 凭证核验, 修改密码, 退出登录, and a
status bar that always says who works at which window under which policy pack."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QToolBar, QWidget

from desk.screens import common
from desk.services.context import Desk, Operator
from desk.ui.admin_panel import AdminPanel
from desk.ui.chronic_tab import ChronicTab
from desk.ui.daily_report_dialog import DailyReportDialog
from desk.ui.enrolment_tab import EnrolmentTab
from desk.ui.login import ChangePasswordDialog
from desk.ui.reimbursement_tab import ReimbursementTab
from desk.ui.transfer_tab import TransferTab
from desk.ui.verify_dialog import VerifyDialog


@dataclass(frozen=True)
class TabSpec:
    title: str
    permission: str
    factory: Callable[[Desk, Operator], QWidget]


# One line per business tab; a tab shows when the operator holds its permission.
BUSINESS_TABS: tuple[TabSpec, ...] = (
    TabSpec("参保登记", "enrolment.create", EnrolmentTab),
    TabSpec("门诊慢特病", "filing.accept", ChronicTab),
    TabSpec("转移接续", "transfer.accept", TransferTab),
    TabSpec("报销计算", "settlement.record", ReimbursementTab),
)


ACCOUNT_CHECK_MS = 10_000  # how often an open session re-reads its account (disabled, role changed)


def fitting_size(width: int, height: int) -> tuple[int, int]:
    """The preferred size, no bigger than the screen's available area (a 1280x720 counter PC shows
    the whole window, its status bar included, without a window manager shrinking it)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return width, height
    available = screen.availableGeometry()
    return min(width, available.width()), min(height, available.height())


class MainWindow(QMainWindow):
    logout_requested = Signal()
    closed_by_user = Signal()
    _session_refused = Signal(str)  # from Desk.session_listeners, possibly off the UI thread

    def __init__(self, desk: Desk, operator: Operator, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.operator = desk, operator
        self.setWindowTitle(self.tr("医保经办窗口 desk"))
        self.resize(*fitting_size(1500, 940))
        self.dialog = None
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for spec in BUSINESS_TABS:
            if operator.can(spec.permission):
                self.tabs.addTab(spec.factory(desk, operator), self.tr(spec.title))
        self.setCentralWidget(self.tabs if self.tabs.count() else AdminPanel(desk, operator))
        self._actions()
        self._status_bar()
        self._first_show = True
        # a write refused this operator (disabled, role changed): the session ends at that action
        self.session_end_message = ""
        self._ending = False
        self._session_refused.connect(self.end_session, Qt.ConnectionType.QueuedConnection)
        self._listener = lambda who, message: self._session_refused.emit(message) if who.id == operator.id else None
        desk.session_listeners.append(self._listener)
        self.account_check = QTimer(self)  # reading goes on between writes: ask the database every few seconds
        self.account_check.setObjectName("accountCheck")
        self.account_check.setInterval(ACCOUNT_CHECK_MS)
        self.account_check.timeout.connect(self.check_account)
        self.account_check.start()

    def show_on_screen(self) -> None:
        """Open maximized on the available area of the screen (the taskbar stays visible): the
        tabs, the status bar and every button are on the screen at 1280×720 too. The size it
        returns to when restored fits the same area."""
        area = self.screen().availableGeometry() if self.screen() is not None else None
        if area is not None and not area.isEmpty():
            width, height = fitting_size(1500, 940)
            self.setGeometry(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2, width, height)
        self.showMaximized()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._first_show:
            self._first_show = False
            QTimer.singleShot(0, self.focus_search)

    def _actions(self) -> None:
        self.verify_action = self._action(self.tr("凭证核验"), "F8", self.open_verify)
        self.report_action = self._action(self.tr("日报表"), "F9", self.open_daily_report)
        self.password_action = self._action(self.tr("修改密码"), None, self.change_password)
        self.logout_action = self._action(self.tr("退出登录"), "Ctrl+L", self.logout)
        self.quit_action = self._action(self.tr("退出程序"), "Ctrl+Q", self.close)
        system = self.menuBar().addMenu(self.tr("系统"))
        system.addActions([self.password_action, self.logout_action])
        system.addSeparator()
        system.addAction(self.quit_action)
        tools = self.menuBar().addMenu(self.tr("工具"))
        tools.addActions([self.verify_action, self.report_action])
        toolbar = QToolBar(self.tr("常用"))
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([self.verify_action, self.report_action, self.password_action, self.logout_action])
        self.addToolBar(toolbar)

    def _action(self, text: str, keys: str | None, slot) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setToolTip(f"{text} ({keys})")
            action.setIconText(f"{text} ({keys})")
        action.triggered.connect(slot)
        return action

    def _status_bar(self) -> None:
        pack = common.default_pack_status(self.desk)
        pack_text = self.tr("政策包：{id} 版本 {version}").format(id=pack.id, version=pack.version)
        if pack.provisional:
            pack_text += self.tr("（含暂定值）")
        self.status_labels = {
            "operator": QLabel(self.tr("操作员：{name}（{role}）").format(
                name=self.operator.display_name, role=self.operator.role_name)),
            "window": QLabel(self.tr("窗口：{window}").format(window=self.desk.setting("window"))),
            "office": QLabel(self.tr("经办机构：{office}").format(office=self.desk.setting("office_name"))),
            "pack": QLabel(pack_text),
        }
        self.status_labels["pack"].setToolTip(pack.title)
        for label in self.status_labels.values():
            self.statusBar().addPermanentWidget(label)

    # ------------------------------------------------------------------ actions

    def current_tab(self) -> QWidget | None:
        return self.tabs.currentWidget() if self.tabs.count() else None

    def focus_search(self) -> None:
        tab = self.current_tab() or self.centralWidget()
        if tab is not None and hasattr(tab, "focus_search"):
            tab.focus_search()

    def open_verify(self) -> None:
        self.dialog = VerifyDialog(self.desk, self.operator, self)
        self.dialog.open()

    def open_daily_report(self) -> None:
        self.dialog = DailyReportDialog(self.desk, self.operator, self)
        self.dialog.open()

    def change_password(self) -> None:
        dialog = ChangePasswordDialog(self.desk, self.operator, self)
        dialog.accepted.connect(lambda: self.statusBar().showMessage(self.tr("密码已修改。"), 5000))
        self.dialog = dialog
        dialog.open()

    def unsaved_work(self) -> bool:
        return any(getattr(self.tabs.widget(i), "has_unsaved_changes", lambda: False)() for i in range(self.tabs.count()))

    def _confirm_leave(self, question: str) -> bool:
        if not self.unsaved_work():
            return True
        answer = QMessageBox.question(self, self.tr("未保存的修改"), question)
        return answer == QMessageBox.StandardButton.Yes

    def logout(self) -> None:
        if self._confirm_leave(self.tr("有未保存的参保人信息，退出登录将放弃这些修改。确定退出登录吗？")):
            self.end_session("")

    def check_account(self) -> None:
        from PySide6.QtWidgets import QApplication

        from desk.services import operators

        if QApplication.activeModalWidget() is not None and self.screen_lock_dialog() is None:
            return  # a question or form is open in its own loop: the next tick (or the next write) ends it
        try:
            problem = operators.session_problem(self.desk, self.operator)
        except Exception:
            return
        if problem:
            self.end_session(problem)

    def screen_lock_dialog(self):
        lock = getattr(self, "screen_lock", None)
        return lock.dialog if lock is not None else None

    def end_session(self, message: str = "") -> None:
        """Back to the login (once), with `message` shown there; no question about unsaved input."""
        if self._ending:
            return
        self._ending = True
        self.account_check.stop()
        self.session_end_message = message
        self._forget_listener()
        self.logout_requested.emit()

    def _forget_listener(self) -> None:
        if self._listener in self.desk.session_listeners:
            self.desk.session_listeners.remove(self._listener)

    def closeEvent(self, event) -> None:
        if getattr(self, "_leaving", False):
            event.accept()
        elif self._confirm_leave(self.tr("有未保存的参保人信息，确定退出程序吗？")):
            event.accept()
            self.closed_by_user.emit()
        else:
            event.ignore()
        if event.isAccepted():
            self.account_check.stop()
            self._forget_listener()

    def close_for_logout(self) -> None:
        self._leaving = True
        self.close()
