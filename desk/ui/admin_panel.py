"""The administrator's window (operations.md): 操作员, 系统设置, 政策包, 审计日志, 节假日安排,
备份与恢复, 数据上报. An administrator does no business records, so this replaces the business tabs."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from desk.screens import admin as screen
from desk.services.context import Desk, Operator
from desk.ui.admin_audit import AuditPage
from desk.ui.admin_backup import BackupPage
from desk.ui.admin_calendar import CalendarPage
from desk.ui.admin_common import AdminPage
from desk.ui.admin_export import ExportPage
from desk.ui.admin_operators import OperatorsPage
from desk.ui.admin_packs import PacksPage
from desk.ui.admin_settings import SettingsPage
from desk.ui.errors import MessageBar
from desk.ui.widgets import hint_label, shortcut

# (attribute, tab title, page class); Ctrl+1 … Ctrl+7 in this order
PAGES = (
    ("operators", "操作员", OperatorsPage),
    ("settings", "系统设置", SettingsPage),
    ("packs", "政策包", PacksPage),
    ("audit", "审计日志", AuditPage),
    ("calendar", "节假日安排", CalendarPage),
    ("backups", "备份与恢复", BackupPage),
    ("export", "数据上报", ExportPage),
)


class AdminPanel(QWidget):
    settings_saved = Signal(object)  # settings.OfficeSettings

    def __init__(self, desk: Desk, admin: Operator, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.admin = desk, admin
        self.tabs = QTabWidget()
        self.tabs.setObjectName("adminTabs")
        self.pages: dict[str, AdminPage] = {}
        for number, (name, title, page_class) in enumerate(PAGES, start=1):
            page = page_class(desk, admin)
            self.pages[name] = page
            index = self.tabs.addTab(page, self.tr(title))
            self.tabs.setTabToolTip(index, f"{self.tr(title)} (Ctrl+{number})")
            shortcut(self, f"Ctrl+{number}", lambda index=index: self.show_page(index),
                     context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.pages["settings"].saved.connect(self.settings_saved)
        self.pages["packs"].standard_entered.connect(self.refresh_notice)
        self.tabs.currentChanged.connect(self._page_shown)
        self.notice = MessageBar()  # what to do soon (missing standards, holiday schedules); never blocks
        self.notice.setAccessibleName(self.tr("待办提醒"))
        title = QLabel(self.tr("系统管理"))
        title.setProperty("role", "title")
        note = hint_label(self.tr("管理员：{name}。管理员不办理参保登记等业务；Ctrl+1 至 Ctrl+7 切换页面。").format(
            name=admin.display_name))
        header = QHBoxLayout()
        header.addWidget(title)
        header.addSpacing(16)
        header.addWidget(note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addLayout(header)
        layout.addWidget(self.notice)
        layout.addWidget(self.tabs, 1)
        self.refresh_notice()

    def refresh_notice(self, *_ignored) -> None:
        """The administrator's reminders at login, read again whenever a page is shown or a standard entered."""
        notices = screen.admin_notices(self.desk)
        self.notices = notices
        if notices:
            self.notice.show_warning("\n".join(self.tr("待办：") + notice.text for notice in notices))
        else:
            self.notice.clear_message()

    def page(self, name: str) -> AdminPage:
        return self.pages[name]

    def show_page(self, index_or_name) -> AdminPage:
        index = index_or_name if isinstance(index_or_name, int) else list(self.pages).index(index_or_name)
        self.tabs.setCurrentIndex(index)
        return self.tabs.currentWidget()

    def _page_shown(self, index: int) -> None:
        self.refresh_notice()
        page = self.tabs.widget(index)
        if not getattr(page, "has_unsaved_changes", lambda: False)():  # typed settings survive a look elsewhere
            page.refresh()
        QTimer.singleShot(0, page.focus_first)

    def focus_search(self) -> None:
        """The main window calls this when it first shows: start on the current page."""
        self.tabs.currentWidget().focus_first()

    def has_unsaved_changes(self) -> bool:
        return self.pages["settings"].has_unsaved_changes()
