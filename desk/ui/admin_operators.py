"""操作员: every account, a new one with its role and temporary password, disable and enable,
reset a password (the person must choose a new one at the next login). Nothing is deleted."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from desk.core.roles import ROLE_NAMES
from desk.screens import admin as screen
from desk.services import operators
from desk.services.context import Desk, Operator
from desk.ui.admin_common import AdminPage, fill_row, make_table, paint_row, select_key, selected_key
from desk.ui.errors import run_action
from desk.ui.login import PASSWORD_RULES, FormDialog, confirm_problem
from desk.ui.widgets import action_button, hint_label, password_edit

COLUMNS = ("用户名", "姓名", "角色", "状态", "下次登录须改密码")


class CreateOperatorDialog(FormDialog):
    """A new account: user name, name, role and a temporary password (changed at the first login)."""

    def __init__(self, desk: Desk, admin: Operator, parent: QWidget | None = None):
        super().__init__(self.tr("新建操作员"), self.tr("新建一个操作员账户（每人一个账户，不得共用）。"), parent)
        self.desk, self.admin = desk, admin
        self.created: Operator | None = None
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("字母、数字、下划线或点，2到32位"))
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for role, name in ROLE_NAMES.items():
            self.role.addItem(self.tr(name), role)
        self.password = password_edit()
        self.confirm = password_edit()
        self.form.add_row(self.tr("用户名"), self.username, "username", required=True)
        self.form.add_row(self.tr("姓名"), self.display_name, "display_name", required=True)
        self.form.add_row(self.tr("角色"), self.role, "role", required=True)
        self.form.add_row(self.tr("临时密码"), self.password, "password", required=True)
        self.form.add_row(self.tr("再次输入"), self.confirm, "confirm", required=True)
        self.layout_.addWidget(hint_label(self.tr(PASSWORD_RULES) + self.tr("请把临时密码当面告诉本人；本人首次登录时须改为自己的密码。")))
        self.finish_layout(self.tr("创建"), self.tr("取消"))
        self.username.setFocus()

    def submit(self) -> None:
        def create():
            confirm_problem(self.password.text(), self.confirm.text())
            return operators.create_operator(
                self.desk, self.admin, username=self.username.text().strip(), display_name=self.display_name.text(),
                role=self.role.currentData(), temporary_password=self.password.text())

        ok, created = self.attempt(create)
        if ok:
            self.created = created
            self.accept()


class ResetPasswordDialog(FormDialog):
    """A temporary password for someone who forgot theirs; it also lifts a lockout."""

    def __init__(self, desk: Desk, admin: Operator, row: screen.OperatorRow, parent: QWidget | None = None):
        heading = self.tr("为 {name}（{username}）设置临时密码。本人下次登录时须改为自己的密码；账户的锁定同时解除。").format(
            name=row.display_name, username=row.username)
        super().__init__(self.tr("重置密码"), heading, parent)
        self.desk, self.admin, self.row = desk, admin, row
        self.password = password_edit()
        self.confirm = password_edit()
        self.form.add_row(self.tr("临时密码"), self.password, "password", required=True)
        self.form.add_row(self.tr("再次输入"), self.confirm, "confirm", required=True)
        self.layout_.addWidget(hint_label(self.tr(PASSWORD_RULES)))
        self.finish_layout(self.tr("重置"), self.tr("取消"))
        self.password.setFocus()

    def submit(self) -> None:
        def reset():
            confirm_problem(self.password.text(), self.confirm.text())
            operators.reset_password(self.desk, self.admin, operator_id=self.row.id, temporary_password=self.password.text())

        ok, _ = self.attempt(reset)
        if ok:
            self.accept()


class OperatorsPage(AdminPage):
    def __init__(self, desk: Desk, admin: Operator, parent: QWidget | None = None):
        super().__init__(self.tr(
            "每人一个账户。停用的账户不能登录，记录全部保留，可随时重新启用；重置密码后，本人下次登录须先改密码。"
            "管理员不能停用或重置自己的账户。"), parent)
        self.desk, self.admin = desk, admin
        self.rows: list[screen.OperatorRow] = []
        self.dialog: FormDialog | None = None
        self.table = make_table(COLUMNS, "operatorsTable")
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.create_button = action_button(self.tr("新建操作员…"), "Alt+N")
        self.toggle_button = action_button(self.tr("停用"), "Alt+D")
        self.reset_button = action_button(self.tr("重置密码…"), "Alt+R")
        self.create_button.clicked.connect(self.create_operator)
        self.toggle_button.clicked.connect(self.toggle_disabled)
        self.reset_button.clicked.connect(self.reset_password)
        self.page_shortcut("Alt+N", self.create_operator)
        self.page_shortcut("Alt+D", self.toggle_disabled)
        self.page_shortcut("Alt+R", self.reset_password)
        buttons = QHBoxLayout()
        for button in (self.create_button, self.toggle_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.body.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        keep = selected_key(self.table)
        ok, rows = run_action(lambda: screen.operator_rows(self.desk, self.admin), bar=self.bar, parent=self)
        self.rows = rows if ok else []
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            values = (row.username, row.display_name, self.tr(row.role_name), self.tr(row.state_name),
                      self.tr("是") if row.must_change_password else "")
            fill_row(self.table, index, values, row.id)
            paint_row(self.table, index, muted=row.disabled)
        select_key(self.table, keep)
        self._selection_changed()

    def focus_first(self) -> None:
        self.table.setFocus()

    def selected(self) -> screen.OperatorRow | None:
        key = selected_key(self.table)
        return next((row for row in self.rows if row.id == key), None)

    def _selection_changed(self) -> None:
        row = self.selected()
        own = row is not None and row.id == self.admin.id
        self.toggle_button.setText(self.tr("启用 (Alt+D)") if row and row.disabled else self.tr("停用 (Alt+D)"))
        for button in (self.toggle_button, self.reset_button):
            button.setEnabled(row is not None and not own)
            button.setToolTip(self.tr("不能停用或重置自己的账户") if own else button.text())

    def create_operator(self) -> None:
        dialog = CreateOperatorDialog(self.desk, self.admin, self)
        dialog.accepted.connect(lambda: self._created(dialog.created))
        self.dialog = dialog
        dialog.open()

    def _created(self, created: Operator) -> None:
        self.refresh()
        select_key(self.table, created.id)
        self.bar.show_info(self.tr("已新建{role}{name}（{username}）。请把临时密码当面告诉本人，首次登录时须改为自己的密码。").format(
            role=self.tr(created.role_name), name=created.display_name, username=created.username))
        self.table.setFocus()

    def toggle_disabled(self) -> None:
        row = self.selected()
        if row is None or not self.toggle_button.isEnabled():
            return
        ok, _ = run_action(lambda: operators.set_disabled(self.desk, self.admin, operator_id=row.id, disabled=not row.disabled),
                           bar=self.bar, parent=self)
        if ok:
            self.refresh()
            text = (self.tr("已重新启用 {name} 的账户。") if row.disabled
                    else self.tr("已停用 {name} 的账户：不能再登录，记录全部保留，可随时重新启用。"))
            self.bar.show_info(text.format(name=row.display_name))

    def reset_password(self) -> None:
        row = self.selected()
        if row is None or not self.reset_button.isEnabled():
            return
        dialog = ResetPasswordDialog(self.desk, self.admin, row, self)
        dialog.accepted.connect(lambda: self._was_reset(row))
        self.dialog = dialog
        dialog.open()

    def _was_reset(self, row: screen.OperatorRow) -> None:
        self.refresh()
        self.bar.show_info(self.tr("已重置 {name} 的密码。请把临时密码当面告诉本人，下次登录时须改为自己的密码。").format(
            name=row.display_name))
        self.table.setFocus()
