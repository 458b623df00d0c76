"""The 参保登记 tab driven with the keyboard only, on a fresh database (clock 2026-03-10 09:30)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desk.core.idnumber import make_id_number, mask_id_number
from desk.services import enrolment, persons
from desk.ui.enrolment_tab import EnrolmentTab

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ID_NUMBER = make_id_number("532923", date(1985, 6, 1), 452)


def tab_of(window) -> EnrolmentTab:
    tab = window.tabs.currentWidget()
    assert isinstance(tab, EnrolmentTab)
    return tab


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def register_and_enrol(desk, operator, name="赵春花", groups=()):
    record = persons.register_person(desk, operator, {"id_type": "居民身份证", "id_number": ID_NUMBER, "name": name,
                                                      "groups": list(groups)})
    result = enrolment.enrol(desk, operator, person_id=record.id, year=2026, paid_on=date(2026, 3, 10))
    return record, result


def test_keyboard_only_registration_enrolment_and_print(qtbot, desk, staff, open_window, keyboard):
    window = open_window(staff.clerk)
    tab = tab_of(window)

    keyboard.press(Key.Key_F2)
    assert keyboard.focused() is tab.search.edit
    keyboard.type(ID_NUMBER)
    keyboard.press(Key.Key_Return)

    # a full valid number that nobody holds yet starts a new registration with it filled in
    form = tab.form
    assert tab.person is None
    assert form.id_number.text() == ID_NUMBER
    assert (form.sex.currentText(), form.birth_date.text()) == ("女", "1985-06-01")
    assert "祥云县" in form.native_region.text() and "532923" in form.native_region.text()
    assert keyboard.focused() is form.name

    keyboard.type("李秀英")
    dibao, document = form.groups.rows["dibao"]
    keyboard.tab_until(dibao)
    keyboard.press(Key.Key_Space)
    assert dibao.isChecked()
    assert keyboard.focused() is document  # ticking a group moves on to its proving document
    keyboard.type("DB-2026-0815")
    keyboard.press(Key.Key_S, CTRL)

    assert tab.person is not None, tab.bar.text()
    assert [p.name for p in persons.search_persons(desk, staff.clerk, ID_NUMBER)] == ["李秀英"]
    # dibao: 400.00 - 120.00; exempt from waiting, paid outside the concentrated period → from the payment date
    qtbot.waitUntil(lambda: tab.summary.payable.text() == "280.00 元")
    assert tab.summary.benefit_start.text() == "2026-03-10"
    assert "城乡低保对象" in tab.summary.subsidy.text()
    assert tab.summary.waiting.text() == "无等待期"
    assert tab.summary.individual_mark.isVisibleTo(tab.summary)  # the pack's contribution is provisional

    keyboard.press(Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.isVisible())
    preview = tab.preview
    assert preview.pdf.startswith(b"%PDF"), preview.bar.text()
    qtbot.waitUntil(lambda: preview.document.pageCount() >= 1)
    assert tab.history.enrolments.rowCount() == 1
    assert tab.history.enrolments.item(0, 2).text() == "280.00"

    qtbot.waitUntil(lambda: QApplication.activeWindow() is preview)
    keyboard.press(Key.Key_P, CTRL)
    assert preview.last_print_path is not None, preview.bar.text()
    assert preview.last_print_path.parent == desk.path.parent / "prints"
    text = pdf_text(preview.last_print_path.read_bytes())
    assert "参保登记回执" in text
    assert mask_id_number(ID_NUMBER) in text and ID_NUMBER not in text
    assert "280.00" in text and "2026-03-10" in text
    assert tab.history.vouchers.item(0, 3).text() == "1 次"

    keyboard.press(Key.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible())


def test_wrong_check_digit_is_shown_beside_the_id_field_and_nothing_is_written(qtbot, desk, staff, open_window,
                                                                                keyboard, modal):
    tab = tab_of(open_window(staff.clerk))
    wrong = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    keyboard.press(Key.Key_N, CTRL)
    assert keyboard.focused() is tab.form.id_number
    keyboard.type(wrong)
    error = tab.errors.label("id_number")
    assert error.isVisibleTo(tab) and "校验位" in error.text()
    assert keyboard.focused() is tab.form.id_number  # an invalid number does not move on
    keyboard.press(Key.Key_Tab)
    keyboard.type("李秀英")
    keyboard.press(Key.Key_S, CTRL)
    assert tab.person is None
    assert "校验位" in tab.errors.label("id_number").text()
    assert persons.search_persons(desk, staff.clerk, "李秀英") == []

    asked = []  # F2 (下一位) would throw the typed form away: it asks first
    modal.expect(QMessageBox, lambda box: (asked.append(box.text()), box.button(QMessageBox.StandardButton.Yes).click()))
    keyboard.press(Key.Key_F2)
    assert asked and "参保登记" in asked[0] and tab.form.value()["name"] == ""
    qtbot.waitUntil(lambda: keyboard.focused() is tab.search.edit)
    keyboard.type(wrong)
    keyboard.press(Key.Key_Return)
    assert "校验位" in tab.search.error.text() and tab.search.table.rowCount() == 0


def test_name_with_digits_is_shown_beside_the_name(qtbot, desk, staff, open_window, keyboard):
    tab = tab_of(open_window(staff.clerk))
    keyboard.press(Key.Key_F2)
    keyboard.type(ID_NUMBER)
    keyboard.press(Key.Key_Return)
    keyboard.type("张3丰")
    qtbot.waitUntil(lambda: tab.errors.label("name").isVisibleTo(tab))
    assert "数字" in tab.errors.label("name").text()
    keyboard.press(Key.Key_S, CTRL)
    assert tab.person is None
    assert "数字" in tab.errors.label("name").text()
    assert persons.search_persons(desk, staff.clerk, ID_NUMBER) == []


def test_known_number_opens_the_person_and_a_second_enrolment_is_refused(qtbot, desk, staff, open_window, keyboard):
    record, _first = register_and_enrol(desk, staff.clerk)
    tab = tab_of(open_window(staff.clerk))
    keyboard.press(Key.Key_F2)
    keyboard.type(ID_NUMBER)
    keyboard.press(Key.Key_Return)
    assert tab.person is not None and tab.person.id == record.id
    assert tab.form.id_number.isReadOnly()
    assert tab.history.enrolments.rowCount() == 1

    keyboard.press(Key.Key_Return, CTRL)
    assert "不能重复登记" in tab.bar.text()
    assert "不能重复登记" in tab.errors.label("year").text()
    assert tab.preview is None
    assert len(persons.get_person(desk, staff.clerk, record.id).enrolments) == 1


def test_registering_a_known_number_again_opens_the_existing_person(qtbot, desk, staff, open_window, keyboard):
    record, _ = register_and_enrol(desk, staff.clerk)
    tab = tab_of(open_window(staff.clerk))
    keyboard.press(Key.Key_N, CTRL)
    keyboard.type(ID_NUMBER)
    assert keyboard.focused() is tab.form.name
    keyboard.type("另一人")
    keyboard.press(Key.Key_S, CTRL)
    assert tab.person is not None and tab.person.id == record.id
    assert tab.form.name.text() == "赵春花"
    assert "已登记" in tab.bar.text()


def test_search_by_name_lists_masked_numbers_and_enter_opens(qtbot, desk, staff, open_window, keyboard):
    register_and_enrol(desk, staff.clerk)
    other = make_id_number("532901", date(1990, 1, 1), 13)
    persons.register_person(desk, staff.clerk, {"id_number": other, "name": "赵大山", "phone": "13812345678"})
    tab = tab_of(open_window(staff.clerk))
    keyboard.press(Key.Key_F2)
    keyboard.type("赵")
    keyboard.press(Key.Key_Return)
    table = tab.search.table
    assert table.rowCount() == 2
    shown = {table.item(row, 1).text() for row in range(2)}
    assert shown == {mask_id_number(ID_NUMBER), mask_id_number(other)}
    assert keyboard.focused() is table
    keyboard.press(Key.Key_Down)
    name = table.item(table.currentRow(), 0).text()
    keyboard.press(Key.Key_Return)
    assert tab.person is not None and tab.person.name == name
    assert not table.isVisible()


def test_reviewer_sees_cancel_and_can_cancel_with_a_reason(qtbot, desk, staff, open_window, keyboard):
    register_and_enrol(desk, staff.clerk)
    clerk_tab = tab_of(open_window(staff.clerk))
    assert not clerk_tab.history.cancel_button.isVisibleTo(clerk_tab)

    tab = tab_of(open_window(staff.reviewer))
    assert tab.history.cancel_button.isVisibleTo(tab)
    tab.search.edit.setText(ID_NUMBER)
    tab.run_search(ID_NUMBER)
    tab.history.cancel_button.click()
    dialog = tab.reason_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert keyboard.focused() is dialog.reason
    keyboard.press(Key.Key_Return)
    assert dialog.isVisible() and "作废原因" in dialog.errors.label("reason").text()
    keyboard.type("证件号码录入错误")
    keyboard.press(Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert tab.history.enrolments.item(0, 4).text().startswith("已作废")


def test_unexpected_error_shows_a_reference_and_keeps_the_input(qtbot, desk, staff, open_window, keyboard,
                                                                monkeypatch):
    tab = tab_of(open_window(staff.clerk))

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(persons, "search_persons", broken)
    keyboard.press(Key.Key_F2)
    keyboard.type("王")
    keyboard.press(Key.Key_Return)
    assert "参考编号 E" in tab.bar.text()
    assert tab.search.edit.text() == "王"
    log = (desk.path.parent / "logs" / "desk-errors.log").read_text(encoding="utf-8")
    assert "disk on fire" in log


def test_summary_follows_the_payment_date_as_the_clerk_types(qtbot, desk, staff, open_window, keyboard):
    record = persons.register_person(desk, staff.clerk, {"id_number": ID_NUMBER, "name": "赵春花"})
    tab = tab_of(open_window(staff.clerk))
    tab.open_person(record.id)
    # never enrolled, no group, paid 2026-03-10 outside the concentrated period: 3 months' wait
    qtbot.waitUntil(lambda: tab.summary.benefit_start.text() == "2026-06-10")
    assert tab.summary.payable.text() == "400.00 元" and tab.summary.waiting.text() == "3个月"
    keyboard.tab_until(tab.inputs.paid_on)  # arriving by Tab selects the year section
    keyboard.type("20260227")
    assert tab.inputs.paid_on.date().toString("yyyy-MM-dd") == "2026-02-27"
    # within the concentrated period (ends 2026-02-28): from 1 January, no waiting
    qtbot.waitUntil(lambda: tab.summary.benefit_start.text() == "2026-01-01")
    assert tab.summary.waiting.text() == "无等待期"


def test_certificate_print_and_reprint_from_the_voucher_list(qtbot, desk, staff, open_window, keyboard):
    record, result = register_and_enrol(desk, staff.clerk, groups=[{"code": "dibao", "document": "DB-1"}])
    window = open_window(staff.clerk)
    tab = tab_of(window)
    tab.open_person(record.id)
    keyboard.press(Key.Key_P, CTRL)
    preview = tab.preview
    qtbot.waitUntil(lambda: QApplication.activeWindow() is preview)
    assert preview.copy_note.text() == "此次打印为原件"
    keyboard.press(Key.Key_P, CTRL)
    original = preview.last_print_path
    assert original.name.endswith("-copy0.pdf") and "参保凭证" in pdf_text(original.read_bytes())
    assert ID_NUMBER in pdf_text(original.read_bytes())  # the certificate carries the full number
    keyboard.press(Key.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible())
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert keyboard.focused() is tab.search.edit  # ready for the next citizen

    vouchers_table = tab.history.vouchers
    numbers = [vouchers_table.item(row, 0).text() for row in range(vouchers_table.rowCount())]
    assert result.receipt.number in numbers and len(numbers) == 2
    tab.history.setCurrentIndex(1)
    vouchers_table.setFocus()
    vouchers_table.selectRow(numbers.index(result.receipt.number))
    vouchers_table.setCurrentCell(numbers.index(result.receipt.number), 0)
    keyboard.press(Key.Key_Return)
    reprint = tab.preview
    assert reprint is not preview and reprint.number == result.receipt.number
    qtbot.waitUntil(lambda: QApplication.activeWindow() is reprint)
    keyboard.press(Key.Key_P, CTRL)  # the receipt was never printed: this is its original
    keyboard.press(Key.Key_P, CTRL)  # and this its first 补打
    assert reprint.last_print_path.name == f"{result.receipt.number}-copy1.pdf"
    assert "补打" in pdf_text(reprint.last_print_path.read_bytes())
    assert reprint.copy_note.text() == "已打印第1次补打"


def test_newborn_with_a_birth_certificate_types_sex_and_birth_date(qtbot, desk, staff, open_window, keyboard):
    tab = tab_of(open_window(staff.clerk))
    keyboard.press(Key.Key_N, CTRL)
    keyboard.press(Key.Key_Backtab)
    assert keyboard.focused() is tab.form.id_type
    for _ in range(3):
        keyboard.press(Key.Key_Down)
    assert tab.form.id_type.currentText() == "出生医学证明"
    assert tab.form.sex.isEnabled() and not tab.form.birth_date.isReadOnly()
    keyboard.press(Key.Key_Tab)
    keyboard.type("O530123456")
    keyboard.press(Key.Key_Tab)
    keyboard.type("王小宝")
    keyboard.press(Key.Key_Tab)
    assert keyboard.focused() is tab.form.sex
    keyboard.press(Key.Key_Down)
    keyboard.press(Key.Key_Tab)
    assert keyboard.focused() is tab.form.birth_date
    keyboard.type("2026-02-01")
    keyboard.press(Key.Key_S, CTRL)
    assert tab.person is not None, tab.bar.text()
    assert (tab.person.sex, tab.person.birth_date) == ("男", "2026-02-01")

    tab.inputs.newborn.setFocus()
    keyboard.press(Key.Key_Space)
    # a newborn enrolled within 90 days of birth: benefits from the birth date, no waiting
    qtbot.waitUntil(lambda: tab.summary.benefit_start.text() == "2026-02-01")
    assert tab.summary.waiting.text() == "无等待期"
