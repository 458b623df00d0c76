"""The main window: business tabs for the operator's role, 凭证核验, 修改密码, 退出登录, and a
status bar that always says who works at which window under which policy pack.

Above the tabs, the 当前办理人 bar: the citizen being served. Finding a person in any tab makes them
the current person; every tab brought to the front opens that person; F2 (下一位) ends the visit in
every tab, asking once when something typed would be lost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSizePolicy, QTabWidget, QToolBar, QWidget

from desk.screens import common
from desk.services.context import Desk, Operator
from desk.ui.admin_panel import AdminPanel
from desk.ui.chronic_tab import ChronicTab
from desk.ui.current_person import CurrentPersonBar
from desk.ui.daily_report_dialog import DailyReportDialog
from desk.ui.enrolment_tab import EnrolmentTab
from desk.ui.errors import run_action
from desk.ui.login import ChangePasswordDialog
from desk.ui.reimbursement_tab import ReimbursementTab
from desk.ui.transfer_tab import TransferTab
from desk.ui.verify_dialog import VerifyDialog
from desk.ui.widgets import shortcut


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
        self.tab_titles: list[str] = []
        for spec in BUSINESS_TABS:
            if operator.can(spec.permission):
                self.tab_titles.append(self.tr(spec.title))
                index = len(self.tab_titles) - 1
                keys = f"Ctrl+{index + 1}"  # from anywhere, also out of a tab's own pages
                self.tabs.addTab(spec.factory(desk, operator), f"{self.tab_titles[-1]} ({keys})")
                shortcut(self, keys, lambda index=index: self.tabs.setCurrentIndex(index))
        self.current_person_id: int | None = None
        self.person_bar = CurrentPersonBar()
        self._following = False
        self.setCentralWidget(self.tabs if self.tabs.count() else AdminPanel(desk, operator))
        if self.tabs.count():
            self._follow_the_current_person()
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
        self.password_action = self._action(self.tr("修改密码"), "Ctrl+Shift+P", self.change_password)
        self.logout_action = self._action(self.tr("退出登录"), "Ctrl+L", self.logout)
        self.quit_action = self._action(self.tr("退出程序"), "Ctrl+Q", self.close)
        system = self.menuBar().addMenu(self.tr("系统"))
        system.addActions([self.password_action, self.logout_action])
        system.addSeparator()
        system.addAction(self.quit_action)
        tools = self.menuBar().addMenu(self.tr("工具"))
        tools.addActions([self.verify_action, self.report_action])
        # the window's commands at the right of the menu row; the row above the tabs is the 当前办理人 bar's
        self.commands = QToolBar(self.tr("常用"))
        self.commands.setObjectName("windowCommands")
        self.commands.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.commands.addActions([self.verify_action, self.report_action, self.password_action, self.logout_action])
        self.menuBar().setCornerWidget(self.commands, Qt.Corner.TopRightCorner)
        if self.tabs.count():
            bar_row = QToolBar(self.tr("当前办理人"))
            bar_row.setObjectName("currentPersonRow")
            bar_row.setContentsMargins(0, 0, 0, 0)
            bar_row.setMovable(False)
            bar_row.setFloatable(False)
            self.person_bar.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            bar_row.addWidget(self.person_bar)
            self.addToolBar(bar_row)

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

    # ------------------------------------------------------------------ 当前办理人

    def business_tabs(self) -> list[QWidget]:
        return [self.tabs.widget(index) for index in range(self.tabs.count())]

    def _follow_the_current_person(self) -> None:
        for tab in self.business_tabs():
            tab.person_shown.connect(self._person_shown)
            tab.person_left.connect(self._person_left)
            tab.on_next_citizen = self.next_citizen
        self.person_bar.next_requested.connect(self.next_citizen)
        self.tabs.currentChanged.connect(self._tab_changed)

    def _person_shown(self, person_id: int) -> None:
        """A tab opened a person, or wrote something about them: they are the current person, the bar re-read."""
        if self._following:
            return
        self.current_person_id = person_id
        self.refresh_person_bar()

    def _person_left(self) -> None:
        if self._following:
            return
        self.current_person_id = None
        self.person_bar.show_person(None)

    def refresh_person_bar(self) -> None:
        if self.current_person_id is None:
            self.person_bar.show_person(None)
            return
        person_id = self.current_person_id
        ok, shown = run_action(lambda: common.current_person(self.desk, self.operator, person_id), parent=self)
        self.person_bar.show_person(shown if ok else None)

    def _tab_changed(self, _index: int) -> None:
        """The tab brought to the front opens the current person (or nobody, after 下一位). When it holds typed
        input the clerk chooses to keep, the tab stays as it was and the bar shows whom it shows."""
        tab = self.current_tab()
        if tab is None or not hasattr(tab, "follow_person"):
            return
        self._following = True
        try:
            followed = tab.follow_person(self.current_person_id)
        finally:
            self._following = False
        if not followed:  # the clerk kept what is typed here (a question was asked)
            self.activateWindow()
            self.current_person_id = tab.shown_person_id()
            self.refresh_person_bar()

    def next_citizen(self) -> None:
        """F2 / 下一位: this citizen's visit is over in every tab; asks once when typed input would be lost."""
        unsaved = [self.tab_titles[index] for index, tab in enumerate(self.business_tabs())
                   if tab.has_unsaved_changes()]
        if unsaved:
            answer = QMessageBox.question(self, self.tr("接待下一位"), self.tr(
                "{tabs}有尚未保存或受理的内容，接待下一位将放弃这些内容。确定吗？").format(tabs="、".join(unsaved)))
            self.activateWindow()  # the keyboard back in the window after the question
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._following = True
        try:
            for tab in self.business_tabs():
                tab.forget_person()
        finally:
            self._following = False
        self.current_person_id = None
        self.person_bar.show_person(None)
        self.focus_search()

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
