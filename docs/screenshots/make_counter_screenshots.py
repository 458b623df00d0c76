"""The counter flow at a 1366×768 counter PC: one citizen (当前办理人) through every tab.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_counter_screenshots.py OUT_DIR [--publish]

Builds the demo database (desk.demo), logs in the clerk 李娜 with the clock at 2026-11-20 10:15 (the
2027 benefit year is being collected), finds a demo citizen with a 慢特病 filing by ID number in the
参保登记 tab, and takes each tab with that person open at 1366×700 (the maximized window of a
1366×768 screen, less the taskbar and the title bar) and the first tab at 1280×652 (1280×720).
With --publish the PNGs are written as counter-*.png (this folder keeps those).
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

os.environ["DESK_NO_PRINTER"] = "1"

from PySide6.QtTest import QTest

from desk.demo import create_demo_database
from desk.services import chronic, operators
from desk.services.context import Desk
from desk.ui.app import build_main_window, create_application


def shot(widget, out: Path, name: str) -> None:
    QTest.qWait(250)
    widget.grab().save(str(out / f"{name}.png"))
    print(out / f"{name}.png")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="desk-counter-"))
    create_demo_database(work / "desk.db", persons=120)
    desk = Desk.open(work / "desk.db", clock=lambda: datetime(2026, 11, 20, 10, 15))
    create_application()
    clerk = operators.authenticate(desk, username="clerk01", password="Clerk2026")
    filed = chronic.reminders(desk, clerk, within_days=366).due
    person_id_number = filed[0].filing.person_id_number if filed else None
    window = build_main_window(desk, clerk)
    window.showNormal()
    window.resize(1366, 700)
    window.show()
    QTest.qWait(300)
    tab = window.tabs.currentWidget()
    if person_id_number is None:
        person_id_number = tab.search.edit.text()
    tab.search.edit.setText(person_id_number)
    tab.run_search(person_id_number)
    names = ("counter-1-enrolment", "counter-2-chronic", "counter-3-transfer", "counter-4-reimbursement")
    for index, name in enumerate(names):
        window.tabs.setCurrentIndex(index)
        shot(window, out, name)
    window.tabs.setCurrentIndex(0)
    window.resize(1280, 652)
    shot(window, out, "counter-5-enrolment-1280")


if __name__ == "__main__":
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    main(Path(__file__).parent if "--publish" in sys.argv else Path(args[0] if args else "screenshots-out"))
