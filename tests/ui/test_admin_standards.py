"""年度缴费标准 on the 政策包 page, the 录入年度标准 dialog and the administrator's notice at login,
driven by keyboard on a fresh database with the clock on 2026-12-01 (collection for 2027 under way)."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from desk.services import standards
from desk.ui.admin_standard_dialog import AMOUNT_COLUMN, StandardDialog

Key = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
PACK = "dali-resident-2025"
DOC = "云医保〔2026〕88号"
DECEMBER = datetime(2026, 12, 1, 9, 30)
UNTRANSLATED = ("confirmed", "provisional", "missing", "dibao", "tekun", "individual", "full")


def table_texts(table) -> list[list[str]]:
    return [[table.item(row, column).text() for column in range(table.columnCount())] for row in range(table.rowCount())]


def row_of(table, first: str) -> list[str]:
    return next(row for row in table_texts(table) if row[0] == first)


def count(desk, table: str) -> int:
    return desk.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.fixture
def december(moving_clock):
    moving_clock.moment = DECEMBER
    return moving_clock


@pytest.fixture
def packs_page(qtbot, december, admin_window, keyboard):
    window, panel, page = admin_window("packs")
    page.focus_first()
    qtbot.waitUntil(lambda: keyboard.focused() is page.packs)
    return window, panel, page


def open_dialog(qtbot, page, keyboard) -> StandardDialog:
    assert page.enter_button.text() == "录入年度标准… (Alt+N)"
    keyboard.press(Key.Key_N, ALT)
    dialog = page.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def type_in_cell(keyboard, text: str) -> None:
    """Typing into a table cell: the first key opens the editor, the rest go to it; Enter commits."""
    for character in text:
        keyboard.type(character)
    keyboard.press(Key.Key_Return)


def test_the_administrator_enters_2027_by_keyboard_and_the_page_shows_it_confirmed(qtbot, desk, staff, packs_page,
                                                                                    keyboard):
    _window, panel, page = packs_page
    assert page.packs.item(page.packs.currentRow(), 0).text() == PACK
    assert row_of(page.years_table, "2027年度")[1:3] == ["—", "尚未录入"]
    assert "2027年度的个人缴费标准尚未录入" in page.standards_summary.text()

    dialog = open_dialog(qtbot, page, keyboard)
    assert dialog.windowTitle() == "录入年度标准"
    assert keyboard.focused() is dialog.year and dialog.year.text() == "2027"  # the first missing year
    assert "暂定" in dialog.status_note.text()  # no document yet: the dialog says the values would be provisional
    keyboard.press(Key.Key_Tab)
    assert keyboard.focused() is dialog.individual
    keyboard.type("420.00")
    keyboard.press(Key.Key_Tab)
    assert keyboard.focused() is dialog.groups
    for _ in range(5):  # 特困供养人员 … 城乡低保对象
        keyboard.press(Key.Key_Down)
    assert dialog.groups.item(dialog.groups.currentRow(), 0).text() == "城乡低保对象"
    type_in_cell(keyboard, "150.00")
    assert dialog.isVisible() and dialog.amount_cell("dibao").text() == "150.00"  # Enter only committed the cell
    keyboard.press(Key.Key_Tab)
    assert keyboard.focused() is dialog.document
    keyboard.type(DOC)
    assert "已确认" in dialog.status_note.text()
    keyboard.press(Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted

    assert row_of(page.years_table, "2027年度")[1:3] == ["420.00", "已确认"]
    assert page.selected_year().year == 2027
    values = {row[0]: row for row in table_texts(page.year_values)}
    assert values["个人缴费标准"] == ["个人缴费标准", "420.00", "已确认", "（文件未载该年度）", DOC]
    assert values["城乡低保对象"] == ["城乡低保对象", "150.00", "已确认", "120.00（暂定）", DOC]  # bundled beside it
    assert values["已脱贫人口"][1:4] == ["180.00", "暂定", ""]  # not entered: the pack's table amount
    page.year_values.selectRow(list(values).index("城乡低保对象"))
    assert "来源：" + DOC in page.year_detail.text() and "政策包文件原值 120.00（暂定）" in page.year_detail.text()
    assert page.year_values.item(0, 2).background().color().name() != "#fff4d6"
    [history] = table_texts(page.history)
    assert history == ["2027年度", "420.00", "城乡低保对象 150.00", DOC, "已确认", "王管理", "2026-12-01 09:30"]
    assert page.sections.tabText(1) == "录入记录（1）"
    assert "已录入2027年度缴费标准" in page.bar.text() and DOC in page.bar.text()
    assert count(desk, "annual_standards") == 1
    assert desk.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'standard.enter'").fetchone()[0] == 1
    assert standards.year_in_force(desk, PACK, 2027).individual.amount == "420.00"
    assert "2027年度个人缴费标准尚未录入" not in panel.notice.text()  # the notice follows at once
    shown = [cell for table in (page.years_table, page.year_values, page.history) for row in table_texts(table) for cell in row]
    assert not any(cell in UNTRANSLATED for cell in shown)


def test_a_bad_amount_is_refused_beside_its_field_and_nothing_is_written(qtbot, desk, staff, packs_page, keyboard):
    _window, _panel, page = packs_page
    dialog = open_dialog(qtbot, page, keyboard)
    keyboard.press(Key.Key_Tab)
    keyboard.type("42o")
    keyboard.press(Key.Key_Return)
    assert dialog.isVisible()
    assert "格式不正确" in dialog.errors.message("individual") and "42o" in dialog.errors.message("individual")
    assert keyboard.focused() is dialog.individual
    assert "什么也没有保存" in dialog.bar.text()
    assert count(desk, "annual_standards") == 0

    dialog.individual.selectAll()
    keyboard.type("420.00")
    keyboard.press(Key.Key_Tab)
    for _ in range(5):
        keyboard.press(Key.Key_Down)
    type_in_cell(keyboard, "999")
    keyboard.press(Key.Key_Return)  # outside the editor: 确定
    assert dialog.isVisible() and dialog.errors.message("individual") == ""
    assert "城乡低保对象" in dialog.errors.message("subsidy") and "超过个人缴费标准" in dialog.errors.message("subsidy")
    assert dialog.amount_cell("dibao").background().color().name() == "#fdecea"
    assert count(desk, "annual_standards") == 0
    assert desk.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'standard.enter'").fetchone()[0] == 0

    keyboard.press(Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert row_of(page.years_table, "2027年度")[2] == "尚未录入"


def test_without_a_document_the_entry_is_provisional_and_marked_so(qtbot, desk, staff, packs_page, keyboard):
    _window, _panel, page = packs_page
    dialog = open_dialog(qtbot, page, keyboard)
    dialog.individual.setText("420.00")
    dialog.amount_cell("dibao").setText("全额")
    dialog.submit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert row_of(page.years_table, "2027年度")[1:3] == ["420.00", "暂定"]
    assert page.years_table.item(page.years_table.currentRow(), 2).background().color().name() == "#fff4d6"
    values = {row[0]: row for row in table_texts(page.year_values)}
    assert values["城乡低保对象"][1:3] == ["全额", "暂定"]
    assert "未注明文件" in values["个人缴费标准"][4]
    [history] = table_texts(page.history)
    assert history[2:5] == ["城乡低保对象 全额", "（未填文件号）", "暂定"]
    assert page.bar.kind == "warning" and "暂定" in page.bar.text()


def test_a_year_already_entered_is_prefilled_and_a_new_version_replaces_it(qtbot, desk, staff, packs_page, keyboard):
    _window, _panel, page = packs_page
    standards.enter_standard(desk, staff.admin, pack_id=PACK, year=2027, individual="420.00",
                             subsidies=[("dibao", "150.00")], document=DOC)
    page.refresh()
    dialog = open_dialog(qtbot, page, keyboard)
    assert dialog.year.text() == str(DECEMBER.year + 1)  # nothing missing any more: next year
    assert dialog.individual.text() == "420.00" and dialog.amount_cell("dibao").text() == "150.00"
    assert dialog.document.text() == DOC and "新版本" in dialog.year_note.text()
    dialog.individual.setText("430.00")
    dialog.document.setText("云医保〔2026〕99号")
    dialog.submit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert row_of(page.years_table, "2027年度")[1:3] == ["430.00", "已确认"]
    assert [row[1] for row in table_texts(page.history)] == ["420.00", "430.00"]  # both versions, oldest first


def test_a_pack_without_contribution_offers_no_entry(qtbot, desk, staff, packs_page, keyboard):
    _window, _panel, page = packs_page
    rows = [page.packs.item(row, 0).text() for row in range(page.packs.rowCount())]
    page.packs.selectRow(rows.index("huaibei-employee-2025"))
    assert not page.enter_button.isEnabled() and "不收个人缴费" in page.standards_summary.text()
    assert page.years_table.rowCount() == 0
    keyboard.press(Key.Key_N, ALT)
    assert page.dialog is None


def test_the_administrator_is_told_at_login_what_is_missing_and_a_clerk_is_not(qtbot, desk, staff, december,
                                                                               admin_window, open_window):
    window, panel, _page = admin_window("operators")
    assert panel.notice.isVisible() and panel.notice.kind == "warning"
    text = panel.notice.text()
    assert "2027年度个人缴费标准尚未录入" in text and "系统管理 → 政策包 → 录入年度标准…" in text
    assert "2027年的节假日安排尚未载入" in text and "系统管理 → 节假日安排" in text
    assert window.statusBar().currentMessage() == ""  # nothing modal, nothing in the way

    clerk_window = open_window(staff.clerk)
    texts = [label.text() for label in clerk_window.findChildren(QLabel)]
    assert not any("录入年度标准" in text or "节假日安排尚未载入" in text for text in texts)
    assert "录入年度标准" not in clerk_window.statusBar().currentMessage()


def test_no_notice_when_nothing_is_due(qtbot, desk, staff, admin_window):
    _window, panel, _page = admin_window("operators")  # 2026-03-10: 2026 is entered and its schedule shipped
    assert panel.notice.isHidden() and panel.notices == []


def test_the_dialog_and_amount_cells_by_code(qtbot, desk, staff, december):
    dialog = StandardDialog(desk, staff.admin, PACK)
    qtbot.addWidget(dialog)
    names = [dialog.groups.item(row, 0).text() for row in range(dialog.groups.rowCount())]
    assert "城乡低保对象" in names and "dibao" not in names
    assert dialog.amount_cell("tekun").row() == 0 and dialog.groups.item(0, 1).text() == "全额"
    assert dialog.amount_cell("dibao").column() == AMOUNT_COLUMN and dialog.amount_cell("nobody") is None
