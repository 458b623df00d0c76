"""The 参保登记 tab in the concentrated period for 2027 (today 2026-12-01): before the administrator
has entered the 2027 standard one notice says who must act and no field is red; after it, the clerk
enrols for 2027 and the receipt names the document."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt

from desk.core.idnumber import make_id_number
from desk.services import persons, standards
from desk.services.context import Desk
from desk.ui.enrolment_tab import EnrolmentTab
from tests.vouchers.pdf_helpers import compact, pdf_text

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
TODAY = datetime(2026, 12, 1, 9, 30)
ID_NUMBER = make_id_number("532923", date(1985, 6, 1), 452)


@pytest.fixture
def desk(tmp_path):
    opened = Desk.open(tmp_path / "desk.db", clock=lambda: TODAY)
    yield opened
    opened.close()


def open_person(qtbot, window, keyboard) -> EnrolmentTab:
    tab = window.tabs.currentWidget()
    assert isinstance(tab, EnrolmentTab)
    keyboard.press(Key.Key_F2)
    keyboard.type(ID_NUMBER)
    keyboard.press(Key.Key_Return)
    qtbot.waitUntil(lambda: tab.person is not None)
    return tab


def test_2027_waits_for_the_administrator_then_the_clerk_enrols(qtbot, desk, staff, open_window, keyboard):
    persons.register_person(desk, staff.clerk, {
        "id_type": "居民身份证", "id_number": ID_NUMBER, "name": "杨丽华", "groups": [
            {"code": "dibao", "document": "低保证 532923-0012"}]})
    window = open_window(staff.clerk)
    tab = open_person(qtbot, window, keyboard)
    assert tab.inputs.year.value() == 2027  # the year the concentrated period pays for

    qtbot.waitUntil(lambda: "尚未录入" in tab.summary.bar.text())
    assert "请管理员" in tab.summary.bar.text()
    assert tab.errors.message("year") == ""  # not the clerk's mistake: no red field

    keyboard.press(Key.Key_Return, CTRL)  # 办理参保 is refused the same way, nothing written
    assert desk.db.execute("SELECT COUNT(*) FROM enrolments").fetchone()[0] == 0
    assert tab.errors.message("year") == ""

    standards.enter_standard(desk, staff.admin, pack_id="dali-resident-2025", year=2027, individual="420.00",
                             subsidies=[("dibao", "150.00")], document="云医保〔2026〕88号")
    tab.refresh_quote()
    qtbot.waitUntil(lambda: tab.summary.payable.text() == "270.00 元")  # 420.00 - 150.00
    assert not tab.summary.individual_mark.isVisibleTo(tab.summary)  # confirmed by the document: no 暂定

    keyboard.press(Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.isVisible())
    text = compact(pdf_text(tab.preview.pdf))
    assert "2027年度" in text and "270.00" in text and "云医保〔2026〕88号" in text and "暂定" not in text
    row = desk.db.execute("SELECT year, payable_fen, benefit_start FROM enrolments").fetchone()
    assert row == (2027, 27000, "2027-01-01")
