"""录入年度标准: an administrator enters a benefit year's individual contribution and, optionally,
subsidy amounts for a pack, with the document that set them (policy-packs.md). Every entry is a
new version; the refusals of the service appear beside their fields, nothing is written then."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desk.core.errors import ValidationError
from desk.screens import admin as screen
from desk.services import standards
from desk.services.context import Desk, Operator
from desk.ui.login import FormDialog
from desk.ui.widgets import hint_label, value_label

GROUP_COLUMNS = ("资助类别", "政策包表内金额", "本年度金额（元）")
AMOUNT_COLUMN = 2
FIELDS = ("year", "individual", "subsidy", "document")  # in the order of the form
PROBLEM_BACKGROUND = QColor("#fdecea")


class _AmountDelegate(QStyledItemDelegate):
    """A cell editor that Enter only commits (a second Enter, outside the editor, submits the dialog)."""

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        editor.setMaxLength(20)
        return editor

    def eventFilter(self, editor, event):
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
            return True
        return super().eventFilter(editor, event)


class StandardDialog(FormDialog):
    """One entry for the selected pack: year, individual contribution, group amounts, document."""

    def __init__(self, desk: Desk, admin: Operator, pack_id: str, parent: QWidget | None = None):
        self.form_data = screen.standard_form(desk, pack_id)
        super().__init__(self.tr("录入年度标准"), self.tr(
            "按医保部门的文件录入一个待遇年度的缴费标准。\n"
            "每次录入都是新版本，不覆盖以前的录入；同一年度以最后一次为准，立即生效。"), parent)
        self.desk, self.admin, self.pack_id = desk, admin, pack_id
        self.in_force: standards.YearInForce | None = None
        self._auto: tuple | None = None  # what the last prefill put in the fields (replaced while untouched)
        pack = value_label()
        pack.setObjectName("standardPack")
        pack.setText(f"{self.form_data.pack_title}　{pack_id}")
        self.year = QLineEdit(str(self.form_data.default_year))
        self.year.setObjectName("standardYear")
        self.year.setMaxLength(4)
        self.year.setMaximumWidth(110)
        self.year_note = hint_label("")
        self.year_note.setObjectName("standardYearNote")
        self.individual = QLineEdit()
        self.individual.setObjectName("standardIndividual")
        self.individual.setPlaceholderText(self.tr("例如 420.00"))
        self.individual.setMaximumWidth(160)
        self.groups = self._group_table()
        self.document = QLineEdit()
        self.document.setObjectName("standardDocument")
        self.document.setPlaceholderText(self.tr("例如 云医保〔2026〕88号"))
        self.status_note = QLabel()
        self.status_note.setObjectName("standardStatusNote")
        self.status_note.setWordWrap(True)
        self.form.add_row(self.tr("政策包"), pack, "pack")
        year_cell = self.form.add_row(self.tr("待遇年度"), self.year, "year", required=True)
        year_cell.layout().insertWidget(1, self.year_note)
        self.form.add_row(self.tr("个人缴费标准"), self.individual, "individual", required=True)
        groups_cell = self.form.add_row(self.tr("资助金额"), self.groups, "subsidy")
        groups_hint = hint_label(self.tr("只填文件调整了的类别，空白的按表内金额；资助全部个人缴费的填“全额”。"))
        groups_hint.setWordWrap(False)  # one line: a wrapped label above a fixed-height table mis-sizes the row
        groups_hint.setToolTip(self.tr("↑↓ 选择类别，直接输入金额，Enter 确认这一格；Tab 离开表格。"))
        groups_cell.layout().insertWidget(0, groups_hint)
        self.form.add_row(self.tr("文件号"), self.document, "document")
        self.layout_.addWidget(self.status_note)
        self.finish_layout(self.tr("确定"), self.tr("取消"))
        for label in self.form.labels.values():  # the dialog keeps to its minimum size: captions whole, with their *
            label.setMinimumWidth(label.sizeHint().width())
        for edit in (self.year, self.individual, self.document):
            edit.returnPressed.connect(self.submit)
        self.year.textChanged.connect(self._year_changed)
        self.document.textChanged.connect(self._show_status)
        self.setTabOrder(self.year, self.individual)
        self.setTabOrder(self.individual, self.groups)
        self.setTabOrder(self.groups, self.document)
        if self.form_data.refusal:
            self.bar.show_warning(self.form_data.refusal)
            for widget in (self.year, self.individual, self.groups, self.document):
                widget.setEnabled(False)
            self.buttons.button(self.buttons.StandardButton.Ok).setEnabled(False)
        self._year_changed()
        self._show_status()
        self.year.setFocus()
        self.year.selectAll()

    # ------------------------------------------------------------------ the form

    def _group_table(self) -> QTableWidget:
        table = QTableWidget(len(self.form_data.groups), len(GROUP_COLUMNS))
        table.setObjectName("standardGroups")
        table.setHorizontalHeaderLabels([self.tr(title) for title in GROUP_COLUMNS])
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(28)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked
                              | QAbstractItemView.EditTrigger.EditKeyPressed)
        table.setTabKeyNavigation(False)  # Tab goes on to 文件号; ↑↓ move between the groups
        table.setItemDelegateForColumn(AMOUNT_COLUMN, _AmountDelegate(table))
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(2, 150)
        for row, group in enumerate(self.form_data.groups):
            name = QTableWidgetItem(group.name)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            name.setData(Qt.ItemDataRole.UserRole, group.code)
            table_amount = QTableWidgetItem(group.table_amount)
            table_amount.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            amount = QTableWidgetItem("")
            amount.setToolTip(self.tr("空白：按政策包表内金额 {amount}").format(amount=group.table_amount))
            for column, cell in enumerate((name, table_amount, amount)):
                table.setItem(row, column, cell)
        if self.form_data.groups:  # typing starts in the first amount cell, nothing looks selected before that
            table.setCurrentCell(0, AMOUNT_COLUMN, QItemSelectionModel.SelectionFlag.NoUpdate)
        visible = min(len(self.form_data.groups), 7)
        table.setFixedHeight(header.sizeHint().height() + 28 * max(visible, 1) + 4)
        table.setMinimumWidth(600)  # the longest group name and both amounts without clipping
        table.setVisible(bool(self.form_data.groups))
        return table

    def amount_cell(self, code: str) -> QTableWidgetItem | None:
        for row in range(self.groups.rowCount()):
            if self.groups.item(row, 0).data(Qt.ItemDataRole.UserRole) == code:
                return self.groups.item(row, AMOUNT_COLUMN)
        return None

    def subsidies(self) -> list[tuple[str, str]]:
        """(group code, amount text) of every filled amount cell, in the table's order."""
        chosen = []
        for row in range(self.groups.rowCount()):
            text = self.groups.item(row, AMOUNT_COLUMN).text().strip()
            if text:
                chosen.append((self.groups.item(row, 0).data(Qt.ItemDataRole.UserRole), text))
        return chosen

    def _snapshot(self) -> tuple:
        return (self.individual.text(), tuple(self.groups.item(row, AMOUNT_COLUMN).text()
                                               for row in range(self.groups.rowCount())), self.document.text())

    def _year_changed(self) -> None:
        text = self.year.text().strip()
        prefill = (screen.standard_prefill(self.desk, self.pack_id, int(text))
                   if len(text) == 4 and text.isascii() and text.isdigit() else None)
        if prefill is None:
            valid = len(text) == 4 and text.isascii() and text.isdigit()
            self.year_note.setText(self.tr("该年度尚无录入，本次录入后生效。") if valid else "")
        else:
            self.year_note.setText(self.tr(
                "该年度已由 {who} 于 {when} 录入（{document}）。本次录入将作为新版本整体取代它，已按现行标准预填。").format(
                who=prefill.entered_by, when=prefill.entered_at, document=prefill.document or self.tr("未填文件号")))
        if self._auto is not None and self._snapshot() != self._auto:
            return  # the administrator typed something: keep it
        self.individual.setText(prefill.individual if prefill else "")
        for row in range(self.groups.rowCount()):
            code = self.groups.item(row, 0).data(Qt.ItemDataRole.UserRole)
            self.groups.item(row, AMOUNT_COLUMN).setText(prefill.subsidies.get(code, "") if prefill else "")
        self.document.setText(prefill.document if prefill else "")
        self._auto = self._snapshot()

    def _show_status(self) -> None:
        if self.document.text().strip():
            self.status_note.setProperty("role", "hint")
            self.status_note.setText(self.tr("填写了文件号：本次录入的数值为“已确认”，来源为该文件。"))
        else:
            self.status_note.setProperty("role", "provisional")
            self.status_note.setText(self.tr(
                "未填文件号：本次录入的数值将标为“暂定”，用到它们的报价和凭证都注明暂定。文件下达后，请再录入一次并填写文件号。"))
        self.status_note.style().unpolish(self.status_note)
        self.status_note.style().polish(self.status_note)

    # ------------------------------------------------------------------ submit

    def _mark_group_problems(self, messages: list[str]) -> None:
        """The groups a refusal names: their rows in pink, the first one scrolled into view."""
        first = None
        for row in range(self.groups.rowCount()):
            name = self.groups.item(row, 0).text()
            wrong = any(f"“{name}”" in message for message in messages)
            for column in range(self.groups.columnCount()):
                self.groups.item(row, column).setBackground(QBrush(PROBLEM_BACKGROUND) if wrong else QBrush())
            if wrong and first is None:
                first = row
        if first is not None:
            self.groups.setCurrentCell(first, AMOUNT_COLUMN)
            self.groups.scrollToItem(self.groups.item(first, AMOUNT_COLUMN))

    def submit(self) -> None:
        if self.form_data.refusal:
            return
        editor = QApplication.focusWidget()
        if isinstance(editor, QLineEdit) and self.groups.isAncestorOf(editor):  # the cell being typed in counts too
            self.groups.commitData(editor)
            self.groups.closeEditor(editor, QStyledItemDelegate.EndEditHint.NoHint)
        problems: list[str] = []

        def enter():
            try:
                return standards.enter_standard(
                    self.desk, self.admin, pack_id=self.pack_id, year=self.year.text(), individual=self.individual.text(),
                    subsidies=self.subsidies(), document=self.document.text())
            except ValidationError as error:
                problems.extend(problem.message for problem in error.problems if problem.field == "subsidy")
                raise

        ok, in_force = self.attempt(enter)
        self._mark_group_problems(problems)
        if not ok and self.bar.kind == "error" and any(self.errors.message(field) for field in FIELDS):
            self.bar.show_error(self.tr("没有录入，什么也没有保存：请按红字修改后再按“确定”。"))
            self.adjustSize()
        if ok:
            self.in_force = in_force
            self.accept()
            return
        for field, widget in zip(FIELDS, (self.year, self.individual, self.groups, self.document), strict=False):
            if self.errors.message(field):
                widget.setFocus()
                if isinstance(widget, QLineEdit):
                    widget.selectAll()
                break
