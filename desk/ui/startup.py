"""The database at start (operations.md, "Data safety"; issue 11, item 7): the app refuses to work
on a damaged database and offers the newest good backup behind an administrator's password, never
as the default button; a locked, read-only, full or failing one gets its own message and 重试.

* A file under `FULL_CHECK_BEFORE_LOGIN_MAX_BYTES` gets the full check (SQLite's integrity check
  and the audit chain) before the login.
* A bigger one (the check takes 39 s at 3.35 M persons; even SQLite's quick_check 6.4 s) gets the
  quick check before the login (integrity.start_problems: the kept chain head and the keyed chain
  from the last point a full check verified: milliseconds); the full check then runs in a
  background thread once the main window is up, moves the verified point on, and if it fails the
  same dialog locks the application.

The dialog names the problem and offers the newest backup that passes its own check; restoring
keeps the current (damaged) file aside, then the app opens the restored file and checks it
again. Without a good backup the only way on is 退出程序 and a call to the administrator.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLayout, QLineEdit, QListWidget, QVBoxLayout, QWidget

from desk.core.errors import DeskError
from desk.screens.admin import backup_offer
from desk.services import backup, faults, startup
from desk.services import restore as restoring
from desk.services.background import separate_connection
from desk.services.context import Desk
from desk.ui.background import BackgroundJob, run_in_background
from desk.ui.errors import MessageBar
from desk.ui.widgets import action_button, hint_label, value_label

FULL_CHECK_BEFORE_LOGIN_MAX_BYTES = 64 * 1024 * 1024  # keeps start to login under 1.5 s (bench/bench_startup.py)


RETRY = 2  # the dialog's result when the clerk chose 重试 (a locked, read-only, full or failing disk)


class DamagedDatabaseDialog(QDialog):
    """Names the fault (desk.services.faults) and its next step.

    Damage only: the newest good backup is offered behind an administrator's name and password
    (checked against the backup's own operators), never as the default button: Enter never replaces
    today's file. Every other fault offers 重试 (default) and 退出程序, never a backup.
    `release` runs just before the restore: whoever holds the database open closes it there.
    Accepted means restored (`aside` is where the damaged file now lies).
    """

    def __init__(self, db_path: Path, problems: list[str], parent: QWidget | None = None, *,
                 release: Callable[[], None] | None = None, fault: faults.Fault | None = None):
        super().__init__(parent)
        self.db_path, self.release = Path(db_path), release
        self.fault = fault or faults.FAULTS[faults.CORRUPT]
        self.aside: Path | None = None
        self.restored_from: backup.BackupFile | None = None
        self.setObjectName("damagedDatabaseDialog")
        self.setWindowTitle(self.tr(self.fault.title))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        offer = backup_offer(self.db_path, offers_backup=self.fault.offers_backup)
        self.candidate = offer.candidate
        heading = QLabel(self.tr(self.fault.message))
        heading.setProperty("role", "heading")
        heading.setWordWrap(True)
        where = value_label()
        where.setWordWrap(True)
        where.setText(self.tr("数据库文件：{path}").format(path=self.db_path))
        self.next_step = hint_label(self.tr(self.fault.next_step))
        self.next_step.setObjectName("nextStep")
        self.problems = QListWidget()
        self.problems.setObjectName("damageProblems")
        self.problems.addItems(problems)
        self.problems.setWordWrap(True)
        self.problems.setMinimumWidth(660)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problems.setFixedHeight(min(30 * len(problems) + 34, 160))
        self.bar = MessageBar()
        self.offer = hint_label(self.tr(offer.text))
        self.offer.setObjectName("backupOffer")
        self.offer.setVisible(self.fault.offers_backup)
        self._build_buttons()
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # wrapped labels get their height
        layout.setContentsMargins(22, 18, 22, 16)
        layout.setSpacing(10)
        for widget in (heading, where, self.next_step, QLabel(self.tr("详细信息：")), self.problems, self.offer,
                       self.credentials, self.bar):
            layout.addWidget(widget)
        layout.addLayout(self.buttons)

    def _build_buttons(self) -> None:
        self.username, self.password = QLineEdit(), QLineEdit()
        self.username.setObjectName("restoreUsername")
        self.password.setObjectName("restorePassword")
        self.username.setPlaceholderText(self.tr("管理员用户名"))
        self.password.setPlaceholderText(self.tr("管理员密码"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.restore)
        self.credentials = QWidget()
        line = QHBoxLayout(self.credentials)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(QLabel(self.tr("恢复须由管理员确认：")))
        line.addWidget(self.username)
        line.addWidget(self.password)
        self.credentials.setVisible(self.candidate is not None)
        self.restore_button = action_button(self.tr("用这个备份恢复并继续"))
        self.restore_button.setObjectName("restoreNewest")
        self.restore_button.setAutoDefault(False)
        self.restore_button.clicked.connect(self.restore)
        self.restore_button.setVisible(self.candidate is not None)
        self.retry_button = action_button(self.tr("重试"))
        self.retry_button.setObjectName("retryOpen")
        self.retry_button.clicked.connect(self.retry)
        self.retry_button.setVisible(not self.fault.offers_backup)
        self.exit_button = action_button(self.tr("退出程序"), "Esc")
        self.exit_button.setObjectName("exitProgram")
        self.exit_button.setAutoDefault(False)
        self.exit_button.clicked.connect(self.reject)
        self.buttons = QHBoxLayout()
        for button in (self.restore_button, self.retry_button):
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.exit_button)
        if self.fault.offers_backup:  # no default button: Enter alone restores nothing
            (self.username if self.candidate else self.exit_button).setFocus()
        else:
            self.retry_button.setDefault(True)
            self.retry_button.setFocus()

    def retry(self) -> None:
        self.done(RETRY)

    def restore(self) -> None:
        if self.candidate is None:
            return
        if not self.username.text().strip() or not self.password.text():
            self.bar.show_error(self.tr("恢复会替换现在的数据库文件，须由管理员输入用户名和密码确认。"))
            self.username.setFocus()
            return
        try:
            administrator = restoring.administrator_of_backup(self.candidate.path, self.username.text(), self.password.text())
        except DeskError as error:
            self.password.clear()
            self.bar.show_error(error.message)
            return
        if self.release is not None:
            self.release()
            self.release = None
        try:
            result = restoring.restore_database(self.db_path, self.candidate.path, operator=administrator)
        except (DeskError, OSError) as error:
            self.bar.show_error(self.tr("恢复没有完成：{message}").format(message=getattr(error, "message", None) or error))
            return
        self.aside, self.restored_from = result.aside, self.candidate
        self.accept()


def open_database_at_start(db_path: Path, *, clock=None, ask=None) -> tuple[Desk | None, str]:
    """Open (and, when small enough, fully check) the database; show the fault while it is refused.

    Returns (the open desk or None when the clerk chose to exit, a notice about a restore or "").
    `ask(db_path, problems, fault)` shows the dialog and returns it (tests may replace it).
    """
    ask = ask or _ask
    notice = ""
    while True:
        full = startup.database_size(db_path) < FULL_CHECK_BEFORE_LOGIN_MAX_BYTES
        check = startup.check_at_start(Path(db_path), full_check=full, clock=clock)
        if check.sound:
            return check.desk, notice
        dialog = ask(Path(db_path), check.problems, check.fault)
        if dialog.result() == RETRY:
            continue
        if dialog.result() != QDialog.DialogCode.Accepted:
            return None, ""
        notice = restore_notice(dialog)


def _ask(db_path: Path, problems: list[str], fault: faults.Fault | None = None) -> DamagedDatabaseDialog:
    dialog = DamagedDatabaseDialog(db_path, problems, fault=fault)
    dialog.exec()
    return dialog


def restore_notice(dialog: DamagedDatabaseDialog) -> str:
    return dialog.tr("已用备份 {name} 恢复数据库；损坏的文件另存为 {aside}。{time} 之后办理的业务需要重新录入。").format(
        name=dialog.restored_from.path.name, aside=dialog.aside.name if dialog.aside else "",
        time=f"{dialog.restored_from.taken_at:%Y-%m-%d %H:%M}")


def needs_background_check(desk: Desk) -> bool:
    return desk.path is not None and startup.database_size(desk.path) >= FULL_CHECK_BEFORE_LOGIN_MAX_BYTES


def check_in_background(desk: Desk, on_damaged: Callable[..., None]) -> BackgroundJob:
    """The full check on a connection of its own; `on_damaged(problems[, fault])` in the UI thread if it fails."""

    def work() -> list[str]:
        with separate_connection(desk) as other:
            return startup.database_problems(other)

    def done(problems: list[str]) -> None:
        if problems:
            on_damaged(problems)

    def failed(error: BaseException) -> None:  # a locked or failing disk is no damage (faults.classify)
        on_damaged([getattr(error, "message", None) or str(error)], faults.classify(error))

    return run_in_background(work, on_done=done, on_error=failed, all_errors=True)
