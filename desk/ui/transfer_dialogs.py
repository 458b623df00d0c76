"""Small dialogs of the 转移接续 tracking list: 办结 (the two amounts), 退回 (the reason),
补正材料 (what was brought). Each calls one service function; a refusal stays in the dialog,
beside its field, and the dialog closes only when the service accepted."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from desk.ui.errors import FieldErrors, MessageBar, run_action
from desk.ui.widgets import FormGrid, error_label, hint_label


class ActionDialog(QDialog):
    """A description, a hint, some fields and 确认/取消; `submit()` is the service call."""

    def __init__(self, title: str, description: str, hint: str, ok_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.submit: Callable[[], object] = lambda: None
        self.result_value = None
        self.errors = FieldErrors()
        self.bar = MessageBar()
        self.form = FormGrid(self.errors, label_width=120)
        self.fields: list[str] = []
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text + self.tr(" (Enter)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消 (Esc)"))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        heading = QLabel(description)
        heading.setWordWrap(True)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(heading)
        if hint:
            self.layout_.addWidget(hint_label(hint))
        self.layout_.addWidget(self.bar)
        self.layout_.addWidget(self.form)
        self.layout_.addWidget(self.buttons)

    def _accept(self) -> None:
        self.errors.clear()
        ok, value = run_action(self.submit, bar=self.bar, fields=self.errors, parent=self)
        shown = [field for field in self.fields if self.errors.message(field)]
        if not ok and len(shown) > 1:
            self.bar.show_error(self.tr("有 {n} 处需要改正，见各栏下方红字。").format(n=len(shown)))
        self.adjustSize()
        if ok:
            self.result_value = value
            self.accept()


def _amount_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText("0.00")
    edit.setMaxLength(16)
    return edit


class CompleteDialog(ActionDialog):
    """办结: the pooled-fund and personal-account amounts moved (both required; 0.00 when none)."""

    def __init__(self, description: str, submit: Callable[[str, str], object], parent: QWidget | None = None):
        super().__init__(self.tr("办结转移接续"), description,
                         self.tr("请按转出地（或转入地）经办机构确认的金额填写，单位为元，最多两位小数；没有的填 0.00。"),
                         self.tr("确认办结"), parent)
        self.pooled_fund = _amount_edit("pooledFundEdit")
        self.personal_account = _amount_edit("personalAccountEdit")
        self.form.add_row(self.tr("统筹基金转移金额"), self.pooled_fund, "pooled_fund", required=True)
        self.form.add_row(self.tr("个人账户转移金额"), self.personal_account, "personal_account", required=True)
        self.fields = ["pooled_fund", "personal_account"]
        self.submit = lambda: submit(self.pooled_fund.text(), self.personal_account.text())
        self.pooled_fund.setFocus()


class ReturnDialog(ActionDialog):
    """退回: the reason, told to the applicant."""

    def __init__(self, description: str, submit: Callable[[str], object], parent: QWidget | None = None):
        super().__init__(self.tr("退回转移接续申请"), description,
                         self.tr("退回后申请结束，记录保留并标为“已退回”；原因会告知申请人。"), self.tr("确认退回"), parent)
        self.reason = QLineEdit()
        self.reason.setObjectName("returnReasonEdit")
        self.reason.setPlaceholderText(self.tr("例如：转出地核实参保信息不一致，请申请人先到转出地更正"))
        self.form.add_row(self.tr("退回原因"), self.reason, "reason", required=True)
        self.submit = lambda: submit(self.reason.text())
        self.reason.setFocus()


class MaterialsDialog(ActionDialog):
    """补正材料: tick what the applicant brought now; complete materials start the clock today."""

    def __init__(self, description: str, missing: list[tuple[str, str]], submit: Callable[[list[str]], object],
                 parent: QWidget | None = None):
        super().__init__(self.tr("补正材料"), description,
                         self.tr("材料补齐后自受理之日起计算办理时限并出具《受理回执》；仍有缺少的，再出具《一次性告知书》。"),
                         self.tr("确认收取"), parent)
        self.checks: dict[str, QCheckBox] = {}
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        for key, name in missing:
            check = QCheckBox(self.tr(name))
            check.setObjectName(f"receive_{key}")
            self.checks[key] = check
            column.addWidget(check)
        problem = error_label()
        problem.setObjectName("error_materials")
        self.errors.add("materials", problem)
        column.addWidget(problem)
        self.form.add_row(self.tr("本次收取"), holder)
        self.submit = lambda: submit([key for key, check in self.checks.items() if check.isChecked()])
        if self.checks:
            next(iter(self.checks.values())).setFocus()
