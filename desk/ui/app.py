"""Starting the GUI: the application with its font and look, the database, login, main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from desk.services.context import Desk, Operator
from desk.ui import errors
from desk.ui.login import login_flow
from desk.ui.main_window import MainWindow
from desk.ui.style import apply_look


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("desk")
    app.setApplicationDisplayName("医保经办窗口 desk")
    apply_look(app)
    return app


def build_main_window(desk: Desk, operator: Operator) -> MainWindow:
    """The main window for one logged-in operator (tests build it directly)."""
    apply_look(create_application())
    if desk.path is not None:
        errors.set_log_directory(desk.path.parent / "logs")
    return MainWindow(desk, operator)


class Session:
    """Login → main window → (退出登录) → login again, until the clerk quits."""

    def __init__(self, app: QApplication, desk: Desk):
        self.app, self.desk = app, desk
        self.window: MainWindow | None = None

    def start(self, username: str = "") -> bool:
        operator = login_flow(self.desk, username=username)
        if operator is None:
            return False
        self.window = build_main_window(self.desk, operator)
        self.window.logout_requested.connect(self.logout)
        self.window.closed_by_user.connect(self.app.quit)
        self.window.show()
        return True

    def logout(self) -> None:
        username = self.window.operator.username if self.window else ""
        if self.window is not None:
            self.window.close_for_logout()
            self.window.deleteLater()
            self.window = None
        if not self.start(username):
            self.app.quit()


def run_gui(db_path: Path) -> int:
    """Open the database at db_path and run the application; returns the exit status."""
    app = create_application()
    app.setQuitOnLastWindowClosed(False)
    errors.install_excepthook()
    errors.set_log_directory(Path(db_path).parent / "logs")
    try:
        desk = Desk.open(db_path)
    except Exception as error:  # noqa: BLE001 - the clerk needs a message, not a traceback
        reference = errors.log_unexpected(error)
        QMessageBox.critical(None, "医保经办窗口 desk", f"无法打开数据库 {db_path}：{error}\n参考编号 {reference}")
        return 1
    session = Session(app, desk)
    if not session.start():
        desk.close()
        return 0
    status = app.exec()
    desk.close()
    return status
