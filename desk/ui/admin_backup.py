"""备份与恢复: the backups beside the database (3 newest, 7 daily, 4 weekly, 12 monthly kept; one is
taken at the first start of each day), a backup now (in the background, with a progress dialog),
and a restore of the selected backup behind the administrator's own password: the session then
logs out, closes the database, restores (desk.services.restore) and opens the restored file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from desk.core.errors import DeskError, os_reason
from desk.screens import admin as screen
from desk.services import backup
from desk.services.background import separate_connection
from desk.services.context import Desk, Operator
from desk.ui import errors
from desk.ui.admin_common import AdminPage, fill_row, make_table
from desk.ui.background import run_in_background
from desk.ui.widgets import action_button, hint_label, password_edit, value_label

COLUMNS = ("备份时间", "大小", "文件名")


class BackupPage(AdminPage):
    def __init__(self, desk: Desk, admin: Operator, parent: QWidget | None = None):
        super().__init__(self.tr(
            "每天第一次启动时自动备份一次，也可以随时立即备份；备份放在数据库旁边的 backups 文件夹，保留最近3份及最近7天、4周、12个月每期最新的一份。"
            "请定期把备份文件夹复制到U盘或另一台电脑。"), parent)
        self.desk, self.admin = desk, admin
        self.job = None
        self.where = value_label()
        self.where.setObjectName("backupFolder")
        self.where.setWordWrap(True)
        self.backup_button = action_button(self.tr("立即备份"), "Ctrl+B")
        self.backup_button.setProperty("primary", True)
        self.backup_button.clicked.connect(self.backup_now)
        self.page_shortcut("Ctrl+B", self.backup_now)
        for keys, button in (("Alt+R", "restore_button"), ("Alt+C", "copy_button"), ("Alt+K", "export_keys_button")):
            self.page_shortcut(keys, lambda name=button: self._click_if_enabled(name))
        self.table = make_table(COLUMNS, "backupsTable")
        line = QHBoxLayout()
        line.addWidget(self.backup_button)
        line.addStretch(1)
        self.body.addWidget(self.where)
        self.body.addLayout(line)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self._restore_box())
        self.body.addWidget(self._keys_box())
        self.key_job = None
        self.restore_job = None
        self.refresh()

    def _restore_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("从备份恢复"))
        layout = QVBoxLayout(box)
        layout.addWidget(hint_label(self.tr(
            "用上表中选中的备份替换当前数据库（备份之后的业务须重新录入），须输入管理员本人的密码；程序会退出登录，"
            "其他打开同一数据库的 desk 须先关闭。当前文件另存为 *.before-restore-时间.db，不会删除；凭证编号和记录编号"
            "接着已用过的最大编号继续。也可以用下面的命令（密码从标准输入读入）。")))
        self.restore_password = password_edit("restorePassword", self.tr("管理员密码"))
        self.restore_button = action_button(self.tr("用选中的备份恢复"), "Alt+R")
        self.restore_button.setObjectName("restoreSelected")
        self.restore_button.setAutoDefault(False)
        self.restore_button.clicked.connect(self.restore_selected)
        confirm = QHBoxLayout()
        confirm.addWidget(self.restore_password)
        confirm.addWidget(self.restore_button)
        confirm.addStretch(1)
        layout.addLayout(confirm)
        self.command = QLineEdit(screen.restore_command(self.desk))
        self.command.setObjectName("restoreCommand")
        self.command.setReadOnly(True)
        self.copy_button = action_button(self.tr("复制命令"), "Alt+C")
        self.copy_button.clicked.connect(self.copy_command)
        line = QHBoxLayout()
        line.addWidget(self.command, 1)
        line.addWidget(self.copy_button)
        layout.addLayout(line)
        return box

    def _keys_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("密钥副本"))
        layout = QVBoxLayout(box)
        layout.addWidget(hint_label(self.tr(
            "密钥（凭证核验码、审计链）不在备份里，且只有本机本账户能读取：请导出口令保护的副本，与备份分开保管；"
            "换电脑或密钥丢失时用 desk keys import 导入。")))
        self.passphrase = password_edit("keysPassphrase", self.tr("保护口令（至少12个字符）"), 240)
        self.passphrase_again = password_edit("keysPassphraseAgain", self.tr("再输入一次"), 240)
        self.export_keys_button = action_button(self.tr("导出密钥副本…"), "Alt+K")
        self.export_keys_button.setObjectName("exportKeys")
        self.export_keys_button.setAutoDefault(False)
        self.export_keys_button.clicked.connect(self.export_keys)
        line = QHBoxLayout()
        line.addWidget(self.passphrase)
        line.addWidget(self.passphrase_again)
        line.addWidget(self.export_keys_button)
        line.addStretch(1)
        layout.addLayout(line)
        return box

    def export_keys(self) -> None:
        """The passphrase-protected copy (desk.services.key_escrow), derived in the background (scrypt)."""
        from desk.services import key_escrow
        from desk.ui import file_choice

        if self.key_job is not None and not self.key_job.done:
            return
        passphrase = self.passphrase.text()
        if passphrase != self.passphrase_again.text():
            self.bar.show_error(self.tr("两次输入的保护口令不一致，请重新输入。"))
            return
        try:
            key_escrow.check_passphrase(passphrase)
        except DeskError as error:
            self.bar.show_error(error.message)
            return
        suggested = file_choice.documents_folder() / f"desk-密钥副本-{self.desk.today():%Y%m%d}.json"
        target = file_choice.save_path(self, self.tr("导出密钥副本"), suggested, self.tr("密钥副本 (*.json)"))
        if target is None:
            return

        def work() -> Path:
            with separate_connection(self.desk) as other:
                return key_escrow.export_keys(other, self.admin, target, passphrase)

        def done(written: Path) -> None:
            self.passphrase.clear()
            self.passphrase_again.clear()
            self.bar.show_info(self.tr("已导出密钥副本：{path}。请把它与备份分开保管，并另行记录保护口令。").format(path=written))

        def failed(error: BaseException) -> None:
            if isinstance(error, DeskError):
                self.bar.show_error(self.tr("密钥副本没有导出：{message}").format(message=error.message))
            else:
                self.bar.show_error(errors.apology(errors.show_unexpected(self, error)))

        self.bar.clear_message()
        self.key_job = run_in_background(work, parent=self, progress=self.tr("正在导出密钥副本……"),
                                         on_done=done, on_error=failed, all_errors=True)

    def restore_selected(self) -> None:
        """Checked here (a good backup, the administrator's own password); done by the session, which
        closes the database first (`restore_from_backup` on the main window, see desk.ui.app). The
        checks run in a thread (quick_check of the whole backup: seconds on a big file; the password's
        scrypt: 0.6 s): 恢复 waits disabled meanwhile."""
        from desk.services import operators

        if self.restore_job is not None and not self.restore_job.done:
            return
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        path = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not path:
            self.bar.show_error(self.tr("请先在上表中选中要恢复的备份。"))
            return
        password = self.restore_password.text()

        def work() -> tuple[str, str | None]:
            problem = backup.backup_problem(Path(path))
            if problem:
                return "backup", problem
            with separate_connection(self.desk) as other:
                return ("ok", None) if operators.verify_password(other, self.admin, password) else ("password", None)

        def checked(outcome: tuple[str, str | None]) -> None:
            self.restore_button.setEnabled(True)
            kind, problem = outcome
            if kind == "backup":
                self.bar.show_error(self.tr("{problem}不能用来恢复，请选择另一个备份。").format(problem=problem))
                return
            self.restore_password.clear()
            if kind == "password":
                self.bar.show_error(self.tr("密码不正确，没有恢复。请输入管理员{name}本人的密码。").format(name=self.admin.display_name))
                return
            self.bar.clear_message()
            restore = getattr(self.window(), "restore_from_backup", None)
            if restore is None:
                self.bar.show_error(self.tr("这里不能恢复：请退出程序后用下面的命令恢复。"))
                return
            restore(Path(path), self.admin)

        def failed(error: BaseException) -> None:
            self.restore_button.setEnabled(True)
            if isinstance(error, DeskError):
                self.bar.show_error(self.tr("没有恢复：{message}").format(message=error.message))
            else:
                self.bar.show_error(errors.apology(errors.show_unexpected(self, error)))

        self.restore_button.setEnabled(False)
        self.bar.show_info(self.tr("正在检查备份并核对密码……"))
        self.restore_job = run_in_background(work, parent=self, on_done=checked, on_error=failed, all_errors=True)

    def _click_if_enabled(self, name: str) -> None:
        """A button's shortcut does what the button does, only while the button can be pressed."""
        button = getattr(self, name)
        if button.isVisible() and button.isEnabled():
            button.click()

    def refresh(self) -> None:
        shown = screen.backup_screen(self.desk)
        rows = shown.rows
        self.where.setText(self.tr("数据库：{db}（{size}）\n备份文件夹：{folder}　共 {count} 份").format(
            db=shown.database, size=shown.database_size,
            folder=shown.folder or self.tr("（内存数据库，不能备份）"), count=len(rows)))
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            fill_row(self.table, index, (row.taken_at, row.size, row.name), str(row.path))

    def focus_first(self) -> None:
        self.backup_button.setFocus()

    def copy_command(self) -> None:
        QGuiApplication.clipboard().setText(self.command.text())
        self.bar.show_info(self.tr("命令已复制。"))

    def backup_now(self) -> None:
        if self.job is not None and not self.job.done:
            return

        def work() -> backup.BackupFile:
            with separate_connection(self.desk) as other:
                return backup.backup(other, self.admin, reason="manual")

        self.bar.clear_message()
        self.backup_button.setEnabled(False)
        self.job = run_in_background(work, parent=self, progress=self.tr("正在备份数据库，请稍候……"),
                                     on_done=self._done, on_error=self._failed, all_errors=True)

    def _done(self, taken: backup.BackupFile) -> None:
        self.backup_button.setEnabled(True)
        self.refresh()
        self.bar.show_info(self.tr("已备份：{name}（{size}），已记入审计日志。").format(
            name=taken.path.name, size=screen.size_text(taken.size)))

    def _failed(self, error: BaseException) -> None:
        self.backup_button.setEnabled(True)
        if isinstance(error, DeskError):
            self.bar.show_error(self.tr("备份没有完成：{message}").format(message=error.message))
        elif isinstance(error, OSError):
            self.bar.show_error(self.tr("备份没有完成：无法写入备份文件夹（{reason}）。请检查磁盘空间后重试。").format(
                reason=os_reason(error)))
        else:
            self.bar.show_error(errors.apology(errors.show_unexpected(self, error)))
