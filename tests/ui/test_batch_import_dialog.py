"""批量导入 on the 参保登记 tab (qtbot, real widgets, a fresh database): Ctrl+I, the preview before anything is
written, the import off the UI thread with its progress and 取消, the report saved, the 导入清单 previewed."""

from __future__ import annotations

import threading

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from desk.services import batch_import
from desk.ui import file_choice
from desk.ui.batch_import_dialog import BatchImportDialog
from desk.ui.pdf_preview import PdfPreviewDialog
from tests.import_files import resident, write_list


def enrolments(desk) -> int:
    return desk.db.execute("SELECT COUNT(*) FROM enrolments").fetchone()[0]


def open_dialog(qtbot, open_window, staff, keyboard) -> BatchImportDialog:
    window = open_window(staff.clerk)
    tab = window.tabs.currentWidget()
    assert tab.import_button.text() == "批量导入 (Ctrl+I)"
    keyboard.press(Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: tab.import_dialog is not None and QApplication.activeWindow() is tab.import_dialog)
    return tab.import_dialog


def test_preview_then_import_then_report_and_list(qtbot, desk, staff, open_window, keyboard, monkeypatch, tmp_path):
    listing = write_list(tmp_path / "喜洲镇名单.xlsx", [resident(0), resident(1), None, resident(2, 民族="火星族")])
    report = tmp_path / "结果.xlsx"
    monkeypatch.setattr(file_choice, "open_path", lambda *args: listing)
    monkeypatch.setattr(file_choice, "save_path", lambda *args: report)
    dialog = open_dialog(qtbot, open_window, staff, keyboard)
    assert not dialog.import_button.isEnabled()
    keyboard.press(Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.job is not None and dialog.job.done, timeout=20_000)
    assert dialog.summary.text() == "共 3 行：可导入 2 行，已参保（将显示为已存在）0 行，有问题不能导入 1 行。"
    assert dialog.problems.item(0).text() == "第 5 行：民族请从56个民族中选择。"
    assert enrolments(desk) == 0  # the preview wrote nothing
    assert dialog.import_button.isEnabled() and QApplication.focusWidget() is dialog.import_button
    keyboard.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=20_000)
    assert dialog.summary.text().startswith("已参保 2 人，已存在 0 人，未导入 1 行（共 3 行），本次应缴合计 800.00 元")
    assert enrolments(desk) == 2
    qtbot.waitUntil(lambda: dialog.report_path is not None, timeout=20_000)
    assert [row[-2] for row in load_workbook(report).active.iter_rows(values_only=True)] == \
        ["结果", "已参保", "已参保", None, "未导入"]
    qtbot.waitUntil(lambda: isinstance(dialog.preview, PdfPreviewDialog) and dialog.preview.isVisible(), timeout=20_000)
    assert dialog.report_path == report and "导入结果表已保存" in dialog.bar.text()
    assert dialog.preview.number == dialog.outcome.voucher_number == "DR-20260310-0001"
    assert dialog.preview.pdf.startswith(b"%PDF")
    dialog.preview.reject()


def test_a_file_that_cannot_be_used_changes_nothing(qtbot, desk, staff, open_window, keyboard, monkeypatch, tmp_path):
    wrong = tmp_path / "名单.xlsx"
    wrong.write_text("姓名,证件号码", encoding="utf-8")
    monkeypatch.setattr(file_choice, "open_path", lambda *args: wrong)
    dialog = open_dialog(qtbot, open_window, staff, keyboard)
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.job is not None and dialog.job.done, timeout=20_000)
    assert "不是 Excel 工作簿（.xlsx）" in dialog.bar.text() and not dialog.import_button.isEnabled()
    assert dialog.summary.text() == "这个文件不能导入，没有办理任何一行。"


def test_cancel_midway_keeps_the_rows_done(qtbot, desk, staff, open_window, keyboard, monkeypatch, tmp_path):
    listing = write_list(tmp_path / "名单.xlsx", [resident(index) for index in range(8)])
    monkeypatch.setattr(file_choice, "open_path", lambda *args: listing)
    monkeypatch.setattr(file_choice, "save_path", lambda *args: None)  # the report not saved yet
    gate, reached = threading.Event(), []
    real = batch_import.import_list

    def held(desk_, operator, listing_, *, progress):
        def slow(done, total):
            answer = progress(done, total)
            reached.append(done)
            if done >= 3:
                gate.wait(10)  # the clerk presses 取消 here
                return progress(done, total)
            return answer
        return real(desk_, operator, listing_, progress=slow)

    monkeypatch.setattr(batch_import, "import_list", held)
    dialog = open_dialog(qtbot, open_window, staff, keyboard)
    dialog.choose_file()
    qtbot.waitUntil(lambda: dialog.job is not None and dialog.job.done, timeout=20_000)
    dialog.start_import()
    progress = dialog.job.progress  # this job's (the preview's may not be deleted yet)
    qtbot.waitUntil(lambda: 3 in reached and "3/8" in progress.labelText(), timeout=20_000)
    dialog.summary.text()  # the window answers meanwhile
    qtbot.mouseClick(progress.findChild(QPushButton), Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=20_000)
    assert dialog.summary.text().startswith("导入已取消：在第 4 行之后停止。已参保 3 人")
    assert enrolments(desk) == 3
    assert "导入结果表还没有保存" in dialog.bar.text()
    keyboard.press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # the report, later
    assert "导入结果表还没有保存" in dialog.bar.text()


def test_the_template_is_saved(qtbot, desk, staff, open_window, keyboard, monkeypatch, tmp_path):
    monkeypatch.setattr(file_choice, "save_path", lambda *args: tmp_path / "模板")
    dialog = open_dialog(qtbot, open_window, staff, keyboard)
    keyboard.press(Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.job is not None and dialog.job.done, timeout=20_000)
    assert load_workbook(tmp_path / "模板.xlsx").sheetnames == ["参保名单", "填写说明", "资助类别"]
    assert "模板已保存到" in dialog.bar.text()
    monkeypatch.setattr(file_choice, "save_path", lambda *args: tmp_path / "无此文件夹" / "模板.xlsx")
    dialog.save_template()
    qtbot.waitUntil(lambda: dialog.job.done, timeout=20_000)
    assert "无法写入文件" in dialog.bar.text()
    keyboard.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
