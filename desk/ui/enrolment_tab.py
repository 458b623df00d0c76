"""参保登记: search first; the person form; the enrolment inputs with a live summary; history.

Every action is one service call through `run_action`; this module holds no SQL and no
policy arithmetic.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from desk.core.idnumber import mask_id_number
from desk.services import enrolment, persons, ui_support
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
ENROLMENT_FIELDS = ("year", "paid_on", "newborn", "employee_ended_on", "arrears_years")


class EnrolmentTab(PersonTab):
    def __init__(self, desk: Desk, operator: Operator, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.operator = desk, operator
        self.person: persons.PersonRecord | None = None
        self._saved_form: dict | None = None
        self.preview: PdfPreviewDialog | None = None
        self._history: list[ui_support.HistoryRow] = []
        self.errors = FieldErrors()
        self.bar = MessageBar()
        self.search = SearchPanel()
        self.form = PersonForm(desk, persons.known_groups(desk), self.errors)
        self.inputs = EnrolmentInputs(self.errors, ui_support.default_benefit_year(desk), desk.today())
        self.summary = SummaryPanel()
        self.history = HistoryPanel(operator.can("enrolment.cancel"))
        self.save_button = action_button(self.tr("保存参保人信息"), "Ctrl+S")
        self.enrol_button = action_button(self.tr("办理参保登记"), "Ctrl+Enter",
                                          self.tr("按左侧信息办理参保登记并出具回执（Ctrl+Enter）"))
        self.enrol_button.setProperty("primary", True)
        self.certificate_button = action_button(self.tr("打印参保凭证"), "Ctrl+P")
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
        person_layout = QVBoxLayout(self.person_box)
        person_layout.addWidget(self.form, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.inputs)
        right_layout.addWidget(self.summary, 1)
        workspace = split_pair(Qt.Orientation.Horizontal,
                               with_buttons(scrolling(self.person_box), [self.save_button]),
                               with_buttons(scrolling(right), [None, self.certificate_button, self.enrol_button]),
                               stretch=(3, 2), sizes=[920, 540])
        self.history.setMinimumHeight(120)
        vertical = split_pair(Qt.Orientation.Vertical, workspace, self.history, stretch=(1, 0), sizes=[760, 160])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.addWidget(self.search)
        layout.addWidget(self.bar)
        layout.addWidget(vertical, 1)

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
        self.history.cancel_requested.connect(self.cancel_enrolment)
        self.history.reprint_requested.connect(self.open_preview)

    def _shortcuts(self) -> None:
        """Window-wide while this tab is showing (a hidden tab's shortcuts are inactive)."""
        shortcut(self, "F2", self.focus_search)
        shortcut(self, "Ctrl+S", self.save)
        shortcut(self, "Ctrl+Return", self.enrol)
        shortcut(self, "Ctrl+Enter", self.enrol)
        shortcut(self, "Ctrl+P", self.print_certificate)
        shortcut(self, "Ctrl+N", self.start_new)
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

    def _set_person(self, record: persons.PersonRecord | None) -> None:
        self.person = record
        if record is None:
            self.form.load(None, saved=False)
            self.person_box.setTitle(self.tr("参保人信息 — 新登记"))
        else:
            self.form.load(record.data, record.groups, saved=True)
            self.person_box.setTitle(self.tr("参保人信息 — {name}　{id}　个人编号 {number}").format(
                name=record["name"], id=mask_id_number(record["id_number"]), number=record["personal_number"] or ""))
        self._saved_form = self.form.value() if record else None
        self.refresh_records()
        self.refresh_quote()

    # ------------------------------------------------------------------ actions

    def _id_number_not_found(self, id_number: str) -> bool:
        self.start_new(id_number=id_number)
        self.bar.show_info(self.tr("没有找到证件号码为 {id} 的参保人，已开始新登记：请填写姓名等信息。").format(id=id_number))
        return True

    def _not_found_text(self, text: str) -> str:
        return self.tr("没有找到“{text}”：可换用身份证号码、姓名开头或手机号查询。").format(text=text)

    def open_person(self, person_id: int) -> None:
        ok, record = run_action(lambda: persons.get_person(self.desk, self.operator, person_id), bar=self.bar, parent=self)
        if not ok:
            return
        self.search.hide_results()
        self.bar.clear_message()
        self._set_person(record)
        self.inputs.year.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_for_new(self) -> None:
        self._set_person(None)
        self.inputs.reset(ui_support.default_benefit_year(self.desk), self.desk.today())

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
        self._set_person(result)
        self.bar.show_info((self.tr("已登记参保人 {name}，个人编号 {number}。") if was_new
                            else self.tr("已保存 {name} 的信息（第 {version} 版）。")).format(
            name=result["name"], number=result["personal_number"], version=result.version))
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
        quote = result.quote
        self.bar.show_info(self.tr("已办理{year}年度参保登记：应缴 {payable} 元，待遇自 {start} 起。回执编号 {number}。").format(
            year=quote.year, payable=quote.payable, start=quote.benefit_start.isoformat(), number=result.receipt.number))
        self.refresh_records()
        self.refresh_quote()
        self.open_preview(result.receipt.number, self.tr("参保登记回执"))

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
        description = self.tr("作废 {name} 的 {year} 年度{scheme}参保登记（应缴 {payable} 元，经办人 {who}）。").format(
            name=self.person["name"], year=row.year, scheme=row.scheme_name, payable=row.payable, who=row.operator_name)
        dialog = ReasonDialog(description, lambda reason: enrolment.cancel_enrolment(
            self.desk, self.operator, enrolment_id=enrolment_id, reason=reason), self)
        dialog.accepted.connect(lambda: self._cancelled(row))
        self.reason_dialog = dialog
        dialog.open()

    def _cancelled(self, row) -> None:
        self.bar.show_info(self.tr("已作废 {year} 年度参保登记。").format(year=row.year))
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
        self._history = []
        if self.person is None:
            self.history.clear()
            return
        ok, rows = run_action(lambda: ui_support.enrolment_history(self.desk, self.operator, self.person.id),
                              bar=self.bar, parent=self)
        if ok:
            self._history = rows
            self.history.show_history(rows)
        ok, items = run_action(lambda: ui_support.person_vouchers(self.desk, self.operator, self.person.id),
                               bar=self.bar, parent=self)
        if ok:
            self.history.show_vouchers(items)

    def _warn_if_enrolled(self, year: int) -> None:
        """Say before the clerk presses the button that this year is already held (the service refuses it)."""
        held = [row for row in self._history if row.year == year and row.status == "active"]
        if held:
            self.summary.bar.show_warning(self.tr("该参保人{year}年度已有{scheme}参保记录（待遇自 {start} 起），不能重复登记。").format(
                year=year, scheme=held[0].scheme_name, start=held[0].benefit_start))

    def refresh_quote(self) -> None:
        self.summary.bar.clear_message()
        if self.person is None:
            self.summary.show_placeholder(self.tr("保存参保人信息后显示"))
            return
        self.errors.clear(*ENROLMENT_FIELDS)
        ok, values = run_action(self.inputs.values, bar=self.summary.bar, fields=self.errors, parent=self)
        if not ok:
            self.summary.show_placeholder(self.tr("请先改正左侧标红的登记信息"))
            return
        ok, quote = run_action(lambda: enrolment.quote_for_person(self.desk, self.operator, person_id=self.person.id,
                                                                  **values),
                               bar=self.summary.bar, fields=self.errors, parent=self)
        if ok:
            self.summary.show_quote(quote, stale=self.has_unsaved_changes())
            self._warn_if_enrolled(values["year"])
        else:
            self.summary.show_placeholder(self.tr("无法计算，请按上方提示处理"))
