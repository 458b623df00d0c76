"""What every administration page shares: a hint, a message bar, read-only tables."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.ui.errors import MessageBar
from desk.ui.widgets import hint_label, shortcut

PROVISIONAL_COLOURS = (QColor("#fff4d6"), QColor("#8a5a00"))
MUTED = QColor("#7a8594")


def tr(text: str) -> str:
    return QCoreApplication.translate("admin", text)


def make_table(columns, name: str, *, stretch: int | None = None, minimum: int = 70) -> QTableWidget:
    """Read-only, one row selected at a time, columns sized to their contents (`stretch` takes the rest)."""
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels([tr(title) for title in columns])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(30)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setMinimumSectionSize(minimum)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def item(text, key=None, *, tooltip: str | None = None) -> QTableWidgetItem:
    cell = QTableWidgetItem(str(text))
    cell.setData(Qt.ItemDataRole.UserRole, key)
    if tooltip:
        cell.setToolTip(tooltip)
    return cell


def fill_row(table: QTableWidget, row: int, values, key=None) -> None:
    for column, value in enumerate(values):
        table.setItem(row, column, item(value, key, tooltip=str(value) if len(str(value)) > 40 else None))


def paint_row(table: QTableWidget, row: int, colours: tuple[QColor, QColor] | None = None, *, muted: bool = False) -> None:
    for column in range(table.columnCount()):
        cell = table.item(row, column)
        if cell is None:
            continue
        if colours:
            cell.setBackground(QBrush(colours[0]))
            cell.setForeground(QBrush(colours[1]))
        elif muted:
            cell.setForeground(QBrush(MUTED))


def selected_key(table: QTableWidget):
    rows = table.selectionModel().selectedRows()
    if not rows:
        return None
    cell = table.item(rows[0].row(), 0)
    return cell.data(Qt.ItemDataRole.UserRole) if cell is not None else None


def select_key(table: QTableWidget, key) -> None:
    for row in range(table.rowCount()):
        cell = table.item(row, 0)
        if cell is not None and cell.data(Qt.ItemDataRole.UserRole) == key:
            table.selectRow(row)
            return
    if table.rowCount():
        table.selectRow(0)


class AdminPage(QWidget):
    """A hint, a message bar, then the page's own content in `self.body` (the tab names the page)."""

    def __init__(self, hint: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.hint = hint_label(hint)
        self.bar = MessageBar()
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(18, 14, 18, 12)
        self.body.setSpacing(8)
        self.body.addWidget(self.hint)
        self.body.addWidget(self.bar)

    def page_shortcut(self, keys: str, slot) -> None:
        """A shortcut that works while this page (or a widget on it) has the focus."""
        shortcut(self, keys, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def refresh(self) -> None:
        """Read the page's data again (called when the page is shown)."""

    def focus_first(self) -> None:
        """Put the keyboard where work on this page starts."""
