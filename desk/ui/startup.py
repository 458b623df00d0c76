"""The database at start (operations.md, "Data safety"): the app refuses to work on a damaged
database and offers the newest good backup.

* A file under `FULL_CHECK_BEFORE_LOGIN_MAX_BYTES` gets the full check (SQLite's integrity check
  and the audit chain) before the login.
* A bigger one (the check takes 17 s at 3.35 M persons) is only opened before the login; the
  full check then runs in a background thread once the main window is up, and if it fails the
  same dialog locks the application.

The dialog names the problem and offers the newest backup that passes its own check; restoring
keeps the current (damaged) file aside, then the app opens the restored file and checks it
again. Without a good backup the only way on is 退出程序 and a call to the administrator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLayout, QListWidget, QVBoxLayout, QWidget

from desk.core.errors import DeskError
from desk.services import admin_ui_support as support
from desk.services import backup
from desk.services.context import Desk
from desk.ui.background import BackgroundJob, run_in_background
from desk.ui.errors import MessageBar
from desk.ui.widgets import action_button, hint_label, value_label

FULL_CHECK_BEFORE_LOGIN_MAX_BYTES = 64 * 1024 * 1024  # keeps start to login under 1.5 s (bench/bench_startup.py)


class DamagedDatabaseDialog(QDialog):
    """Names the problem; 用最新的完好备份恢复 (keeping the damaged file aside) or 退出程序.

    `release` runs just before the restore: whoever holds the database open closes it there.
    Accepted means restored (`aside` is where the damaged file now lies).
    """

    def __init__(self, db_path: Path, problems: list[str], parent: QWidget | None = None, *,
                 release: Callable[[], None] | None = None):
        super().__init__(parent)
        self.db_path, self.release = Path(db_path), release
        self.aside: Path | None = None
        self.restored_from: backup.BackupFile | None = None
        self.setObjectName("damagedDatabaseDialog")
        self.setWindowTitle(self.tr("数据库已损坏"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.candidate = backup.newest_good_backup(self.db_path)
        heading = QLabel(self.tr("数据库未通过完整性检查，程序不能在它上面继续办理业务。"))
        heading.setProperty("role", "heading")
        heading.setWordWrap(True)
        where = value_label()
        where.setWordWrap(True)
        where.setText(self.tr("数据库文件：{path}").format(path=self.db_path))
        self.problems = QListWidget()
        self.problems.setObjectName("damageProblems")
        self.problems.addItems(problems)
        self.problems.setWordWrap(True)
        self.problems.setMinimumWidth(660)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problems.setFixedHeight(min(30 * len(problems) + 34, 160))
        self.bar = MessageBar()
        self.offer = hint_label(self._offer_text())
        self.offer.setObjectName("backupOffer")
        self.restore_button = action_button(self.tr("用这个备份恢复并继续"), "Enter")
        self.restore_button.setProperty("primary", True)
        self.restore_button.setObjectName("restoreNewest")
        self.restore_button.clicked.connect(self.restore)
        self.restore_button.setVisible(self.candidate is not None)
        self.exit_button = action_button(self.tr("退出程序"), "Esc")
        self.exit_button.setObjectName("exitProgram")
        self.exit_button.setAutoDefault(False)
        self.exit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(self.exit_button)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # wrapped labels get their height
        layout.setContentsMargins(22, 18, 22, 16)
        layout.setSpacing(10)
        for widget in (heading, where, QLabel(self.tr("检查发现的问题：")), self.problems, self.offer, self.bar):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        (self.restore_button if self.candidate else self.exit_button).setDefault(True)
        (self.restore_button if self.candidate else self.exit_button).setFocus()

    def _offer_text(self) -> str:
        if self.candidate is None:
            return self.tr("没有找到可用的备份（备份文件夹：{folder}）。请退出程序并联系系统管理员或技术支持，"
                           "不要删除或覆盖现在的数据库文件。").format(folder=backup.backups_dir(self.db_path))
        return self.tr(
            "最新的完好备份：{name}（{time}，{size}）。\n恢复后，这个备份时间之后办理的业务需要重新录入；"
            "现在的数据库文件不会删除，而是另存为 {stem}.before-restore-时间{suffix}，请交给技术人员检查。").format(
            name=self.candidate.path.name, time=f"{self.candidate.taken_at:%Y-%m-%d %H:%M}",
            size=support.size_text(self.candidate.size), stem=self.db_path.stem, suffix=self.db_path.suffix)

    def restore(self) -> None:
        if self.candidate is None:
            return
        if self.release is not None:
            self.release()
            self.release = None
        try:
            self.aside = backup.restore(self.db_path, self.candidate.path)
        except (DeskError, OSError) as error:
            self.bar.show_error(self.tr("恢复没有完成：{message}").format(message=getattr(error, "message", None) or error))
            return
        self.restored_from = self.candidate
        self.accept()


def open_database_at_start(db_path: Path, *, clock=None, ask=None) -> tuple[Desk | None, str]:
    """Open (and, when small enough, fully check) the database; offer a restore while it is damaged.

    Returns (the open desk or None when the clerk chose to exit, a notice about a restore or "").
    `ask(db_path, problems)` shows the dialog and returns it (tests may replace it).
    """
    ask = ask or _ask
    notice = ""
    while True:
        full = support.database_size(db_path) < FULL_CHECK_BEFORE_LOGIN_MAX_BYTES
        check = support.open_at_start(Path(db_path), full_check=full, clock=clock)
        if check.sound:
            return check.desk, notice
        dialog = ask(Path(db_path), check.problems)
        if dialog.result() != QDialog.DialogCode.Accepted:
            return None, ""
        notice = restore_notice(dialog)


def _ask(db_path: Path, problems: list[str]) -> DamagedDatabaseDialog:
    dialog = DamagedDatabaseDialog(db_path, problems)
    dialog.exec()
    return dialog


def restore_notice(dialog: DamagedDatabaseDialog) -> str:
    return dialog.tr("已用备份 {name} 恢复数据库；损坏的文件另存为 {aside}。{time} 之后办理的业务需要重新录入。").format(
        name=dialog.restored_from.path.name, aside=dialog.aside.name,
        time=f"{dialog.restored_from.taken_at:%Y-%m-%d %H:%M}")


def needs_background_check(desk: Desk) -> bool:
    return desk.path is not None and support.database_size(desk.path) >= FULL_CHECK_BEFORE_LOGIN_MAX_BYTES


def check_in_background(desk: Desk, on_damaged: Callable[[list[str]], None]) -> BackgroundJob:
    """The full check on a connection of its own; `on_damaged(problems)` in the UI thread if it fails."""

    def work() -> list[str]:
        with support.separate_connection(desk) as other:
            return support.database_problems(other)

    def done(problems: list[str]) -> None:
        if problems:
            on_damaged(problems)

    return run_in_background(work, on_done=done, on_error=lambda error: on_damaged([str(error)]), all_errors=True)
