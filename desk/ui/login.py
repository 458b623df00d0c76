"""Login: the first-start dialog that creates the administrator, the login dialog, and the
change-password dialog (forced after an administrator's reset)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLayout, QLineEdit, QVBoxLayout, QWidget

from desk.core.errors import Problem, ValidationError
from desk.services import operators
from desk.services.background import separate_connection
from desk.services.context import Desk, Operator
from desk.ui.background import BackgroundJob, run_in_background
from desk.ui.errors import FieldErrors, MessageBar, run_action
from desk.ui.widgets import FormGrid, hint_label, password_edit

PASSWORD_RULES = "密码至少8位，须同时包含字母和数字。"


class FormDialog(QDialog):
    """Title, a message bar, a form of fields with error labels, OK/cancel; Enter submits, Esc cancels."""

    def __init__(self, title: str, heading: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.errors = FieldErrors()
        self.bar = MessageBar()
        self.form = FormGrid(self.errors, label_width=90)
        header = QLabel(heading)
        header.setProperty("role", "heading")
        header.setWordWrap(True)
        # each line of the heading on one line when it fits a screen (the layout's minimum-size
        # constraint overrides the dialog's own minimum width, and Windows' font metrics differ)
        header.ensurePolished()
        widest = max(header.fontMetrics().horizontalAdvance(line) for line in heading.split("\n"))
        header.setMinimumWidth(min(widest + 8, 720))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # grows when a red message appears
        self.layout_.setSpacing(10)
        self.layout_.setContentsMargins(22, 18, 22, 16)
        self.layout_.addWidget(header)
        self.layout_.addWidget(self.bar)
        self.layout_.addWidget(self.form)

    def finish_layout(self, ok_text: str, cancel_text: str) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip(self.tr("Enter"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setToolTip(self.tr("Esc"))
        self.layout_.addSpacing(4)
        self.layout_.addWidget(self.buttons)

    def attempt(self, call):
        """Run the service call; refusals appear in the dialog, beside their fields."""
        self.errors.clear()
        self.bar.clear_message()
        outcome = run_action(call, bar=self.bar, fields=self.errors, parent=self)
        self.adjustSize()  # room for the red messages (wrapped labels do not grow a dialog by themselves)
        return outcome

    def submit(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


def confirm_problem(first: str, second: str) -> None:
    if first != second:
        raise ValidationError([Problem("confirm", "mismatch", "两次输入的新密码不一致，请重新输入。")])


class FirstStartDialog(FormDialog):
    """The very first start: the administrator chooses their own password at once."""

    def __init__(self, desk: Desk, parent: QWidget | None = None):
        super().__init__(self.tr("首次启动"), self.tr("欢迎使用医保经办窗口 desk。请先创建管理员账户。"), parent)
        self.desk = desk
        self.operator: Operator | None = None
        self.username = QLineEdit("admin")
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText(self.tr("管理员本人姓名"))
        self.password = password_edit()
        self.confirm = password_edit()
        self.form.add_row(self.tr("用户名"), self.username, "username", required=True)
        self.form.add_row(self.tr("姓名"), self.display_name, "display_name", required=True)
        self.form.add_row(self.tr("新密码"), self.password, "password", required=True)
        self.form.add_row(self.tr("再次输入"), self.confirm, "confirm", required=True)
        self.layout_.addWidget(hint_label(self.tr(PASSWORD_RULES) + self.tr("管理员负责创建其他操作员账户，本人不办理业务。")))
        self.finish_layout(self.tr("创建并登录"), self.tr("退出"))
        self.display_name.setFocus()

    def submit(self) -> None:
        def create():
            confirm_problem(self.password.text(), self.confirm.text())
            operators.create_first_administrator(
                self.desk, username=self.username.text().strip(), display_name=self.display_name.text(),
                password=self.password.text(),
            )
            return operators.authenticate(self.desk, username=self.username.text().strip(), password=self.password.text())

        ok, operator = self.attempt(create)
        if ok:
            self.operator = operator
            self.accept()


class LoginDialog(FormDialog):
    def __init__(self, desk: Desk, parent: QWidget | None = None, *, username: str = "", notice: str = ""):
        office = f"{desk.setting('office_name')}　{desk.setting('window')}"
        super().__init__(self.tr("登录 - 医保经办窗口 desk"), self.tr("医保经办窗口 desk") + "\n" + office, parent)
        self.desk = desk
        self.operator: Operator | None = None
        self.password_used = ""
        self.job: BackgroundJob | None = None
        self.username = QLineEdit(username)
        self.username.setPlaceholderText(self.tr("本人的操作员用户名"))
        self.password = password_edit()
        self.form.add_row(self.tr("用户名"), self.username, "username")
        self.form.add_row(self.tr("密码"), self.password, "password")
        self.finish_layout(self.tr("登录"), self.tr("退出"))
        self.login_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if notice:  # why the last session ended (e.g. the account was disabled meanwhile)
            self.bar.show_warning(notice)
        (self.password if username else self.username).setFocus()

    def submit(self) -> None:
        """The password is checked in a thread (scrypt at N=2^17 takes about 0.6 s, too long for the UI
        thread): 登录 waits disabled meanwhile under 正在核对密码……, Enter again does nothing, 退出 still
        works, the answer comes back here."""
        if self.job is not None and not self.job.done:
            return
        username, password = self.username.text().strip(), self.password.text()

        def work() -> Operator:
            with separate_connection(self.desk) as other:
                return operators.authenticate(other, username=username, password=password)

        def answered(outcome: Callable[[], Operator]) -> None:
            self.login_button.setEnabled(True)
            if not self.isVisible():  # 退出 pressed meanwhile
                return
            ok, operator = self.attempt(outcome)
            if ok:
                self.operator = operator
                self.password_used = password
                self.accept()
            else:
                self.password.clear()
                self.password.setFocus()

        def failed(error: BaseException) -> None:
            def again() -> Operator:
                raise error
            answered(again)

        self.login_button.setEnabled(False)
        self.bar.show_info(self.tr("正在核对密码……"))
        self.job = run_in_background(work, parent=self, on_done=lambda operator: answered(lambda: operator),
                                     on_error=failed, all_errors=True)


class ChangePasswordDialog(FormDialog):
    """Change one's own password; `forced` after a reset (no way around it but logging out)."""

    def __init__(self, desk: Desk, operator: Operator, parent: QWidget | None = None, *,
                 forced: bool = False, old_password: str | None = None):
        heading = (self.tr("您的密码由管理员重置过，请先设置新密码再开始办理业务。") if forced
                   else self.tr("修改本人的登录密码。"))
        super().__init__(self.tr("修改密码"), heading, parent)
        self.desk = desk
        self.operator = operator
        self.old = password_edit()
        self.new = password_edit()
        self.confirm = password_edit()
        self._known_old = old_password
        if old_password is None:
            self.form.add_row(self.tr("原密码"), self.old, "old_password", required=True)
        self.form.add_row(self.tr("新密码"), self.new, "new_password", required=True)
        self.form.add_row(self.tr("再次输入"), self.confirm, "confirm", required=True)
        self.layout_.addWidget(hint_label(self.tr(PASSWORD_RULES)))
        self.finish_layout(self.tr("确定"), self.tr("退出登录") if forced else self.tr("取消"))
        (self.new if old_password is not None else self.old).setFocus()

    def submit(self) -> None:
        old = self._known_old if self._known_old is not None else self.old.text()

        def change():
            confirm_problem(self.new.text(), self.confirm.text())
            return operators.change_password(self.desk, self.operator, old_password=old, new_password=self.new.text())

        ok, operator = self.attempt(change)
        if ok:
            self.operator = operator
            self.accept()


def login_flow(desk: Desk, parent: QWidget | None = None, *, username: str = "", notice: str = "") -> Operator | None:
    """First start or login, then a forced password change when needed; None when the clerk gives up."""
    if operators.needs_first_administrator(desk):
        first = FirstStartDialog(desk, parent)
        return first.operator if first.exec() == QDialog.DialogCode.Accepted else None
    login = LoginDialog(desk, parent, username=username, notice=notice)
    if login.exec() != QDialog.DialogCode.Accepted:
        return None
    operator = login.operator
    if operator.must_change_password:
        change = ChangePasswordDialog(desk, operator, parent, forced=True, old_password=login.password_used)
        if change.exec() != QDialog.DialogCode.Accepted:
            return None
        operator = change.operator
    return operator
