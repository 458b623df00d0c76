"""Screenshots of the 门诊慢特病 tab on a demo database, for review.

    xvfb-run -a -s "-screen 0 1600x1000x24" python docs/screenshots/make_chronic_screenshots.py OUT_DIR
    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_chronic_screenshots.py OUT_DIR

The demo database (desk.demo) dates its filings back from the real today, so the clock here
is today at 10:15: the reminder list then holds approvals due within 30 days and lapsed ones.
Saves chronic-*.png into OUT_DIR at full size.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, datetime, time
from pathlib import Path

os.environ["DESK_NO_PRINTER"] = "1"

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtTest import QTest

from desk.core.idnumber import make_id_number
from desk.demo import create_demo_database
from desk.services import chronic, enrolment, operators, persons
from desk.services.context import Desk
from desk.ui.app import build_main_window, create_application
from desk.ui.chronic_tab import ChronicTab

AGENT_ID = make_id_number("532923", date(1960, 1, 1), 41)


def shot(widget, out: Path, name: str) -> None:
    QTest.qWait(250)
    widget.grab().save(str(out / f"{name}.png"))


def shot_with_dialog(window, dialog, out: Path, name: str) -> None:
    """The window with its dialog drawn where it sits on screen (one picture of the moment)."""
    QTest.qWait(250)
    picture = window.grab()
    painter = QPainter(picture)
    offset = dialog.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0))
    if offset.x() < 0 or offset.y() < 0 or offset.x() > picture.width() - 50:
        offset = QPoint((picture.width() - dialog.width()) // 2, (picture.height() - dialog.height()) // 3)
    painter.drawPixmap(offset, dialog.grab())
    painter.setPen(QColor("#7a8594"))
    painter.drawRect(offset.x(), offset.y(), dialog.width() - 1, dialog.height() - 1)
    painter.end()
    picture.save(str(out / f"{name}.png"))


def chronic_tab(window) -> ChronicTab:
    pages = [window.tabs.widget(index) for index in range(window.tabs.count())]
    tab = next(page for page in pages if isinstance(page, ChronicTab))
    window.tabs.setCurrentWidget(tab)
    return tab


def busy_person(desk: Desk, clerk, reviewer) -> int:
    """A person with filings in several states: approved, awaiting materials (with an agent), rejected."""
    form = {"id_type": "居民身份证", "id_number": make_id_number("532923", date(1956, 4, 18), 28), "name": "杨丽华",
            "phone": "13908721234", "ethnicity": "白族", "household_type": "农村", "township": "祥城镇"}
    record = persons.register_person(desk, clerk, form)
    # paid in the concentrated period: benefits from 1 January, so today is covered
    enrolment.enrol(desk, clerk, person_id=record.id, year=desk.today().year, paid_on=date(desk.today().year, 1, 10))
    everything = ["id_document", "application_form", "diagnosis", "examinations"]
    approved = chronic.accept_filing(desk, clerk, person_id=record.id, disease_code="M01600", kind="chronic",
                                     materials=everything).filing
    chronic.approve_filing(desk, reviewer, filing_id=approved.id)
    rejected = chronic.accept_filing(desk, clerk, person_id=record.id, disease_code="M04600", kind="chronic",
                                     materials=everything).filing
    chronic.reject_filing(desk, reviewer, filing_id=rejected.id, reason="检查检验结果不符合认定标准")
    chronic.accept_filing(desk, clerk, person_id=record.id, disease_code="M05300", kind="chronic",
                          materials=everything)
    agent = {"name": "杨建国", "id_number": AGENT_ID, "phone": "13987654321", "relationship": "子女"}
    chronic.accept_filing(desk, clerk, person_id=record.id, disease_code="M03900", kind="chronic",
                          materials=everything[:2], agent=agent)
    return record.id


def clerk_screens(desk: Desk, clerk, person_id: int, out: Path) -> None:
    window = build_main_window(desk, clerk)
    window.resize(1600, 960)
    window.show()
    tab = chronic_tab(window)
    QTest.qWait(100)  # the window's first focus goes to the search box; then the clerk opens the person
    tab.open_person(person_id)
    shot(window, out, "chronic-person-filings")
    tab.application.reset()
    tab.application.picker.edit.setFocus()
    QTest.keyClicks(tab.application.picker.edit, "gxy")
    shot(window, out, "chronic-new-application-search")
    QTest.keyClick(tab.application.picker.edit, Qt.Key.Key_Return)  # the first match
    materials = tab.application.materials.checks
    for key in ("id_document", "diagnosis"):
        materials[key].setChecked(True)
    tab.application.agent.setChecked(True)
    tab.application.agent.name.setText("杨建国")
    tab.application.agent.id_number.setText("5329231960")
    tab.accept_filing()
    shot(window, out, "chronic-new-application-refused")
    window.resize(1366, 740)
    shot(window, out, "chronic-small-screen")
    window.hide()


def receipt_screens(desk: Desk, clerk, person_id: int, out: Path) -> None:
    """At a 1366×768 counter: an application with every material, and the 受理回执 it opens to print."""
    window = build_main_window(desk, clerk)
    window.resize(1366, 768)
    window.show()
    tab = chronic_tab(window)
    QTest.qWait(100)
    tab.open_person(person_id)
    tab.application.reset()
    tab.application.picker.edit.setFocus()
    QTest.keyClicks(tab.application.picker.edit, "M04600")  # rejected before: a new application is allowed
    QTest.keyClick(tab.application.picker.edit, Qt.Key.Key_Return)
    for check in tab.application.materials.checks.values():
        check.setChecked(True)
    tab.accept_filing()
    QTest.qWait(600)
    shot_with_dialog(window, tab.preview, out, "chronic-receipt")
    tab.preview.close()
    window.hide()


def reviewer_screens(desk: Desk, reviewer, person_id: int, out: Path) -> None:
    window = build_main_window(desk, reviewer)
    window.resize(1600, 960)
    window.show()
    tab = chronic_tab(window)
    QTest.qWait(100)
    tab.open_person(person_id)
    accepted = next(row for row in tab._rows if row.state == "accepted")
    tab.refresh_filings(select=accepted.id)
    shot(window, out, "chronic-reviewer-actions")
    tab.reject()
    shot_with_dialog(window, tab.dialog, out, "chronic-reject-dialog")
    tab.dialog.reason.setCurrentIndex(1)
    tab.dialog._accept()
    QTest.qWait(600)
    shot(tab.preview, out, "chronic-rejection-notice")
    tab.preview.close()
    tab.show_page(1)
    shot(window, out, "chronic-reminders")
    tab.reminders.print_list()
    print(f"reminder list printed to {tab.reminders.last_print_path}")
    window.hide()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="desk-chronic-shots-"))
    create_demo_database(work / "desk.db", persons=80)
    moment = datetime.combine(date.today(), time(10, 15))
    desk = Desk.open(work / "desk.db", clock=lambda: moment)
    create_application()
    clerk = operators.authenticate(desk, username="clerk01", password="Clerk2026")
    reviewer = operators.authenticate(desk, username="review01", password="Review2026")
    person_id = busy_person(desk, clerk, reviewer)
    clerk_screens(desk, clerk, person_id, out)
    receipt_screens(desk, clerk, person_id, out)
    reviewer_screens(desk, reviewer, person_id, out)
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots-out"))
