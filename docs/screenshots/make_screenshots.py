"""Screenshots of every screen on a demo database, for review.

    xvfb-run -a -s "-screen 0 1600x1000x24" python docs/screenshots/make_screenshots.py OUT_DIR

Builds a small demo database through the services (desk.demo), opens the screens with the
clock at 2026-03-10 10:15 and saves one PNG per screen into OUT_DIR (full size; the PNGs in
this folder are the same pictures scaled to 1200 px and reduced to 256 colours).
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

os.environ["DESK_NO_PRINTER"] = "1"

from PySide6.QtTest import QTest

from desk.core.idnumber import make_id_number
from desk.demo import create_demo_database
from desk.services import operators
from desk.services.context import Desk
from desk.ui.app import build_main_window, create_application
from desk.ui.login import ChangePasswordDialog, FirstStartDialog, LoginDialog
from desk.ui.verify_dialog import VerifyDialog


def shot(widget, out: Path, name: str) -> None:
    QTest.qWait(200)
    widget.grab().save(str(out / f"{name}.png"))


def dialogs(desk: Desk, empty: Desk, clerk, out: Path) -> None:
    login = LoginDialog(desk)
    login.show()
    login.username.setText("clerk01")
    login.password.setText("wrong123")
    login.submit()
    shot(login, out, "01-login-failed")
    login.close()
    first = FirstStartDialog(empty)
    first.show()
    first.display_name.setText("赵管理")
    first.password.setText("abc")
    first.confirm.setText("abd")
    first.submit()
    shot(first, out, "02-first-start")
    first.close()
    change = ChangePasswordDialog(desk, clerk, forced=True, old_password="Clerk2026")
    change.show()
    shot(change, out, "03-change-password")
    change.close()


def clerk_screens(desk: Desk, clerk, out: Path) -> str:
    window = build_main_window(desk, clerk)
    window.resize(1600, 960)
    window.show()
    tab = window.tabs.currentWidget()
    shot(window, out, "10-main-empty")
    tab.search.edit.setText("杨")
    tab.run_search("杨")
    shot(window, out, "11-search-results")
    new_id = make_id_number("532923", date(1985, 6, 1), 452)
    tab.search.edit.setText(new_id)
    tab.run_search(new_id)
    form = tab.form
    form.name.setText("李秀英")
    form.phone.setText("1390872")
    form.ethnicity.setCurrentText("白族")
    form.household.setCurrentIndex(2)
    form.township.setText("祥城镇")
    form.village.setText("东村村委会")
    form.address.setText("祥云县祥城镇东村12号")
    form.groups.rows["dibao"][0].setChecked(True)
    form.groups.rows["low_income_minor"][0].setChecked(True)
    form.groups.rows["low_income_minor"][1].setText("DY-2026-11")
    form.touched.add("phone")
    form.check_live()
    shot(window, out, "12-new-with-errors")
    form.phone.setText("13908721234")
    form.groups.rows["dibao"][1].setText("DB-2026-0815")
    tab.save()
    shot(window, out, "13-saved-summary")
    tab.enrol()
    QTest.qWait(600)
    shot(tab.preview, out, "20-preview-receipt")
    tab.preview.print_voucher()
    shot(tab.preview, out, "21-preview-printed")
    tab.preview.close()
    shot(window, out, "14-after-enrol")
    tab.enrol()
    shot(window, out, "15-second-enrol-refused")
    number = tab.history.vouchers.item(0, 0).text()
    window.hide()
    return number


def verify_screens(desk: Desk, clerk, number: str, out: Path) -> None:
    code = desk.db.execute("select code from vouchers where number = ?", [number]).fetchone()[0]
    dialog = VerifyDialog(desk, clerk)
    dialog.show()
    dialog.scan.setText(f"{number}|{code}")
    dialog.verify_scan()
    shot(dialog, out, "30-verify-genuine")
    dialog.scan.setText(f"{number}|AAAAA-BBBBB")
    dialog.verify_scan()
    shot(dialog, out, "31-verify-false")
    dialog.close()


def other_roles(desk: Desk, reviewer, admin, out: Path) -> None:
    window = build_main_window(desk, reviewer)
    window.resize(1600, 960)
    window.show()
    tab = window.tabs.currentWidget()
    busiest = desk.db.execute("select person_id from enrolments group by person_id order by count(*) desc limit 1")
    tab.open_person(busiest.fetchone()[0])
    shot(window, out, "40-reviewer-history")
    window.resize(1366, 740)
    shot(window, out, "41-small-screen")
    window.hide()
    admin_window = build_main_window(desk, admin)
    admin_window.resize(1200, 700)
    admin_window.show()
    shot(admin_window, out, "50-admin")
    admin_window.hide()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="desk-shots-"))
    create_demo_database(work / "desk.db", persons=80)
    desk = Desk.open(work / "desk.db", clock=lambda: datetime(2026, 3, 10, 10, 15))
    empty = Desk.open(work / "empty.db")
    create_application()
    clerk = operators.authenticate(desk, username="clerk01", password="Clerk2026")
    reviewer = operators.authenticate(desk, username="review01", password="Review2026")
    admin = operators.authenticate(desk, username="admin", password="Admin2026")
    dialogs(desk, empty, clerk, out)
    number = clerk_screens(desk, clerk, out)
    verify_screens(desk, clerk, number, out)
    other_roles(desk, reviewer, admin, out)
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots-out"))
