"""The 转移接续 tab driven with the keyboard, on a fresh database (clock 2026-03-10 09:30)."""

from __future__ import annotations

import re
from datetime import date, datetime
from io import BytesIO

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desk.core.idnumber import make_id_number, mask_id_number
from desk.services import enrolment, persons, transfer
from desk.ui.transfer_tab import TransferTab

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
APPLICANT = make_id_number("530102", date(1988, 7, 15), 123)  # 昆明市五华区, a man
RED, AMBER = "#fbd9d5", "#fff0c2"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def count(desk, table: str) -> int:
    return desk.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def service_form(**overrides) -> dict:
    base = {
        "id_type": "居民身份证", "id_number": APPLICANT, "name": "张伟", "phone": "13987654321",
        "household_place": "云南省昆明市五华区", "applicant_status": "流动就业", "address": "大理市下关镇建设路8号",
        "direction": "in", "scope": "province", "out_region_code": "530100", "out_office": "昆明市医疗保险管理局",
        "in_region_code": "532900", "in_office": "大理州医疗保障事业管理局", "employee_medical": True,
        "enterprise_pension": True,
    }
    base.update(overrides)
    return base


def accepted_transfer(desk, clerk, **overrides) -> transfer.Transfer:
    materials = ["id_document", "pension_letter"]
    return transfer.apply(desk, clerk, form=service_form(**overrides), materials=materials).transfer


def open_transfer(window, keyboard) -> TransferTab:
    """Ctrl+Tab to the 转移接续 tab, F2 into its search box."""
    for _ in range(window.tabs.count()):
        if isinstance(window.tabs.currentWidget(), TransferTab):
            break
        keyboard.press(Key.Key_Tab, CTRL)
    tab = window.tabs.currentWidget()
    assert isinstance(tab, TransferTab)
    keyboard.press(Key.Key_F2)
    assert keyboard.focused() is tab.search.edit
    return tab


def fill_applicant(tab, keyboard) -> None:
    """A new applicant typed from the search box: number, Enter, then the fields in Tab order."""
    keyboard.type(APPLICANT)
    keyboard.press(Key.Key_Return)
    assert keyboard.focused() is tab.form.name, tab.bar.text()
    keyboard.type("张伟")
    keyboard.press(Key.Key_Tab)  # 性别 is read from the number: skipped
    assert keyboard.focused() is tab.form.phone
    keyboard.type("13987654321")
    keyboard.press(Key.Key_Tab)
    keyboard.press(Key.Key_Tab)  # 人员状态 stays 流动就业
    keyboard.type("云南省昆明市五华区")
    keyboard.press(Key.Key_Tab)
    keyboard.type("大理市下关镇建设路8号")


def select_row(tab, query_number: str) -> None:
    table = tab.tracking.table
    numbers = [table.item(row, 0).text() for row in range(table.rowCount())]
    table.setCurrentCell(numbers.index(query_number), 0)
    table.setFocus()


def test_keyboard_only_from_an_empty_form_to_the_printed_receipt(qtbot, desk, staff, open_window, keyboard):
    window = open_window(staff.clerk)
    tab = open_transfer(window, keyboard)
    form = tab.form
    fill_applicant(tab, keyboard)
    assert form.sex.currentText() == "男"
    keyboard.tab_until(form.direction)
    assert form.direction.currentData() == "in"
    # 转入: this office is the transfer-in place, filled in already
    assert (form.in_place.region.text(), form.in_place.region.name.text()) == ("532900", "云南省大理白族自治州")
    keyboard.tab_until(form.former_number)
    keyboard.type("53010012345678")
    keyboard.press(Key.Key_Tab)
    assert keyboard.focused() is form.medical
    keyboard.press(Key.Key_Space)
    keyboard.press(Key.Key_Tab)
    keyboard.press(Key.Key_Tab)
    assert keyboard.focused() is form.enterprise_pension
    keyboard.press(Key.Key_Space)
    keyboard.press(Key.Key_Tab)
    assert keyboard.focused() is form.out_place.region.code
    keyboard.type("530100")
    assert form.out_place.region.name.text() == "云南省昆明市"  # named as soon as the code is complete
    keyboard.press(Key.Key_Tab)
    keyboard.type("昆明市医疗保险管理局")
    keyboard.press(Key.Key_Tab)
    keyboard.type("0871-63100000")
    keyboard.tab_until(form.in_place.region.code)
    keyboard.type("532900")  # arriving by Tab selects the prefilled code: typed over
    assert form.scope.currentData() == "province"

    # within the province with a pension: the ID card and the pension 联系函, not the former 参保凭证
    checks = form.material_checks
    assert not checks["former_certificate"].isVisibleTo(tab)
    keyboard.tab_until(checks["id_document"])
    keyboard.press(Key.Key_Space)
    keyboard.press(Key.Key_Tab)
    assert keyboard.focused() is checks["pension_letter"]
    keyboard.press(Key.Key_Space)
    assert "材料齐全" in form.materials_state.text()

    keyboard.press(Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.isVisible())
    receipt = tab.preview
    assert receipt.pdf.startswith(b"%PDF"), receipt.bar.text()
    assert "ZY-20260310-0001" in tab.bar.text()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is receipt)
    keyboard.press(Key.Key_P, CTRL)
    assert receipt.last_print_path is not None, receipt.bar.text()
    text = pdf_text(receipt.last_print_path.read_bytes())
    # accepted Tuesday 2026-03-10; 22 working days, the day itself not counted: 3-11..3-31 are 15,
    # 4-1..4-3 make 18, 清明 4-4..4-6 is off (no make-up day), 4-7..4-10 make 22 → 2026-04-10
    assert "受理回执" in text and "ZY-20260310-0001" in text
    assert re.search(r"承诺办结日期\s*2026-04-10", text), text
    assert "暂定" not in text
    assert mask_id_number(APPLICANT) in text and APPLICANT not in text

    keyboard.press(Key.Key_Escape)  # the receipt closes and the form for signature opens
    qtbot.waitUntil(lambda: tab.preview is not receipt and tab.preview.isVisible())
    signature_form = tab.preview
    qtbot.waitUntil(lambda: QApplication.activeWindow() is signature_form)
    keyboard.press(Key.Key_P, CTRL)
    text = pdf_text(signature_form.last_print_path.read_bytes())
    assert "申请登记表" in text and APPLICANT in text and "企业职工基本养老保险" in text
    keyboard.press(Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert keyboard.focused() is tab.search.edit  # ready for the next citizen

    [row] = transfer.tracking(desk, staff.clerk)
    assert (row.state, row.due_date, row.applicant_name) == ("accepted", "2026-04-10", "张伟")
    assert row.form["out"]["office"] == "昆明市医疗保险管理局" and row.form["pension"] == "enterprise_pension"
    keyboard.press(Key.Key_Return, CTRL)  # the accepted form cannot be sent twice
    assert len(transfer.tracking(desk, staff.clerk)) == 1


def test_the_two_pension_kinds_exclude_each_other(qtbot, desk, staff, open_window, keyboard):
    tab = open_transfer(open_window(staff.clerk), keyboard)
    form = tab.form
    keyboard.tab_until(form.resident_pension)
    keyboard.press(Key.Key_Space)
    keyboard.press(Key.Key_Tab)
    keyboard.press(Key.Key_Space)
    assert form.enterprise_pension.isChecked() and not form.resident_pension.isChecked()
    keyboard.press(Key.Key_Backtab)
    keyboard.press(Key.Key_Space)
    assert form.resident_pension.isChecked() and not form.enterprise_pension.isChecked()
    assert form.pension_key() == "resident_pension"
    assert checked_kinds(form.value()) == ["resident_pension"]
    assert form.material_checks["pension_letter"].isVisibleTo(tab)
    keyboard.press(Key.Key_Space)  # none at all is allowed: then no 联系函 is needed
    assert checked_kinds(form.value()) == [] and not form.material_checks["pension_letter"].isVisibleTo(tab)


def checked_kinds(value: dict) -> list[str]:
    return [key for key in ("resident_pension", "enterprise_pension") if value[key]]


def test_an_invalid_region_code_is_shown_beside_it_and_nothing_is_written(qtbot, desk, staff, open_window, keyboard):
    tab = open_transfer(open_window(staff.clerk), keyboard)
    form = tab.form
    fill_applicant(tab, keyboard)
    form.medical.setChecked(True)
    error = tab.errors.label("out_region_code")
    keyboard.tab_until(form.out_place.region.code)
    keyboard.type("53010")
    assert not error.isVisibleTo(tab)  # still typing
    keyboard.press(Key.Key_Tab)
    assert error.isVisibleTo(tab) and "6位" in error.text()  # left short
    keyboard.press(Key.Key_Backtab)
    keyboard.type("999999")
    assert error.isVisibleTo(tab) and "999999" in error.text() and form.out_place.region.name.text() == ""
    keyboard.press(Key.Key_Tab)
    keyboard.type("某地医保局")
    form.material_checks["id_document"].setChecked(True)
    before = [count(desk, name) for name in ("transfers", "vouchers", "audit_log")]

    keyboard.press(Key.Key_Return, CTRL)
    assert "行政区划代码" in error.text() and error.isVisibleTo(tab)
    assert tab.bar.kind == "error" and tab.preview is None
    assert [count(desk, name) for name in ("transfers", "vouchers", "audit_log")] == before

    assert keyboard.focused() is form.out_place.region.code  # the keyboard is put on the first refused field
    keyboard.press(Key.Key_A, CTRL)
    keyboard.type("530100")
    assert not error.isVisibleTo(tab) and form.out_place.region.name.text() == "云南省昆明市"
    assert not tab.bar.isVisibleTo(tab)  # the refusal left the banner with its last red text (issue 13 item 7)


def test_tracking_highlights_overdue_due_soon_and_marks_provisional(qtbot, desk, staff, open_window, keyboard,
                                                                     moving_clock):
    first = accepted_transfer(desk, staff.clerk)  # accepted 2026-03-10, due 2026-04-10
    moving_clock.moment = datetime(2026, 3, 16, 9)
    second = accepted_transfer(desk, staff.clerk, name="李娜")  # 3-16 + 22 working days (清明 off) → 2026-04-16
    moving_clock.moment = datetime(2026, 4, 13, 9)  # Monday
    third = accepted_transfer(desk, staff.clerk, name="王芳")  # due far away: not highlighted
    tab = open_transfer(open_window(staff.clerk), keyboard)
    keyboard.press(Key.Key_2, ALT)
    assert tab.pages.currentWidget() is tab.tracking and keyboard.focused() is tab.tracking.table
    rows = {row.query_number: (index, row) for index, row in enumerate(tab.tracking.rows)}
    assert [row.query_number for row in tab.tracking.rows] == [first.query_number, second.query_number,
                                                                 third.query_number]  # by due date
    table = tab.tracking.table

    def look(query_number: str) -> tuple[str, str, str]:
        index = rows[query_number][0]
        item = table.item(index, 0)
        return item.background().color().name(), table.item(index, 6).text(), table.item(index, 7).text()

    # 4-10 is before 4-13: overdue (4-11, 4-12 are a weekend: 1 working day late)
    assert look(first.query_number) == (RED, "2026-04-10", "已超期 1 个工作日")
    # 4-14, 4-15, 4-16 left: within 3 working days
    assert look(second.query_number) == (AMBER, "2026-04-16", "剩余 3 个工作日")
    colour, due, note = look(third.query_number)
    assert colour not in (RED, AMBER) and note.startswith("剩余") and "暂定" not in due
    assert "已超期 1 件" in tab.tracking.counts.text() and "到期 1 件" in tab.tracking.counts.text()

    # accepted 2026-12-15: 22 working days reach 2027, whose schedule is not published → 暂定
    moving_clock.moment = datetime(2026, 12, 15, 9)
    late = accepted_transfer(desk, staff.clerk, name="赵敏")
    keyboard.press(Key.Key_F5)
    rows = {row.query_number: (index, row) for index, row in enumerate(tab.tracking.rows)}
    assert look(late.query_number)[1] == "2027-01-15（暂定）"
    assert look(third.query_number)[0] == RED


def test_a_reviewer_moves_a_transfer_on_and_completes_it_with_both_amounts(qtbot, desk, staff, open_window, keyboard):
    row = accepted_transfer(desk, staff.clerk)
    window = open_window(staff.reviewer)
    tab = open_transfer(window, keyboard)
    keyboard.press(Key.Key_2, ALT)
    assert tab.tracking.move_buttons["complete"].isVisibleTo(tab)
    assert not tab.tracking.move_buttons["complete"].isEnabled()  # 已受理 cannot be completed yet

    for keys, state in ((Key.Key_O, "out_review"), (Key.Key_I, "in_review")):
        keyboard.press(keys, ALT)
        box = tab.dialog
        qtbot.waitUntil(lambda box=box: QApplication.activeWindow() is box)
        keyboard.press(Key.Key_Return)
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        assert keyboard.focused() is tab.tracking.table
        assert transfer.tracking(desk, staff.reviewer)[0].state == state

    keyboard.press(Key.Key_C, ALT)
    dialog = tab.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert keyboard.focused() is dialog.pooled_fund
    keyboard.press(Key.Key_Return)
    assert dialog.isVisible()
    assert "统筹基金转移金额" in dialog.errors.label("pooled_fund").text()
    assert "个人账户转移金额" in dialog.errors.label("personal_account").text()
    keyboard.type("8650.40")
    keyboard.press(Key.Key_Tab)
    keyboard.type("12.345")
    keyboard.press(Key.Key_Return)
    assert dialog.isVisible() and dialog.errors.label("personal_account").isVisibleTo(dialog)
    assert not dialog.errors.label("pooled_fund").isVisibleTo(dialog)
    assert transfer.tracking(desk, staff.reviewer)[0].state == "in_review"  # nothing written
    dialog.personal_account.selectAll()
    keyboard.type("3210.00")
    keyboard.press(Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    assert transfer.tracking(desk, staff.reviewer) == [] and tab.tracking.table.rowCount() == 0
    done = transfer.transfers_of(desk, staff.reviewer, APPLICANT)[0]
    assert (done.id, done.state, str(done.pooled_fund), str(done.personal_account)) == (
        row.id, "completed", "8650.40", "3210.00")
    assert "8650.40" in tab.bar.text()
    keyboard.press(Key.Key_3, ALT)  # the summary of the year so far counts it
    summary = tab.summary.table
    assert [summary.item(1, column).text() for column in range(6)] == ["转入", "1", "1", "8650.40", "3210.00", "11860.40"]
    assert [summary.item(0, column).text() for column in range(3)] == ["转出", "0", "0"]


def test_state_buttons_are_invisible_to_a_clerk(qtbot, desk, staff, open_window, keyboard):
    accepted_transfer(desk, staff.clerk)
    tab = open_transfer(open_window(staff.clerk), keyboard)
    keyboard.press(Key.Key_2, ALT)
    assert tab.tracking.table.rowCount() == 1
    assert not any(button.isVisibleTo(tab) for button in tab.tracking.move_buttons.values())
    keyboard.press(Key.Key_O, ALT)  # no shortcut either
    assert tab.dialog is None
    assert transfer.tracking(desk, staff.clerk)[0].state == "accepted"
    assert tab.tracking.materials_button.isVisibleTo(tab)  # receiving materials is a clerk's job


def test_missing_materials_give_the_notice_and_receiving_them_starts_the_clock(qtbot, desk, staff, open_window,
                                                                               keyboard, moving_clock):
    tab = open_transfer(open_window(staff.clerk), keyboard)
    fill_applicant(tab, keyboard)
    form = tab.form
    form.medical.setChecked(True)
    form.out_place.region.set_text("530100")
    form.out_place.office.setText("昆明市医疗保险管理局")
    form.material_checks["id_document"].setChecked(True)
    form.enterprise_pension.setChecked(True)  # the 联系函 is now needed and not ticked
    keyboard.press(Key.Key_Return, CTRL)
    box = tab.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    assert "联系函" in box.text()
    keyboard.press(Key.Key_Return)
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.isVisible())
    assert "一次性告知书" in tab.preview.heading.text()
    [row] = transfer.tracking(desk, staff.clerk)
    assert (row.state, row.due_date) == ("awaiting_materials", None)
    tab.preview.reject()
    qtbot.waitUntil(lambda: tab.preview.heading.text().startswith("转移接续申请登记表"))
    tab.preview.reject()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab.window())

    moving_clock.moment = datetime(2026, 3, 16, 9)
    keyboard.press(Key.Key_2, ALT)
    assert tab.tracking.table.item(0, 7).text() == "待补正材料，未开始计时"
    keyboard.press(Key.Key_M, ALT)
    dialog = tab.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    keyboard.press(Key.Key_Return)  # nothing ticked
    assert dialog.isVisible() and "勾选" in dialog.errors.label("materials").text()
    assert list(dialog.checks) == ["pension_letter"] and keyboard.focused() is dialog.checks["pension_letter"]
    keyboard.press(Key.Key_Space)
    keyboard.press(Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: tab.preview.isVisible() and "受理回执" in tab.preview.heading.text())
    # the clock starts on the day the materials are complete: 3-16 + 22 working days → 2026-04-16
    [row] = transfer.tracking(desk, staff.clerk)
    assert (row.state, row.accepted_on, row.due_date) == ("accepted", "2026-03-16", "2026-04-16")
    assert "2026-04-16" in pdf_text(tab.preview.pdf)


def test_a_registered_person_prefills_the_applicant_and_the_certificate_prints(qtbot, desk, staff, open_window,
                                                                               keyboard):
    record = persons.register_person(desk, staff.clerk, {"id_number": APPLICANT, "name": "张伟", "phone": "13987654321",
                                                         "address": "大理市下关镇建设路8号"})
    enrolment.enrol(desk, staff.clerk, person_id=record.id, year=2026, paid_on=date(2026, 3, 10))
    tab = open_transfer(open_window(staff.clerk), keyboard)
    keyboard.type(APPLICANT)
    keyboard.press(Key.Key_Return)
    form = tab.form
    assert (form.name.text(), form.phone.text(), form.id_number.text()) == ("张伟", "13987654321", APPLICANT)
    assert keyboard.focused() is form.direction
    keyboard.press(Key.Key_Down)  # 转出: this office becomes the transfer-out place, the person's number the former one
    assert form.out_place.region.text() == "532900" and form.in_place.region.text() == ""
    assert form.former_number.text() == record.personal_number
    keyboard.press(Key.Key_P, CTRL)
    preview = tab.preview
    qtbot.waitUntil(lambda: QApplication.activeWindow() is preview)
    text = pdf_text(preview.pdf)
    assert "参保凭证" in text and APPLICANT in text and "2026" in text
