"""参保登记: search first; the person form; the enrolment inputs with a live summary; history.

Every action is one service call through `run_action`; what the tab shows comes from
`desk.screens.enrolment`, one call per refresh (`person_screen` for the person and their
records, `quote_screen` for the summary). This module holds no SQL, no policy arithmetic
and no business rule.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from desk.screens import common
from desk.screens import enrolment as screen
from desk.services import enrolment, persons
from desk.services.context import Desk, Operator
from desk.ui.enrolment_panel import EnrolmentInputs, SummaryPanel
from desk.ui.errors import FieldErrors, MessageBar, run_action
from desk.ui.history_panel import HistoryPanel, ReasonDialog
from desk.ui.pdf_preview import PdfPreviewDialog
from desk.ui.person_form import PersonForm
from desk.ui.person_tab import PersonTab
from desk.ui.search_panel import SearchPanel
from desk.ui.widgets import action_button, scrolling, shortcut, split_pair, with_buttons

QUOTE_DEBOUNCE_MS = 150
HISTORY_HEIGHT = 150  # the history's first height: its tab bar, the header and three records
ENROLMENT_FIELDS = ("year", "paid_on", "newborn", "employee_ended_on", "arrears_years")


class EnrolmentTab(PersonTab):
    def __init__(self, desk: Desk, operator: Operator, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.operator = desk, operator
        self.person: persons.PersonRecord | None = None
        self._saved_form: dict | None = None
        self.preview: PdfPreviewDialog | None = None
        self._history: list[common.HistoryRow] = []
        setup = screen.enrolment_setup(desk, operator)
        self.errors = FieldErrors()
        self.bar = MessageBar()
        self.search = SearchPanel()
        self.form = PersonForm(desk, setup.groups, self.errors)
        self.inputs = EnrolmentInputs(self.errors, setup.benefit_year, setup.today)
        self.summary = SummaryPanel()
        self.history = HistoryPanel(setup.can_cancel)
        self.save_button = action_button(self.tr("保存参保人信息"), "Ctrl+S")
        self.enrol_button = action_button(self.tr("办理参保登记"), "Ctrl+Enter",
                                          self.tr("按左侧信息办理参保登记并出具回执（Ctrl+Enter）"))
        self.enrol_button.setProperty("primary", True)
        self.certificate_button = action_button(self.tr("打印参保凭证"), "Ctrl+P")
        self.import_button = action_button(self.tr("批量导入"), "Ctrl+I", self.tr("导入乡镇、村报来的集中参保名单（Ctrl+I）"))
        self.import_dialog = None
        self.person_box = QGroupBox()
        self._quote_timer = QTimer(self, singleShot=True, interval=QUOTE_DEBOUNCE_MS)
        self._refresh_on_show = False
        self._lay_out()
        self._connect()
        self._shortcuts()
        self._set_tab_order()
        self.start_new(confirm=False)

    # ------------------------------------------------------------------ layout

    def _lay_out(self) -> None:
        """At 1366×700 the summary the clerk reads out has the whole right-hand height; the history
        sits under the person form on the left (the first fields of the form still on screen)."""
        person_layout = QVBoxLayout(self.person_box)
        person_layout.addWidget(self.form, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.inputs)
        right_layout.addWidget(self.summary, 1)
        self.history.setMinimumHeight(120)
        left = split_pair(Qt.Orientation.Vertical,
                          with_buttons(scrolling(self.person_box), [self.import_button, None, self.save_button]),
                          self.history, stretch=(1, 0), sizes=[600, HISTORY_HEIGHT])
        right_area = scrolling(right)
        # never narrower than the enrolment inputs (at 1280 the person form scrolls sideways instead)
        right_area.setMinimumWidth(right.minimumSizeHint().width() + right_area.verticalScrollBar().sizeHint().width())
        workspace = split_pair(Qt.Orientation.Horizontal, left,
                               with_buttons(right_area, [None, self.certificate_button, self.enrol_button]),
                               stretch=(3, 2), sizes=[790, 550])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.addWidget(self.search)
        layout.addWidget(self.bar)
        layout.addWidget(workspace, 1)

    def _connect(self) -> None:
        self.search.search_requested.connect(self.run_search)
        self.search.new_requested.connect(self.start_new)
        self.search.person_chosen.connect(self.open_person)
        self.form.changed.connect(self._form_changed)
        self.form.submit_requested.connect(self.save)
        self.inputs.changed.connect(self._quote_timer.start)
        self.inputs.submit_requested.connect(self.enrol)
        self._quote_timer.timeout.connect(self._quote_due)
        self.save_button.clicked.connect(self.save)
        self.enrol_button.clicked.connect(self.enrol)
        self.certificate_button.clicked.connect(self.print_certificate)
        self.import_button.clicked.connect(self.open_import)
        self.history.cancel_requested.connect(self.cancel_enrolment)
        self.history.reprint_requested.connect(self.open_preview)

    def _shortcuts(self) -> None:
        """Window-wide while this tab is showing (a hidden tab's shortcuts are inactive)."""
        shortcut(self, "F2", self.next_citizen)
        shortcut(self, "Ctrl+S", self.save)
        shortcut(self, "Ctrl+Return", self.enrol)
        shortcut(self, "Ctrl+Enter", self.enrol)
        shortcut(self, "Ctrl+P", self.print_certificate)
        shortcut(self, "Ctrl+N", self.start_new)
        shortcut(self, "Ctrl+I", self.open_import)
        shortcut(self, "Ctrl+D", lambda: _click_if_shown(self.history.cancel_button))
        shortcut(self, "Escape", self.escape)

    def _set_tab_order(self) -> None:
        chain = [self.search.edit, self.search.search_button, self.search.new_button, self.search.table,
                 self.form.id_type]
        chain += [self.form.last_widget(), self.save_button, *self.inputs.inputs, self.enrol_button,
                  self.certificate_button, self.history]
        for first, second in zip(chain[:4], chain[1:5], strict=False):
            QWidget.setTabOrder(first, second)
        for first, second in zip(chain[5:], chain[6:], strict=False):
            QWidget.setTabOrder(first, second)

    # ------------------------------------------------------------------ timers

    def _timers(self) -> tuple[QTimer, ...]:
        return (self._quote_timer, self.form._live)

    def _quote_due(self) -> None:
        """The debounced refresh, only while the tab is on screen: a closed window's tab asks nothing of the database."""
        if self.isVisible():
            self.refresh_quote()

    # ------------------------------------------------------------------ state

    def has_unsaved_changes(self) -> bool:
        current = self.form.value()
        if self.person is None:
            return bool(current["name"] or current["id_number"])
        return current != self._saved_form

    def _discard_question(self) -> tuple[str, str]:
        return self.tr("放弃修改"), self.tr("当前参保人信息有未保存的修改，确定放弃吗？")

    def _form_changed(self) -> None:
        self._quote_timer.start()

    def shown_person_id(self) -> int | None:
        return self.person.id if self.person is not None else None

    def _set_person(self, shown: screen.PersonScreen | None) -> None:
        """Show an opened person (one `person_screen`) or an empty form for a new registration."""
        self.person = shown.person if shown else None
        if shown is None:
            self.form.load(None, saved=False)
            self.person_box.setTitle(screen.NEW_PERSON_TITLE)
        else:
            self.form.load(shown.person, saved=True)
            self.person_box.setTitle(shown.title)
        self._saved_form = self.form.value() if shown else None
        self._show_records(shown)
        self.refresh_quote()
        self.person_shown.emit(shown.person.id) if shown else self.person_left.emit()

    # ------------------------------------------------------------------ actions

    def _id_number_not_found(self, id_number: str) -> bool:
        self.start_new(id_number=id_number)
        self.bar.show_info(screen.id_number_not_found_message(id_number))
        return True

    def _not_found_text(self, text: str) -> str:
        return screen.not_found_message(text)

    def open_person(self, person_id: int) -> None:
        ok, shown = run_action(lambda: screen.person_screen(self.desk, self.operator, person_id), bar=self.bar,
                               parent=self)
        if not ok:
            return
        self.search.hide_results()
        self.bar.clear_message()
        self._set_person(shown)
        self.inputs.year.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_for_new(self) -> None:
        self._set_person(None)
        self.inputs.reset(common.default_benefit_year(self.desk), self.desk.today())

    def _prefill_id_number(self, id_number: str) -> None:
        """The searched number counts as typed: the person form checks it at once."""
        super()._prefill_id_number(id_number)
        self.form.touched.add("id_number")

    def save(self) -> bool:
        """Register the person, or save the changes as a new version."""
        self.errors.clear(*[name for name in self.form.value()] + ["sex", "birth_date"])
        form = self.form.value()

        def call():
            if self.person is not None:
                return persons.update_person(self.desk, self.operator, self.person.id, form)
            try:
                return persons.register_person(self.desk, self.operator, form)
            except persons.PersonExists as exists:
                return exists

        ok, result = run_action(call, bar=self.bar, fields=self.errors, parent=self)
        if not ok:
            return False
        if isinstance(result, persons.PersonExists):
            self.open_person(result.person_id)
            self.bar.show_warning(result.message)
            return False
        was_new = self.person is None
        ok, shown = run_action(lambda: screen.person_screen(self.desk, self.operator, result.id), bar=self.bar,
                               parent=self)
        if not ok:
            return False
        self._set_person(shown)
        self.bar.show_info(screen.saved_message(result, was_new=was_new))
        return True

    def _enrolment_values(self):
        return run_action(self.inputs.values, bar=self.bar, fields=self.errors, parent=self)

    def enrol(self) -> None:
        if (self.person is None or self.has_unsaved_changes()) and not self.save():
            return
        self.errors.clear(*ENROLMENT_FIELDS)
        ok, values = self._enrolment_values()
        if not ok:
            return
        ok, result = run_action(lambda: enrolment.enrol(self.desk, self.operator, person_id=self.person.id, **values),
                                bar=self.bar, fields=self.errors, parent=self)
        if not ok:
            return
        self.bar.show_info(screen.enrolled_message(result))
        self.refresh_records()
        self.refresh_quote()
        self.open_preview(result.receipt.number, self.tr("参保登记回执"))

    def open_import(self) -> None:
        """批量导入: the 集中参保 list's dialog (its work runs off the UI thread)."""
        from desk.ui.batch_import_dialog import BatchImportDialog

        if self.import_dialog is not None and self.import_dialog.isVisible():
            self.import_dialog.activateWindow()
            return
        self.import_dialog = BatchImportDialog(self.desk, self.operator, self)
        self.import_dialog.finished.connect(lambda _code: self.refresh_records())
        self.import_dialog.open()

    def print_certificate(self) -> None:
        if self.person is None:
            self.bar.show_error(self.tr("请先查询或保存参保人，再打印参保凭证。"))
            return
        ok, issued = run_action(lambda: enrolment.issue_certificate(self.desk, self.operator, person_id=self.person.id),
                                bar=self.bar, parent=self)
        if ok:
            self.refresh_records()
            self.open_preview(issued.number, self.tr("基本医疗保险参保凭证"))

    def cancel_enrolment(self, enrolment_id: int) -> None:
        rows = {row.enrolment_id: row for row in self._history}
        row = rows.get(enrolment_id)
        if row is None:
            return
        description = screen.cancel_description(self.person.name, row)
        dialog = ReasonDialog(description, lambda reason: enrolment.cancel_enrolment(
            self.desk, self.operator, enrolment_id=enrolment_id, reason=reason), self)
        dialog.accepted.connect(lambda: self._cancelled(row))
        self.reason_dialog = dialog
        dialog.open()

    def _cancelled(self, row) -> None:
        self.bar.show_info(screen.cancelled_message(row))
        self.refresh_records()
        self.refresh_quote()

    def open_preview(self, number: str, title: str = "") -> None:
        self._show_preview(number, title, self._preview_closed, printed=lambda _copy: self.refresh_records())

    def _preview_closed(self) -> None:
        """Back to the window, ready for the next citizen (or Ctrl+P for the certificate)."""
        self.window().activateWindow()
        self.focus_search()

    # ------------------------------------------------------------------ refreshing

    def refresh_records(self) -> None:
        """The history and voucher tables, from one `person_screen`."""
        self._history = []
        if self.person is None:
            self._show_records(None)
            return
        ok, shown = run_action(lambda: screen.person_screen(self.desk, self.operator, self.person.id),
                               bar=self.bar, parent=self)
        if ok:
            self._show_records(shown)
            self.person_shown.emit(self.person.id)

    def _show_records(self, shown: screen.PersonScreen | None) -> None:
        if shown is None:
            self._history = []
            self.history.clear()
            return
        self._history = list(shown.history)
        self.history.show_history(shown.history)
        self.history.show_vouchers(shown.vouchers)

    def refresh_quote(self) -> None:
        """The summary and, when the year is already held, the warning, from one `quote_screen`."""
        self.summary.bar.clear_message()
        if self.person is None:
            self.summary.show_placeholder(self.tr("保存参保人信息后显示"))
            return
        self.errors.clear(*ENROLMENT_FIELDS)
        ok, values = run_action(self.inputs.values, bar=self.summary.bar, fields=self.errors, parent=self)
        if not ok:
            self.summary.show_placeholder(self.tr("请先改正左侧标红的登记信息"))
            return
        stale = self.has_unsaved_changes()
        ok, shown = run_action(lambda: screen.quote_screen(self.desk, self.operator, person_id=self.person.id,
                                                           stale=stale, **values),
                               bar=self.summary.bar, fields=self.errors, parent=self)
        if ok:
            self.summary.show_summary(shown.summary)
            if shown.warning:
                self.summary.bar.show_warning(shown.warning)
        else:
            self.summary.show_placeholder(self.tr("无法计算，请按上方提示处理"))


def _click_if_shown(button) -> None:
    """A button's shortcut does what the button does, only when the button is there for this operator and enabled."""
    if button.isVisible() and button.isEnabled():
        button.click()
