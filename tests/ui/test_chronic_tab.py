"""The 门诊慢特病 tab driven with the keyboard, on a fresh database (clock 2026-03-10 09:30 unless moved)."""

from __future__ import annotations

import re
from datetime import date, datetime
from io import BytesIO

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desk.core.idnumber import make_id_number
from desk.services import chronic, enrolment, persons
from desk.ui.chronic_tab import ChronicTab

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ID_NUMBER = make_id_number("532923", date(1985, 6, 1), 452)
ALL_CHRONIC = ["id_document", "application_form", "diagnosis", "examinations"]


def pdf_text(data: bytes) -> str:
    """The PDF's text with every line break and space removed (long names wrap on paper)."""
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return re.sub(r"\s+", "", text)


def insured(desk, operator, id_number=ID_NUMBER, name="赵春花"):
    """A person enrolled for 2026 in the concentrated period: benefits from 2026-01-01, so today is covered."""
    record = persons.register_person(desk, operator, {"id_type": "居民身份证", "id_number": id_number, "name": name,
                                                      "phone": "13908721234"})
    enrolment.enrol(desk, operator, person_id=record.id, year=2026, paid_on=date(2026, 1, 10))
    return record


def open_chronic(qtbot, open_window, keyboard, operator) -> tuple:
    """The main window, moved to its 门诊慢特病 tab with Ctrl+Tab; the keyboard lands in the person search."""
    window = open_window(operator)
    pages = [window.tabs.widget(index) for index in range(window.tabs.count())]
    tab = next(page for page in pages if isinstance(page, ChronicTab))
    for _ in pages:
        if window.tabs.currentWidget() is tab:
            break
        keyboard.press(Key.Key_Tab, CTRL)
    assert window.tabs.currentWidget() is tab
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.search.edit)
    return window, tab


def open_by_id(keyboard, tab, id_number=ID_NUMBER) -> None:
    keyboard.press(Key.Key_F2)
    keyboard.type(id_number)
    keyboard.press(Key.Key_Return)
    assert tab.person is not None and tab.person.id_number == id_number, tab.search.error.text()


def state_shown(tab, row=0) -> str:
    return tab.filings.filings.item(row, 3).text()


def print_preview(qtbot, keyboard, preview) -> str:
    qtbot.waitUntil(lambda: QApplication.activeWindow() is preview)
    keyboard.press(Key.Key_P, CTRL)
    assert preview.last_print_path is not None, preview.bar.text()
    text = pdf_text(preview.last_print_path.read_bytes())
    keyboard.press(Key.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible())
    return text


def test_accept_with_a_missing_material_receive_it_then_another_reviewer_approves(
        qtbot, desk, staff, open_window, keyboard, moving_clock):
    record = insured(desk, staff.clerk)
    window, tab = open_chronic(qtbot, open_window, keyboard, staff.clerk)
    open_by_id(keyboard, tab)
    picker = tab.application.picker
    assert keyboard.focused() is picker.edit

    keyboard.type("gxy")
    assert picker.shown_labels() == ["M03900　高血压病（门诊慢性病）", "M03900　高血压病（两病门诊用药保障）"]
    keyboard.press(Key.Key_Return)  # the first, best match
    assert (picker.disease.code, picker.disease.kind) == ("M03900", "chronic")
    checks = tab.application.materials.checks
    assert list(checks) == ALL_CHRONIC
    assert keyboard.focused() is checks["id_document"]
    for key in ALL_CHRONIC[:3]:  # all but the examination reports
        assert keyboard.focused() is checks[key]
        keyboard.press(Key.Key_Space)
        keyboard.press(Key.Key_Tab)
    assert tab.application.materials.received() == ALL_CHRONIC[:3]

    keyboard.press(Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.isVisible())
    assert tab.preview.number.startswith("GZ-20260310-"), tab.bar.text()
    assert state_shown(tab) == "待补正" and "一次性告知书" in tab.bar.text()
    notice = print_preview(qtbot, keyboard, tab.preview)
    assert "一次性告知书" in notice and "相关检查检验报告及病历资料" in notice
    assert "近6个月内出具的诊断证明" in notice  # received items are listed too
    assert tab.filings.documents.item(0, 3).text() == "1 次"

    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    keyboard.press(Key.Key_B, CTRL)  # 补正材料
    dialog = tab.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert list(dialog.checks) == ["examinations"] and keyboard.focused() is dialog.checks["examinations"]
    keyboard.press(Key.Key_Space)
    keyboard.press(Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert state_shown(tab) == "已受理" and "材料已补齐" in tab.bar.text() and "受理回执" in tab.bar.text()
    [filing] = chronic.filings_of(desk, staff.clerk, record.id)
    assert filing.state == "accepted"
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.isVisible())
    assert tab.preview.number.startswith("SL-20260310-"), tab.bar.text()
    receipt = print_preview(qtbot, keyboard, tab.preview)  # the materials completed: the 受理回执
    assert "门诊慢特病申请受理回执" in receipt and f"受理号：{filing.id}" in receipt
    assert "已收材料（共4项）" in receipt and "4．相关检查检验报告及病历资料" in receipt
    assert "所缺材料已于2026年3月10日补齐" not in receipt  # brought the same day it was filed
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    moving_clock.moment = datetime(2026, 3, 12, 10, 0)  # the reviewer decides two days later
    _reviewer_window, review_tab = open_chronic(qtbot, open_window, keyboard, staff.reviewer)
    open_by_id(keyboard, review_tab)
    assert review_tab.filings.approve_button.isVisibleTo(review_tab)
    keyboard.press(Key.Key_R, CTRL)  # 认定
    decision = review_tab.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is decision)
    keyboard.press(Key.Key_Return)
    qtbot.waitUntil(lambda: review_tab.preview is not None and review_tab.preview.isVisible())
    assert state_shown(review_tab) == "已认定"
    # approved 2026-03-12 for 12 months: the day before 2027-03-12
    assert review_tab.filings.filings.item(0, 4).text() == "2026-03-12 至 2027-03-11"
    approval = print_preview(qtbot, keyboard, review_tab.preview)
    assert "认定通知书" in approval
    for expected in ("M03900", "高血压病", "2026-03-12", "2027-03-11"):
        assert expected in approval


def test_the_approve_button_is_not_shown_to_a_clerk(qtbot, desk, staff, open_window, keyboard):
    record = insured(desk, staff.clerk)
    chronic.accept_filing(desk, staff.clerk, person_id=record.id, disease_code="M03900", kind="chronic",
                          materials=ALL_CHRONIC)
    _window, tab = open_chronic(qtbot, open_window, keyboard, staff.clerk)
    open_by_id(keyboard, tab)
    assert state_shown(tab) == "已受理"
    for button in tab.filings.review_buttons():
        assert not button.isVisibleTo(tab)
    keyboard.press(Key.Key_R, CTRL)
    assert tab.dialog is None
    assert chronic.filings_of(desk, staff.clerk, record.id)[0].state == "accepted"


def test_the_accepting_reviewer_cannot_approve_their_own_filing(qtbot, desk, staff, open_window, keyboard):
    record = insured(desk, staff.clerk)
    window, tab = open_chronic(qtbot, open_window, keyboard, staff.reviewer)
    open_by_id(keyboard, tab)
    keyboard.type("M03900")
    keyboard.press(Key.Key_Return)
    for _ in ALL_CHRONIC:
        keyboard.press(Key.Key_Space)
        keyboard.press(Key.Key_Tab)
    keyboard.press(Key.Key_Return, CTRL)
    assert state_shown(tab) == "已受理" and "已出具受理回执" in tab.bar.text(), tab.bar.text()
    # complete: no notice, the 受理回执 to print and hand over
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.isVisible())
    assert tab.preview.number.startswith("SL-20260310-")
    receipt = print_preview(qtbot, keyboard, tab.preview)
    [filing] = chronic.filings_of(desk, staff.reviewer, record.id)
    assert "门诊慢特病申请受理回执" in receipt and f"受理号：{filing.id}" in receipt and "一次性告知书" not in receipt
    for number, name in enumerate(("身份证件或医保电子凭证", "《门诊慢特病待遇认定申请表》", "近6个月内出具的诊断证明",
                                    "相关检查检验报告及病历资料"), start=1):
        assert f"{number}．{name}" in receipt, name
    assert "由审核人员审核材料后作出认定决定" in receipt and "现行政策未规定统一的审核时限" in receipt
    assert tab.filings.documents.item(0, 1).text() == "慢特病受理回执"
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    keyboard.press(Key.Key_R, CTRL)
    dialog = tab.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    keyboard.press(Key.Key_Return)
    assert dialog.isVisible() and "审核与受理不能是同一人" in dialog.bar.text()
    keyboard.press(Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert state_shown(tab) == "已受理"
    assert chronic.filings_of(desk, staff.reviewer, record.id)[0].state == "accepted"


def test_refusals_are_shown_beside_their_field_and_write_nothing(qtbot, desk, staff, open_window, keyboard,
                                                                  monkeypatch):
    record = insured(desk, staff.clerk)
    chronic.accept_filing(desk, staff.clerk, person_id=record.id, disease_code="M03900", kind="chronic",
                          materials=ALL_CHRONIC)
    not_enrolled = persons.register_person(desk, staff.clerk, {"id_number": make_id_number("532901", date(1970, 1, 1), 21),
                                                               "name": "钱未保"})
    _window, tab = open_chronic(qtbot, open_window, keyboard, staff.clerk)
    open_by_id(keyboard, tab)

    keyboard.type("qqq")
    assert tab.application.picker.shown_labels() == []
    keyboard.press(Key.Key_Return)
    assert "没有与“qqq”相符的病种" in tab.errors.message("disease")

    tab.application.picker.edit.clear()
    keyboard.type("gxy")
    keyboard.press(Key.Key_Return)
    keyboard.press(Key.Key_Return, CTRL)  # a second active 高血压病 filing
    assert "同一病种不能同时有两个有效申请" in tab.errors.message("disease")
    assert "同一病种" in tab.bar.text()

    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args: asked.append(args) or QMessageBox.StandardButton.Yes)
    tab.open_person(not_enrolled.id)
    assert asked and "尚未受理" in asked[0][2]  # the refused application is still on screen: discard it?
    assert tab.person.name == "钱未保" and tab.application.disease() is None
    keyboard.type("tnb")
    keyboard.press(Key.Key_Return)
    keyboard.press(Key.Key_Return, CTRL)
    assert "没有有效的基本医疗保险参保登记" in tab.errors.message("person")
    assert len(chronic.filings_of(desk, staff.clerk, record.id)) == 1
    assert chronic.filings_of(desk, staff.clerk, not_enrolled.id) == []


def test_pinyin_initials_list_the_initials_at_the_start_first(qtbot, desk, staff, open_window, keyboard):
    insured(desk, staff.clerk)
    _window, tab = open_chronic(qtbot, open_window, keyboard, staff.clerk)
    open_by_id(keyboard, tab)
    keyboard.type("xy")
    # 血友病 (xyb) begins with the letters; the others only contain them, in catalogue order
    assert tab.application.picker.shown_labels() == [
        "M01200　血友病（门诊特殊病）", "M03900　高血压病（门诊慢性病）", "M00201　慢性乙型肝炎（门诊慢性病）",
        "M03900　高血压病（两病门诊用药保障）"]
    keyboard.press(Key.Key_Down)
    keyboard.press(Key.Key_Down)
    keyboard.press(Key.Key_Return)
    assert tab.application.picker.disease.name == "慢性乙型肝炎"


def test_reminders_list_due_within_30_days_and_lapsed_sortable_and_printable(
        qtbot, desk, staff, open_window, keyboard, moving_clock):
    plans = (("孙三十", date(2026, 3, 10)), ("周卅一", date(2026, 3, 11)), ("吴过期", date(2026, 2, 1)))
    for number, (name, approved_on) in enumerate(plans, start=1):
        moving_clock.moment = datetime(approved_on.year, approved_on.month, approved_on.day, 9, 0)
        record = insured(desk, staff.clerk, make_id_number("532923", date(1960, 1, number), 10 + number), name)
        filing = chronic.accept_filing(desk, staff.clerk, person_id=record.id, disease_code="M03900", kind="chronic",
                                       materials=ALL_CHRONIC).filing
        chronic.approve_filing(desk, staff.reviewer, filing_id=filing.id)
    # 孙 ends 2027-03-09 (30 days on), 周 2027-03-10 (31 days), 吴 ended 2027-01-31
    moving_clock.moment = datetime(2027, 2, 7, 9, 0)
    _window, tab = open_chronic(qtbot, open_window, keyboard, staff.clerk)
    keyboard.press(Key.Key_F4)
    panel = tab.reminders
    assert panel.isVisible() and keyboard.focused() is panel.table
    rows = panel.shown()
    assert [(row[0], row[1], row[2], row[3]) for row in rows] == [
        ("已过期", "2027-01-31", "已过 7 天", "吴过期"), ("即将到期", "2027-03-09", "30 天", "孙三十")]
    assert panel.count.text() == "即将到期 1 件，已过期 1 件"

    panel.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # days left, most first
    assert [row[3] for row in panel.shown()] == ["孙三十", "吴过期"]

    keyboard.press(Key.Key_P, CTRL)
    text = pdf_text(panel.last_print_path.read_bytes())
    assert "年审提醒清单" in text and text.index("孙三十") < text.index("吴过期") and "周卅一" not in text

    panel.days.setFocus()
    panel.days.selectAll()
    keyboard.type("31")
    assert "周卅一" in [row[3] for row in panel.shown()]

    panel.table.setFocus()
    panel.table.selectRow([row[3] for row in panel.shown()].index("吴过期"))
    keyboard.press(Key.Key_Return)
    assert tab.person is not None and tab.person.name == "吴过期"
    assert tab.stack.currentIndex() == 0 and "已认定" in state_shown(tab)


def test_reject_with_a_listed_reason_prints_the_rejection_notice(qtbot, desk, staff, open_window, keyboard):
    record = insured(desk, staff.clerk)
    chronic.accept_filing(desk, staff.clerk, person_id=record.id, disease_code="M03900", kind="chronic",
                          materials=ALL_CHRONIC[:1])
    window, tab = open_chronic(qtbot, open_window, keyboard, staff.reviewer)
    open_by_id(keyboard, tab)
    assert state_shown(tab) == "待补正" and not tab.filings.approve_button.isEnabled()
    keyboard.press(Key.Key_J, CTRL)
    dialog = tab.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert keyboard.focused() is dialog.reason
    keyboard.press(Key.Key_Return)
    assert dialog.isVisible() and "理由" in dialog.errors.message("reason")
    keyboard.press(Key.Key_Down)
    assert dialog.reason_text() == "诊断依据不足，不符合该病种认定标准"
    keyboard.press(Key.Key_Return)
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.isVisible())
    assert state_shown(tab).startswith("不予认定")
    text = print_preview(qtbot, keyboard, tab.preview)
    assert "不予认定通知书" in text and "诊断依据不足" in text

    # the notice is in the filing's documents and reprints as 补打
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    documents = tab.filings.documents
    titles = [documents.item(row, 1).text() for row in range(documents.rowCount())]
    assert titles[0] == "门诊慢特病待遇不予认定通知书" and "一次性告知书" in titles
    documents.setFocus()
    documents.selectRow(0)
    keyboard.press(Key.Key_Return)
    reprint = print_preview(qtbot, keyboard, tab.preview)
    assert "补打" in reprint
