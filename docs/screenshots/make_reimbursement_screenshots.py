"""Screenshots of the 报销计算 tab, for review.

    xvfb-run -a -s "-screen 0 1600x1000x24" python docs/screenshots/make_reimbursement_screenshots.py OUT_DIR

Builds a small database through the services (one resident enrolled for 2026, a few bills
recorded by a clerk, one of them reversed by a reviewer), opens the tab at 1366×768 with the
clock at 2026-03-10 10:15, types the worked example's first claim and saves one PNG per view
into OUT_DIR (full size). With --publish the same pictures, scaled to at most 1200 px wide and
reduced to 256 colours, are written as docs/screenshots/reimbursement-*.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

os.environ["DESK_NO_PRINTER"] = "1"

from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from desk.core.idnumber import make_id_number
from desk.services import enrolment, operators, persons, reimbursement
from desk.services.context import Desk
from desk.ui.app import build_main_window, create_application
from desk.ui.reimbursement_tab import ReimbursementTab

NOW = datetime(2026, 3, 10, 10, 15)
ID_NUMBER = make_id_number("532923", date(1985, 6, 1), 452)
SMALL = (1366, 768)
PUBLISHED = Path(__file__).resolve().parent
EARLIER = (
    {"date": "2026-01-15", "benefit": "general_outpatient", "level": "township", "total": "300.00"},
    {"date": "2026-02-20", "benefit": "inpatient", "level": "level3", "in_region": False, "total": "12800.00",
     "fulamt_ownpay": "600.00", "preselfpay": "900.00", "institution": "昆明医科大学第一附属医院",
     "invoice_number": "53012600004711", "admission_date": "2026-02-11"},
)
CLAIM = (("date", "2026-03-01"), ("total", "30000.00"), ("admission_date", "2026-02-20"), ("fulamt_ownpay", "1000.00"),
         ("preselfpay", "2000.00"), ("institution", "大理州人民医院"), ("invoice_number", "53290126000123"))


def shot(widget, out: Path, name: str) -> Path:
    QTest.qWait(300)
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    return path


def build(work: Path) -> tuple[Desk, dict]:
    desk = Desk.open(work / "desk.db", clock=lambda: NOW)
    admin = operators.create_first_administrator(desk, username="admin", display_name="赵管理", password="Admin2026")
    staff = {"admin": admin}
    for username, name, role in (("clerk01", "李娜", "clerk"), ("review01", "杨慧", "reviewer")):
        staff[role] = operators.create_operator(desk, admin, username=username, display_name=name, role=role,
                                                temporary_password="Start2026", require_change=False)
    record = persons.register_person(desk, staff["clerk"], {
        "id_type": "居民身份证", "id_number": ID_NUMBER, "name": "赵春花", "phone": "13908721234",
        "household_type": "农村", "township": "祥城镇", "village": "东村村委会"})
    enrolment.enrol(desk, staff["clerk"], person_id=record.id, year=2026, paid_on=date(2026, 1, 10))
    ids = [reimbursement.record_settlement(desk, staff["clerk"], person_id=record.id, claim_form=form).settlement_id
           for form in EARLIER]
    reimbursement.reverse_settlement(desk, staff["reviewer"], settlement_id=ids[1], reason="出院日期录入错误，已按正确日期重新结算")
    return desk, staff


def tab_of(window) -> ReimbursementTab:
    for index in range(window.tabs.count()):
        if isinstance(window.tabs.widget(index), ReimbursementTab):
            window.tabs.setCurrentIndex(index)
            return window.tabs.widget(index)
    raise LookupError("no 报销计算 tab")


def type_claim(tab: ReimbursementTab) -> None:
    form = tab.form
    form.benefit.setCurrentIndex(form.benefit.findData("inpatient"))
    form.level.setCurrentIndex(form.level.findData("level2"))
    for field, text in CLAIM:
        getattr(form, field).setText(text)
    tab.refresh()


def screens(desk: Desk, staff: dict, out: Path) -> list[Path]:
    window = build_main_window(desk, staff["reviewer"])
    window.resize(*SMALL)
    window.show()
    tab = tab_of(window)
    tab.search.edit.setText(ID_NUMBER)
    tab.run_search(ID_NUMBER)
    type_claim(tab)
    paths = [shot(window, out, "reimbursement-claim")]
    tab.form.total.setText("-300")
    tab.refresh()
    paths.append(shot(window, out, "reimbursement-refusal"))
    tab.form.total.setText("30000.00")
    tab.refresh()
    tab.record()
    QTest.qWait(600)
    tab.preview.resize(900, 740)
    paths.append(shot(tab.preview, out, "reimbursement-statement"))
    tab.preview.close()
    paths.append(similar_bill(window, tab, out))
    paths.append(shot(tab.usage, out, "reimbursement-usage"))
    paths.append(shot(window, out, "reimbursement-settlements"))
    tab.settlements.select(tab.settlements.rows[0].settlement_id)
    tab.reverse(tab.settlements.rows[0].settlement_id)
    tab.reason_dialog.reason.setText("金额录入错误")  # her own settlement: four eyes refuse
    tab.reason_dialog._accept()
    paths.append(shot(tab.reason_dialog, out, "reimbursement-reverse-dialog"))
    tab.reason_dialog.reject()
    paths.append(disease_picker(window, tab, out))
    window.hide()
    return paths


def similar_bill(window, tab: ReimbursementTab, out: Path) -> Path:
    """The same bill typed again under another invoice number: the question before it is recorded."""
    type_claim(tab)
    tab.form.invoice_number.setText("53290126000999")
    tab.record()
    QTest.qWait(300)
    path = shot(tab.similar_box, out, "reimbursement-similar-bill")
    tab.similar_box.done(0)
    QTest.qWait(200)
    return path


def disease_picker(window, tab: ReimbursementTab, out: Path) -> Path:
    """The picker's list is a popup of its own: the screen is grabbed, then cut to the window."""
    form = tab.form
    window.move(0, 0)
    window.activateWindow()
    form.benefit.setCurrentIndex(form.benefit.findData("chronic_outpatient"))
    form.total.setText("2500.00")
    form.disease.setFocus()
    QTest.keyClicks(form.disease, "gxb")
    QTest.qWait(400)
    frame = window.frameGeometry()
    path = out / "reimbursement-disease-picker.png"
    QGuiApplication.primaryScreen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).save(str(path))
    return path


def publish(paths: list[Path]) -> None:
    from PIL import Image

    for path in paths:
        image = Image.open(path).convert("RGB")
        if image.width > 1200:
            image = image.resize((1200, round(image.height * 1200 / image.width)), Image.LANCZOS)
        image.quantize(256).save(PUBLISHED / path.name, optimize=True)


def main(out: Path, *, publishing: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    create_application()
    desk, staff = build(Path(tempfile.mkdtemp(prefix="desk-shots-")))
    paths = screens(desk, staff, out)
    if publishing:
        publish(paths)
    print(f"screenshots in {out}")


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--publish"]
    main(Path(arguments[0] if arguments else "screenshots-out"), publishing="--publish" in sys.argv)
