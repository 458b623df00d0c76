"""Sending a voucher's PDF to paper, and the seam that replaces the printer with a folder.

Pages are rasterized at the printer's resolution, at most MAX_DPI (a 1200 dpi printer gets 300
dpi pages: a tenth of the pixels, the same print for text and QR codes), in a thread
(`print_in_background`), so the window keeps answering while a page spools.

In tests, on a headless machine (QT_QPA_PLATFORM=offscreen) or with DESK_NO_PRINTER=1, no
print dialog opens: the copy is saved into the data directory's `prints/` folder instead,
and the path is returned so a test can read it back.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QRectF, QSize
from PySide6.QtGui import QGuiApplication, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from desk.services.context import Desk
from desk.ui.background import BackgroundJob, run_in_background

MAX_DPI = 300
BAND = 256  # pixel rows of a page rasterized and drawn at a time


def printing_to_folder() -> bool:
    return os.environ.get("DESK_NO_PRINTER") == "1" or QGuiApplication.platformName() == "offscreen"


def prints_directory(desk: Desk) -> Path:
    base = desk.path.parent if desk.path is not None else Path(tempfile.gettempdir()) / "desk"
    return base / "prints"


def save_to_folder(desk: Desk, number: str, copy_no: int, pdf: bytes) -> Path:
    """The stand-in printer: `prints/NUMBER-copyN.pdf` (copy 0 is the original)."""
    folder = prints_directory(desk)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{number}-copy{copy_no}.pdf"
    path.write_bytes(pdf)
    return path


def choose_printer(parent: QWidget | None) -> QPrinter | None:
    """The system print dialog; None when the clerk cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


def print_resolution(printer: QPrinter) -> int:
    """The dots per inch pages are drawn at: the printer's own, at most MAX_DPI."""
    return max(72, min(printer.resolution(), MAX_DPI))


def print_pdf(printer: QPrinter, pdf: bytes) -> int:
    """Draw every page of the PDF onto the printer, each rasterized once at print_resolution;
    the number of pages. Safe in a worker thread (QPainter on a QPrinter, QtPdf under its lock)."""
    dpi = print_resolution(printer)
    printer.setResolution(dpi)  # before the painter begins: device pixels are then dpi-sized
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    painter = QPainter()
    if not painter.begin(printer):
        document.close()
        raise OSError("打印机不可用")
    try:
        for index in range(document.pageCount()):
            if index:
                printer.newPage()
            _draw_page(painter, printer, document, index, dpi)
        return document.pageCount()
    finally:
        painter.end()
        document.close()


def _draw_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, index: int, dpi: int) -> None:
    """One page in bands of BAND pixel rows: each QtPdf and QPainter call holds Python's lock only
    for its band, so the UI thread runs between two bands."""
    target = printer.pageRect(QPrinter.Unit.DevicePixel)
    points = document.pagePointSize(index)
    width, height = round(points.width() / 72 * dpi), round(points.height() / 72 * dpi)
    if width <= 0 or height <= 0:
        width, height = round(target.width()), round(target.height())
    scale = target.height() / height
    for top in range(0, height, BAND):
        rows = min(BAND, height - top)
        options = QPdfDocumentRenderOptions()
        options.setScaledSize(QSize(width, height))
        options.setScaledClipRect(QRect(0, top, width, rows))
        band = document.render(index, QSize(width, rows), options)
        first, last = round(top * scale), round((top + rows) * scale)  # bands meet exactly: no seam
        painter.drawImage(QRectF(0, first, target.width(), last - first), band)


def print_in_background(printer: QPrinter, pdf: bytes, *, parent: QWidget | None,
                        on_done: Callable[[object], None], on_error: Callable[[BaseException], None]) -> BackgroundJob:
    """print_pdf in a thread; `on_done(pages)` or `on_error(error)` later in the UI thread."""
    return run_in_background(lambda: print_pdf(printer, pdf), parent=parent, on_done=on_done, on_error=on_error,
                             all_errors=True)
