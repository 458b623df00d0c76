"""Sending a voucher's PDF to paper, and the seam that replaces the printer with a folder.

In tests, on a headless machine (QT_QPA_PLATFORM=offscreen) or with DESK_NO_PRINTER=1, no
print dialog opens: the copy is saved into the data directory's `prints/` folder instead,
and the path is returned so a test can read it back.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QGuiApplication, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from desk.services.context import Desk


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


def print_pdf(printer: QPrinter, pdf: bytes) -> None:
    """Draw every page of the PDF onto the printer at its resolution."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    painter = QPainter(printer)
    try:
        for index in range(document.pageCount()):
            if index:
                printer.newPage()
            target = printer.pageRect(QPrinter.Unit.DevicePixel)
            image = document.render(index, target.size().toSize())
            painter.drawImage(QRectF(0, 0, target.width(), target.height()), image)
    finally:
        painter.end()
        document.close()
