"""Sending a voucher to a printer (issue 13 target: a page spooled in at most 1.5 s, off the UI
thread, so the window keeps answering).

    QT_QPA_PLATFORM=offscreen python bench/bench_printing.py [--runs 5]

The printer is a QPrinter in high-resolution mode (1200 dpi, as the print dialog hands it over)
writing to a PDF file (QPrinter.OutputFormat.PdfFormat), the closest to a spooler this machine
has. Each sample voucher of `desk print-samples` is sent through desk.ui.printing.print_pdf (the
pages rasterized at the printer's resolution, at most 300 dpi) and, for comparison, rasterized at
the full 1200 dpi as before issue 13. Then one voucher is printed through print_in_background while
the UI thread's event loop is timed: the longest gap between two timer ticks (every 10 ms) is
what the window would freeze for.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QElapsedTimer, QIODevice, QRectF, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from desk.ui import printing
from desk.vouchers.samples import write_samples


def printer_to(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def print_at_full_resolution(printer: QPrinter, pdf: bytes) -> int:
    """What desk did before issue 13: every page rendered at the printer's 1200 dpi."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    painter = QPainter(printer)
    for index in range(document.pageCount()):
        if index:
            printer.newPage()
        target = printer.pageRect(QPrinter.Unit.DevicePixel)
        painter.drawImage(QRectF(0, 0, target.width(), target.height()), document.render(index, target.size().toSize()))
    painter.end()
    pages = document.pageCount()
    document.close()
    return pages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--old", action="store_true", help="also time the 1200 dpi rendering of before")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp())
    samples = sorted(write_samples(folder / "samples"))
    per_page, sizes = [], []
    for sample in samples:
        pdf = sample.read_bytes()
        times = []
        for run in range(args.runs):
            out = folder / f"{sample.stem}-{run}.pdf"
            started = time.perf_counter()
            pages = printing.print_pdf(printer_to(out), pdf)
            times.append((time.perf_counter() - started) / pages)
        per_page.append(statistics.median(times))
        sizes.append(out.stat().st_size / pages)
    per_page.sort()
    print(f"{len(samples)} sample vouchers, {args.runs} runs each, rendered at {printing.MAX_DPI} dpi for a 1200 dpi printer")
    print(f"one page spooled: median {statistics.median(per_page) * 1000:.0f} ms, max {per_page[-1] * 1000:.0f} ms; "
          f"spooled size per page: median {statistics.median(sizes) / 2**20:.2f} MiB, max {max(sizes) / 2**20:.2f} MiB")
    if args.old:
        pdf = samples[0].read_bytes()
        out = folder / "old.pdf"
        started = time.perf_counter()
        pages = print_at_full_resolution(printer_to(out), pdf)
        print(f"before (1200 dpi), {samples[0].name}: {(time.perf_counter() - started) / pages * 1000:.0f} ms a page, "
              f"{out.stat().st_size / pages / 2**20:.2f} MiB a page")

    # the window while a voucher prints in a thread
    pdf = samples[0].read_bytes()
    ticks, clock = [], QElapsedTimer()
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(clock.elapsed()))
    clock.start()
    timer.start()
    job = printing.print_in_background(printer_to(folder / "thread.pdf"), pdf, parent=None, on_done=lambda _p: None,
                                       on_error=lambda error: print("failed:", error))
    started = time.perf_counter()
    while not job.done:
        app.processEvents()
        time.sleep(0.001)
    spent = time.perf_counter() - started
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)] or [0]
    print(f"printed in a thread in {spent * 1000:.0f} ms; the UI thread's longest gap meanwhile: {max(gaps)} ms "
          f"({len(ticks)} ticks of 10 ms)")


if __name__ == "__main__":
    main()
