"""Starting the GUI: the application with its font and look, the database (checked, see
desk.ui.startup), login, main window with its screen lock, the daily backup.

`DESK_BENCH_STARTUP=1`: print `login-window-shown SECONDS` once the login (or first-start)
window is up and exit 0 (bench/bench_startup.py). SECONDS counts from `DESK_BENCH_T0` (the
benchmark's time.time() before it started the process) or else from this module's import.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desk.services import backup, vouchers
from desk.services.context import Desk, Operator
from desk.ui import errors, file_choice
from desk.ui.background import run_in_background
from desk.ui.login import login_flow
from desk.ui.startup import DamagedDatabaseDialog, check_in_background, needs_background_check, open_database_at_start
from desk.ui.style import apply_look
from desk.ui.widgets import install_screen_fit

if TYPE_CHECKING:
    from desk.ui.main_window import MainWindow

IMPORTED_AT = time.perf_counter()

# Qt's own Chinese (the standard buttons 确定/取消, the file and print dialogs, a text field's
# right-click menu); packaging/windows/trim_qt.py keeps this file in the Windows build.
QT_TRANSLATION = "qtbase_zh_CN.qm"


# the few texts of Qt's own dialogs that its zh_CN file lacks (Qt 6.12's file dialog)
QT_GAPS = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
}


class QtGaps(QTranslator):
    """Installed after Qt's own translation, so asked first; None (no translation) sends every
    other text on to it."""

    def translate(self, context, source_text, disambiguation=None, n=-1):
        return QT_GAPS.get((context, source_text))

    def isEmpty(self) -> bool:
        return False


def qt_translation_file() -> Path | None:
    """Where PySide6 keeps Qt's zh_CN translation (Qt's own translations folder, else beside the
    PySide6 package as a trimmed Windows build has it); None if it is missing."""
    import PySide6

    package = Path(PySide6.__file__).parent
    folders = (Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
               package / "translations", package / "Qt" / "translations")
    return next((folder / QT_TRANSLATION for folder in folders if (folder / QT_TRANSLATION).is_file()), None)


def install_chinese(app: QApplication) -> bool:
    """Chinese for what Qt draws itself, once per application; dates and numbers in zh_CN (the
    calendar pop-ups' month and day names). False if the translation file is missing."""
    if app.property("desk_chinese_installed"):
        return True
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    found = qt_translation_file()
    translator = QTranslator(app)
    if found is None or not translator.load(str(found)):
        return False
    app.installTranslator(translator)
    app.installTranslator(QtGaps(app))
    app.setProperty("desk_chinese_installed", True)
    return True


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("desk")
    app.setApplicationDisplayName("医保经办窗口 desk")
    install_chinese(app)
    install_screen_fit(app)
    apply_look(app)
    return app


def build_main_window(desk: Desk, operator: Operator) -> MainWindow:
    """The main window for one logged-in operator, with its screen lock (tests build it directly)."""
    from desk.ui.main_window import MainWindow  # the business tabs load after the login, not before it
    from desk.ui.screen_lock import ScreenLock

    apply_look(create_application())
    if desk.path is not None:
        errors.set_log_directory(desk.path.parent / "logs")
        file_choice.protect(desk.path.parent)  # no file dialog starts in (or sniffs) the data directory
    window = MainWindow(desk, operator)
    window.papers_job = run_in_background(vouchers.prepare, on_error=lambda _error: None, all_errors=True)
    window.screen_lock = ScreenLock(window, desk, operator)
    window.screen_lock.logout_requested.connect(lambda: window.end_session(window.screen_lock.end_message))
    panel = window.centralWidget()
    if hasattr(panel, "settings_saved"):
        panel.settings_saved.connect(lambda values: _settings_changed(window, values))
    return window


def _settings_changed(window: MainWindow, values) -> None:
    """An administrator saved the settings: the status bar and the idle time follow at once."""
    from desk.screens import common

    pack = common.default_pack_status(window.desk)
    pack_text = window.tr("政策包：{id} 版本 {version}").format(id=pack.id, version=pack.version)
    window.status_labels["pack"].setText(pack_text + (window.tr("（含暂定值）") if pack.provisional else ""))
    window.status_labels["pack"].setToolTip(pack.title)
    window.status_labels["window"].setText(window.tr("窗口：{window}").format(window=values.window))
    window.status_labels["office"].setText(window.tr("经办机构：{office}").format(office=values.office_name))
    window.screen_lock.set_minutes(int(values.idle_lock_minutes))


class Session:
    """Login → main window → (退出登录) → login again, until the clerk quits."""

    def __init__(self, app: QApplication, desk: Desk, notice: str = ""):
        self.app, self.desk = app, desk
        self.window: MainWindow | None = None
        self.notice = notice  # e.g. that the database was restored from a backup at start
        self.full_check_pending = needs_background_check(desk)
        self.backup_job = self.check_job = None

    def start(self, username: str = "", notice: str = "") -> bool:
        operator = login_flow(self.desk, username=username, notice=notice)
        if operator is None:
            return False
        self.window = build_main_window(self.desk, operator)
        self.window.logout_requested.connect(self.logout)
        self.window.restore_from_backup = self.restore_from_page  # 备份与恢复 (desk.ui.admin_backup)
        self.window.closed_by_user.connect(self.app.quit)
        self.window.show_on_screen()
        if self.notice:
            self.window.statusBar().showMessage(self.notice, 60_000)
            self.notice = ""
        self._after_login()
        return True

    def _after_login(self) -> None:
        if self.full_check_pending:
            self.full_check_pending = False
            self.check_job = check_in_background(self.desk, self.damaged)
        if self.desk.path is not None and (self.backup_job is None or self.backup_job.done) and backup.daily_backup_due(self.desk):
            self.backup_job = daily_backup(self.desk, self.window)

    def logout(self) -> None:
        username = self.window.operator.username if self.window else ""
        why = getattr(self.window, "session_end_message", "") if self.window else ""  # e.g. the account was disabled
        self._close_window()
        if not self.start(username, notice=why):
            self.app.quit()

    def _close_window(self) -> None:
        if self.window is not None:
            self.window.close_for_logout()
            self.window.deleteLater()
            self.window = None

    def _release(self) -> None:
        self._close_window()
        self.desk.close()

    def restore_from_page(self, backup_file: Path, admin: Operator) -> None:
        """An administrator restores from the 备份与恢复 page: after the current event, log out, close
        the database, restore (refused while another program holds the file), open it again, log in."""
        QTimer.singleShot(0, lambda: self._restore_now(backup_file, admin))

    def _restore_now(self, backup_file: Path, admin: Operator) -> None:
        from desk.core.errors import DeskError
        from desk.services.restore import restore_database

        path, clock = self.desk.path, self.desk.clock
        self._release()
        try:
            result = restore_database(path, backup_file, operator=admin, clock=clock)
            self.notice = f"已用备份 {backup_file.name} 恢复数据库；原数据库文件另存为 {result.aside.name if result.aside else '（无）'}。"
        except DeskError as error:
            QMessageBox.warning(None, "医保经办窗口 desk", f"恢复没有完成：{error.message}\n数据库没有改动。")
        desk, notice = open_database_at_start(path, clock=clock)
        if desk is None:
            self.app.quit()
            return
        self.desk, self.notice = desk, notice or self.notice
        if not self.start(admin.username):
            self.app.quit()

    def damaged(self, problems: list[str], fault=None) -> None:
        """The background check failed: the same refusal as at start, over the whole application
        (a locked or failing disk is told apart: 重试 runs the check again, no backup offered)."""
        from desk.ui.startup import RETRY

        dialog = DamagedDatabaseDialog(self.desk.path, problems, None, release=self._release, fault=fault)
        path = self.desk.path
        result = dialog.exec()
        if result == RETRY and self.window is not None:
            self.check_job = check_in_background(self.desk, self.damaged)
            return
        if result != QDialog.DialogCode.Accepted:
            if self.window is not None:
                self._release()
            self.app.quit()
            return
        from desk.ui.startup import restore_notice

        desk, _ = open_database_at_start(path, clock=self.desk.clock)
        if desk is None:
            self.app.quit()
            return
        self.desk, self.notice = desk, restore_notice(dialog)
        if not self.start():
            self.app.quit()


def daily_backup(desk: Desk, window) -> object:
    """The first start of each day takes a backup, in the background; the status bar says when it is done."""
    from desk.services.background import separate_connection

    def work():
        with separate_connection(desk) as other:
            return backup.backup(other, None, reason="daily")

    def done(taken) -> None:
        if window.isVisible():
            window.statusBar().showMessage(window.tr("今日自动备份已完成：{name}").format(name=taken.path.name), 30_000)

    def failed(error) -> None:
        message = getattr(error, "message", None) or str(error)
        errors.log_unexpected(error)
        if window.isVisible():
            window.statusBar().showMessage(window.tr("今日自动备份没有完成：{message} 请告诉系统管理员。").format(message=message))

    return run_in_background(work, on_done=done, on_error=failed, all_errors=True)


def _bench_report() -> None:
    """DESK_BENCH_STARTUP: once the login window is up, print the time since start and leave."""
    dialog = QApplication.activeModalWidget()
    if dialog is None or not dialog.isVisible():
        QTimer.singleShot(5, _bench_report)
        return
    t0 = os.environ.get("DESK_BENCH_T0")
    elapsed = time.time() - float(t0) if t0 else time.perf_counter() - IMPORTED_AT
    print(f"login-window-shown {elapsed:.3f}", flush=True)
    dialog.reject()


def run_gui(db_path: Path) -> int:
    """Open the database at db_path and run the application; returns the exit status."""
    app = create_application()
    app.setQuitOnLastWindowClosed(False)
    errors.install_excepthook()
    errors.set_log_directory(Path(db_path).parent / "logs")
    try:
        desk, notice = open_database_at_start(Path(db_path))
    except Exception as error:
        reference = errors.log_unexpected(error)
        QMessageBox.critical(None, "医保经办窗口 desk", f"无法打开数据库 {db_path}：{error}\n参考编号 {reference}")
        return 1
    if desk is None:
        return 1
    session = Session(app, desk, notice)
    if os.environ.get("DESK_BENCH_STARTUP") == "1":
        QTimer.singleShot(0, _bench_report)
    if not session.start():
        session.desk.close()
        return 0
    status = app.exec()
    session.desk.close()
    return status
