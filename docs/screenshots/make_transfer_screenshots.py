"""Screenshots of the 转移接续 tab at 1366×768, on a small database built through the services.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_transfer_screenshots.py [OUT_DIR]

The clock stands at Monday 2026-12-14 10:15, so the tracking list holds overdue transfers,
ones due within 3 working days, and ones whose due date reaches 2027 (not yet published: 暂定).
Saves transfer-form.png, transfer-tracking.png, transfer-summary.png and transfer-receipt.png
into OUT_DIR (default: this folder), in 256 colours like the other pictures here.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

os.environ["DESK_NO_PRINTER"] = "1"

from PIL import Image
from PySide6.QtTest import QTest

from desk.core.idnumber import make_id_number
from desk.demo import DEMO_SETTINGS
from desk.services import enrolment, operators, persons, transfer
from desk.services.context import Desk
from desk.services.settings import update_settings
from desk.ui.app import build_main_window, create_application
from desk.ui.transfer_tab import TransferTab

NOW = datetime(2026, 12, 14, 10, 15)
SIZE = (1366, 768)
KUNMING = ("530100", "昆明市医疗保险管理局")
PLACES = (KUNMING, ("530400", "玉溪市医疗保障局"), ("533100", "德宏州医疗保障局"), ("340600", "淮北市医疗保障局"),
          ("440300", "深圳市医疗保障局"))
# accepted on, applicant, birth region, direction, other place, what happens after
PLAN = (
    (date(2026, 10, 12), "杨丽华", "532901", "in", PLACES[0], "completed"),
    (date(2026, 10, 20), "段志强", "532923", "out", PLACES[3], "completed"),
    (date(2026, 10, 26), "李春梅", "530102", "in", PLACES[1], "completed"),
    (date(2026, 11, 2), "赵国庆", "532924", "in", PLACES[2], "in_review"),
    (date(2026, 11, 5), "和秀英", "532932", "out", PLACES[4], "returned"),
    (date(2026, 11, 12), "张建华", "532901", "out", PLACES[0], "out_review"),
    (date(2026, 11, 16), "杜文静", "530103", "in", PLACES[0], "accepted"),
    (date(2026, 11, 17), "苏明", "532923", "out", PLACES[1], "out_review"),
    (date(2026, 11, 23), "王海燕", "532929", "in", PLACES[2], "accepted"),
    (date(2026, 12, 1), "罗晓东", "340602", "in", PLACES[3], "accepted"),
    (date(2026, 12, 10), "施丽", "532901", "out", PLACES[0], "accepted"),
    (date(2026, 12, 11), "陈志远", "440304", "in", PLACES[4], "awaiting"),
)


class Clock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def _form(index: int, name: str, birth_region: str, direction: str, place: tuple[str, str]) -> dict:
    ours = {"region_code": "532900", "office": DEMO_SETTINGS["office_name"], "phone": DEMO_SETTINGS["office_phone"]}
    theirs = {"region_code": place[0], "office": place[1]}
    out_place, in_place = (theirs, ours) if direction == "in" else (ours, theirs)
    return {
        "id_type": "居民身份证", "id_number": make_id_number(birth_region, date(1980 + index, 3, 1 + index), 31 + index),
        "name": name, "phone": f"1390872{index:04d}", "applicant_status": "流动就业", "direction": direction,
        "scope": "province" if place[0][:2] == "53" else "national",
        **{f"out_{k}": v for k, v in out_place.items()}, **{f"in_{k}": v for k, v in in_place.items()},
        "employee_medical": True, "enterprise_pension": index % 3 != 0, "resident_pension": index % 3 == 0,
    }


def _run(desk: Desk, clock: Clock, staff: dict, index: int, plan) -> None:
    accepted_on, name, region, direction, place, outcome = plan
    clock.moment = datetime.combine(accepted_on, datetime.min.time()).replace(hour=9, minute=20 + index)
    form = _form(index, name, region, direction, place)
    materials = ["id_document", "pension_letter"] + (["former_certificate"] if form["scope"] == "national" else [])
    received = materials[:1] if outcome == "awaiting" else materials
    row = transfer.apply(desk, staff["clerk"], form=form, materials=received).transfer
    reviewer = staff["reviewer"]
    steps = {"out_review": 1, "in_review": 2, "completed": 2}.get(outcome, 0)
    for action in ("to_out_review", "to_in_review")[:steps]:
        transfer.advance(desk, reviewer, transfer_id=row.id, action=action)
    clock.moment = clock.moment.replace(day=28) if accepted_on.month < 12 else clock.moment
    if outcome == "completed":
        transfer.complete(desk, reviewer, transfer_id=row.id, pooled_fund=f"{3000 + 1250 * index}.00",
                          personal_account=f"{860 + 97 * index}.50")
    elif outcome == "returned":
        transfer.return_transfer(desk, reviewer, transfer_id=row.id, reason="转出地核实参保信息不一致，请申请人先到转出地更正")


def build(path: Path) -> tuple[Desk, dict]:
    clock = Clock(datetime(2026, 10, 1, 9))
    desk = Desk.open(path, clock=clock)
    admin = operators.create_first_administrator(desk, username="admin", display_name="赵管理", password="Admin2026")
    update_settings(desk, admin, DEMO_SETTINGS)
    staff = {
        "clerk": operators.create_operator(desk, admin, username="clerk01", display_name="李娜", role="clerk",
                                           temporary_password="Clerk2026", require_change=False),
        "reviewer": operators.create_operator(desk, admin, username="review01", display_name="杨慧", role="reviewer",
                                              temporary_password="Review2026", require_change=False),
    }
    for index, plan in enumerate(PLAN):
        _run(desk, clock, staff, index, plan)
    record = persons.register_person(desk, staff["clerk"], {
        "id_number": make_id_number("530102", date(1988, 7, 15), 123), "name": "张伟", "phone": "13987654321",
        "township": "下关街道", "village": "建设社区", "address": "大理市下关镇建设路8号"})
    enrolment.enrol(desk, staff["clerk"], person_id=record.id, year=2026, paid_on=date(2026, 10, 9))
    clock.moment = NOW
    staff["person"] = record
    return desk, staff


def save(widget, out: Path, name: str) -> None:
    QTest.qWait(250)
    path = out / f"transfer-{name}.png"
    widget.grab().save(str(path))
    with Image.open(path) as full:  # 256 colours chosen from the picture itself, no dithering
        reduced = full.convert("RGB").quantize(256, dither=Image.Dither.NONE)
    reduced.save(path, optimize=True)


def open_tab(desk: Desk, operator) -> tuple:
    window = build_main_window(desk, operator)
    window.resize(*SIZE)
    window.show()
    pages = [window.tabs.widget(index) for index in range(window.tabs.count())]
    tab = next(page for page in pages if isinstance(page, TransferTab))
    window.tabs.setCurrentWidget(tab)
    return window, tab


def fill(tab: TransferTab, staff: dict) -> None:
    """A registered person moving in from 昆明 within the province, with the 企业职工 pension, via an agent."""
    number = staff["person"].id_number
    tab.search.edit.setText(number)
    tab.run_search(number)
    form = tab.form
    form.household_place.setText("云南省昆明市五华区")
    form.former_number.setText("53010012345678")
    form.medical.setChecked(True)
    form.enterprise_pension.setChecked(True)
    form.out_place.region.set_text(KUNMING[0])
    form.out_place.office.setText(KUNMING[1])
    form.out_place.phone.setText("0871-63100000")
    form.out_place.address.setText("昆明市五华区人民中路18号")
    form.out_place.address.setCursorPosition(0)
    form.agent_check.setChecked(True)
    form.agent_name.setText("张丽")
    form.agent_id_number.setText(make_id_number("532901", date(1990, 2, 3), 24))
    form.agent_phone.setText("13887650000")
    form.agent_relationship.setCurrentIndex(form.agent_relationship.findData("配偶"))
    form.material_checks["id_document"].setChecked(True)
    form.material_checks["pension_letter"].setChecked(True)
    form.phone.setFocus()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="desk-transfer-shots-"))
    create_application()
    desk, staff = build(work / "desk.db")
    window, tab = open_tab(desk, staff["clerk"])
    fill(tab, staff)
    save(window, out, "form")
    tab.accept()
    QTest.qWait(600)
    tab.preview.resize(900, 740)
    QTest.qWait(300)
    bar = tab.preview.view.verticalScrollBar()
    bar.setValue(bar.maximum() * 2 // 5)  # down to the due date
    save(tab.preview, out, "receipt")
    tab.preview.reject()
    tab.preview.reject()
    window.hide()
    window, tab = open_tab(desk, staff["reviewer"])
    tab.show_page(1)
    tab.tracking.table.setCurrentCell(4, 0)  # an ordinary one: the highlighted rows keep their colour
    save(window, out, "tracking")
    tab.show_page(2)
    tab.summary.count_button.click()
    save(window, out, "summary")
    window.hide()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent)
