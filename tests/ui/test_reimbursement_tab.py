"""The 报销计算 tab driven with the keyboard, on a fresh database (clock 2026-03-10 09:30).

The worked example's first claim (reimbursement.md): inpatient, level2, in region, total
30000.00, fully self-paid 1000.00, category-B 2000.00 → 27000.00 / 400.00 / 19950.00 / 0.00 /
10050.00, and 100000.00 − 19950.00 = 80050.00 left of the inpatient cap.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desk.core.idnumber import make_id_number
from desk.services import enrolment, persons, reimbursement

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ID_NUMBER = make_id_number("532923", date(1985, 6, 1), 452)
INPATIENT_CAP = "住院与门诊特殊病年度限额"
FIRST_CLAIM = {"date": "2026-03-01", "benefit": "inpatient", "level": "level2", "in_region": True,
               "total": "30000.00", "fulamt_ownpay": "1000.00", "preselfpay": "2000.00"}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def insured(desk, operator):
    """A resident enrolled for 2026, benefits from 2026-01-01 (paid in the concentrated period)."""
    record = persons.register_person(desk, operator, {"id_type": "居民身份证", "id_number": ID_NUMBER, "name": "赵春花"})
    enrolment.enrol(desk, operator, person_id=record.id, year=2026, paid_on=date(2026, 1, 10))
    return record


def open_person_by_keyboard(keyboard, tab):
    keyboard.press(Key.Key_F2)
    assert keyboard.focused() is tab.search.edit
    keyboard.type(ID_NUMBER)
    keyboard.press(Key.Key_Return)
    assert tab.person_id is not None, tab.bar.text() or tab.search.error.text()
    assert keyboard.focused() is tab.form.date  # the date is selected: typing replaces it


def shown(tab):
    keys = ("inscp_scp_amt", "act_pay_dedc", "hifp_pay", "hifmi_pay", "psn_part_amt")
    return tuple(tab.result.amount(key) for key in keys)


def test_keyboard_claim_live_result_record_print_and_usage(qtbot, desk, staff, open_reimbursement, keyboard):
    insured(desk, staff.clerk)
    _window, tab = open_reimbursement(staff.clerk)
    open_person_by_keyboard(keyboard, tab)
    assert "2026年度城乡居民基本医疗保险" in tab.enrolment_label.text()
    assert not tab.form.retired.isVisibleTo(tab)  # a resident: 退休 does not apply

    keyboard.type("2026-03-01")
    keyboard.press(Key.Key_Tab)
    keyboard.type("5")  # 5 住院
    assert tab.form.benefit.currentData() == "inpatient"
    assert tab.form.form.labels["date"].text().startswith("出院日期")
    assert not tab.form.disease.isEnabled()
    keyboard.press(Key.Key_Tab)
    keyboard.type("6")  # 6 二级
    keyboard.press(Key.Key_Tab)
    assert keyboard.focused() is tab.form.in_region and tab.form.in_region.currentData() is True
    keyboard.press(Key.Key_Tab)
    assert keyboard.focused() is tab.form.total  # 病种 and 集采 are skipped for inpatient
    keyboard.type("30000.00")
    keyboard.press(Key.Key_Tab)
    assert keyboard.focused() is tab.form.admission_date  # inpatient: the admission date beside the total
    keyboard.type("2026-02-20")
    keyboard.press(Key.Key_Tab)
    keyboard.type("1000.00")
    keyboard.press(Key.Key_Tab)
    keyboard.type("2000.00")
    keyboard.press(Key.Key_Tab)
    assert keyboard.focused() is tab.form.institution
    keyboard.type("大理州人民医院")
    keyboard.press(Key.Key_Tab)
    keyboard.type("fp20260301")

    qtbot.waitUntil(lambda: shown(tab) == ("27000.00", "400.00", "19950.00", "0.00", "10050.00"))
    assert tab.result.amount("fund_pay_sumamt") == "19950.00"
    steps = tab.result.steps.text()
    assert "26600.00 × 75% = 19950.00" in steps and "大病保险" in steps
    assert tab.result.marks["hifmi_pay"].isVisibleTo(tab)  # the critical-illness segments are provisional
    assert "大病保险分段标准" in tab.result.provisional_note.text()
    assert not tab.result.status.isVisibleTo(tab)
    assert tab.usage.left_of(INPATIENT_CAP) == "100000.00"  # nothing recorded yet; 80050.00 only after this claim
    assert tab.settlements.table.rowCount() == 0

    keyboard.press(Key.Key_Return)  # Enter records
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.isVisible())
    preview = tab.preview
    assert preview.number.startswith("JS-"), tab.bar.text()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is preview)
    keyboard.press(Key.Key_P, CTRL)
    assert preview.last_print_path is not None, preview.bar.text()
    text = pdf_text(preview.last_print_path.read_bytes())
    assert "医疗费用结算单" in text
    assert "19950.00" in text and "10050.00" in text
    flat = "".join(text.split())
    assert "医疗机构名称大理州人民医院" in flat and "发票号（收据号）FP20260301" in flat
    assert "住院日期2026-02-20至2026-03-01" in flat
    assert "26600.00 × 75% = 19950.00" in text
    keyboard.press(Key.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible())

    assert tab.usage.left_of(INPATIENT_CAP) == "80050.00"
    assert tab.settlements.table.rowCount() == 1
    row = [tab.settlements.table.item(0, column).text() for column in range(9)]
    assert row[:8] == ["2026-03-01", "住院", "30000.00", "19950.00", "0.00", "10050.00", "正常结算", "张经办"]
    assert tab.form.total.text() == "" and tab.form.invoice_number.text() == ""  # a second Enter records nothing
    assert tab.form.institution.text() == "大理州人民医院"  # the next bill is often of the same hospital
    qtbot.waitUntil(lambda: keyboard.focused() is tab.form.date)


def test_refusals_are_shown_beside_their_fields_and_nothing_is_recorded(qtbot, desk, staff, open_reimbursement,
                                                                        keyboard):
    record = insured(desk, staff.clerk)
    _window, tab = open_reimbursement(staff.clerk)
    open_person_by_keyboard(keyboard, tab)
    keyboard.press(Key.Key_Tab)
    keyboard.type("5")
    for _ in range(2):
        keyboard.press(Key.Key_Tab)
    keyboard.press(Key.Key_Tab)
    assert keyboard.focused() is tab.form.total
    keyboard.type("-100")
    error = tab.errors.label("total")
    qtbot.waitUntil(lambda: error.isVisibleTo(tab))
    assert "总费用不能为负数" in error.text()
    assert tab.result.amount("hifp_pay") == ""  # no result for a refused claim
    keyboard.press(Key.Key_S, CTRL)
    keyboard.press(Key.Key_Return)
    assert "不能为负数" in error.text() and tab.preview is None
    assert reimbursement.settlements_of(desk, staff.clerk, person_id=record.id, year=2026) == []
    assert tab.settlements.table.rowCount() == 0

    form = tab.form
    cases = [
        (form.total, "1.234", "total", "格式不正确"),
        (form.fulamt_ownpay, "40000.00", "preselfpay", "不能大于总费用"),
        (form.date, "2026-02-30", "date", "不是有效日期"),
        (form.date, "2024-06-01", "date", "不适用"),
        (form.date, "2025-12-31", "date", "没有有效的参保登记"),
    ]
    form.total.setText("30000.00")
    for widget, text, field, words in cases:
        before = widget.text()
        widget.setText(text)
        qtbot.waitUntil(lambda words=words, field=field: words in tab.errors.message(field), timeout=2000)
        widget.setText(before if widget is not form.total else "30000.00")
        qtbot.waitUntil(lambda field=field: not tab.errors.message(field), timeout=2000)

    form.benefit.setCurrentIndex(form.benefit.findData("chronic_outpatient"))
    assert form.disease.isEnabled() and not form.procurement.isEnabled()
    form.disease.setFocus()
    keyboard.type("gxy")  # pinyin initials of 高血压病
    assert any(text.startswith("M03900") for text in form.completer.model().stringList())
    form.disease.setText("M03900")
    qtbot.waitUntil(lambda: "未申请此病种" in tab.errors.message("disease"), timeout=2000)
    assert tab.errors.message("disease") and not tab.errors.message("date")
    keyboard.press(Key.Key_S, CTRL)
    assert reimbursement.settlements_of(desk, staff.clerk, person_id=record.id, year=2026) == []


def test_reverse_is_for_reviewers_only(qtbot, desk, staff, open_reimbursement):
    insured(desk, staff.clerk)
    _, clerk_tab = open_reimbursement(staff.clerk)
    clerk_tab.run_search(ID_NUMBER)
    assert clerk_tab.person_id is not None
    assert not clerk_tab.settlements.reverse_button.isVisibleTo(clerk_tab)
    _, reviewer_tab = open_reimbursement(staff.reviewer)
    reviewer_tab.run_search(ID_NUMBER)
    assert reviewer_tab.settlements.reverse_button.isVisibleTo(reviewer_tab)


def test_reviewer_reverses_a_clerks_settlement_with_a_reason(qtbot, desk, staff, open_reimbursement, keyboard):
    record = insured(desk, staff.clerk)
    reimbursement.record_settlement(desk, staff.clerk, person_id=record.id, claim_form=FIRST_CLAIM)
    own = reimbursement.record_settlement(desk, staff.reviewer, person_id=record.id,
                                          claim_form=dict(FIRST_CLAIM, date="2026-03-02"))
    window, tab = open_reimbursement(staff.reviewer)
    open_person_by_keyboard(keyboard, tab)
    table = tab.settlements.table
    assert table.rowCount() == 2

    # the reviewer's own settlement (newest, first row): the service refuses, the dialog says why
    assert tab.settlements.selected().settlement_id == own.settlement_id
    keyboard.tab_until(tab.settlements.reverse_button)
    keyboard.press(Key.Key_Space)
    dialog = tab.reason_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    keyboard.type("金额录入错误")
    keyboard.press(Key.Key_Return)
    assert dialog.isVisible() and "须由另一位审核员冲正" in dialog.bar.text()
    keyboard.press(Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    # the clerk's settlement: a reason is required, then the 冲正凭证 opens
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert keyboard.focused() is table  # Esc brings the keyboard back to the list
    keyboard.press(Key.Key_Down)
    assert tab.settlements.selected().operator_name == "张经办"
    keyboard.tab_until(tab.settlements.reverse_button)
    keyboard.press(Key.Key_Space)
    dialog = tab.reason_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    keyboard.press(Key.Key_Return)
    assert dialog.isVisible() and "冲正原因" in dialog.errors.label("reason").text()
    keyboard.type("发票重复报销")
    keyboard.press(Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.isVisible())
    assert tab.preview.number.startswith("CZ-")
    assert "-19950.00" in pdf_text(tab.preview.pdf)

    rows = [[table.item(r, c).text() for c in range(9)] for r in range(table.rowCount())]
    assert len(rows) == 3
    reversal = next(row for row in rows if row[6] == "冲正")
    assert reversal[3] == "-19950.00" and "发票重复报销" in reversal[8] and reversal[7] == "李审核"
    original = next(row for row in rows if row[7] == "张经办")
    assert original[8].startswith("已冲正") and "发票重复报销" in original[8]
    assert tab.usage.left_of(INPATIENT_CAP) == "80050.00"  # only the reviewer's own settlement still counts


# ---------------------------------------------------------------- duplicate bills (issue 13 item 5)

BILL = dict(FIRST_CLAIM, institution="大理州人民医院", invoice_number="FP20260301", admission_date="2026-02-20")


def type_bill(keyboard, tab, *, invoice: str) -> None:
    """The worked example's first claim as a clerk types it after opening the person (date first)."""
    keyboard.type("2026-03-01")
    keyboard.press(Key.Key_Tab)
    keyboard.type("5")  # 住院
    keyboard.press(Key.Key_Tab)
    keyboard.type("6")  # 二级
    keyboard.tab_until(tab.form.total)
    keyboard.type("30000.00")
    keyboard.press(Key.Key_Tab)
    keyboard.type("2026-02-20")
    keyboard.press(Key.Key_Tab)
    keyboard.type("1000.00")
    keyboard.press(Key.Key_Tab)
    keyboard.type("2000.00")
    keyboard.press(Key.Key_Tab)
    keyboard.type("大理州人民医院")
    keyboard.press(Key.Key_Tab)
    keyboard.type(invoice)


def test_an_invoice_already_settled_is_refused_beside_the_field(qtbot, desk, staff, open_reimbursement, keyboard):
    record = insured(desk, staff.clerk)
    first = reimbursement.record_settlement(desk, staff.clerk, person_id=record.id, claim_form=BILL)
    _window, tab = open_reimbursement(staff.clerk)
    open_person_by_keyboard(keyboard, tab)
    type_bill(keyboard, tab, invoice="fp20260301")  # lower case: the same invoice
    keyboard.press(Key.Key_Return)
    message = tab.errors.message("invoice_number")
    assert message == (f"发票号 FP20260301 已于 2026-03-10 结算（结算单编号 {first.voucher.number}，总费用 30000.00 元），"
                       "同一张票据不能重复报销。如那笔结算有误，须先由审核员冲正，再重新记录。")
    assert first.voucher.number in tab.result.bar.text()
    assert keyboard.focused() is tab.form.invoice_number  # the keyboard goes to the field to correct
    assert tab.preview is None and tab.similar_box is None
    assert len(reimbursement.settlements_of(desk, staff.clerk, person_id=record.id, year=2026)) == 1


def test_a_bill_like_a_settled_one_is_asked_about_and_yes_records(qtbot, desk, staff, open_reimbursement, keyboard):
    record = insured(desk, staff.clerk)
    first = reimbursement.record_settlement(desk, staff.clerk, person_id=record.id, claim_form=BILL)
    window, tab = open_reimbursement(staff.clerk)
    open_person_by_keyboard(keyboard, tab)
    type_bill(keyboard, tab, invoice="FP20260302")  # another invoice number, the same hospital, dates and total
    qtbot.waitUntil(lambda: "疑似重复报销" in tab.result.bar.text())  # said while typing, before Enter
    assert first.voucher.number in tab.result.bar.text() and tab.result.amount("hifp_pay") == "19950.00"
    keyboard.press(Key.Key_Return)
    box = tab.similar_box
    assert box is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    assert f"2026-03-10 结算单 {first.voucher.number}（大理州人民医院，2026-02-20 至 2026-03-01，总费用 30000.00 元，" \
           "发票号 FP20260301）" in box.text()
    keyboard.press(Key.Key_Return)  # the default is 不记录: Enter never records a duplicate
    qtbot.waitUntil(lambda: not box.isVisible())
    assert len(reimbursement.settlements_of(desk, staff.clerk, person_id=record.id, year=2026)) == 1
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert keyboard.focused() is tab.form.invoice_number and tab.form.total.text() == "30000.00"  # the form as typed

    keyboard.press(Key.Key_S, CTRL)
    box = tab.similar_box
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    keyboard.press(Key.Key_Y, Qt.KeyboardModifier.AltModifier)  # 仍要记录(&Y)
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.isVisible())
    entries = reimbursement.settlements_of(desk, staff.clerk, person_id=record.id, year=2026)
    assert len(entries) == 2
    assert "FP20260302" in "".join(pdf_text(tab.preview.pdf).split())
