"""The right side of the 参保登记 tab: what is being enrolled (year, payment date, …) and the
live summary of what the person pays and from when benefits apply."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desk.core.dates import parse_date
from desk.screens.enrolment import SummaryView
from desk.ui.errors import FieldErrors, MessageBar
from desk.ui.widgets import FormGrid, centred, hint_label, placeholder_label, value_label


class EnrolmentInputs(QGroupBox):
    """待遇年度, 缴费日期, 新生儿, 职工医保中断日期, 补缴年数. Enter in any of them submits."""

    changed = Signal()
    submit_requested = Signal()

    def __init__(self, errors: FieldErrors, year: int, today: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("参保登记（城乡居民基本医疗保险）"))
        self.year = QSpinBox()
        self.year.setObjectName("yearSpin")
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.paid_on = QDateEdit(QDate(today.year, today.month, today.day))
        self.paid_on.setObjectName("paidOnEdit")
        self.paid_on.setDisplayFormat("yyyy-MM-dd")
        self.paid_on.setCalendarPopup(True)
        self.newborn = QCheckBox(self.tr("新生儿"))
        self.newborn.setToolTip(self.tr("出生后在政策规定的期限内参保的新生儿，自出生之日起享受待遇"))
        self.employee_ended = QLineEdit()
        self.employee_ended.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.employee_ended.setToolTip(self.tr("没有职工医保中断的不填；中断后3个月内参加居民医保的，不设等待期"))
        self.arrears = QSpinBox()
        self.arrears.setRange(0, 30)
        self.arrears.setSuffix(self.tr(" 年"))
        self.arrears.setToolTip(self.tr("断保后补缴的年数，可缩短等待期"))
        form = FormGrid(errors, wide_errors=True)
        form.grid.setColumnStretch(5, 1)  # the newborn box last on the first row, the fields at their width
        form.add_row(self.tr("待遇年度(&Y)"), self.year, "year", row=0)  # Alt+Y: the cursor to the year
        form.add_row(self.tr("缴费日期"), self.paid_on, "paid_on", row=0, column=1)
        form.add_row(self.tr("补缴年数"), self.arrears, "arrears_years", row=1)
        form.add_row(self.tr("职工医保中断日期"), self.employee_ended, "employee_ended_on", row=1, column=1)
        form.add_row("", self.newborn, "newborn", row=0, column=2)  # two rows: the summary keeps the height
        self.newborn.setMinimumHeight(self.year.sizeHint().height())  # level with the year beside it
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)  # the style's padding is margin enough: the summary keeps the height
        layout.addWidget(form)
        self.inputs = (self.year, self.paid_on, self.arrears, self.employee_ended, self.newborn)
        for widget in self.inputs:
            widget.installEventFilter(self)
        self.year.valueChanged.connect(self.changed)
        self.paid_on.dateChanged.connect(self.changed)
        self.newborn.toggled.connect(self.changed)
        self.employee_ended.textChanged.connect(self.changed)
        self.arrears.valueChanged.connect(self.changed)
        for first, second in zip(self.inputs, self.inputs[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and watched in self.inputs
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() == Qt.KeyboardModifier.NoModifier):
            self.submit_requested.emit()
            return True
        return super().eventFilter(watched, event)

    def values(self) -> dict:
        """Keyword arguments for the enrolment service; a malformed date raises the core's ValidationError."""
        paid = self.paid_on.date()
        ended = self.employee_ended.text().strip()
        return {
            "year": self.year.value(),
            "paid_on": date(paid.year(), paid.month(), paid.day()),
            "newborn": self.newborn.isChecked(),
            "employee_ended_on": parse_date(ended, "employee_ended_on", "职工医保中断日期") if ended else None,
            "arrears_years": self.arrears.value(),
        }

    def reset(self, year: int, today: date) -> None:
        self.year.setValue(year)
        self.paid_on.setDate(QDate(today.year, today.month, today.day))
        self.newborn.setChecked(False)
        self.employee_ended.clear()
        self.arrears.setValue(0)


class SummaryPanel(QGroupBox):
    """What the quote says, updated as the clerk types; 暂定 beside every provisional value."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("缴费与待遇"))
        self.bar = MessageBar()
        self.placeholder = placeholder_label("summaryPlaceholder")
        self.stale = hint_label(self.tr("参保人信息有未保存的修改，下列结果按已保存的信息计算。"))
        self.stale.setProperty("role", "provisional")
        self.individual, self.individual_mark = value_label(), self._mark()
        self.subsidy, self.subsidy_mark = value_label(), self._mark()
        self.payable = value_label(role="big")
        self.payable.setObjectName("payableLabel")
        self.benefit_start, self.start_mark = value_label(role="big"), self._mark()
        self.benefit_start.setObjectName("benefitStartLabel")
        self.waiting = value_label()
        self.reason = value_label()
        self.reason.setObjectName("reasonLabel")
        self.reason.setWordWrap(True)
        self.not_applicable = value_label()
        self.not_applicable.setWordWrap(True)
        self.provisional_note = hint_label("")
        self.provisional_note.setWordWrap(True)
        self.pack = hint_label("")
        self.pack.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(centred(self.placeholder))
        self.stack.addWidget(self._values_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(4)
        layout.addWidget(self.bar)
        layout.addWidget(self.stack)
        self.show_placeholder(self.tr("保存参保人信息后显示"))

    def _mark(self) -> QLabel:
        mark = QLabel(self.tr("暂定"))
        mark.setProperty("role", "provisional")
        mark.setToolTip(self.tr("该数值所依据的政策文件尚待确认"))
        mark.setVisible(False)
        return mark

    def _values_page(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        rows = (
            (self.tr("个人缴费标准"), self.individual, self.individual_mark),
            (self.tr("财政资助"), self.subsidy, self.subsidy_mark),
            (self.tr("应缴金额"), self.payable, None),
            (self.tr("待遇开始日期"), self.benefit_start, self.start_mark),
            (self.tr("等待期"), self.waiting, None),
        )
        for row, (caption, value, mark) in enumerate(rows):
            label = QLabel(caption)
            label.setProperty("role", "hint")
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            line = QHBoxLayout()
            line.addWidget(value)
            if mark is not None:
                line.addWidget(mark)
            line.addStretch(1)
            grid.addLayout(line, row, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.stale)
        layout.addLayout(grid)
        layout.addWidget(self.reason)
        layout.addWidget(self.not_applicable)
        layout.addStretch(1)
        layout.addWidget(self.provisional_note)
        layout.addWidget(self.pack)
        return page

    def show_placeholder(self, text: str) -> None:
        self.placeholder.setText(text)
        self.stack.setCurrentIndex(0)

    def show_summary(self, view: SummaryView) -> None:
        """The quote as `quote_screen` words it; 暂定 beside each value its flag marks."""
        self.stale.setVisible(view.stale)
        self.individual.setText(view.individual)
        self.subsidy.setText(view.subsidy)
        self.payable.setText(view.payable)
        self.benefit_start.setText(view.benefit_start)
        self.waiting.setText(view.waiting)
        self.reason.setText(view.reason)
        self.individual_mark.setVisible(view.individual_provisional)
        self.subsidy_mark.setVisible(view.subsidy_provisional)
        self.start_mark.setVisible(view.start_provisional)
        self.not_applicable.setText(view.not_applicable)
        self.not_applicable.setVisible(bool(view.not_applicable))
        self.provisional_note.setText(view.provisional_note)
        self.provisional_note.setVisible(bool(view.provisional_note))
        self.pack.setText(view.pack)
        self.stack.setCurrentIndex(1)
