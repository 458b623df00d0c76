"""当前办理人: one citizen across every tab, typed once, cleared with F2, driven with the keyboard only
on a fresh database (clock 2026-03-10 09:30)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desk.core.idnumber import make_id_number, mask_id_number
from desk.screens.common import NO_CURRENT_PERSON
from desk.services import enrolment, persons
from desk.ui.chronic_tab import ChronicTab
from desk.ui.enrolment_tab import EnrolmentTab
from desk.ui.reimbursement_tab import ReimbursementTab
from desk.ui.transfer_tab import TransferTab

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
FIRST = make_id_number("532923", date(1985, 6, 1), 452)
SECOND = make_id_number("532901", date(1950, 2, 3), 117)
TAB_ORDER = (EnrolmentTab, ChronicTab, TransferTab, ReimbursementTab)


def register(desk, clerk, id_number: str, name: str, *, enrol: bool = True):
    record = persons.register_person(desk, clerk, {"id_type": "居民身份证", "id_number": id_number, "name": name,
                                                   "phone": "13908721234", "groups": []})
    if enrol:
        enrolment.enrol(desk, clerk, person_id=record.id, year=2026, paid_on=date(2026, 3, 10))
    return record


def next_tab(window, keyboard, kind):
    """Ctrl+1..4 bring a tab to the front from anywhere (Ctrl+Tab inside 转移接续 turns its own pages)."""
    keyboard.press(getattr(Key, f"Key_{TAB_ORDER.index(kind) + 1}"), CTRL)
    tab = window.tabs.currentWidget()
    assert isinstance(tab, kind), type(tab)
    return tab


def search(keyboard, tab, text: str) -> None:
    keyboard.qtbot.waitUntil(lambda: keyboard.focused() is tab.search.edit)  # also back from a question
    keyboard.type(text)
    keyboard.press(Key.Key_Return)


def bar_text(window) -> str:
    bar = window.person_bar
    return f"{bar.who.text()} {bar.details_text()}".strip()


def test_the_id_number_typed_once_serves_the_citizen_in_every_tab_and_f2_ends_the_visit(
        qtbot, desk, staff, open_window, keyboard):
    record = register(desk, staff.clerk, FIRST, "赵春花")
    window = open_window(staff.clerk)
    assert [type(window.tabs.widget(i)) for i in range(window.tabs.count())] == list(TAB_ORDER)
    assert bar_text(window) == NO_CURRENT_PERSON and not window.person_bar.next_button.isEnabled()
    enrolment_tab = window.tabs.currentWidget()
    search(keyboard, enrolment_tab, FIRST)
    assert enrolment_tab.shown_person_id() == record.id
    assert bar_text(window).startswith(f"赵春花　{mask_id_number(FIRST)}　女 40岁 2026年度 城乡居民医保 已参保")
    assert "慢特病：无在办或有效认定" in bar_text(window) and "转移接续：无在办" in bar_text(window)
    assert FIRST not in bar_text(window)  # masked, as on every screen but the form

    chronic_tab = next_tab(window, keyboard, ChronicTab)
    assert chronic_tab.shown_person_id() == record.id and "赵春花" in chronic_tab.person_label.text()
    transfer_tab = next_tab(window, keyboard, TransferTab)
    assert transfer_tab.shown_person_id() == record.id
    assert (transfer_tab.form.id_number.text(), transfer_tab.form.name.text()) == (FIRST, "赵春花")
    assert not transfer_tab.has_unsaved_changes()  # the details as loaded are not the clerk's typing
    reimbursement_tab = next_tab(window, keyboard, ReimbursementTab)
    assert reimbursement_tab.shown_person_id() == record.id and "赵春花" in reimbursement_tab.person_label.text()

    keyboard.press(Key.Key_F2)  # nothing typed anywhere: no question
    assert bar_text(window) == NO_CURRENT_PERSON and window.current_person_id is None
    assert [tab.shown_person_id() for tab in window.business_tabs()] == [None] * 4
    assert transfer_tab.form.id_number.text() == "" and enrolment_tab.form.value()["name"] == ""
    qtbot.waitUntil(lambda: keyboard.focused() is reimbursement_tab.search.edit)
    assert next_tab(window, keyboard, EnrolmentTab).shown_person_id() is None


def test_a_tab_holding_typed_input_asks_before_following_and_the_bar_shows_whom_it_shows(
        qtbot, desk, staff, open_window, keyboard, modal):
    first = register(desk, staff.clerk, FIRST, "赵春花")
    second = register(desk, staff.clerk, SECOND, "段建国")
    window = open_window(staff.clerk)
    search(keyboard, window.tabs.currentWidget(), FIRST)
    for kind in TAB_ORDER[1:]:
        tab = next_tab(window, keyboard, kind)
    assert tab.shown_person_id() == first.id
    keyboard.tab_until(tab.form.total)
    keyboard.type("1200.00")  # a bill for 赵春花, not yet recorded
    assert tab.has_unsaved_changes()

    enrolment_tab = next_tab(window, keyboard, EnrolmentTab)
    asked = []  # F2: the bill would be lost, so it asks; kept
    modal.expect(QMessageBox, lambda box: (asked.append(box.text()), box.button(QMessageBox.StandardButton.No).click()))
    keyboard.press(Key.Key_F2)
    qtbot.waitUntil(lambda: bool(asked))
    assert "报销计算" in asked[0] and window.current_person_id == first.id and tab.form.total.text() == "1200.00"

    enrolment_tab.focus_search()
    search(keyboard, enrolment_tab, SECOND)
    assert window.current_person_id == second.id and bar_text(window).startswith("段建国")
    for kind in TAB_ORDER[1:3]:
        assert next_tab(window, keyboard, kind).shown_person_id() == second.id
    kept = []
    modal.expect(QMessageBox, lambda box: (kept.append(box.text()), box.button(QMessageBox.StandardButton.No).click()))
    assert next_tab(window, keyboard, ReimbursementTab) is tab
    qtbot.waitUntil(lambda: bool(kept))
    assert "费用尚未记录" in kept[0]
    assert tab.shown_person_id() == first.id and tab.form.total.text() == "1200.00"
    assert window.current_person_id == first.id and bar_text(window).startswith("赵春花")  # the bar follows the page

    qtbot.waitUntil(lambda: keyboard.focused() is not None and tab.isAncestorOf(keyboard.focused()))
    modal.expect(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    keyboard.press(Key.Key_F2)
    qtbot.waitUntil(lambda: window.current_person_id is None)
    assert tab.form.total.text() == "" and tab.shown_person_id() is None


def test_the_bar_is_read_again_after_a_write_and_dropped_when_a_new_citizen_is_registered(
        qtbot, desk, staff, open_window, keyboard):
    register(desk, staff.clerk, FIRST, "赵春花", enrol=False)
    window = open_window(staff.clerk)
    tab = window.tabs.currentWidget()
    search(keyboard, tab, FIRST)
    assert "2026年度 未参保" in bar_text(window)
    keyboard.press(Key.Key_Return, CTRL)  # 办理参保登记: the receipt's preview opens
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.isVisible())
    assert "2026年度 城乡居民医保 已参保" in bar_text(window)
    qtbot.waitUntil(lambda: keyboard.focused() is not None and tab.preview.isAncestorOf(keyboard.focused()))
    keyboard.press(Key.Key_Escape)
    qtbot.waitUntil(lambda: not tab.preview.isVisible() and keyboard.focused() is tab.search.edit)

    keyboard.press(Key.Key_N, CTRL)  # 新登记: another citizen, not yet registered
    assert window.current_person_id is None and bar_text(window) == NO_CURRENT_PERSON
    assert next_tab(window, keyboard, ChronicTab).shown_person_id() is None


def test_the_bar_fits_beside_the_commands_at_1280_by_720(qtbot, desk, staff, open_window, keyboard):
    register(desk, staff.clerk, FIRST, "赵春花")
    window = open_window(staff.clerk)
    window.showNormal()
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() <= 1280)
    search(keyboard, window.tabs.currentWidget(), FIRST)
    bar = window.person_bar
    assert bar.isVisible() and bar.next_button.isVisible()
    right = bar.next_button.mapTo(window, bar.next_button.rect().bottomRight())
    assert right.x() <= window.width() and bar.mapTo(window, bar.rect().bottomLeft()).y() < window.tabs.y()
    assert bar.who.text().startswith("赵春花")
    assert bar.details.text() == bar.details_text() or bar.details.text().endswith("…")


# ---------------------------------------------------------------- a whole visit, the ID number typed once


def close_preview(qtbot, keyboard, preview) -> None:
    qtbot.waitUntil(lambda: keyboard.focused() is not None and preview.isAncestorOf(keyboard.focused()))
    keyboard.press(Key.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible() and keyboard.focused() is not None)  # back in the window


def test_one_citizen_is_served_through_every_tab_typing_the_id_number_once(qtbot, desk, staff, open_window, keyboard):
    from desk.services import chronic, reimbursement
    from tests.ui.test_chronic_tab import ALL_CHRONIC
    from tests.ui.test_reimbursement_tab import type_bill

    record = persons.register_person(desk, staff.clerk, {"id_type": "居民身份证", "id_number": FIRST, "name": "赵春花"})
    enrolment.enrol(desk, staff.clerk, person_id=record.id, year=2026, paid_on=date(2026, 1, 10))  # benefits since 01-01
    window = open_window(staff.clerk)
    enrolment_tab = window.tabs.currentWidget()
    search(keyboard, enrolment_tab, FIRST)  # the only time the number is typed
    keyboard.press(Key.Key_P, CTRL)  # 打印参保凭证
    qtbot.waitUntil(lambda: enrolment_tab.preview is not None and enrolment_tab.preview.isVisible())
    assert enrolment_tab.preview.number.startswith("PZ-"), enrolment_tab.bar.text()
    close_preview(qtbot, keyboard, enrolment_tab.preview)

    chronic_tab = next_tab(window, keyboard, ChronicTab)  # 门诊慢特病: the person is open, the disease search ready
    qtbot.waitUntil(lambda: keyboard.focused() is chronic_tab.application.picker.edit)
    keyboard.type("gxy")
    keyboard.press(Key.Key_Return)
    for _key in ALL_CHRONIC:
        keyboard.press(Key.Key_Space)
        keyboard.press(Key.Key_Tab)
    keyboard.press(Key.Key_Return, CTRL)  # 受理申请: all materials, so the 受理回执
    qtbot.waitUntil(lambda: chronic_tab.preview is not None and chronic_tab.preview.isVisible())
    assert chronic_tab.preview.number.startswith("SL-"), chronic_tab.bar.text()
    assert "慢特病：高血压病（已受理）" in bar_text(window)  # the bar read again after the write
    close_preview(qtbot, keyboard, chronic_tab.preview)

    reimbursement_tab = next_tab(window, keyboard, ReimbursementTab)
    qtbot.waitUntil(lambda: keyboard.focused() is reimbursement_tab.form.date)
    type_bill(keyboard, reimbursement_tab, invoice="FP20260301")
    keyboard.press(Key.Key_Return)  # Enter records: the 结算单
    qtbot.waitUntil(lambda: reimbursement_tab.preview is not None and reimbursement_tab.preview.isVisible())
    first = reimbursement_tab.preview.number
    assert first.startswith("JS-"), reimbursement_tab.bar.text()
    close_preview(qtbot, keyboard, reimbursement_tab.preview)
    qtbot.waitUntil(lambda: keyboard.focused() is reimbursement_tab.form.date)
    type_bill(keyboard, reimbursement_tab, invoice="fp20260301")  # the same bill recorded twice: caught
    keyboard.press(Key.Key_Return)
    assert first in reimbursement_tab.errors.message("invoice_number")
    assert len(reimbursement.settlements_of(desk, staff.clerk, person_id=record.id, year=2026)) == 1
    reimbursement_tab.form.total.clear()  # the clerk drops the duplicate bill

    transfer_tab = next_tab(window, keyboard, TransferTab)  # the applicant comes filled in from the person
    assert (transfer_tab.form.id_number.text(), transfer_tab.form.name.text()) == (FIRST, "赵春花")
    assert transfer_tab.certificate_button.isEnabled()

    keyboard.press(Key.Key_F2)  # 下一位
    assert window.current_person_id is None
    assert [tab.shown_person_id() for tab in window.business_tabs()] == [None] * 4
    assert [filing.state for filing in chronic.filings_of(desk, staff.clerk, record.id)] == ["accepted"]
