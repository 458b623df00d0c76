"""年审提醒: approved filings whose validity ends within the next N days, and those lapsed;
sortable by any column, printable as a simple list so the clerk can call people in (seed 001)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QSpinBox, QTableWidgetItem, QVBoxLayout, QWidget

from desk.screens import chronic as chronic_screen
from desk.screens.chronic import ReminderRow
from desk.services.context import Desk, Operator
from desk.ui import printing
from desk.ui.chronic_filings import item, table
from desk.ui.errors import FieldErrors, MessageBar, run_action
from desk.ui.widgets import action_button, error_label, hint_label, shortcut

REMINDER_COLUMNS = ("状态", "有效期至", "剩余天数", "姓名", "证件号码", "联系电话", "病种", "类别", "受理号")
STATUS_COLOURS = {"due": "#8a5a00", "lapsed": "#b3261e"}


class NumberItem(QTableWidgetItem):
    """Sorts by its number, not its text (−3 before 12)."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(Qt.ItemDataRole.UserRole + 1), other.data(Qt.ItemDataRole.UserRole + 1)
        if isinstance(mine, int) and isinstance(theirs, int):
            return mine < theirs
        return super().__lt__(other)


class ReminderPanel(QWidget):
    person_chosen = Signal(int)

    def __init__(self, desk: Desk, operator: Operator, bar: MessageBar, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.operator, self.bar = desk, operator, bar
        self.rows: list[ReminderRow] = []
        self.last_print_path = None
        self.errors = FieldErrors()
        self.days = QSpinBox()
        self.days.setObjectName("reminderDaysSpin")
        self.days.setRange(0, 366)
        self.days.setValue(chronic_screen.DEFAULT_REMINDER_DAYS)
        self.days.setSuffix(self.tr(" 天内到期"))
        self.days.setToolTip(self.tr("列出有效期在今天起这些天内届满的认定（含当天），以及已过期的认定"))
        self.days_error = error_label()
        self.days_error.setObjectName("error_within_days")
        self.errors.add("within_days", self.days_error)
        self.refresh_button = action_button(self.tr("刷新"), "F5")
        self.print_button = action_button(self.tr("打印清单"), "Ctrl+P", self.tr("打印当前排序的提醒清单（Ctrl+P）"))
        self.print_button.setObjectName("printRemindersButton")
        self.print_button.setProperty("primary", True)
        self.count = QLabel()
        self.count.setObjectName("reminderCountLabel")
        self.table = table([self.tr(c) for c in REMINDER_COLUMNS], "remindersTable")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by end date: lapsed first, then the soonest due
        self.table.setToolTip(self.tr("点列标题排序；↑↓ 选择，Enter 打开该参保人"))
        self._lay_out()
        self.days.valueChanged.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.print_button.clicked.connect(self.print_list)
        self.table.activated.connect(self._chosen)
        shortcut(self, "F5", self.refresh)
        shortcut(self, "Ctrl+P", self.print_list)

    def _lay_out(self) -> None:
        row = QHBoxLayout()
        caption = QLabel(self.tr("认定有效期在今天起"))
        caption.setBuddy(self.days)
        row.addWidget(caption)
        row.addWidget(self.days)
        row.addWidget(QLabel(self.tr("的认定，以及已过期的认定")))
        row.addSpacing(16)
        row.addWidget(self.count)
        row.addStretch(1)
        row.addWidget(self.refresh_button)
        row.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.days_error)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint_label(self.tr(
            "请通知即将到期的参保人在有效期届满前携带材料到窗口办理年审；已过期的认定自届满次日起不再享受待遇，"
            "须重新申请认定。按 Enter 打开所选参保人。")))

    def focus(self) -> None:
        target = self.table if self.table.rowCount() else self.days
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ------------------------------------------------------------------ the list

    def refresh(self) -> None:
        self.errors.clear()
        ok, screen = run_action(lambda: chronic_screen.reminders_screen(self.desk, self.operator, self.days.value()),
                                bar=self.bar, fields=self.errors, parent=self)
        if not ok:
            return
        rows = self.rows = list(screen.rows)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            self._fill(index, row)
        self.table.setSortingEnabled(True)
        self.count.setText(self.tr("即将到期 {due} 件，已过期 {lapsed} 件").format(due=screen.due, lapsed=screen.lapsed))
        if rows:
            self.table.selectRow(0)

    def _fill(self, index: int, row: ReminderRow) -> None:
        values = (row.status_name, row.effective_to, row.left, row.person_name, row.id_number, row.phone, row.disease,
                  row.kind_name, str(row.filing_id))
        for column, value in enumerate(values):
            cell = NumberItem(value) if column in (2, 8) else item(value)
            cell.setData(Qt.ItemDataRole.UserRole, row.person_id)
            cell.setData(Qt.ItemDataRole.UserRole + 1, row.days_left if column == 2 else row.filing_id)
            if column == 0:
                cell.setForeground(QBrush(QColor(STATUS_COLOURS[row.status])))
            self.table.setItem(index, column, cell)

    def shown(self) -> list[list[str]]:
        """The table as it is sorted on screen, row by row."""
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())] for r in range(self.table.rowCount())]

    def _chosen(self, index) -> None:
        cell = self.table.item(index.row(), 0)
        if cell is not None:
            self.person_chosen.emit(int(cell.data(Qt.ItemDataRole.UserRole)))

    # ------------------------------------------------------------------ printing

    def print_list(self) -> None:
        if not self.isVisible():
            return
        pdf = reminder_pdf(self._html())
        if printing.printing_to_folder():
            name = f"reminders-{self.desk.now():%Y%m%d-%H%M%S}"
            self.last_print_path = printing.save_to_folder(self.desk, name, 0, pdf)
            self.bar.show_info(self.tr("已打印提醒清单（未连接打印机，已保存为 {path}）").format(path=self.last_print_path))
            return
        printer = printing.choose_printer(self)
        if printer is None:
            return
        self.print_button.setEnabled(False)  # until the list is spooled (in a thread: the window stays responsive)

        def done(_pages) -> None:
            self.print_button.setEnabled(True)
            self.bar.show_info(self.tr("提醒清单已发送到打印机。"))

        def failed(error: BaseException) -> None:
            self.print_button.setEnabled(True)
            self.bar.show_error(self.tr("提醒清单没有打印出来（{error}），请检查打印机后再按“打印清单”。").format(error=error))

        self._print_job = printing.print_in_background(printer, pdf, parent=self, on_done=done, on_error=failed)

    def _html(self) -> str:
        """The list as shown (its sort order), with an empty column to note each call; no bold (the bundled
        font has none, and emulated bold would print every heading twice into the PDF's text)."""
        columns = (self.tr("序号"), *[self.tr(c) for c in REMINDER_COLUMNS], self.tr("通知情况"))
        head = "".join(f"<td style='background:#e8ecf2'>{escape(c)}</td>" for c in columns)
        disease_column = REMINDER_COLUMNS.index("病种")

        def cell(column: int, text: str) -> str:
            wrap = "" if column == disease_column else " style='white-space:nowrap'"
            return f"<td{wrap}>{escape(text)}</td>"

        body = "".join(
            "<tr>" + f"<td>{number}</td>" + "".join(cell(column, text) for column, text in enumerate(cells))
            + "<td width='10%'></td></tr>"
            for number, cells in enumerate(self.shown(), start=1))
        title = self.tr("门诊慢特病认定年审提醒清单")
        meta = self.tr("{office}　{window}　打印：{who}　{at}　范围：今天起 {n} 天内到期及已过期　共 {count} 件").format(
            office=escape(str(self.desk.setting("office_name") or "")), window=escape(str(self.desk.setting("window") or "")),
            who=escape(self.operator.display_name), at=f"{self.desk.now():%Y-%m-%d %H:%M}", n=self.days.value(),
            count=self.table.rowCount())
        return (f"<p align='center' style='font-size:16pt'>{title}</p><p>{meta}</p>"
                "<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def reminder_pdf(html: str) -> bytes:
    """A4 landscape PDF of the list, in the application's font (the bundled Chinese font)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setCreator("desk")
    writer.setTitle("门诊慢特病认定年审提醒清单")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    writer.setResolution(300)
    document = QTextDocument()
    font = QFont(QApplication.font())
    font.setPointSize(9)
    document.setDefaultFont(font)
    document.setHtml(html)
    document.print_(writer)
    del writer  # finishes the PDF into the buffer
    buffer.close()
    return bytes(data)
