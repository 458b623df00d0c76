"""日报表 (F9): choose the day (today by default) and, for a reviewer or administrator, 全部经办人 or
one operator; the report is numbered and rendered off the UI thread behind a progress dialog, then
previewed and printed like every other paper."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desk.services import reports, vouchers
from desk.services.context import Desk, Operator
from desk.ui.background import run_in_background
from desk.ui.errors import MessageBar, run_action
from desk.ui.pdf_preview import PdfPreviewDialog
from desk.ui.widgets import action_button

OFFICE = None  # the combo's data for 全部经办人


class DailyReportDialog(QDialog):
    previewed = Signal(str)  # the number of the report being previewed

    def __init__(self, desk: Desk, operator: Operator, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.operator = desk, operator
        self.job = None
        self.preview: PdfPreviewDialog | None = None
        self.setWindowTitle(self.tr("日报表"))
        self.setMinimumSize(540, 250)
        self.bar = MessageBar()
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        today = desk.today()
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.scope = QComboBox()
        self.scope_label = QLabel()
        self._fill_scope()
        self.make_button = action_button(self.tr("生成并预览"), "Enter", self.tr("出具日报表并预览（Enter）"))
        self.make_button.setProperty("primary", True)
        self.make_button.setDefault(True)
        self.close_button = action_button(self.tr("关闭"), "Esc")
        self._lay_out()
        self.make_button.clicked.connect(self.make_report)
        self.close_button.clicked.connect(self.reject)
        self.date_edit.setFocus()

    def _fill_scope(self) -> None:
        office = self.operator.can("report.office")
        if office:
            self.scope.addItem(self.tr("全部经办人"), OFFICE)
        ok, people = run_action(lambda: reports.report_operators(self.desk, self.operator), bar=self.bar, parent=self)
        for person in people if ok else []:
            self.scope.addItem(f"{person.display_name}（{person.username}，{person.role_name}）", person.id)
        self.scope.setVisible(office)
        self.scope_label.setText(self.tr("{name}（本人）").format(name=self.operator.display_name))
        self.scope_label.setVisible(not office)

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("报表日期"), self.date_edit)
        scope = QHBoxLayout()
        scope.addWidget(self.scope, 1)
        scope.addWidget(self.scope_label, 1)
        form.addRow(self.tr("经办人"), scope)
        hint = QLabel(self.tr("日报表统计当日各项业务的笔数和金额（作废、冲正以负数单列）、当日凭证编号范围，"
                              "并在页脚印出审计链头。每次生成都出具一份新编号的日报表。"))
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.make_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(hint)
        layout.addStretch(1)
        layout.addSpacing(10)
        layout.addLayout(buttons)

    def chosen_operator(self) -> int | None:
        return self.scope.currentData() if self.operator.can("report.office") else self.operator.id

    def make_report(self) -> None:
        if self.job is not None and not self.job.done:
            return
        day = self.date_edit.date().toPython()
        operator_id = self.chosen_operator()

        def work():
            report = reports.issue_daily_report(self.desk, self.operator, day=day, operator_id=operator_id)
            return report, vouchers.render(self.desk, report.number)

        self.make_button.setEnabled(False)
        self.job = run_in_background(work, parent=self, progress=self.tr("正在生成日报表，请稍候……"),
                                     on_done=self._show, on_error=self._refused)

    def _refused(self, error) -> None:
        self.make_button.setEnabled(True)
        self.bar.show_error(error.message)

    def _show(self, result) -> None:
        self.make_button.setEnabled(True)
        report, pdf = result
        title = self.tr("日报表 {day}　{scope}　{number}").format(day=report.day, scope=report.scope_name,
                                                              number=report.number)
        self.preview = PdfPreviewDialog(self.desk, self.operator, report.number, self, title=title, pdf=pdf)
        self.preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview.open()
        self.previewed.emit(report.number)
