"""批量导入 (集中参保名单): choose the list, see the preview (counts and the first problems) before
anything is written, import with a progress bar and 取消 off the UI thread, then save the report
(the list with 结果 and 说明) and preview / print the 导入清单. 下载模板 writes the template.

Reading, checking and importing run in a thread on a connection of their own
(services.background.separate_connection), behind `background.run_with_progress`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from desk.core.errors import DeskError, os_reason
from desk.screens import batch_import as screen
from desk.services import batch_import
from desk.services.background import separate_connection
from desk.services.context import Desk, Operator
from desk.ui import errors, file_choice
from desk.ui.background import run_in_background, run_with_progress
from desk.ui.errors import MessageBar
from desk.ui.pdf_preview import PdfPreviewDialog
from desk.ui.widgets import action_button, shortcut

EXCEL_FILTER = "Excel 工作簿 (*.xlsx)"


class BatchImportDialog(QDialog):
    def __init__(self, desk: Desk, operator: Operator, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.operator = desk, operator
        self.job = None
        self.shown: screen.PreviewScreen | None = None
        self.outcome: screen.ResultScreen | None = None
        self.preview: PdfPreviewDialog | None = None
        self.report_path: Path | None = None
        self.setWindowTitle(self.tr("批量导入参保登记（集中参保名单）"))
        self.setMinimumSize(760, 460)
        self.resize(980, 620)
        self.bar = MessageBar()
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("请选择乡镇、村报来的集中参保名单（.xlsx）"))
        self.choose_button = action_button(self.tr("选择名单文件"), "Ctrl+O")
        self.template_button = action_button(self.tr("下载模板"), "Ctrl+T", self.tr("保存集中参保名单模板，发给乡镇、村填写（Ctrl+T）"))
        self.heading = QLabel()
        self.heading.setProperty("role", "title")
        self.summary = QLabel(self.tr("选择名单后，先显示检查结果；确认后才导入。"))
        self.summary.setWordWrap(True)
        self.more = QLabel()
        self.more.setProperty("role", "hint")
        self.problems = QListWidget()
        self.problems.setWordWrap(True)
        self.problems.setObjectName("importProblems")
        self.import_button = action_button(self.tr("导入"), "Ctrl+Enter", self.tr("按名单逐行办理参保登记（Ctrl+Enter）"))
        self.import_button.setProperty("primary", True)
        self.import_button.setEnabled(False)
        self.report_button = action_button(self.tr("保存导入结果表"), "Ctrl+S")
        self.report_button.setEnabled(False)
        self.list_button = action_button(self.tr("预览打印导入清单"), "Ctrl+P")
        self.list_button.setEnabled(False)
        self.close_button = action_button(self.tr("关闭"), "Esc")
        self._lay_out()
        self.choose_button.clicked.connect(self.choose_file)
        self.template_button.clicked.connect(self.save_template)
        self.import_button.clicked.connect(self.start_import)
        self.report_button.clicked.connect(lambda: self.save_report())
        self.list_button.clicked.connect(self.open_list)
        self.close_button.clicked.connect(self.reject)
        for keys, slot in (("Ctrl+O", self.choose_file), ("Ctrl+T", self.save_template),
                           ("Ctrl+Return", self.start_import), ("Ctrl+Enter", self.start_import),
                           ("Ctrl+S", lambda: self.save_report()), ("Ctrl+P", self.open_list)):
            shortcut(self, keys, slot)
        self.choose_button.setFocus()

    def _lay_out(self) -> None:
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel(self.tr("名单文件")))
        chooser.addWidget(self.file_edit, 1)
        chooser.addWidget(self.choose_button)
        chooser.addWidget(self.template_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.report_button)
        buttons.addWidget(self.list_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addWidget(self.bar)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.more)
        layout.addLayout(buttons)

    def _busy(self) -> bool:
        return self.job is not None and not self.job.done

    def reject(self) -> None:
        if self._busy():  # the import runs on: its progress dialog has 取消
            return
        super().reject()

    # ------------------------------------------------------------------ the template

    def save_template(self) -> None:
        if self._busy():
            return
        path = file_choice.save_path(self, self.tr("保存集中参保名单模板"), file_choice.documents_folder() / screen.TEMPLATE_NAME,
                                     self.tr(EXCEL_FILTER))
        if path is None:
            return
        path, groups = _xlsx(path), batch_import.template_groups(self.desk)
        self.job = run_in_background(lambda: _writing(path, lambda: batch_import.write_template(path, groups)),
                                     parent=self, progress=self.tr("正在保存模板……"),
                                     on_done=self._template_saved, on_error=self._failed_to_write)

    def _template_saved(self, written: Path) -> None:
        self.bar.show_info(self.tr("模板已保存到 {path}：请发给乡镇、村按模板填写，“填写说明”页有每列的要求。").format(path=written))

    def _failed_to_write(self, error: BaseException) -> None:
        if isinstance(error, DeskError):
            self.bar.show_error(error.message)
        else:
            self.bar.show_error(errors.apology(errors.show_unexpected(self, error)))

    # ------------------------------------------------------------------ preview

    def choose_file(self) -> None:
        if self._busy():
            return
        path = file_choice.open_path(self, self.tr("选择集中参保名单"), file_choice.documents_folder(), self.tr(EXCEL_FILTER))
        if path is not None:
            self.load(path)

    def load(self, path: Path) -> None:
        """Read and check the list off the UI thread; the preview shows once it is done."""
        self.file_edit.setText(str(path))
        self._clear()
        desk, operator = self.desk, self.operator

        def work(progress):
            with separate_connection(desk) as other:
                return screen.preview_screen(other, operator, path, progress)

        self.job = run_with_progress(work, parent=self, text=self.tr("正在读取并检查名单……"),
                                     counted=self.tr("正在读取并检查名单：第 {done} 行"),
                                     on_done=self._previewed, on_error=self._failed)

    def _clear(self) -> None:
        self.shown = self.outcome = None
        self.report_path = None
        self.heading.clear()
        self.more.clear()
        self.problems.clear()
        self.bar.clear_message()
        for button in (self.import_button, self.report_button, self.list_button):
            button.setEnabled(False)

    def _previewed(self, shown: screen.PreviewScreen) -> None:
        self.shown = shown
        self.heading.setText(shown.heading)
        self.summary.setText(shown.summary)
        self._list(shown.problems, self.tr("没有发现问题。"))
        self.more.setText(shown.more_problems)
        self.import_button.setEnabled(shown.can_import)
        if shown.can_import:
            self.bar.show_info(self.tr("以上是检查结果，尚未导入。确认无误后按“导入”（Ctrl+Enter）。"))
            self.import_button.setFocus()
        else:
            self.bar.show_warning(self.tr("名单中没有可导入的行，请按下面的问题改正名单后重新选择。"))

    def _list(self, lines: tuple[str, ...], empty: str) -> None:
        self.problems.clear()
        self.problems.addItems(list(lines) or [empty])

    # ------------------------------------------------------------------ import

    def start_import(self) -> None:
        if self._busy() or self.shown is None or not self.import_button.isEnabled():
            return
        listing, desk, operator = self.shown.listing, self.desk, self.operator
        self.import_button.setEnabled(False)

        def work(progress):
            with separate_connection(desk) as other:
                return screen.import_screen(other, operator, listing, progress)

        self.job = run_with_progress(work, parent=self, text=self.tr("正在导入……"),
                                     counted=self.tr("正在逐行办理参保登记：{done}/{total} 行"),
                                     on_done=self._imported, on_error=self._failed)

    def _imported(self, outcome: screen.ResultScreen) -> None:
        self.outcome, self.shown = outcome, None
        self.heading.setText(self.tr("导入结果"))
        self.summary.setText(outcome.summary)
        self._list(outcome.problems, self.tr("每一行都已导入或已存在。"))
        self.more.setText(self.tr("每一行的结果和原因见导入结果表。"))
        self.report_button.setEnabled(True)
        self.list_button.setEnabled(outcome.voucher_number is not None)
        if outcome.result.stop_reason:
            self.bar.show_warning(outcome.summary)
        else:
            self.bar.show_info(self.tr("导入完成：请保存导入结果表，并打印导入清单归档。"))
        self.save_report(then=self.open_list)

    def save_report(self, then=None) -> None:
        """Where to save the report (asked here), then written in a thread; `then()` once it is saved."""
        if self.outcome is None or self._busy():
            return
        suggested = file_choice.documents_folder() / self.outcome.report_name
        path = file_choice.save_path(self, self.tr("保存导入结果表"), suggested, self.tr(EXCEL_FILTER))
        if path is None:
            self.bar.show_warning(self.tr("导入结果表还没有保存：可按“保存导入结果表”（Ctrl+S）保存。"))
            return
        path = _xlsx(path)
        listing, result = self.outcome.listing, self.outcome.result
        self.job = run_in_background(lambda: _writing(path, lambda: batch_import.write_report(listing, result, path)),
                                     parent=self, progress=self.tr("正在保存导入结果表……"),
                                     on_done=lambda written: self._report_saved(written, then),
                                     on_error=self._failed_to_write)

    def _report_saved(self, written: Path, then) -> None:
        self.report_path = written
        self.bar.show_info(self.tr("导入结果表已保存到 {path}。").format(path=written))
        if then is not None:
            then()

    def open_list(self) -> None:
        if self.outcome is None or self.outcome.voucher_number is None:
            return
        number = self.outcome.voucher_number
        self.preview = PdfPreviewDialog(self.desk, self.operator, number, self, title=f"导入清单　{number}",
                                        pdf=self.outcome.voucher_pdf)
        self.preview.open()

    def _failed(self, error: BaseException) -> None:
        if self.shown is not None:
            self.import_button.setEnabled(True)
        if isinstance(error, batch_import.ImportCancelled):
            self.bar.show_info(error.message)
        elif isinstance(error, DeskError):
            self.bar.show_error(error.message)
            self.summary.setText(self.tr("这个文件不能导入，没有办理任何一行。"))
        else:
            self.bar.show_error(errors.apology(errors.show_unexpected(self, error)))


def _xlsx(path: Path) -> Path:
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


def _writing(path: Path, write):
    """A file written: a folder that refuses it becomes a clear refusal (nothing else changes)."""
    try:
        return write()
    except OSError as error:
        raise DeskError(f"无法写入文件 {path}（{os_reason(error)}），请换一个文件夹或文件名。") from None
