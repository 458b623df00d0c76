"""Printing: pages rasterized at the printer's resolution, at most 300 dpi, in a thread, so the
preview stays usable while a voucher spools. The printer is a QPrinter writing a PDF file."""

from __future__ import annotations

import io

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from desk.services import reports
from desk.ui import printing
from desk.ui.pdf_preview import PdfPreviewDialog
from tests.ui.conftest import NOW


def printer_to(path, dpi: int | None = None) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    if dpi is not None:
        printer.setResolution(dpi)
    return printer


def images_of(path) -> list[list[tuple[int, int]]]:
    """Per page, (width, height) of every image drawn on it."""
    return [[(image.image.width, image.image.height) for image in page.images] for page in PdfReader(path).pages]


def a_report(desk, staff) -> tuple[str, bytes]:
    from desk.services import vouchers

    number = reports.issue_daily_report(desk, staff.reviewer, day=NOW.date()).voucher.number
    return number, vouchers.render(desk, number)


def test_a_1200_dpi_printer_gets_pages_of_300_dpi_and_a_200_dpi_one_its_own(qtbot, desk, staff, tmp_path):
    _number, pdf = a_report(desk, staff)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    width_pt, height_pt = float(page.mediabox.width), float(page.mediabox.height)
    fine = printer_to(tmp_path / "fine.pdf")
    assert fine.resolution() == 1200
    assert printing.print_pdf(fine, pdf) == len(PdfReader(io.BytesIO(pdf)).pages)
    assert fine.resolution() == 300
    bands = images_of(tmp_path / "fine.pdf")[0]
    width, height = round(width_pt / 72 * 300), round(height_pt / 72 * 300)  # A4 portrait: 2480 x 3508
    assert {w for w, _h in bands} == {width} and sum(h for _w, h in bands) == height
    assert len(bands) == -(-height // printing.BAND) and max(h for _w, h in bands) == printing.BAND

    coarse = printer_to(tmp_path / "coarse.pdf", dpi=200)
    printing.print_pdf(coarse, pdf)
    assert coarse.resolution() == 200
    assert sum(h for _w, h in images_of(tmp_path / "coarse.pdf")[0]) == round(height_pt / 72 * 200)


def test_the_preview_prints_in_a_thread_and_stays_usable(qtbot, desk, staff, tmp_path, monkeypatch):
    number, _pdf = a_report(desk, staff)
    target = tmp_path / "printer.pdf"
    monkeypatch.setattr(printing, "printing_to_folder", lambda: False)
    monkeypatch.setattr(printing, "choose_printer", lambda parent: printer_to(target))
    dialog = PdfPreviewDialog(desk, staff.reviewer, number)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.print_voucher()
    job = dialog.print_job
    assert job is not None and not job.done  # sent to a thread: print_voucher came back at once
    assert not dialog.print_button.isEnabled() and "正在发送到打印机" in dialog.bar.text()
    dialog.print_voucher()  # a second press while printing does nothing
    assert dialog.print_job is job
    qtbot.waitUntil(lambda: job.done, timeout=20_000)
    assert dialog.print_button.isEnabled() and dialog.bar.text() == "已发送到打印机：原件"
    assert images_of(target)[0] and dialog.copy_note.text() == "已打印原件"


def test_a_printer_that_fails_is_named_and_the_button_comes_back(qtbot, desk, staff, tmp_path, monkeypatch):
    number, _pdf = a_report(desk, staff)
    monkeypatch.setattr(printing, "printing_to_folder", lambda: False)
    monkeypatch.setattr(printing, "choose_printer", lambda parent: printer_to(tmp_path / "no such folder" / "x.pdf"))
    dialog = PdfPreviewDialog(desk, staff.reviewer, number)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.print_voucher()
    qtbot.waitUntil(lambda: dialog.print_job.done, timeout=20_000)
    assert dialog.print_button.isEnabled()
    assert dialog.bar.text() == "没有送到打印机（打印机不可用）。请检查打印机后点“打印”补打。"


def test_the_reminder_list_prints_in_a_thread_and_its_button_comes_back(qtbot, desk, staff, tmp_path, monkeypatch):
    from desk.ui.chronic_reminders import ReminderPanel
    from desk.ui.errors import MessageBar

    target = tmp_path / "reminders.pdf"
    monkeypatch.setattr(printing, "printing_to_folder", lambda: False)
    monkeypatch.setattr(printing, "choose_printer", lambda parent: printer_to(target))
    bar = MessageBar()
    panel = ReminderPanel(desk, staff.clerk, bar)
    qtbot.addWidget(panel)
    qtbot.addWidget(bar)
    panel.show()
    panel.print_list()
    assert not panel.print_button.isEnabled()  # spooling in a thread: the list cannot be sent twice meanwhile
    qtbot.waitUntil(lambda: panel.print_button.isEnabled(), timeout=20_000)
    assert "提醒清单已发送到打印机" in bar.text() and target.is_file() and len(PdfReader(target).pages) >= 1
