"""Preview a voucher exactly as it will print, then print it (the first print is the original,
every later one says 补打), save it as a PDF, or close (Esc)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desk.core.errors import os_reason
from desk.screens import common
from desk.services import vouchers
from desk.services.context import Desk, Operator
from desk.ui import file_choice, printing
from desk.ui.errors import MessageBar, run_action
from desk.ui.widgets import action_button, shortcut


class PdfPreviewDialog(QDialog):
    printed = Signal(int)  # the copy number just printed (0 = original)

    def __init__(self, desk: Desk, operator: Operator, number: str, parent: QWidget | None = None, *,
                 title: str | None = None, pdf: bytes | None = None):
        """`pdf`: the copy already rendered (off the UI thread, e.g. a long 日报表); otherwise rendered here."""
        super().__init__(parent)
        self.desk, self.operator, self.number = desk, operator, number
        self.pdf = b""
        self.last_print_path: Path | None = None
        self.print_job = None  # the copy being sent to the printer (in a thread)
        self.setWindowTitle(self.tr("凭证预览 - {number}").format(number=number))
        self.resize(900, 980)
        self._buffer: QBuffer | None = None
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.heading = QLabel(title or number)
        self.heading.setProperty("role", "title")
        self.copy_note = QLabel()
        self.copy_note.setProperty("role", "hint")
        self.bar = MessageBar()
        self.print_button = action_button(self.tr("打印"), "Ctrl+P", self.tr("打印此凭证（Ctrl+P）；再次打印将注明“补打”"))
        self.print_button.setProperty("primary", True)
        self.save_button = action_button(self.tr("另存为PDF"), "Ctrl+Shift+S")
        self.close_button = action_button(self.tr("关闭"), "Esc")
        self.print_button.setVisible(vouchers.may_print(desk, operator, number))
        self._lay_out()
        self._rendered = pdf
        self.print_button.clicked.connect(self.print_voucher)
        self.save_button.clicked.connect(self.save_as)
        self.close_button.clicked.connect(self.reject)
        shortcut(self, "Ctrl+P", self.print_voucher, context=Qt.ShortcutContext.WindowShortcut)
        shortcut(self, "Ctrl+Shift+S", self.save_as, context=Qt.ShortcutContext.WindowShortcut)
        self.reload()

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.copy_note)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.print_button, self.save_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.print_button.setFocus()

    def reload(self) -> None:
        rendered, self._rendered = self._rendered, None
        ok, pdf = (True, rendered) if rendered else run_action(lambda: vouchers.render(self.desk, self.number),
                                                               bar=self.bar, parent=self)
        if ok:
            self.show_pdf(pdf)
        copy_no = common.next_copy_number(self.desk, self.number)
        self.copy_note.setText(self.tr("此次打印为原件") if copy_no == 0
                               else self.tr("此次打印为第{n}次补打").format(n=copy_no))

    def show_pdf(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.document.close()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)

    def print_voucher(self) -> None:
        if not self.print_button.isVisible() or not self.print_button.isEnabled():
            return
        printer = None
        if not printing.printing_to_folder():
            printer = printing.choose_printer(self)
            if printer is None:
                return
        ok, result = run_action(lambda: vouchers.print_copy(self.desk, self.operator, self.number),
                                bar=self.bar, parent=self)
        if not ok:
            return
        copy_no, pdf = result
        self._send(printer, copy_no, pdf)
        self.show_pdf(pdf)
        self.printed.emit(copy_no)

    def _send(self, printer, copy_no: int, pdf: bytes) -> None:
        kind = self.tr("原件") if copy_no == 0 else self.tr("第{n}次补打").format(n=copy_no)
        if printer is None:
            self.last_print_path = printing.save_to_folder(self.desk, self.number, copy_no, pdf)
            self.bar.show_info(self.tr("已打印{kind}（未连接打印机，已保存为 {path}）").format(
                kind=kind, path=self.last_print_path))
            self.copy_note.setText(self.tr("已打印{kind}").format(kind=kind))
        else:  # in a thread: the window answers while the pages spool
            self.print_button.setEnabled(False)
            self.bar.show_info(self.tr("正在发送到打印机：{kind}……").format(kind=kind))
            self.print_job = printing.print_in_background(printer, pdf, parent=self,
                                                          on_done=lambda _pages: self._sent(kind),
                                                          on_error=self._not_sent)

    def _sent(self, kind: str) -> None:
        try:
            self.print_button.setEnabled(True)
            self.bar.show_info(self.tr("已发送到打印机：{kind}").format(kind=kind))
            self.copy_note.setText(self.tr("已打印{kind}").format(kind=kind))
        except RuntimeError:  # the preview was closed meanwhile
            pass

    def _not_sent(self, error: BaseException) -> None:
        try:
            self.print_button.setEnabled(True)
            reason = os_reason(error) if isinstance(error, OSError) else str(error)
            self.bar.show_error(self.tr("没有送到打印机（{reason}）。请检查打印机后点“打印”补打。").format(reason=reason))
        except RuntimeError:
            pass

    def save_as(self) -> None:
        path = file_choice.save_path(self, self.tr("另存为PDF"), file_choice.documents_folder() / f"{self.number}.pdf",
                                     self.tr("PDF 文件 (*.pdf)"))
        if path:
            Path(path).write_bytes(self.pdf)
            self.bar.show_info(self.tr("已另存为 {path}").format(path=path))
