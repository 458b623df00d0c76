"""办理跟踪 and 统计 of the 转移接续 tab.

The tracking list shows the open transfers by due date; the rows the service flags as overdue
are red and those due within 3 working days amber (the UI computes no dates); a provisional
due date says 暂定. Reviewers move a transfer on from here (转出审核, 转入审核, 办结, 退回);
anyone receives the missing materials of a 待补正 one. The summary gives counts and amounts out
and in over a period.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desk.screens.transfer import SummaryScreen, TrackingRow, TrackingScreen, TransferDetails
from desk.ui.errors import FieldErrors
from desk.ui.widgets import FormGrid, action_button, hint_label, read_only_table, shortcut, split_pair

TRACKING_COLUMNS = ("查询号", "申请人", "方向", "转出地 → 转入地", "状态", "受理日期", "承诺办结日期", "时限", "受理人")
EVENT_COLUMNS = ("时间", "经办人", "原状态", "新状态", "说明")
VOUCHER_COLUMNS = ("凭证编号", "名称", "出具时间", "已打印")
SUMMARY_COLUMNS = ("方向", "受理件数", "办结件数", "统筹基金（元）", "个人账户（元）", "合计（元）")
OVERDUE = (QColor("#fbd9d5"), QColor("#8e1c12"))
DUE_SOON = (QColor("#fff0c2"), QColor("#7a5200"))
PROVISIONAL = QColor("#8a5a00")
DUE_COLUMN = TRACKING_COLUMNS.index("承诺办结日期")
# the reviewers' moves: (action, caption, shortcut)
REVIEW_BUTTONS = (("to_out_review", "转出审核", "Alt+O"), ("to_in_review", "转入审核", "Alt+I"),
                  ("complete", "办结…", "Alt+C"), ("return", "退回…", "Alt+R"))


def tr(text: str) -> str:
    return QCoreApplication.translate("transfer_tracking", text)


def make_table(columns, name: str) -> QTableWidget:
    return read_only_table([tr(title) for title in columns], name)


def _item(text: str, key=None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, key)
    return item


class TrackingPanel(QWidget):
    """The open transfers, the selected one's history and papers, and the buttons that move it on."""

    move_requested = Signal(str, int)  # action, transfer id
    materials_requested = Signal(int)
    reprint_requested = Signal(str, str)  # voucher number, title
    refresh_requested = Signal()
    details_wanted = Signal(int)  # transfer id, 0 when none is selected

    def __init__(self, can_review: bool, can_accept: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: tuple[TrackingRow, ...] = ()
        self.counts = QLabel()
        self.counts.setObjectName("trackingCounts")
        self.counts.setProperty("role", "value")
        self.legend = hint_label(self.tr(
            "红色：已超过承诺办结日期；黄色：3个工作日内到期；“暂定”：该年节假日安排尚未公布，日期暂按周末及法定节假日推算，公布后自动重算。"))
        self.table = make_table(TRACKING_COLUMNS, "trackingTable")
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TRACKING_COLUMNS.index("转出地 → 转入地"), QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip(self.tr("↑↓ 选择；Enter 转到下方凭证列表；审核员可用下方按钮办理"))
        self.events = make_table(EVENT_COLUMNS, "eventsTable")
        self.vouchers = make_table(VOUCHER_COLUMNS, "transferVouchersTable")
        self.vouchers.setToolTip(self.tr("选中一张凭证，按 Enter 预览并打印（再次打印注明“补打”）"))
        self.details = QTabWidget()
        self.details.addTab(self.vouchers, self.tr("凭证（Enter 补打）"))
        self.details.addTab(self.events, self.tr("办理记录"))
        self.materials_button = action_button(self.tr("补正材料…"), "Alt+M",
                                              self.tr("待补正的申请：收取申请人补交的材料（Alt+M）"))
        self.materials_button.setObjectName("receiveMaterialsButton")
        self.materials_button.setVisible(can_accept)
        self.refresh_button = action_button(self.tr("刷新"), "F5")
        self.move_buttons = {}
        for action, caption, keys in REVIEW_BUTTONS:
            button = action_button(self.tr(caption), keys)
            button.setObjectName(f"{action}Button")
            button.setVisible(can_review)
            button.clicked.connect(lambda _=False, a=action: self._request_move(a))
            self.move_buttons[action] = button
            if can_review:
                shortcut(self, keys, lambda a=action: self._request_move(a))
        if can_accept:
            shortcut(self, "Alt+M", self._request_materials)
        shortcut(self, "F5", self.refresh_requested.emit)
        self._lay_out()
        self.materials_button.clicked.connect(self._request_materials)
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.installEventFilter(self)
        self.vouchers.activated.connect(self._reprint)

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.materials_button)
        buttons.addStretch(1)
        for button in self.move_buttons.values():
            buttons.addWidget(button)
        buttons.addSpacing(16)
        buttons.addWidget(self.refresh_button)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table, 1)
        top_layout.addLayout(buttons)
        split = split_pair(Qt.Orientation.Vertical, top, self.details, stretch=(3, 1), sizes=[330, 150])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addWidget(self.counts)
        layout.addWidget(self.legend)
        layout.addWidget(split, 1)
        QWidget.setTabOrder(self.table, self.materials_button)
        chain = [self.materials_button, *self.move_buttons.values(), self.refresh_button, self.details, self.vouchers]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.details.setCurrentWidget(self.vouchers)
            self.vouchers.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ showing

    def show_screen(self, shown: TrackingScreen, keep: int | None = None) -> None:
        keep = self.selected_id() if keep is None else keep
        rows = self.rows = shown.rows
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            due = row.due_date + (self.tr("（暂定）") if row.provisional and row.due_date else "")
            values = (row.query_number, row.applicant_name, row.direction_name, row.route, row.state_name,
                      row.accepted_on or "—", due or "—", row.note, row.operator_name)
            for column, value in enumerate(values):
                item = _item(self.tr(value) if column in (2, 4) else value, row.id)
                if column == DUE_COLUMN and row.provisional:
                    item.setForeground(QBrush(PROVISIONAL))
                self._colour(item, row)
                self.table.setItem(index, column, item)
        self._show_counts(shown)
        ids = [row.id for row in rows]
        if rows:
            self.table.setCurrentCell(ids.index(keep) if keep in ids else 0, 0)
        self._selection_changed()

    def _colour(self, item: QTableWidgetItem, row: TrackingRow) -> None:
        colours = OVERDUE if row.overdue else DUE_SOON if row.due_soon else None
        if colours:
            item.setBackground(QBrush(colours[0]))
            item.setForeground(QBrush(colours[1]))
        if row.state == "awaiting_materials":
            item.setForeground(QBrush(QColor("#6b7785")))

    def _show_counts(self, shown: TrackingScreen) -> None:
        self.counts.setText(self.tr("在办 {n} 件：已超期 {overdue} 件，3个工作日内到期 {soon} 件，待补正 {waiting} 件。").format(
            n=len(shown.rows), overdue=shown.overdue, soon=shown.due_soon, waiting=shown.awaiting_materials))

    def show_details(self, details: TransferDetails) -> None:
        events, papers = details.events, details.papers
        self.events.setRowCount(len(events))
        for index, event in enumerate(events):
            values = (event.at, event.operator_name, self.tr(event.from_name), self.tr(event.to_name), event.detail)
            for column, value in enumerate(values):
                self.events.setItem(index, column, _item(value))
        self.vouchers.setRowCount(len(papers))
        for index, paper in enumerate(papers):
            values = (paper.number, paper.title, paper.issued_at, self.tr("{n} 次").format(n=paper.prints))
            for column, value in enumerate(values):
                self.vouchers.setItem(index, column, _item(value, (paper.number, paper.title)))
        if papers:
            self.vouchers.selectRow(0)

    def selected(self) -> TrackingRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def selected_id(self) -> int | None:
        chosen = self.selected()
        return chosen.id if chosen else None

    def select(self, transfer_id: int) -> None:
        ids = [row.id for row in self.rows]
        if transfer_id in ids:
            self.table.setCurrentCell(ids.index(transfer_id), 0)

    def _selection_changed(self) -> None:
        chosen = self.selected()
        actions = chosen.actions if chosen else frozenset()
        for action, button in self.move_buttons.items():
            button.setEnabled(action in actions)
        self.materials_button.setEnabled("receive_materials" in actions)
        self.details_wanted.emit(chosen.id if chosen else 0)

    # ------------------------------------------------------------------ requests

    def _request_move(self, action: str) -> None:
        chosen = self.selected()
        if chosen is not None and self.move_buttons[action].isEnabled():
            self.move_requested.emit(action, chosen.id)

    def _request_materials(self) -> None:
        chosen = self.selected()
        if chosen is not None and self.materials_button.isEnabled():
            self.materials_requested.emit(chosen.id)

    def _reprint(self, index) -> None:
        item = self.vouchers.item(index.row(), 0)
        if item is not None:
            number, title = item.data(Qt.ItemDataRole.UserRole)
            self.reprint_requested.emit(number, title)


class SummaryPanel(QWidget):
    """Counts and amounts transferred out and in over a period of two dates (Enter counts)."""

    period_chosen = Signal(object, object)  # first, last (date)

    def __init__(self, errors: FieldErrors, first: date, last: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.first = self._date_edit("summaryFirstEdit", first)
        self.last = self._date_edit("summaryLastEdit", last)
        self.count_button = action_button(self.tr("统计"), "Enter")
        self.count_button.setProperty("primary", True)
        self.table = make_table(SUMMARY_COLUMNS, "summaryTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setMinimumSectionSize(110)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.totals = QLabel()
        self.totals.setObjectName("summaryTotals")
        self.totals.setProperty("role", "big")
        self.caption = QLabel()
        self.caption.setObjectName("summaryCaption")
        self.caption.setProperty("role", "heading")
        form = FormGrid(errors, label_width=64, wide_errors=True)
        form.add_row(self.tr("起始日期"), self.first, "first", row=0)
        form.add_row(self.tr("截止日期"), self.last, "last", row=0, column=1)
        period = QHBoxLayout()
        period.addWidget(form)
        period.addWidget(self.count_button, 0, Qt.AlignmentFlag.AlignTop)
        period.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 4)
        layout.addLayout(period)
        layout.addWidget(self.caption)
        layout.addWidget(self.table)
        layout.addWidget(self.totals)
        layout.addWidget(hint_label(self.tr(
            "受理件数按受理日期（材料齐全之日）统计；办结件数和金额按办结日期统计。转出为从本统筹区转出，转入为转入本统筹区。")))
        layout.addStretch(1)
        self.count_button.clicked.connect(self._chosen)
        QWidget.setTabOrder(self.first, self.last)
        QWidget.setTabOrder(self.last, self.count_button)

    def _date_edit(self, name: str, value: date) -> QDateEdit:
        edit = QDateEdit(QDate(value.year, value.month, value.day))
        edit.setObjectName(name)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setCalendarPopup(True)
        edit.installEventFilter(self)
        return edit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched in (self.first, self.last) and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self._chosen()
            return True
        return super().eventFilter(watched, event)

    def period(self) -> tuple[date, date]:
        return tuple(date(day.year(), day.month(), day.day()) for day in (self.first.date(), self.last.date()))

    def _chosen(self) -> None:
        self.period_chosen.emit(*self.period())

    def show_screen(self, shown: SummaryScreen) -> None:
        self.caption.setText(self.tr("{first} 至 {last} 转移接续情况").format(
            first=shown.first.isoformat(), last=shown.last.isoformat()))
        rows = shown.rows
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            values = (self.tr(row.name), str(row.accepted), str(row.completed), row.pooled_fund, row.personal_account,
                      row.total)
            for column, value in enumerate(values):
                item = _item(value)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(index, column, item)
        frame = 2 * self.table.frameWidth()
        self.table.setFixedHeight(self.table.horizontalHeader().height()
                                  + sum(self.table.rowHeight(r) for r in range(len(rows))) + frame)
        self.table.setFixedWidth(self.table.horizontalHeader().length() + frame)
        self.totals.setText(self.tr("转出资金 {out} 元　　转入资金 {into} 元").format(
            out=shown.out_total, into=shown.in_total))

    def clear_rows(self) -> None:
        self.caption.clear()
        self.totals.clear()
        self.table.setRowCount(0)
