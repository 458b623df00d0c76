"""Dialogs of the 门诊慢特病 tab: 补正材料, and the reviewer's 认定 / 不予认定 / 终止.

Each dialog takes the service call as `submit`; refusals stay in the dialog (beside the field
they concern, or in its message bar), and it closes only when the service has done the work.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desk.core.dates import parse_date
from desk.ui.errors import FieldErrors, MessageBar, run_action
from desk.ui.widgets import FormGrid, error_label, hint_label


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(dialog.tr("取消 (Esc)"))
    buttons.accepted.connect(dialog._accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class ReceiveMaterialsDialog(QDialog):
    """补正材料: tick what the citizen brought now; `submit(keys)` is the service call."""

    def __init__(self, description: str, missing: tuple[tuple[str, str], ...], submit, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("补正材料"))
        self.setMinimumWidth(620)
        self._submit = submit
        self.result_value = None
        self.bar = MessageBar()
        self.checks: dict[str, QCheckBox] = {}
        self.error = error_label()
        self.error.setObjectName("error_materials")
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("补正材料"))
        title.setProperty("role", "heading")
        layout.addWidget(title)
        layout.addWidget(_heading(description))
        layout.addWidget(hint_label(self.tr("勾选本次收到的材料（空格键勾选，Tab 到下一项），按 Enter 确认。"
                                            "全部补齐后申请回到“已受理”并出具受理回执；仍有缺少的，将重新出具一次性告知书。")))
        layout.addWidget(self.bar)
        for key, name in missing:
            check = QCheckBox(name)
            check.setObjectName(f"receive_{key}")
            self.checks[key] = check
            layout.addWidget(check)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, self.tr("确认收到 (Enter)")))
        if self.checks:
            next(iter(self.checks.values())).setFocus()

    def chosen(self) -> list[str]:
        return [key for key, check in self.checks.items() if check.isChecked()]

    def _accept(self) -> None:
        chosen = self.chosen()
        if not chosen:
            self.error.setText(self.tr("请勾选本次收到的材料；没有收到材料的，按 Esc 取消。"))
            self.error.setVisible(True)
            return
        self.error.setVisible(False)
        ok, value = run_action(lambda: self._submit(chosen), bar=self.bar, parent=self)
        if ok:
            self.result_value = value
            self.accept()


class DecisionDialog(QDialog):
    """认定 (confirm only), 不予认定 (reason), 终止 (reason and last day). `submit(reason, on)` is the service call.

    A reason is chosen from the list with ↑↓ or written in the same box.
    """

    def __init__(self, title: str, description: str, ok_text: str, submit, parent: QWidget | None = None, *,
                 reasons: tuple[str, ...] | None = None, reason_hint: str = "", ask_date: date | None = None,
                 note: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(640)
        self._submit = submit
        self.result_value = None
        self.errors = FieldErrors()
        self.bar = MessageBar()
        self.reason = self._reason_box(reasons, reason_hint) if reasons is not None else None
        self.on = None
        form = FormGrid(self.errors, label_width=96)
        if self.reason is not None:
            form.add_row(self.tr("理由"), self.reason, "reason", required=True)
        if ask_date is not None:
            self.on = QLineEdit(ask_date.isoformat())
            self.on.setObjectName("terminatedOnEdit")
            self.on.setPlaceholderText("YYYY-MM-DD")
            self.on.setToolTip(self.tr("认定待遇享受到这一天（含当天）为止"))
            form.add_row(self.tr("最后享受待遇日"), self.on, "terminated_on", required=True)
        layout = QVBoxLayout(self)
        title_label = QLabel(title)
        title_label.setProperty("role", "heading")
        layout.addWidget(title_label)
        layout.addWidget(_heading(description))
        if note:
            layout.addWidget(hint_label(note))
        layout.addWidget(self.bar)
        layout.addWidget(form)
        self.ok_buttons = _buttons(self, ok_text)
        layout.addWidget(self.ok_buttons)
        first = self.reason or self.on or self.ok_buttons.button(QDialogButtonBox.StandardButton.Ok)
        first.setFocus()

    def _reason_box(self, reasons: tuple[str, ...], hint: str) -> QComboBox:
        box = QComboBox()
        box.setObjectName("reasonCombo")
        box.setEditable(True)
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        box.addItems(["", *reasons])
        box.setCurrentIndex(0)
        box.lineEdit().setPlaceholderText(hint)
        box.setMinimumContentsLength(28)
        return box

    def reason_text(self) -> str:
        return self.reason.currentText().strip() if self.reason is not None else ""

    def _values(self) -> tuple[str, date | None]:
        on = parse_date(self.on.text(), "terminated_on", self.tr("最后享受待遇日")) if self.on is not None else None
        return self.reason_text(), on

    def _accept(self) -> None:
        self.errors.clear()
        ok, values = run_action(self._values, bar=self.bar, fields=self.errors, parent=self)
        if not ok:
            return
        ok, value = run_action(lambda: self._submit(*values), bar=self.bar, fields=self.errors, parent=self)
        self.adjustSize()
        if ok:
            self.result_value = value
            self.accept()

