"""日报表 from the main window (F9): the dialog, the background job, the preview and the print."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from desk.services.context import Desk
from desk.ui.daily_report_dialog import DailyReportDialog
from tests.conftest import Clock
from tests.services.report_scenario import build_day
from tests.vouchers.pdf_helpers import compact, pdf_text


@pytest.fixture
def clock():
    return Clock(datetime(2026, 3, 10, 9, 30))


@pytest.fixture
def desk(tmp_path, clock):
    opened = Desk.open(tmp_path / "desk.db", clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def day(desk, staff, clock):
    return build_day(desk, {"admin": staff.admin, "clerk": staff.clerk, "reviewer": staff.reviewer}, clock)


def open_report(qtbot, window) -> DailyReportDialog:
    qtbot.keyClick(window, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: isinstance(window.dialog, DailyReportDialog) and window.dialog.isVisible())
    dialog = window.dialog
    assert dialog.date_edit.date() == QDate(2026, 3, 11)  # today by default
    dialog.date_edit.setDate(QDate(2026, 3, 10))
    return dialog


def generate(qtbot, dialog: DailyReportDialog):
    dialog.make_button.setFocus()
    qtbot.keyClick(dialog.make_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.job is not None and dialog.job.done, timeout=20_000)
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.preview.isVisible())
    return dialog.preview


def test_a_clerk_prints_their_own_day_from_the_main_window(qtbot, desk, staff, day, open_window):
    window = open_window(staff.clerk)
    assert window.report_action.shortcut().toString() == "F9"
    dialog = open_report(qtbot, window)
    assert not dialog.scope.isVisible() and "张经办（本人）" in dialog.scope_label.text()
    preview = generate(qtbot, dialog)
    assert preview.number.startswith("RB-20260311-")
    text = compact(pdf_text(preview.pdf))
    assert "张经办（clerk）" in text and "段志刚" not in text
    assert preview.print_button.isVisible()
    preview.print_voucher()
    printed = compact(pdf_text(preview.last_print_path.read_bytes()))
    assert preview.number in printed and "审计链头" in printed


def test_a_reviewer_chooses_the_office_or_one_operator(qtbot, desk, staff, day, open_window):
    window = open_window(staff.reviewer)
    dialog = open_report(qtbot, window)
    assert dialog.scope.isVisible()
    names = [dialog.scope.itemText(index) for index in range(dialog.scope.count())]
    assert names[0] == "全部经办人" and any(name.startswith("段志刚") for name in names)
    office = compact(pdf_text(generate(qtbot, dialog).pdf))
    for name in ("张经办", "段志刚", "李审核", "全部经办人合计", "9850.95"):
        assert name in office
    dialog.preview.close()
    dialog.scope.setCurrentIndex(next(i for i, name in enumerate(names) if name.startswith("段志刚")))
    one = compact(pdf_text(generate(qtbot, dialog).pdf))
    assert "段志刚（clerk02）" in one and "张经办" not in one


def test_the_administrator_prints_the_office_report(qtbot, desk, staff, day, open_window):
    window = open_window(staff.admin)
    dialog = open_report(qtbot, window)
    preview = generate(qtbot, dialog)
    assert preview.print_button.isVisible()
    preview.print_voucher()
    assert preview.last_print_path.exists()
    QApplication.processEvents()
