"""The person's enrolment history and vouchers, with 作废登记 (reviewers) and 补打."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desk.screens.common import HistoryRow, history_cells
from desk.screens.enrolment import VoucherRow
from desk.ui.widgets import ReasonPrompt, action_button, read_only_table

HISTORY_COLUMNS = ("年度", "险种", "应缴（元）", "待遇开始", "状态", "经办人/时间")
VOUCHER_COLUMNS = ("凭证编号", "名称", "出具时间", "已打印")


def _table(columns) -> QTableWidget:
    return read_only_table(list(columns))


def _item(text: str, key=None, *, greyed: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, key)
    if greyed:
        item.setForeground(QBrush(QColor("#8a939e")))
    return item


class HistoryPanel(QTabWidget):
    cancel_requested = Signal(int)  # enrolment id
    reprint_requested = Signal(str, str)  # voucher number, title

    def __init__(self, can_cancel: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.enrolments = _table(HISTORY_COLUMNS)
        self.enrolments.setObjectName("historyTable")
        self.vouchers = _table(VOUCHER_COLUMNS)
        self.vouchers.setObjectName("vouchersTable")
        self.vouchers.setToolTip(self.tr("选中一张凭证，按 Enter 或点“补打”预览并打印"))
        self.cancel_button = action_button(self.tr("作废所选登记…"), "Ctrl+D",
                                           self.tr("审核员：作废所选的一条参保登记（须填写原因；记录保留并标为已作废）"))
        self.cancel_button.setObjectName("cancelEnrolmentButton")
        self.reprint_button = action_button(self.tr("补打所选凭证"), "Enter", self.tr("预览所选凭证，再次打印时注明“补打”"))
        self.reprint_button.setObjectName("reprintButton")
        self.addTab(self._page(self.enrolments), self.tr("参保记录"))
        self.addTab(self._page(self.vouchers), self.tr("凭证"))
        self.setCornerWidget(self._corner())
        self.currentChanged.connect(self._show_page_button)
        self._can_cancel = can_cancel
        self._show_page_button(0)
        self.cancel_button.clicked.connect(self._cancel)
        self.reprint_button.clicked.connect(self._reprint)
        self.vouchers.activated.connect(lambda _index: self._reprint())

    def _page(self, table: QTableWidget) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(table, 1)
        return page

    def _corner(self) -> QWidget:
        """The page's action sits in the tab bar's corner, saving a row of height."""
        corner = QWidget()
        row = QHBoxLayout(corner)
        row.setContentsMargins(0, 0, 0, 2)
        row.addWidget(self.cancel_button)
        row.addWidget(self.reprint_button)
        return corner

    def _show_page_button(self, index: int) -> None:
        self.cancel_button.setVisible(index == 0 and self._can_cancel)
        self.reprint_button.setVisible(index == 1)

    def show_history(self, rows: Sequence[HistoryRow]) -> None:
        self.enrolments.setRowCount(len(rows))
        for index, row in enumerate(rows):
            greyed = row.status != "active"
            for column, value in enumerate(history_cells(row)):
                self.enrolments.setItem(index, column, _item(value, row.enrolment_id, greyed=greyed))
        if rows:
            self.enrolments.selectRow(0)

    def show_vouchers(self, items: Sequence[VoucherRow]) -> None:
        self.vouchers.setRowCount(len(items))
        for index, voucher in enumerate(items):
            values = (voucher.number, voucher.title, voucher.created_at, voucher.prints)
            for column, value in enumerate(values):
                self.vouchers.setItem(index, column, _item(value, (voucher.number, voucher.title)))
        if items:
            self.vouchers.selectRow(0)

    def clear(self) -> None:
        self.show_history([])
        self.show_vouchers([])

    def selected_enrolment(self) -> int | None:
        item = self.enrolments.item(self.enrolments.currentRow(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _cancel(self) -> None:
        enrolment_id = self.selected_enrolment()
        if enrolment_id is not None:
            self.cancel_requested.emit(enrolment_id)

    def _reprint(self) -> None:
        item = self.vouchers.item(self.vouchers.currentRow(), 0)
        if item is not None:
            number, title = item.data(Qt.ItemDataRole.UserRole)
            self.reprint_requested.emit(number, title)


class ReasonDialog(ReasonPrompt):
    """Asks why an enrolment is cancelled; `submit(reason)` is the service call, refusals stay in the dialog."""

    def __init__(self, description: str, submit, parent: QWidget | None = None):
        super().__init__(
            description, submit, parent, title=self.tr("作废参保登记"), width=520, object_name="reasonEdit",
            placeholder=self.tr("例如：证件号码录入错误，已重新登记"), caption=self.tr("作废原因"),
            confirm=self.tr("确认作废 (Enter)"),
            note=self.tr("作废后记录保留并标为“已作废”，不能恢复；如需参保请重新办理登记。"))
