"""The search row at the top of the 参保登记 tab and its results table."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.screens.common import search_cells
from desk.ui.widgets import action_button, error_label, read_only_table

RESULT_COLUMNS = ("姓名", "证件号码", "性别", "出生日期", "电话")


class SearchPanel(QWidget):
    search_requested = Signal(str)
    new_requested = Signal()
    person_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setObjectName("searchEdit")
        self.edit.setPlaceholderText(self.tr("输入身份证号码、姓名或手机号后按 Enter 查询；可直接刷身份证（F2）"))
        self.edit.setToolTip(self.tr("查询参保人（F2）"))
        self.edit.setClearButtonEnabled(True)
        self.search_button = action_button(self.tr("查询"), "Enter")
        self.new_button = action_button(self.tr("新登记"), "Ctrl+N", self.tr("清空表单，登记一位新的参保人（Ctrl+N）"))
        self.error = error_label()
        self.error.setObjectName("error_search")
        self.count = QLabel()
        self.count.setProperty("role", "hint")
        self.table = self._make_table()
        self._lay_out()
        self.edit.returnPressed.connect(self._request)
        self.search_button.clicked.connect(self._request)
        self.new_button.clicked.connect(self.new_requested)
        self.table.activated.connect(self._chosen)
        self.show_results([], "")

    def _make_table(self) -> QTableWidget:
        table = read_only_table([self.tr(title) for title in RESULT_COLUMNS], "searchResults")
        table.setToolTip(self.tr("↑↓ 选择，Enter 或双击打开"))
        return table

    def _lay_out(self) -> None:
        row = QHBoxLayout()
        caption = QLabel(self.tr("查询参保人"))
        caption.setBuddy(self.edit)
        row.addWidget(caption)
        row.addWidget(self.edit, 1)
        row.addWidget(self.search_button)
        row.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.count)
        layout.addWidget(self.table)

    def _request(self) -> None:
        self.search_requested.emit(self.edit.text().strip())

    def _chosen(self, index) -> None:
        item = self.table.item(index.row(), 0)
        if item is not None:
            self.person_chosen.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def focus(self) -> None:
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    def show_results(self, results, full_id_number: str) -> None:
        """Fill the table; an ID number is shown in full only when it is exactly what was searched for."""
        self.table.setRowCount(len(results))
        for row, person in enumerate(results):
            for column, value in enumerate(search_cells(person, full_id_number)):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, person.id)
                self.table.setItem(row, column, item)
        rows_height = sum(self.table.rowHeight(row) for row in range(min(len(results), 6)))
        self.table.setFixedHeight(self.table.horizontalHeader().height() + rows_height + 6)
        self.table.setVisible(bool(results))
        self.count.setVisible(bool(results))
        self.count.setText(self.tr("找到 {n} 位参保人：↑↓ 选择，Enter 或双击打开").format(n=len(results)))
        if results:
            self.table.selectRow(0)

    def hide_results(self) -> None:
        self.table.setVisible(False)
        self.count.setVisible(False)

    def clear(self) -> None:
        self.edit.clear()
        self.set_error(None)
        self.show_results([], "")
