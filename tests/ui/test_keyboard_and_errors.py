"""Keyboard and errors (issue 13, item 7): after a refused save the cursor goes to the first field
in error, in form order; the banner's refusal goes once the fields are fixed; an empty amount
asks to be filled in rather than calling "" a format error."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from desk.core.errors import Problem, ValidationError
from desk.core.idnumber import make_id_number
from desk.core.money import AmountError, parse_amount
from desk.services import enrolment, persons, reimbursement
from desk.ui.errors import MessageBar, run_action
from desk.ui.widgets import FormGrid

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ID_NUMBER = make_id_number("532923", date(1985, 6, 1), 452)


def test_an_empty_amount_asks_to_be_filled_in():
    for empty in ("", "  ", "\u3000"):
        with pytest.raises(AmountError) as caught:
            parse_amount(empty, "total", "总费用")
        assert caught.value.message == "请填写总费用。" and caught.value.field == "total"


def two_field_form(qtbot):
    from desk.ui.errors import FieldErrors

    page = QWidget()
    layout = QVBoxLayout(page)
    bar = MessageBar()
    errors = FieldErrors()
    grid = FormGrid(errors)
    top, below = QLineEdit(), QLineEdit()
    grid.add_row("上面", top, "top", required=True)
    grid.add_row("下面", below, "below", required=True)
    layout.addWidget(bar)
    layout.addWidget(grid)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    return page, bar, errors, top, below


def refuse(bar, errors):
    def call():  # the problems come bottom field first: focus still goes to the top one
        raise ValidationError([Problem("below", "below", "请填写下面。"), Problem("top", "top", "请填写上面。")])
    return run_action(call, bar=bar, fields=errors)


def test_refusal_focuses_the_first_field_in_form_order_and_the_banner_goes_when_all_are_fixed(qtbot):
    page, bar, errors, top, below = two_field_form(qtbot)
    below.setFocus()
    ok, _ = refuse(bar, errors)
    assert not ok
    assert QApplication.focusWidget() is top
    assert set(errors.in_error()) == {"below", "top"}
    refusal = bar.text()
    assert refusal and bar.isVisibleTo(page)

    qtbot.keyClicks(top, "a")  # the clerk fixes the first field: its red label goes, the banner stays
    assert errors.message("top") == "" and errors.message("below") == "请填写下面。"
    assert bar.text() == refusal and bar.isVisibleTo(page)

    below.setText("typed by the programme")  # not the clerk's edit: nothing is cleared
    assert errors.message("below") == "请填写下面。" and bar.text() == refusal

    qtbot.keyClicks(below, "b")  # the last one fixed: the refusal leaves the banner
    assert errors.in_error() == []
    assert bar.text() == "" and not bar.isVisibleTo(page)


def test_a_newer_banner_message_is_not_cleared_by_fixing_an_older_refusal(qtbot):
    _page, bar, errors, top, below = two_field_form(qtbot)
    refuse(bar, errors)
    bar.show_info("已保存别的内容。")
    qtbot.keyClicks(top, "a")
    qtbot.keyClicks(below, "b")
    assert bar.text() == "已保存别的内容。"


def open_person(keyboard, tab):
    keyboard.press(Key.Key_F2)
    keyboard.type(ID_NUMBER)
    keyboard.press(Key.Key_Return)
    assert tab.person_id is not None, tab.bar.text()


def test_reimbursement_empty_total_refused_focus_goes_to_it_and_typing_it_clears_the_banner(
        qtbot, desk, staff, open_reimbursement, keyboard):
    record = persons.register_person(desk, staff.clerk, {"id_type": "居民身份证", "id_number": ID_NUMBER, "name": "赵春花"})
    enrolment.enrol(desk, staff.clerk, person_id=record.id, year=2026, paid_on=date(2026, 1, 10))
    _window, tab = open_reimbursement(staff.clerk)
    open_person(keyboard, tab)
    keyboard.type("2026-03-01")
    assert tab.form.total.text() == ""
    keyboard.press(Key.Key_S, CTRL)
    keyboard.press(Key.Key_Return)  # a possible question is answered; the save is refused anyway
    qtbot.waitUntil(lambda: "请填写总费用" in tab.errors.message("total"), timeout=3000)
    assert "格式不正确" not in tab.errors.message("total")
    assert keyboard.focused() is tab.form.total
    assert reimbursement.settlements_of(desk, staff.clerk, person_id=record.id, year=2026) == []

    keyboard.type("1200.00")
    qtbot.waitUntil(lambda: not tab.errors.message("total"), timeout=3000)
    assert "请填写总费用" not in tab.result.bar.text()


def test_enrolment_refused_registration_puts_the_cursor_in_the_first_field_in_error(
        qtbot, desk, staff, open_window, keyboard):
    from desk.ui.enrolment_tab import EnrolmentTab

    window = open_window(staff.clerk)
    tab = next(window.tabs.widget(i) for i in range(window.tabs.count())
               if isinstance(window.tabs.widget(i), EnrolmentTab))
    window.tabs.setCurrentWidget(tab)
    keyboard.press(Key.Key_N, CTRL)
    assert keyboard.focused() is tab.form.id_number
    keyboard.press(Key.Key_Tab)
    keyboard.type("李秀英")  # the name, but no ID number
    keyboard.press(Key.Key_S, CTRL)
    assert tab.person is None and persons.search_persons(desk, staff.clerk, "李秀英") == []
    assert tab.errors.message("id_number")
    assert keyboard.focused() is tab.form.id_number


CLAIM = {"date": "2026-03-01", "benefit": "inpatient", "level": "level2", "in_region": True,
         "total": "30000.00", "fulamt_ownpay": "1000.00", "preselfpay": "2000.00"}


def test_ctrl_r_reverses_the_selected_settlement_for_a_reviewer_and_the_button_says_so(
        qtbot, desk, staff, open_reimbursement, keyboard):
    record = persons.register_person(desk, staff.clerk, {"id_type": "居民身份证", "id_number": ID_NUMBER, "name": "赵春花"})
    enrolment.enrol(desk, staff.clerk, person_id=record.id, year=2026, paid_on=date(2026, 1, 10))
    reimbursement.record_settlement(desk, staff.clerk, person_id=record.id, claim_form=CLAIM)

    window, tab = open_reimbursement(staff.clerk)
    open_person(keyboard, tab)
    keyboard.press(Key.Key_R, CTRL)  # a clerk has no 冲正: nothing opens
    assert getattr(tab, "reason_dialog", None) is None
    assert QApplication.activeWindow() is window
    window.close()

    window, tab = open_reimbursement(staff.reviewer)
    assert tab.settlements.reverse_button.text() == "冲正所选结算… (Ctrl+R)"
    open_person(keyboard, tab)
    assert tab.settlements.selected() is not None
    keyboard.press(Key.Key_R, CTRL)
    qtbot.waitUntil(lambda: getattr(tab, "reason_dialog", None) is not None
                    and QApplication.activeWindow() is tab.reason_dialog)
    keyboard.press(Key.Key_Escape)
    qtbot.waitUntil(lambda: not tab.reason_dialog.isVisible())


# ------------------------------------------------------------------ every button shows its shortcut

SHOWN_KEY = re.compile(r"\(([^()]+)\)$")
NOT_A_SHORTCUT = {"Enter"}  # a focused button or a list's row: Enter presses it, nothing window-wide


def screens_of(window):
    """(name, widget) for every tab of the business window, or every page of the administration."""
    if window.tabs.count():
        return [(window.tabs.tabText(i), window.tabs.widget(i)) for i in range(window.tabs.count())]
    panel = window.centralWidget()
    return [(panel.tabs.tabText(i), panel.tabs.widget(i)) for i in range(panel.tabs.count())]


def keys_on(window, screen, *, live_only: bool) -> list[str]:
    """The shortcuts of one screen: its own, its panel's, and the window's menu actions; `live_only`:
    those whose widget is showing now (a hidden page's shortcuts are inactive)."""
    from PySide6.QtGui import QAction, QShortcut

    items = list(screen.findChildren(QShortcut))
    owner = screen.parentWidget()
    while owner is not None and owner is not window:
        items += owner.findChildren(QShortcut, options=Qt.FindChildOption.FindDirectChildrenOnly)
        owner = owner.parentWidget()
    keys = [item.key().toString() for item in items
            if item.isEnabled() and (not live_only or item.parent().isVisible())]
    return keys + [action.shortcut().toString() for action in window.findChildren(QAction)
                   if not action.shortcut().isEmpty()]


def views_of(screen):
    """Show each page of every stack in the screen in turn (the 门诊慢特病 tab's 办理/提醒 pages, ...)."""
    from PySide6.QtWidgets import QStackedWidget

    yield "main"
    for stack in screen.findChildren(QStackedWidget):
        first = stack.currentIndex()
        for index in range(stack.count()):
            stack.setCurrentIndex(index)
            yield f"{stack.objectName() or 'stack'}[{index}]"
        stack.setCurrentIndex(first)


def test_every_button_on_every_screen_shows_a_working_shortcut_and_none_clash(qtbot, staff, open_window):
    from PySide6.QtWidgets import QPushButton

    checked = 0
    for who in (staff.reviewer, staff.admin):
        window = open_window(who)
        for index, (name, screen) in enumerate(screens_of(window)):
            if window.tabs.count():
                window.tabs.setCurrentIndex(index)
            else:
                window.centralWidget().show_page(index)
            qtbot.waitUntil(screen.isVisible)
            for view in views_of(screen):
                live = keys_on(window, screen, live_only=True)
                clashes = {key for key in live if live.count(key) > 1}
                assert not clashes, f"{who.username} {name} {view}: {clashes}"
            every = keys_on(window, screen, live_only=False)
            for button in screen.findChildren(QPushButton):
                if button.isHidden():  # put away on this screen (新登记 on 报销计算), or not for this operator
                    continue
                caption = button.text().replace("(&", "(Alt+").replace("&", "")
                shown = SHOWN_KEY.search(caption)
                assert shown, f"{who.username} {name}: “{button.text()}” shows no shortcut"
                if shown.group(1) not in NOT_A_SHORTCUT:
                    assert shown.group(1) in every, f"{who.username} {name}: “{button.text()}” is not a shortcut here"
                checked += 1
        window.close()
    assert checked >= 25


def test_alt_y_puts_the_cursor_in_the_year(qtbot, staff, open_window, keyboard):
    from desk.ui.enrolment_tab import EnrolmentTab

    window = open_window(staff.clerk)
    tab = next(window.tabs.widget(i) for i in range(window.tabs.count())
               if isinstance(window.tabs.widget(i), EnrolmentTab))
    window.tabs.setCurrentWidget(tab)
    assert keyboard.focused() is not tab.inputs.year
    keyboard.press(Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    assert keyboard.focused() is tab.inputs.year


def test_the_steps_box_shows_six_lines_at_1366_by_768(qtbot, staff, open_reimbursement):
    """Maximized on a 1366×768 screen, less the taskbar (40) and the title bar (28): 1366×700."""
    from PySide6.QtWidgets import QScrollArea

    window, tab = open_reimbursement(staff.clerk)
    window.showNormal()
    window.resize(1366, 700)
    qtbot.waitUntil(lambda: window.height() <= 700)
    steps = tab.result.steps
    scroll = steps.parentWidget()
    while not isinstance(scroll, QScrollArea):
        scroll = scroll.parentWidget()
    six_lines = 6 * steps.fontMetrics().lineSpacing()
    assert scroll.viewport().height() >= six_lines
    assert scroll.minimumHeight() >= six_lines  # whatever the font and the rest of the tab ask for


# -------------------------------------------------- larger result panes: 参保登记 and 门诊慢特病 at a counter PC


def scroll_area_of(widget):
    from PySide6.QtWidgets import QScrollArea

    area = widget.parentWidget()
    while not isinstance(area, QScrollArea):
        area = area.parentWidget()
    return area


def shown_without_scrolling(widget) -> bool:
    """All of the widget lies inside its scroll area's viewport as the tab opens (nothing to scroll to)."""
    from PySide6.QtCore import QPoint

    viewport = scroll_area_of(widget).viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    return (widget.isVisible() and top_left.y() >= 0 and top_left.x() >= 0
            and top_left.y() + widget.height() <= viewport.height()
            and top_left.x() + widget.width() <= viewport.width())


def counter_size(qtbot, window, width=1366, height=700):
    """Maximized on a 1366×768 screen, less the taskbar (40) and the title bar (28): 1366×700."""
    window.showNormal()
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height)
    QApplication.processEvents()


def test_the_whole_enrolment_summary_and_the_first_person_fields_show_at_1366_by_700(qtbot, desk, staff,
                                                                                   open_window):
    """A 低保 person who also ticked two groups that do not apply to a 40-year-old: every line the
    summary has (the 暂定 values, the big amounts, the reason, the groups that do not apply, the
    note and the pack) is read out without scrolling; the form shows 证件类型 to 联系电话."""
    record = persons.register_person(desk, staff.clerk, {
        "id_type": "居民身份证", "id_number": ID_NUMBER, "name": "赵春花", "phone": "13908721234",
        "groups": [{"code": "dibao", "document": "DB-1"}, {"code": "low_income_minor", "document": "LM-1"},
                   {"code": "fp_only_child", "document": "FC-1"}]})
    window = open_window(staff.clerk)
    tab = window.tabs.currentWidget()
    counter_size(qtbot, window)
    tab.open_person(record.id)
    summary = tab.summary
    qtbot.waitUntil(lambda: summary.stack.currentIndex() == 1)
    QApplication.processEvents()
    assert summary.payable.text() == "280.00 元"  # 400.00 less the 低保 120.00
    assert summary.not_applicable.text().count("\n·") == 2 and summary.provisional_note.text()
    lines = [summary.individual, summary.individual_mark, summary.subsidy, summary.payable, summary.benefit_start,
             summary.waiting, summary.reason, summary.not_applicable, summary.provisional_note, summary.pack]
    for line in lines:
        assert shown_without_scrolling(line), line.text()
    for widget in (*tab.inputs.inputs, tab.enrol_button, tab.certificate_button):
        assert widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect(), widget
    form = tab.form
    for field in (form.id_type, form.id_number, form.name, form.sex, form.birth_date, form.native_region,
                  form.ethnicity, form.phone):
        assert shown_without_scrolling(field), field
    assert not scroll_area_of(summary).horizontalScrollBar().isVisible()
    assert not scroll_area_of(form).horizontalScrollBar().isVisible()
    assert tab.history.isVisible() and tab.history.enrolments.viewport().height() > 0


def test_the_filings_list_shows_five_rows_and_every_material_of_the_longest_disease_at_1366_by_700(
        qtbot, desk, staff, open_window):
    from desk.services import chronic
    from desk.ui.chronic_tab import ChronicTab

    record = persons.register_person(desk, staff.clerk, {"id_type": "居民身份证", "id_number": ID_NUMBER,
                                                         "name": "赵春花", "phone": "13908721234"})
    enrolment.enrol(desk, staff.clerk, person_id=record.id, year=2026, paid_on=date(2026, 1, 10))
    catalogue = chronic.catalogue(desk).diseases
    longest = max(catalogue, key=lambda d: (len(d.materials), sum(len(m.name) for m in d.materials)))
    assert len(longest.materials) >= 4
    chronic.accept_filing(desk, staff.clerk, person_id=record.id, disease_code="M03900", kind="chronic",
                          materials=[m.key for m in chronic.disease(desk, "M03900", "chronic").materials])
    window = open_window(staff.reviewer)
    tab = next(window.tabs.widget(i) for i in range(window.tabs.count())
               if isinstance(window.tabs.widget(i), ChronicTab))
    window.tabs.setCurrentWidget(tab)
    counter_size(qtbot, window)
    tab.open_person(record.id)
    filings = tab.filings.filings
    qtbot.waitUntil(lambda: filings.rowCount() == 1)
    QApplication.processEvents()
    assert filings.viewport().height() >= 5 * filings.verticalHeader().defaultSectionSize()
    for table in (tab.filings.events, tab.filings.documents):
        assert table.viewport().height() >= 2 * table.verticalHeader().defaultSectionSize()
    assert not tab.filings.documents.horizontalScrollBar().isVisible()  # the four columns in full
    tab.application.picker.choose(longest)
    QApplication.processEvents()
    holders = tab.application.materials._holders
    assert len(holders) == len(longest.materials)
    for holder in holders:
        assert shown_without_scrolling(holder)
    agent = tab.application.agent
    assert shown_without_scrolling(agent) and not agent.name.isVisible()  # folded while unticked
    agent.setChecked(True)
    qtbot.waitUntil(lambda: agent.name.isVisible() and shown_without_scrolling(agent.relationship))


def test_at_1280_by_652_the_primary_buttons_of_every_tab_are_on_screen(qtbot, desk, staff, open_window):
    """The smallest supported screen, 1280×720, maximized: 1280×652. No tab asks the window for more
    height (the 报销计算 tab's steps box keeps its six lines: its lists below give way)."""
    from desk.ui.chronic_tab import ChronicTab
    from desk.ui.enrolment_tab import EnrolmentTab
    from desk.ui.reimbursement_tab import ReimbursementTab

    record = persons.register_person(desk, staff.clerk, {"id_type": "居民身份证", "id_number": ID_NUMBER,
                                                         "name": "赵春花",
                                                         "groups": [{"code": "dibao", "document": "DB-1"}]})
    window = open_window(staff.reviewer)
    tabs = [window.tabs.widget(i) for i in range(window.tabs.count())]
    assert window.minimumSizeHint().height() <= 652
    counter_size(qtbot, window, 1280, 652)
    enrol_tab = next(t for t in tabs if isinstance(t, EnrolmentTab))
    chronic_tab = next(t for t in tabs if isinstance(t, ChronicTab))
    reimbursement_tab = next(t for t in tabs if isinstance(t, ReimbursementTab))
    for tab, buttons in ((enrol_tab, ("enrol_button", "certificate_button", "save_button", "import_button")),
                         (chronic_tab, ("accept_button",)), (reimbursement_tab, ("record_button", "print_button"))):
        window.tabs.setCurrentWidget(tab)
        tab.open_person(record.id)
        QApplication.processEvents()
        shown = [getattr(tab, name) for name in buttons] + [tab.search.search_button]
        if tab is chronic_tab:
            shown += [tab.filings.print_button, *tab.filings.review_buttons()]
        for button in shown:
            assert button.isVisible() and button.visibleRegion().boundingRect() == button.rect(), button.text()
            corner = button.mapTo(window, button.rect().bottomRight())
            assert corner.x() < 1280 and corner.y() < 652, button.text()
