"""审计日志: browse the log with filters (dates, operator, kind of action, record number), a page at
a time, newest first; export what the filters select to Excel or PDF (the export is itself
audited). Nobody can change the log from here.

The table is a model over one page (QTableView with fixed column widths: nothing is measured
per row), the page comes from one screen call paged in SQL (PgDown/PgUp by entry number), and an
export runs in a thread with a progress bar and 取消."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QDateEdit, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QTableView, QWidget

from desk.core.errors import DeskError, os_reason
from desk.screens import admin as screen
from desk.services import audit
from desk.services.background import separate_connection
from desk.services.context import Desk, Operator
from desk.ui import errors, file_choice
from desk.ui.admin_common import AdminPage, tr
from desk.ui.background import run_with_progress
from desk.ui.errors import FieldErrors, run_action
from desk.ui.widgets import FormGrid, action_button

COLUMNS = ("序号", "时间", "操作员", "窗口", "操作", "记录", "变更内容")
WIDTHS = (80, 160, 100, 90, 170, 150)  # the last column takes the rest
NO_LIMIT = QDate(2000, 1, 1)  # the date edits' 不限
EXPORTS = {"xlsx": ("Excel 文件 (*.xlsx)", audit.export_xlsx), "pdf": ("PDF 文件 (*.pdf)", audit.export_pdf)}


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(NO_LIMIT)
    edit.setSpecialValueText(tr("不限"))
    edit.setDate(NO_LIMIT)
    edit.setFixedWidth(150)
    return edit


NO_PARENT = QModelIndex()


class AuditModel(QAbstractTableModel):
    """One page of screen.AuditRow, read-only; the action's code and the whole detail as tooltips."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[screen.AuditRow] = []

    def show(self, rows: list[screen.AuditRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=NO_PARENT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def text(self, row: int, column: int) -> str:
        entry = self.rows[row]
        return str((entry.id, entry.at, entry.operator_name, entry.window, entry.action_name, entry.record,
                    entry.detail)[column])

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            entry = self.rows[index.row()]
            if index.column() == 4:
                return f"{entry.action_name}（{entry.action}）"
            text = self.text(index.row(), index.column())
            return text if len(text) > 30 else None
        if role == Qt.ItemDataRole.UserRole:
            return self.rows[index.row()].id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(COLUMNS[section])
        return None


def audit_table(model: AuditModel) -> QTableView:
    table = QTableView()
    table.setObjectName("auditTable")
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(30)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setStretchLastSection(True)
    for column, width in enumerate(WIDTHS):
        header.resizeSection(column, width)
    return table


class AuditPage(AdminPage):
    def __init__(self, desk: Desk, admin: Operator, parent: QWidget | None = None, *, page_size: int = audit.PAGE):
        super().__init__(self.tr(
            "每一次写入（业务记录、设置、操作员、登录与登录失败、备份、导出）都记在这里，前后相连防篡改，任何人都不能修改。"
            "按条件查询后可导出为 Excel 或 PDF。"), parent)
        self.desk, self.admin, self.page_size = desk, admin, page_size
        self.page_number = 0
        self.starts: list[int | None] = [None]  # per page reached: the entry number it starts below
        self.current: screen.AuditPage | None = None
        self.job = None
        self.errors = FieldErrors()
        self._filters()
        self.model = AuditModel(self)
        self.table = audit_table(self.model)
        self.pager = QLabel()
        self.pager.setObjectName("auditPager")
        self.body.addWidget(self.table, 1)
        self.body.addLayout(self._bottom())
        self.refresh()

    def _filters(self) -> None:
        self.first, self.last = _date_edit("auditFirst"), _date_edit("auditLast")
        self.operator = QComboBox()
        self.operator.setEditable(True)
        self.operator.setFixedWidth(180)
        self.action = QComboBox()
        self.action.setEditable(True)
        self.action.setFixedWidth(260)
        self.action.addItem(self.tr("全部操作"), "")
        for prefix, label in screen.ACTION_GROUPS:
            self.action.addItem(self.tr(label), prefix)  # a prefix may still be typed (e.g. settlement.)
        self.record = QLineEdit()
        self.record.setPlaceholderText(self.tr("如人员编号、凭证编号"))
        self.record.setFixedWidth(220)
        self.search_button = action_button(self.tr("查询"), "Enter")
        self.search_button.setProperty("primary", True)
        self.clear_button = action_button(self.tr("清除条件"), "Alt+C")
        self.search_button.clicked.connect(self.search)
        self.clear_button.clicked.connect(self.clear_filters)
        for edit in (self.record, self.operator.lineEdit(), self.action.lineEdit()):
            edit.returnPressed.connect(self.search)
        grid = FormGrid(self.errors, wide_errors=True)
        grid.add_row(self.tr("起始日期"), self.first, "first", row=0, column=0)
        grid.add_row(self.tr("截止日期"), self.last, "last", row=0, column=1)
        grid.add_row(self.tr("操作员"), self.operator, "operator_name", row=0, column=2)
        grid.add_row(self.tr("操作类别"), self.action, "action_prefix", row=1, column=0)
        grid.add_row(self.tr("记录编号"), self.record, "record_id", row=1, column=1)
        buttons = QWidget()
        line = QHBoxLayout(buttons)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.search_button)
        line.addWidget(self.clear_button)
        line.addStretch(1)
        grid.grid.addWidget(buttons, 2, 4, 1, 2)
        grid.grid.setColumnStretch(1, 0)
        grid.grid.setColumnStretch(6, 1)
        self.body.addWidget(grid)

    def _bottom(self) -> QHBoxLayout:
        self.previous_button = action_button(self.tr("上一页"), "PgUp")
        self.next_button = action_button(self.tr("下一页"), "PgDown")
        self.xlsx_button = action_button(self.tr("导出 Excel…"), "Ctrl+E")
        self.pdf_button = action_button(self.tr("导出 PDF…"), "Ctrl+P")
        self.previous_button.clicked.connect(lambda: self.go(-1))
        self.next_button.clicked.connect(lambda: self.go(+1))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.page_shortcut("Alt+C", self.clear_filters)
        self.page_shortcut("PgUp", lambda: self.go(-1))
        self.page_shortcut("PgDown", lambda: self.go(+1))
        self.page_shortcut("Ctrl+E", lambda: self.export("xlsx"))
        self.page_shortcut("Ctrl+P", lambda: self.export("pdf"))
        line = QHBoxLayout()
        for widget in (self.previous_button, self.pager, self.next_button):
            line.addWidget(widget)
        line.addStretch(1)
        line.addWidget(self.xlsx_button)
        line.addWidget(self.pdf_button)
        return line

    # ------------------------------------------------------------------ filters

    def filters(self) -> audit.AuditFilter:
        def day(edit: QDateEdit) -> date | None:
            return None if edit.date() == NO_LIMIT else edit.date().toPython()

        action = self.action.currentData() if self.action.currentText() == self.action.itemText(self.action.currentIndex()) \
            else self.action.currentText().strip()
        return audit.AuditFilter(first=day(self.first), last=day(self.last),
                                 operator_name=self.operator.currentText().strip() or None,
                                 action_prefix=action or None, record_id=self.record.text().strip() or None)

    def clear_filters(self) -> None:
        self.first.setDate(NO_LIMIT)
        self.last.setDate(NO_LIMIT)
        self.operator.setCurrentText("")
        self.action.setCurrentIndex(0)
        self.record.clear()
        self.search()

    def refresh(self) -> None:
        names = run_action(lambda: screen.audit_operator_names(self.desk, self.admin), bar=self.bar, parent=self)[1] or []
        typed = self.operator.currentText()
        self.operator.clear()
        self.operator.addItems([""] + names)
        self.operator.setCurrentText(typed)
        self.show_page()

    def focus_first(self) -> None:
        self.first.setFocus()

    def search(self) -> None:
        self.page_number = 0
        self.starts = [None]
        self.show_page()

    def go(self, step: int) -> None:
        if self.current is None or not 0 <= self.page_number + step < self.current.pages:
            return
        if step == 1 and self.current.rows and len(self.starts) == self.page_number + 1:
            self.starts.append(self.current.rows[-1].id)
        self.page_number += step
        self.show_page()

    def show_page(self) -> None:
        self.errors.clear()
        self.bar.clear_message()
        below = self.starts[self.page_number] if self.page_number < len(self.starts) else None
        ok, page = run_action(lambda: screen.audit_page(self.desk, self.admin, self.filters(), page=self.page_number,
                                                         page_size=self.page_size, below=below),
                              bar=self.bar, fields=self.errors, parent=self)
        if not ok:
            return
        if page.page != self.page_number:  # the log under the filters is shorter than the page reached
            self.starts = self.starts[:page.page + 1]
        self.current, self.page_number = page, page.page
        self.model.show(page.rows)
        self.table.scrollToTop()
        self.pager.setText(self.tr("第 {page}/{pages} 页，共 {total} 条").format(page=page.page + 1, pages=page.pages,
                                                                            total=page.total))
        self.previous_button.setEnabled(page.page > 0)
        self.next_button.setEnabled(page.page + 1 < page.pages)

    # ------------------------------------------------------------------ export

    def export(self, kind: str) -> None:
        if self.job is not None and not self.job.done:
            return
        file_filter, exporter = EXPORTS[kind]
        filters = self.filters()
        suggested = Path.home() / f"审计日志-{self.desk.today():%Y%m%d}.{kind}"
        path = file_choice.save_path(self, self.tr("导出审计日志"), suggested, self.tr(file_filter))
        if path is None:
            return
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(path.name + f".{kind}")

        def work(progress) -> int:
            with separate_connection(self.desk) as other:
                return exporter(other, self.admin, filters, path, progress=progress)

        self.job = run_with_progress(work, parent=self, text=self.tr("正在导出审计日志……"),
                                     counted=self.tr("正在导出审计日志：{done}/{total} 条"),
                                     on_done=lambda count: self._exported(count, path),
                                     on_error=lambda error: self._export_failed(error, path))

    def _exported(self, count: int, path: Path) -> None:
        self.refresh()  # the export itself is now in the log
        self.bar.show_info(self.tr("已导出 {count} 条审计记录到 {path}。").format(count=count, path=path))

    def _export_failed(self, error: BaseException, path: Path) -> None:
        if isinstance(error, audit.ExportCancelled):
            self.bar.show_info(self.tr("已取消导出，没有生成文件。"))
        elif isinstance(error, DeskError):
            self.errors.show(getattr(error, "problems", ()))
            self.bar.show_error(self.tr("没有导出：{message}").format(message=error.message))
        elif isinstance(error, OSError):
            self.bar.show_error(self.tr("没有导出：无法写入文件 {path}（{reason}）。请换一个文件夹或文件名再导出。").format(
                path=path, reason=os_reason(error)))
        else:
            self.bar.show_error(errors.apology(errors.show_unexpected(self, error)))
