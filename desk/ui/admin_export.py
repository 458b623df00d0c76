"""数据上报: the export outbox for the provincial platform (issue 14, item 2; docs/export.md). The
batches with their state (已导出 / 部分确认 / 已确认 / 部分退回), the records waiting for the next
batch, the records the platform refused with its reasons; 导出下一批 writes the next batch into the
chosen folder in the background (progress and 取消), 登记平台回执 records an acknowledgement file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSplitter, QVBoxLayout, QWidget

from desk.core.errors import DeskError
from desk.screens import export as screen
from desk.services import export
from desk.services.background import separate_connection
from desk.services.context import Desk, Operator
from desk.ui import errors, file_choice
from desk.ui.admin_common import PROVISIONAL_COLOURS, AdminPage, fill_row, make_table, paint_row
from desk.ui.background import run_in_background, run_with_progress
from desk.ui.widgets import action_button, value_label

BATCH_COLUMNS = ("批次", "导出时间", "导出人", "记录数", "状态", "平台回执", "文件夹", "各类记录")
REFUSED_COLUMNS = ("批次", "类别", "记录号", "参保人", "退回代码", "退回原因")


class ExportPage(AdminPage):
    def __init__(self, desk: Desk, admin: Operator, parent: QWidget | None = None):
        super().__init__(self.tr(
            "每条业务记录（参保人及其变更、参保登记及作废、慢特病申请及审核、报销结算及冲正、转移接续及其环节）只导出一次："
            "导出下一批把上一批之后的新记录写成一个批次文件夹（含签名清单），复制到U盘报送省医保信息平台；"
            "平台的回执文件登记后，这里显示哪些记录被接收、哪些被退回及原因。"), parent)
        self.desk, self.admin = desk, admin
        self.job = None
        self.folder = QLineEdit()
        self.folder.setObjectName("exportFolder")
        self.folder.setPlaceholderText(self.tr("上报批次写入的文件夹"))
        self.choose_button = action_button(self.tr("选择文件夹…"), "Alt+D")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_folder)
        self.export_button = action_button(self.tr("导出下一批"), "Ctrl+E")
        self.export_button.setObjectName("exportNext")
        self.export_button.setProperty("primary", True)
        self.export_button.clicked.connect(self.export_next)
        self.ack_button = action_button(self.tr("登记平台回执…"), "Ctrl+O")
        self.ack_button.setObjectName("loadAck")
        self.ack_button.setAutoDefault(False)
        self.ack_button.clicked.connect(self.choose_ack)
        for keys, button in (("Alt+D", self.choose_button), ("Ctrl+E", self.export_button), ("Ctrl+O", self.ack_button)):
            self.page_shortcut(keys, lambda button=button: button.isEnabled() and button.click())
        self.waiting = value_label()
        self.waiting.setObjectName("exportWaiting")
        self.waiting.setWordWrap(True)
        self.summary = value_label()
        self.summary.setObjectName("exportSummary")
        self.summary.setWordWrap(True)
        self.batches = make_table(BATCH_COLUMNS, "exportBatches", stretch=7)
        self.refused = make_table(REFUSED_COLUMNS, "refusedRecords", stretch=5)
        line = QHBoxLayout()
        line.addWidget(QLabel(self.tr("上报文件夹：")))
        line.addWidget(self.folder, 1)
        line.addWidget(self.choose_button)
        line.addSpacing(12)
        line.addWidget(self.export_button)
        line.addWidget(self.ack_button)
        self.body.addLayout(line)
        self.body.addWidget(self.waiting)
        self.body.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        top, bottom = QWidget(), QWidget()
        for holder, title, table in ((top, self.tr("导出的批次（最新的在上）："), self.batches),
                                     (bottom, self.tr("平台退回的记录（请核对后在业务中更正，更正会在下一批导出）："), self.refused)):
            layout = QVBoxLayout(holder)
            layout.setContentsMargins(0, 4, 0, 0)
            layout.addWidget(QLabel(title))
            layout.addWidget(table, 1)
            split.addWidget(holder)
        split.setSizes([220, 220])
        self.body.addWidget(split, 1)
        self.refresh()

    def refresh(self) -> None:
        shown = screen.export_screen(self.desk, self.admin)
        self.shown = shown
        if not self.folder.text():
            self.folder.setText(shown.folder)  # the first time the administrator chooses (a USB stick)
        self.waiting.setText(shown.waiting_text)
        self.summary.setText(shown.summary)
        self.batches.setRowCount(len(shown.batches))
        for index, row in enumerate(shown.batches):
            fill_row(self.batches, index, (row.seq, row.created_at, row.operator_name, row.records, row.state_name,
                                           row.answers, row.folder_name, row.counts), key=row.seq)
            self.batches.item(index, 6).setToolTip(row.directory)
            self.batches.item(index, 7).setToolTip(row.counts)
            if row.refused:
                paint_row(self.batches, index, PROVISIONAL_COLOURS)
        self.refused.setRowCount(len(shown.refused))
        for index, row in enumerate(shown.refused):
            fill_row(self.refused, index, (row.seq, row.kind_name, row.rec_id, row.person, row.code, row.reason),
                     key=row.rec_id)
        self.export_button.setEnabled(shown.waiting_total > 0 and (self.job is None or self.job.done))

    def focus_first(self) -> None:
        (self.export_button if self.export_button.isEnabled() else self.ack_button).setFocus()

    def choose_folder(self) -> None:
        chosen = file_choice.folder_path(self, self.tr("选择上报文件夹"), Path(self.folder.text() or "."))
        if chosen is not None:
            self.folder.setText(str(chosen))

    def export_next(self) -> None:
        if self.job is not None and not self.job.done:
            return
        text = self.folder.text().strip()
        if not text:
            self.bar.show_error(self.tr("请先选择上报批次写入的文件夹。"))
            self.folder.setFocus()
            return
        folder = Path(text)

        def work(progress):
            with separate_connection(self.desk) as other:
                return export.export_next_batch(other, self.admin, folder, progress=progress)

        self.export_button.setEnabled(False)
        self.job = run_with_progress(work, parent=self, text=self.tr("正在导出上报批次……"),
                                     counted=self.tr("正在导出上报批次：{done}/{total} 条"),
                                     on_done=self._exported, on_error=self._export_failed)

    def _exported(self, result: export.BatchResult) -> None:
        self.refresh()
        self.bar.show_info(self.tr(result.message))

    def _export_failed(self, error: BaseException) -> None:
        self.refresh()
        if isinstance(error, export.ExportCancelled):
            self.bar.show_info(self.tr("已取消导出，没有生成批次，记录仍在待导出中。"))
        elif isinstance(error, DeskError):
            self.bar.show_error(self.tr("没有导出：{message}").format(message=error.message))
        else:
            self.bar.show_error(errors.apology(errors.show_unexpected(self, error)))

    def choose_ack(self) -> None:
        path = file_choice.open_path(self, self.tr("选择平台回执文件"), Path(self.folder.text() or "."),
                                     self.tr("回执文件 (*.json);;所有文件 (*)"))
        if path is not None:
            self.load_ack(path)

    def load_ack(self, path: Path):
        """Checked and recorded in the background (a platform's answer may list every record of a big batch)."""
        if self.job is not None and not self.job.done:
            return None

        def work():
            with separate_connection(self.desk) as other:
                return export.load_ack(other, self.admin, path)

        self.job = run_in_background(work, parent=self, progress=self.tr("正在登记平台回执……"),
                                     on_done=self._ack_loaded, on_error=self._ack_refused)
        return self.job

    def _ack_loaded(self, result: export.AckResult) -> None:
        self.refresh()
        self.bar.show_info(self.tr(result.message))

    def _ack_refused(self, error: BaseException) -> None:
        self.refresh()
        self.bar.show_error(error.message if isinstance(error, DeskError) else errors.apology(errors.show_unexpected(self, error)))
