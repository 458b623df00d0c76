"""The parts of the 报销计算 tab: the claim form, the live result with its steps, the year's
usage of each cap, the person's settlements, and the reason dialog of a reversal.

Display only: every amount shown is text the screen (`desk.screens.reimbursement`) made of a
service result; nothing here adds, compares or rounds money.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.screens import reimbursement as screens
from desk.services.context import Desk
from desk.ui.errors import FieldErrors, MessageBar
from desk.ui.widgets import (
    FormGrid,
    ReasonPrompt,
    action_button,
    centred,
    hint_label,
    placeholder_label,
    read_only_table,
    value_label,
)

CLAIM_FIELDS = ("date", "benefit", "level", "in_region", "disease", "procurement", "total", "fulamt_ownpay",
                "preselfpay", "retired", "institution", "invoice_number", "admission_date")
USAGE_COLUMNS = ("项目", "限额/标准", "本年已用", "剩余", "本次后剩余")
SETTLEMENT_COLUMNS = ("日期", "待遇", "总费用", "统筹", "大病", "个人负担", "状态", "经办人", "冲正")
AMOUNT_COLUMNS = {2, 3, 4, 5}
GREY = QColor("#8a939e")
REVERSAL_RED = QColor("#a1271b")


def _numbered(choices) -> list[str]:
    """'1 普通门诊': the digit picks the item from the keyboard (a combo box searches by the start of the text)."""
    return [f"{index} {choice.name}" for index, choice in enumerate(choices, start=1)]


def _combo(choices, object_name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(object_name)
    for text, choice in zip(_numbered(choices), choices, strict=False):
        combo.addItem(text, choice.code)
    combo.setToolTip(combo.tr("按数字键选择，或用 ↑↓"))
    _narrow(combo)
    return combo


def _narrow(combo: QComboBox) -> None:
    """The closed box may be narrower than its longest item (the open list shows it whole)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(7)


def _amount_edit(object_name: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(object_name)
    edit.setMaxLength(16)
    edit.setPlaceholderText(placeholder)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return edit


def _table(columns, object_name: str) -> QTableWidget:
    table = read_only_table(list(columns), object_name)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)  # Tab leaves the table (↑↓ move within it)
    table.verticalHeader().setDefaultSectionSize(26)
    return table


def _cell(text: str, *, key=None, right: bool = False, colour: QColor | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, key)
    item.setToolTip(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if colour is not None:
        item.setForeground(QBrush(colour))
    return item


# ------------------------------------------------------------------ the claim form


class ClaimForm(QGroupBox):
    """One bill as the clerk types it. Enter in any field asks to record; the values go to the
    service as strings, which judges them (a refusal comes back beside the field it names)."""

    changed = Signal()
    submit_requested = Signal()

    def __init__(self, desk: Desk, errors: FieldErrors, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.setTitle(self.tr("费用信息"))
        self._loading = False
        self._build()
        self.form = FormGrid(errors, wide_errors=True)
        self._lay_out()
        self._connect()
        self.reset(screens.today(desk))

    def _build(self) -> None:
        self.date = QLineEdit()
        self.date.setObjectName("claimDateEdit")
        self.date.setMaxLength(10)
        self.date.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.benefit = _combo(screens.benefit_choices(), "benefitCombo")
        self.level = _combo(screens.level_choices(), "levelCombo")
        self.in_region = QComboBox()
        self.in_region.setObjectName("inRegionCombo")
        self.in_region.addItem(self.tr("1 统筹区内"), True)
        self.in_region.addItem(self.tr("2 统筹区外（异地就医）"), False)
        _narrow(self.in_region)
        self.disease = QLineEdit()
        self.disease.setObjectName("diseaseEdit")
        self.disease.setPlaceholderText(self.tr("代码、名称或拼音首字母"))
        self.disease.setToolTip(self.tr("输入病种代码、名称或拼音首字母（如 M03900、高血压、gxy），↓ 选择后按 Enter"))
        self.disease_hint = hint_label("")
        self.disease_hint.setObjectName("diseaseHint")
        self._disease_model = QStringListModel(self)
        self.completer = QCompleter(self._disease_model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(10)
        self.disease.setCompleter(self.completer)
        self.procurement = QCheckBox(self.tr("集采药品"))
        self.procurement.setToolTip(self.tr("两病门诊用药：国家组织集中带量采购的药品"))
        self.procurement.setObjectName("procurementCheck")
        self.total = _amount_edit("totalEdit", self.tr("元，例如 1200.50"))
        self.fulamt_ownpay = _amount_edit("fulamtEdit", "0.00")
        self.preselfpay = _amount_edit("preselfpayEdit", "0.00")
        # which bill it is (the duplicate checks, the statement): typed after the amounts, from the bill
        self.institution = QLineEdit()
        self.institution.setObjectName("institutionEdit")
        self.institution.setMaxLength(60)
        self.institution.setPlaceholderText(self.tr("按票据上的名称填写，例如 大理州人民医院"))
        self.invoice_number = QLineEdit()
        self.invoice_number.setObjectName("invoiceNumberEdit")
        self.invoice_number.setMaxLength(40)
        self.invoice_number.setPlaceholderText(self.tr("发票号或收据号"))
        self.invoice_number.setToolTip(self.tr("同一张票据只能报销一次：已结算的发票号会被拒绝"))
        self.admission_date = QLineEdit()
        self.admission_date.setObjectName("admissionDateEdit")
        self.admission_date.setMaxLength(10)
        self.admission_date.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.admission_date.setToolTip(self.tr("住院填入院日期；出院日期填在上方"))
        self.retired = QCheckBox(self.tr("退休人员"))
        self.retired.setToolTip(self.tr("职工医保退休人员：门诊统筹比例和限额不同"))
        self.retired.setObjectName("retiredCheck")

    def _lay_out(self) -> None:
        """Two label|field pairs a row, refusals in a line across the form under their row (fits 1366×768)."""
        form = self.form
        form.grid.setColumnStretch(3, 1)
        form.add_row(self.tr("服务日期"), self.date, "date", required=True, row=0)
        form.add_row(self.tr("待遇类别"), self.benefit, "benefit", required=True, row=0, column=1)
        form.add_row(self.tr("机构等级"), self.level, "level", required=True, row=1)
        form.add_row(self.tr("就医地"), self.in_region, "in_region", row=1, column=1)
        disease_line = QWidget()
        line = QHBoxLayout(disease_line)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.disease, 1)
        line.addWidget(self.procurement)
        cell = form.add_row(self.tr("病种"), disease_line, "disease", row=2, span=2)
        cell.layout().insertWidget(1, self.disease_hint)
        form.add_row(self.tr("总费用"), self.total, "total", required=True, row=3)
        form.add_row(self.tr("入院日期"), self.admission_date, "admission_date", row=3, column=1)
        form.add_row(self.tr("全自费"), self.fulamt_ownpay, "fulamt_ownpay", row=4)
        form.add_row(self.tr("乙类先行自付"), self.preselfpay, "preselfpay", row=4, column=1)
        form.add_row(self.tr("医疗机构"), self.institution, "institution", row=5)
        form.add_row(self.tr("发票号"), self.invoice_number, "invoice_number", row=5, column=1)
        self.retired_cell = form.add_row("", self.retired, "retired", row=6)  # an employee only
        self.level.setToolTip(self.tr("定点医疗机构等级；按数字键选择，或用 ↑↓"))
        layout = QVBoxLayout(self)
        layout.addWidget(form)
        layout.addStretch(1)
        self.inputs = (self.date, self.benefit, self.level, self.in_region, self.disease, self.procurement, self.total,
                       self.admission_date, self.fulamt_ownpay, self.preselfpay, self.institution, self.invoice_number,
                       self.retired)
        for first, second in zip(self.inputs, self.inputs[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.set_employee(False)

    def _connect(self) -> None:
        for edit in (self.date, self.total, self.fulamt_ownpay, self.preselfpay, *self.bill_edits()):
            edit.textChanged.connect(self._edited)
        for combo in (self.benefit, self.level, self.in_region):
            combo.currentIndexChanged.connect(self._edited)
            combo.installEventFilter(self)
        for check in (self.procurement, self.retired):
            check.toggled.connect(self._edited)
            check.installEventFilter(self)
        for edit in (self.date, self.total, self.fulamt_ownpay, self.preselfpay, self.disease, *self.bill_edits()):
            edit.returnPressed.connect(self._return_pressed)
        self.benefit.currentIndexChanged.connect(self._apply_benefit)
        self.disease.textEdited.connect(self._disease_typed)
        self.disease.textChanged.connect(self._edited)
        self.completer.activated.connect(lambda _text: self._edited())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter on a choice (combo box, tick box) records, as in the text fields."""
        if (event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)):
            self.submit_requested.emit()
            return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ reactions

    def _edited(self, *_args) -> None:
        if not self._loading:
            self.changed.emit()

    def _return_pressed(self) -> None:
        if self.completer.popup().isVisible():
            return
        self.submit_requested.emit()

    def _apply_benefit(self) -> None:
        benefit = self.benefit.currentData()
        inpatient = benefit == "inpatient"
        self.form.labels["date"].setText(self.tr("出院日期") + "<span style='color:#c0392b'>*</span>" if inpatient
                                         else self.tr("服务日期") + "<span style='color:#c0392b'>*</span>")
        self.date.setToolTip(self.tr("住院填出院日期") if inpatient else self.tr("就诊（购药）日期"))
        self.admission_date.setEnabled(inpatient)
        if not inpatient:
            self.admission_date.clear()
        needs = screens.needs_disease(benefit)
        self.disease.setEnabled(needs)
        self.procurement.setEnabled(screens.takes_procurement(benefit))
        if not needs:
            self.disease_hint.setText("")
        self.disease_hint.setVisible(needs and bool(self.disease_hint.text()))
        if not self.procurement.isEnabled():
            self.procurement.setChecked(False)

    def _disease_typed(self, text: str) -> None:
        """The picker: matches of the benefit's kind by code, name or pinyin initials, best first."""
        choices = screens.find_diseases(self.desk, text, self.benefit.currentData()) if text.strip() else []
        self._disease_model.setStringList([choice.name for choice in choices])
        if choices:
            self.completer.setCompletionPrefix("")
            self.completer.complete()  # ↓ then Enter picks one; the line shows the highlighted disease

    def set_employee(self, employee: bool) -> None:
        """退休 matters only for an employee-scheme person (outpatient pooling rate and cap)."""
        self.retired_cell.setVisible(employee)
        self.form.labels["retired"].setVisible(employee)
        if not employee:
            self.retired.setChecked(False)

    # ------------------------------------------------------------------ values

    def value(self) -> dict:
        """The claim as typed, for the screen (which finds the code the 病种 text names)."""
        form = {
            "date": self.date.text().strip(), "benefit": self.benefit.currentData(), "level": self.level.currentData(),
            "in_region": self.in_region.currentData(), "total": self.total.text().strip(),
            "fulamt_ownpay": self.fulamt_ownpay.text().strip() or "0.00",
            "preselfpay": self.preselfpay.text().strip() or "0.00", "disease": self.disease.text(),
        }
        if self.procurement.isEnabled():
            form["procurement"] = self.procurement.isChecked()
        form["institution"] = self.institution.text()
        form["invoice_number"] = self.invoice_number.text()
        if self.admission_date.isEnabled():
            form["admission_date"] = self.admission_date.text()
        return form

    def bill_edits(self) -> tuple[QLineEdit, ...]:
        return (self.institution, self.invoice_number, self.admission_date)

    def show_disease_hint(self, text: str) -> None:
        """The disease the 病种 text names, under the field."""
        self.disease_hint.setText(text)
        self.disease_hint.setVisible(bool(text) and self.disease.isEnabled())

    def is_retired(self) -> bool:
        return self.retired.isVisibleTo(self) and self.retired.isChecked()

    def clear_amounts(self) -> None:
        """After recording: the next bill of the same person starts from the same date, kind and institution;
        its invoice number is another."""
        self._loading = True
        try:
            for edit in (self.total, self.fulamt_ownpay, self.preselfpay, self.disease, self.invoice_number):
                edit.clear()
            self.disease_hint.setText("")
            self.disease_hint.setVisible(False)
        finally:
            self._loading = False

    def reset(self, today) -> None:
        self._loading = True
        try:
            self.date.setText(today.isoformat())
            self.benefit.setCurrentIndex(0)
            self.level.setCurrentIndex(0)
            self.in_region.setCurrentIndex(0)
            self.procurement.setChecked(False)
            self.retired.setChecked(False)
            self.institution.clear()
            self.admission_date.clear()
        finally:
            self._loading = False
        self.clear_amounts()
        self._apply_benefit()

    def start(self) -> None:
        self.date.setFocus(Qt.FocusReason.OtherFocusReason)
        self.date.selectAll()


# ------------------------------------------------------------------ the result


class ResultPanel(QGroupBox):
    """The national fields large, 暂定 beside provisional ones, the status when not paid, every step."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("计算结果"))
        self.bar = MessageBar()
        self.placeholder = placeholder_label("resultPlaceholder")
        self.recorded = MessageBar()
        self.status = QLabel()
        self.status.setObjectName("statusLabel")
        self.status.setWordWrap(True)
        self.status.setProperty("role", "error")
        self.values: dict[str, QLabel] = {}
        self.marks: dict[str, QLabel] = {}
        self.provisional_note = hint_label("")
        self.pack = hint_label("")
        self.pack.setWordWrap(False)
        self.steps = QLabel()
        self.steps.setObjectName("stepsLabel")
        self.steps.setWordWrap(True)
        self.steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.steps.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.stack = QStackedWidget()
        self.stack.addWidget(centred(self.placeholder))
        self.stack.addWidget(self._values_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.stack, 1)
        self.show_placeholder(self.tr("查询参保人后填写费用，结果随输入即时计算"))

    def _amount_cell(self, key: str, caption: str) -> QWidget:
        cell = QWidget()
        stack = QVBoxLayout(cell)
        stack.setContentsMargins(0, 0, 0, 0)
        stack.setSpacing(0)
        label = QLabel(self.tr(caption))
        label.setProperty("role", "hint")
        value = value_label(role="big")
        value.setObjectName(f"result_{key}")
        mark = QLabel(self.tr("暂定"))
        mark.setProperty("role", "provisional")
        mark.setToolTip(self.tr("该数值所依据的政策标准尚待确认"))
        line = QHBoxLayout()
        line.setSpacing(6)
        line.addWidget(value)
        line.addWidget(mark, 0, Qt.AlignmentFlag.AlignVCenter)
        line.addStretch(1)
        stack.addWidget(label)
        stack.addLayout(line)
        self.values[key], self.marks[key] = value, mark
        return cell

    def _values_page(self) -> QWidget:
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        for index, (key, caption) in enumerate(screens.RESULT_FIELDS):
            grid.addWidget(self._amount_cell(key, caption), index // 4, index % 4)
        for column in range(4):
            grid.setColumnStretch(column, 1)
        # what the citizen pays stands out most
        self.values["psn_part_amt"].setStyleSheet("color: #8e1c12; font-weight: bold;")
        steps_title = QLabel(self.tr("计算步骤"))
        steps_title.setProperty("role", "heading")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(self.steps)
        scroll.setMinimumHeight(6 * self.steps.fontMetrics().lineSpacing() + 4)  # at least six steps at 1366×768
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.recorded)
        layout.addWidget(self.status)
        layout.addLayout(grid)
        layout.addWidget(steps_title)
        layout.addWidget(scroll, 1)
        notes = QHBoxLayout()
        notes.addWidget(self.provisional_note, 1)
        notes.addWidget(self.pack, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(notes)
        return page

    def show_placeholder(self, text: str) -> None:
        self.placeholder.setText(text)
        self.stack.setCurrentIndex(0)

    def show_result(self, view: screens.ResultView, recorded: str = "") -> None:
        for key, label in self.values.items():
            label.setText(view.amounts[key])
            self.marks[key].setVisible(key in view.provisional_amounts)
        self.status.setText(self.tr("不予支付：{text}").format(text=view.status_text))
        self.status.setVisible(view.status != "ok")
        self.steps.setText("\n".join(f"{index}. {step}" for index, step in enumerate(view.steps, start=1)))
        self.provisional_note.setText(self.tr("标“暂定”的数值所依据的政策尚待确认：{items}。").format(
            items="、".join(view.provisional_labels)))
        self.provisional_note.setVisible(bool(view.provisional_labels))
        self.pack.setText(view.pack_line)
        if recorded:
            self.recorded.show_info(recorded)
        else:
            self.recorded.clear_message()
        self.stack.setCurrentIndex(1)

    def amount(self, key: str) -> str:
        return self.values[key].text() if self.stack.currentIndex() == 1 else ""


# ------------------------------------------------------------------ usage and settlements


class UsagePanel(QGroupBox):
    """Each cap of the year: the limit, used so far, left now and left after the claim on screen."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = _table([self.tr(title) for title in USAGE_COLUMNS], "usageTable")
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # a long name is elided, in full as tooltip
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setToolTip(self.tr("本年度已记录的结算（含冲正）累计；“本次结算后”按左侧正在计算的费用"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addWidget(self.table)
        self.set_year(None)

    def set_year(self, year: int | None) -> None:
        self.setTitle(self.tr("{year}年度额度使用情况").format(year=year) if year else self.tr("年度额度使用情况"))

    def show_rows(self, rows: list[screens.UsageRow]) -> None:
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            name = row.name + (self.tr("（暂定）") if row.provisional else "")
            values = (name, row.cap, row.used, row.left, row.after)
            for column, value in enumerate(values):
                self.table.setItem(index, column, _cell(value, right=column > 0))

    def left_of(self, name: str) -> str:
        for index in range(self.table.rowCount()):
            if self.table.item(index, 0).text().startswith(name):
                return self.table.item(index, 3).text()
        return ""


class SettlementsPanel(QGroupBox):
    """The person's settlements this year, newest first; reversed ones grey, reversals red."""

    reverse_requested = Signal(int)  # settlement id
    print_requested = Signal(str, str)  # voucher number, title

    def __init__(self, can_reverse: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[screens.SettlementRow] = []
        self.table = _table([self.tr(title) for title in SETTLEMENT_COLUMNS], "settlementsTable")
        self.table.setToolTip(self.tr("↑↓ 选择，Enter 预览并打印所选结算单"))
        self.reverse_button = action_button(self.tr("冲正所选结算…"), "Ctrl+R",
                                            self.tr("审核员：冲正所选结算（须填写原因；原记录保留，另记一笔负数冲正）"))
        self.reverse_button.setObjectName("reverseButton")
        self.reverse_button.setVisible(can_reverse)
        self.empty = hint_label(self.tr("本年度还没有结算记录。"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.reverse_button)
        layout.addLayout(row)
        self.reverse_button.clicked.connect(self._reverse)
        self.table.activated.connect(lambda _index: self.print_selected())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.show_rows([], None)

    def show_rows(self, rows: list[screens.SettlementRow], year: int | None) -> None:
        self.setTitle(self.tr("{year}年度结算记录").format(year=year) if year else self.tr("结算记录"))
        self.rows = rows
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            colour = REVERSAL_RED if row.entry == "reversal" else GREY if row.reversal_note else None
            values = (row.service_date, row.benefit_name, row.total, row.hifp, row.hifmi, row.psn_part, row.status_text,
                      row.operator_name, row.reversal_note)
            for column, value in enumerate(values):
                self.table.setItem(index, column, _cell(value, key=row.settlement_id, right=column in AMOUNT_COLUMNS,
                                                        colour=colour))
        self.empty.setVisible(not rows)
        if rows:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> screens.SettlementRow | None:
        index = self.table.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def select(self, settlement_id: int) -> None:
        for index, row in enumerate(self.rows):
            if row.settlement_id == settlement_id:
                self.table.selectRow(index)

    def _selection_changed(self) -> None:
        row = self.selected()
        self.reverse_button.setEnabled(row is not None and row.reversible)

    def reverse_selected(self) -> None:
        """Ctrl+R: as the button, when it is there for this operator and a reversible row is selected."""
        if not self.reverse_button.isHidden() and self.reverse_button.isEnabled():
            self._reverse()

    def _reverse(self) -> None:
        row = self.selected()
        if row is not None:
            self.reverse_requested.emit(row.settlement_id)

    def print_selected(self) -> bool:
        row = self.selected()
        if row is None or not row.voucher_number:
            return False
        self.print_requested.emit(row.voucher_number, row.voucher_title)
        return True


# ------------------------------------------------------------------ reversal


class ReversalDialog(ReasonPrompt):
    """Asks why a settlement is reversed; `submit(reason)` is the service call, refusals stay in the dialog."""

    def __init__(self, description: str, submit, parent: QWidget | None = None):
        super().__init__(
            description, submit, parent, title=self.tr("冲正结算"), width=640, object_name="reversalReasonEdit",
            placeholder=self.tr("例如：发票重复报销，已核实"), caption=self.tr("冲正原因"),
            confirm=self.tr("确认冲正 (Enter)"),
            note=self.tr("冲正后原结算保留，另记一笔金额为负数的冲正记录，并出具结算冲正凭证；"
                         "冲正须由记录该笔结算以外的审核员办理。"))
