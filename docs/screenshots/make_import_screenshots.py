"""Screenshots of 批量导入 (集中参保名单) on the 参保登记 tab, at 1366×768.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_import_screenshots.py OUT_DIR

Builds a small demo database with the clock at 2026-03-10 10:15, writes a township's list with a
few rows that cannot be imported (an ID number stored as a number, a wrong 民族, a person listed
twice, a 资助类别 without its document), opens the clerk's window and saves: the preview before
anything is written (import-preview.png) and the result after the import (import-result.png).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

os.environ["DESK_NO_PRINTER"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtTest import QTest

from desk.core.idnumber import make_id_number
from desk.demo import create_demo_database
from desk.services import operators
from desk.services.context import Desk
from desk.ui import file_choice
from desk.ui.app import build_main_window, create_application
from tests.import_files import resident, write_list

NOW = datetime(2026, 3, 10, 10, 15)
SMALL = (1366, 768)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp())
    create_application()
    create_demo_database(work / "desk.db", persons=20)
    desk = Desk.open(work / "desk.db", clock=lambda: NOW)
    clerk = operators.authenticate(desk, username="clerk01", password="Clerk2026")
    rows = [resident(index, 证件号码=make_id_number("532901", date(1960 + index, 3, 1), 120 + index))
            for index in range(12)]
    rows[3] = dict(rows[3], 证件号码=532901196303011231)
    rows[5] = dict(rows[5], 民族="白族人")
    rows[8] = dict(rows[1])
    rows[10] = dict(rows[10], 资助类别="城乡低保对象")
    path = write_list(work / "喜洲镇2026年度集中参保名单.xlsx", rows, title="喜洲镇2026年度集中参保名单")
    file_choice.open_path = lambda *args: path
    file_choice.save_path = lambda *args: work / "结果.xlsx"
    window = build_main_window(desk, clerk)
    window.resize(*SMALL)
    window.show()
    tab = window.tabs.currentWidget()
    tab.open_import()
    dialog = tab.import_dialog
    dialog.choose_file()
    while not dialog.job.done:
        QTest.qWait(50)
    QTest.qWait(300)
    window.grab().save(str(out / "import-window.png"))
    dialog.grab().save(str(out / "import-preview.png"))
    dialog.start_import()
    while dialog.outcome is None:
        QTest.qWait(50)
    QTest.qWait(300)
    if dialog.preview is not None:
        dialog.preview.reject()
    time.sleep(0.2)
    QTest.qWait(200)
    dialog.grab().save(str(out / "import-result.png"))
    print(out)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots-out"))
