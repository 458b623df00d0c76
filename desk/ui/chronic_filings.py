"""The person's 门诊慢特病 filings: the list with state and validity, and the selected filing's
materials, agent, history and documents, with the actions (补正材料, 打印, and for reviewers
认定 / 不予认定 / 终止)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.screens.chronic import FilingDetail, FilingRow
from desk.ui.widgets import action_button, hint_label, read_only_table

FILING_COLUMNS = ("受理号", "病种", "类别", "状态", "认定有效期", "受理", "审核")
EVENT_COLUMNS = ("时间", "办理", "状态", "经办人", "说明")
DOCUMENT_COLUMNS = ("文书编号", "名称", "出具时间", "已打印")
FILING_ROWS = 5  # at 1366×700 the list shows five filings before it scrolls
STATE_COLOURS = {"approved": "#1e7a3a", "awaiting_materials": "#8a5a00", "rejected": "#b3261e", "terminated": "#6b7480"}


def table(columns, name: str) -> QTableWidget:
    widget = read_only_table(list(columns), name)
    widget.setWordWrap(False)
    widget.setTabKeyNavigation(False)  # Tab leaves the table; ↑↓ choose the row
    return widget


def item(text: str, key=None, colour: str | None = None) -> QTableWidgetItem:
    cell = QTableWidgetItem(text)
    cell.setData(Qt.ItemDataRole.UserRole, key)
    cell.setToolTip(text)
    if colour:
        cell.setForeground(QBrush(QColor(colour)))
    return cell


class FilingsPanel(QGroupBox):
    selection_changed = Signal(object)  # filing id or None
    document_chosen = Signal(str, str)  # voucher number, title

    def __init__(self, can_review: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("门诊慢特病申请与认定"))
        self.can_review = can_review
        self.filings = table([self.tr(c) for c in FILING_COLUMNS], "filingsTable")
        self.filings.setToolTip(self.tr("↑↓ 选择一笔申请，下方显示其材料、办理记录和文书"))
        self.empty = hint_label("")
        self.materials = QLabel()
        self.materials.setObjectName("filingMaterialsLabel")
        self.materials.setWordWrap(True)
        self.materials.setTextFormat(Qt.TextFormat.RichText)
        self.events = table([self.tr(c) for c in EVENT_COLUMNS], "eventsTable")
        self.documents = table([self.tr(c) for c in DOCUMENT_COLUMNS], "documentsTable")
        self.documents.setToolTip(self.tr("选中一份文书，按 Enter 预览并打印（再次打印注明“补打”）"))
        self._make_buttons()
        self._lay_out()
        self.filings.itemSelectionChanged.connect(lambda: self.selection_changed.emit(self.selected_id()))
        self.documents.activated.connect(lambda _index: self._document())
        self.print_button.clicked.connect(self._document)
        self.show_filings([], self.tr("查询并打开参保人后，这里列出其门诊慢特病申请。"))

    def _make_buttons(self) -> None:
        self.receive_button = action_button(self.tr("补正材料"), "Ctrl+B", self.tr("待补正的申请：登记本次收到的材料（Ctrl+B）"))
        self.receive_button.setObjectName("receiveButton")
        self.print_button = action_button(self.tr("打印所选文书"), "Ctrl+P",
                                          self.tr("预览并打印所选文书；已打印过的再次打印注明“补打”（Ctrl+P）"))
        self.print_button.setObjectName("printDocumentButton")
        self.approve_button = action_button(self.tr("认定"), "Ctrl+R", self.tr("审核员：认定所选申请，出具认定通知书（Ctrl+R）"))
        self.approve_button.setObjectName("approveButton")
        self.approve_button.setProperty("primary", True)
        self.reject_button = action_button(self.tr("不予认定"), "Ctrl+J",
                                           self.tr("审核员：不予认定所选申请，须选择或填写理由，出具不予认定通知书（Ctrl+J）"))
        self.reject_button.setObjectName("rejectButton")
        self.terminate_button = action_button(self.tr("终止"), "Ctrl+T",
                                              self.tr("审核员：终止所选认定（死亡、迁出、不再符合条件），须填写原因和日期（Ctrl+T）"))
        self.terminate_button.setObjectName("terminateButton")
        for button in self.review_buttons():
            button.setVisible(self.can_review)

    def review_buttons(self) -> tuple:
        return self.approve_button, self.reject_button, self.terminate_button

    def _lay_out(self) -> None:
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(self.materials)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self._titled(self.tr("办理记录"), self.events))
        lower.addWidget(self._titled(self.tr("文书"), self.documents))
        lower.setStretchFactor(0, 1)
        lower.setStretchFactor(1, 1)
        lower.setSizes([400, 500])  # the documents' four columns without a sideways scroll at 1366
        lower.setChildrenCollapsible(False)
        details_layout.addWidget(lower, 1)
        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(self.filings)
        vertical.addWidget(details)
        vertical.setStretchFactor(0, 2)
        vertical.setStretchFactor(1, 3)
        vertical.setSizes([200, 320])
        vertical.setChildrenCollapsible(False)
        self.vertical = vertical
        self._clerk_sized = False  # once the clerk drags the handle, the split is theirs
        vertical.splitterMoved.connect(lambda *_: setattr(self, "_clerk_sized", True))
        vertical.installEventFilter(self)
        buttons = QHBoxLayout()
        for button in (self.receive_button, self.print_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in self.review_buttons():
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)  # the style's padding is margin enough: the tables keep the height
        layout.setSpacing(4)
        layout.addWidget(self.empty)
        layout.addWidget(vertical, 1)
        layout.addLayout(buttons)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.vertical and event.type() == QEvent.Type.Resize and not self._clerk_sized:
            self._split(event.size().height())
        return super().eventFilter(watched, event)

    def _split(self, total: int) -> None:
        """The list gets its header and FILING_ROWS rows (two fifths of a taller split); the detail the rest."""
        total -= self.vertical.handleWidth()
        detail = self.vertical.widget(1).minimumSizeHint().height()
        rows = max(self._rows_height(self.filings, FILING_ROWS), total * 2 // 5)
        rows = max(min(rows, total - detail), self.filings.minimumSizeHint().height())
        self.vertical.setSizes([rows, total - rows])

    @staticmethod
    def _rows_height(table_: QTableWidget, rows: int) -> int:
        """A table's height showing its header and `rows` rows (no horizontal scroll bar)."""
        return (table_.horizontalHeader().sizeHint().height() + rows * table_.verticalHeader().defaultSectionSize()
                + 2 * table_.frameWidth() + 2)

    @staticmethod
    def _titled(title: str, widget: QWidget) -> QWidget:
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        caption = QLabel(title)
        caption.setProperty("role", "heading")
        layout.addWidget(caption)
        layout.addWidget(widget, 1)
        return holder

    def tab_chain(self) -> list[QWidget]:
        return [self.filings, self.receive_button, self.print_button, *self.review_buttons(), self.documents,
                self.events]

    # ------------------------------------------------------------------ showing

    def show_filings(self, rows: list[FilingRow], empty_text: str = "", select: int | None = None) -> None:
        self.filings.setRowCount(len(rows))
        for index, row in enumerate(rows):
            colour = STATE_COLOURS.get(row.state)
            if row.state == "approved" and not row.valid_today:
                colour = STATE_COLOURS["terminated"]
            values = (str(row.id), f"{row.disease_code} {row.disease_name}", row.kind_name, row.state_name,
                      row.validity, row.accepted, row.decided)
            for column, value in enumerate(values):
                cell = item(value, row.id, colour if column == 3 else None)
                if column == 3 and row.reason:
                    cell.setToolTip(f"{row.state_name}：{row.reason}")
                self.filings.setItem(index, column, cell)
        self.empty.setText(empty_text or self.tr("该参保人还没有门诊慢特病申请：在右侧“新申请”中办理。"))
        self.empty.setVisible(not rows)
        ids = [row.id for row in rows]
        if rows:
            self.filings.selectRow(ids.index(select) if select in ids else 0)
        else:
            self.show_detail(None)

    def show_detail(self, detail: FilingDetail | None) -> None:
        self.materials.setText(self._materials_text(detail) if detail else "")
        self.materials.setVisible(detail is not None)
        events = detail.events if detail else ()
        self.events.setRowCount(len(events))
        for index, event in enumerate(events):
            for column, value in enumerate((event.at, event.action, event.states, event.operator_name, event.detail)):
                self.events.setItem(index, column, item(value))
        documents = detail.documents if detail else ()
        self.documents.setRowCount(len(documents))
        for index, document in enumerate(documents):
            values = (document.number, document.title, document.issued, self.tr("{n} 次").format(n=document.prints))
            for column, value in enumerate(values):
                self.documents.setItem(index, column, item(value, (document.number, document.title)))
        if documents:
            self.documents.selectRow(0)
        self._enable(detail)

    def _materials_text(self, detail: FilingDetail) -> str:
        row = detail.row
        lines = [self.tr("<b>受理号 {id}　{code} {name}（{kind}）　{state}</b>").format(
            id=row.id, code=row.disease_code, name=escape(row.disease_name), kind=row.kind_name, state=row.state_name)]
        if detail.received:
            lines.append(self.tr("已收材料：") + escape("；".join(detail.received)))
        if detail.missing:
            lines.append("<span style='color:#b3261e'>" + self.tr("缺少材料：") + escape("；".join(name for _, name in detail.missing))
                         + "</span>")
        if row.reason:
            lines.append(self.tr("{state}理由：{reason}").format(state=row.state_name, reason=escape(row.reason)))
        if detail.agent:
            agent = detail.agent
            lines.append(self.tr("代办人：{name}（{relationship}），电话 {phone}").format(
                name=escape(str(agent.name)), relationship=escape(str(agent.relationship)), phone=escape(str(agent.phone))))
        return "<br>".join(lines)

    def _enable(self, detail: FilingDetail | None) -> None:
        allowed = detail.allowed if detail else frozenset()
        self.receive_button.setEnabled("receive_materials" in allowed)
        self.approve_button.setEnabled("approve" in allowed)
        self.reject_button.setEnabled("reject" in allowed)
        self.terminate_button.setEnabled("terminate" in allowed)
        self.print_button.setEnabled(bool(detail and detail.documents))

    # ------------------------------------------------------------------ choosing

    def selected_id(self) -> int | None:
        cell = self.filings.item(self.filings.currentRow(), 0) if self.filings.rowCount() else None
        return cell.data(Qt.ItemDataRole.UserRole) if cell is not None else None

    def _document(self) -> None:
        cell = self.documents.item(self.documents.currentRow(), 0) if self.documents.rowCount() else None
        if cell is not None:
            number, title = cell.data(Qt.ItemDataRole.UserRole)
            self.document_chosen.emit(number, title)
