"""报销计算: find the person; type the bill; the result and its steps follow the typing; record
and print the 医疗费用结算单; the year's usage of each cap; the person's settlements, and
their reversal by a reviewer.

Each refresh is one call, `desk.screens.reimbursement.claim_screen`, whose result holds everything
shown (the person, the result and its steps, the year's usage before and after the claim, the
settlements); the actions call `reimbursement.record_settlement` and `reverse_settlement`. This
module holds no SQL and no policy arithmetic.

Choices where the spec is silent:
- The lists show the calendar year of the claim last calculated (at first, this year).
- 病种 takes a code (first word) or, for a name or pinyin initials, the only match of the
  benefit's kind; anything else is refused beside the field and nothing is calculated.
- A claim the pack does not pay (status not ok) is recorded only after the clerk confirms.
- A bill like one already settled (the service's SimilarBill: same institution, dates and total)
  is recorded only after the clerk answers 仍要记录 (Alt+Y) to the question naming the earlier
  statements; 不记录 (the default, Esc) leaves the form as typed. An invoice already settled is a
  refusal beside 发票号.
- After recording, the amounts and the disease are cleared (date and kinds stay): a second
  Enter cannot record the same bill twice; the recorded result stays on screen until the next edit.
- 退休 shows only for a person holding an employee enrolment.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QScrollArea, QVBoxLayout, QWidget

from desk.core.errors import DeskError
from desk.screens import reimbursement as screens
from desk.services import reimbursement
from desk.services.context import Desk, Operator
from desk.ui.errors import FieldErrors, MessageBar, run_action
from desk.ui.pdf_preview import PdfPreviewDialog
from desk.ui.person_tab import PersonTab
from desk.ui.reimbursement_panels import (
    CLAIM_FIELDS,
    ClaimForm,
    ResultPanel,
    ReversalDialog,
    SettlementsPanel,
    UsagePanel,
)
from desk.ui.search_panel import SearchPanel
from desk.ui.widgets import action_button, scrolling, shortcut, split_pair, with_buttons

PREVIEW_DEBOUNCE_MS = 200


def _raise(error: DeskError):
    """A refusal the screen carried, raised again so that `run_action` shows it as it shows any other."""
    raise error


class ReimbursementTab(PersonTab):
    CHECKS_ID_NUMBERS = False  # one match of any kind opens the person; an ID number is not checked here

    def __init__(self, desk: Desk, operator: Operator, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.operator = desk, operator
        self.person_id: int | None = None
        self.year: int | None = None  # the year the lists show, as the last screen said (at first, this year)
        self.preview: PdfPreviewDialog | None = None
        self.reason_dialog: ReversalDialog | None = None
        self.similar_box: QMessageBox | None = None  # the question about a bill like one already settled
        self.errors = FieldErrors()
        self.bar = MessageBar()
        self.search = SearchPanel()
        self.search.new_button.setVisible(False)
        self.search.edit.setPlaceholderText(self.tr("输入身份证号码、姓名或手机号后按 Enter 查询参保人；可直接刷身份证（F2）"))
        self.person_label = QLabel()
        self.person_label.setObjectName("personLabel")
        self.person_label.setProperty("role", "heading")
        self.enrolment_label = QLabel()
        self.enrolment_label.setProperty("role", "hint")
        self.form = ClaimForm(desk, self.errors)
        self.result = ResultPanel()
        self.usage = UsagePanel()
        self.settlements = SettlementsPanel(operator.can("settlement.reverse"))
        self.record_button = action_button(self.tr("记录结算"), "Ctrl+S",
                                           self.tr("按左侧费用记录结算并出具结算单（Ctrl+S 或在费用栏按 Enter）"))
        self.record_button.setObjectName("recordButton")
        self.record_button.setProperty("primary", True)
        self.print_button = action_button(self.tr("打印结算单"), "Ctrl+P", self.tr("预览并打印所选结算记录的结算单（Ctrl+P）"))
        self.print_button.setObjectName("printButton")
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DEBOUNCE_MS)
        self._refresh_on_show = False
        self._lay_out()
        self._connect()
        self._shortcuts()
        self._set_tab_order()
        self.refresh()

    # ------------------------------------------------------------------ layout

    def _lay_out(self) -> None:
        claim = with_buttons(scrolling(self.form), [None, self.print_button, self.record_button])
        workspace = split_pair(Qt.Orientation.Horizontal, claim, self.result, stretch=(2, 3), sizes=[600, 760])
        records = split_pair(Qt.Orientation.Horizontal, self.settlements, self.usage, stretch=(3, 2), sizes=[760, 600])
        self.settlements.setMinimumHeight(96)  # header and two rows; at 1280×720 the window still fits (≤ 652 px)
        self.usage.setMinimumHeight(96)
        vertical = split_pair(Qt.Orientation.Vertical, workspace, records, stretch=(1, 0), sizes=[560, 250])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.bar)
        person = QHBoxLayout()
        person.addWidget(self.person_label)
        person.addSpacing(16)
        person.addWidget(self.enrolment_label, 1)
        layout.addLayout(person)
        layout.addWidget(vertical, 1)

    def _connect(self) -> None:
        self.search.search_requested.connect(self.run_search)
        self.search.person_chosen.connect(self.open_person)
        self.form.changed.connect(self._edited)
        self.form.submit_requested.connect(self.record)
        self._preview_timer.timeout.connect(self._preview_due)
        self.record_button.clicked.connect(self.record)
        self.print_button.clicked.connect(self.print_statement)
        self.settlements.print_requested.connect(self.open_preview)
        self.settlements.reverse_requested.connect(self.reverse)

    def _shortcuts(self) -> None:
        """Window-wide while this tab is showing (a hidden tab's shortcuts are inactive)."""
        shortcut(self, "F2", self.next_citizen)
        shortcut(self, "Ctrl+S", self.record)
        shortcut(self, "Ctrl+P", self.print_statement)
        shortcut(self, "Ctrl+R", self.settlements.reverse_selected)
        shortcut(self, "Escape", self.escape)

    def _set_tab_order(self) -> None:
        chain = [self.search.edit, self.search.search_button, self.search.table, *self.form.inputs,
                 self.record_button, self.print_button, self.settlements.table, self.settlements.reverse_button,
                 self.usage.table]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # ------------------------------------------------------------------ showing and hiding

    def _preview_due(self) -> None:
        """The debounced preview, only while the tab is on screen: a closed window's tab asks nothing of the database."""
        if self.isVisible():
            self.refresh()

    def _timers(self) -> tuple[QTimer, ...]:
        return (self._preview_timer,)

    def showEvent(self, event) -> None:
        """Coming to this tab (Ctrl+Tab or a click) puts the keyboard where work starts; a preview
        that was pending when the tab was hidden runs now."""
        super().showEvent(event)
        focused = self.focusWidget()
        if focused is None or not self.isAncestorOf(focused):
            QTimer.singleShot(0, self, self._focus_start)

    def _focus_start(self) -> None:
        if self.isVisible():
            self.form.start() if self.person_id is not None else self.focus_search()

    # ------------------------------------------------------------------ person

    def _not_found_text(self, text: str) -> str:
        return self.tr("没有找到“{text}”：可换用身份证号码、姓名开头或手机号查询；"
                       "未登记的请先在“参保登记”中登记。").format(text=text)

    def shown_person_id(self) -> int | None:
        return self.person_id

    def has_unsaved_changes(self) -> bool:
        """A bill typed for the person shown and not yet recorded."""
        return self.person_id is not None and bool(self.form.total.text().strip())

    def _discard_question(self) -> tuple[str, str]:
        return self.tr("放弃费用"), self.tr("已填写的费用尚未记录结算，确定放弃吗？")

    def _start_over(self) -> None:
        """Nobody shown: an empty claim form and the lists of nobody."""
        self._preview_timer.stop()
        self.person_id = None
        self.form.reset(self.desk.today())
        self.refresh()
        self.person_left.emit()

    def open_person(self, person_id: int) -> None:
        """One call: the person, their year and a new claim form (nothing typed yet)."""
        self._preview_timer.stop()
        ok, screen = run_action(lambda: screens.claim_screen(self.desk, self.operator, person_id=person_id, year=self.year),
                                bar=self.bar, parent=self)
        if not ok:
            return
        self.search.hide_results()
        self.bar.clear_message()
        self.form.reset(screen.today)
        self._show(screen)
        self.form.start()
        self.person_shown.emit(person_id)

    # ------------------------------------------------------------------ the live result

    def _edited(self) -> None:
        self._preview_timer.start()

    def refresh(self, recorded: reimbursement.Recorded | None = None) -> screens.ClaimScreen | None:
        """The whole tab from one screen call: the claim as typed now (`recorded`: the settlement just recorded)."""
        self._preview_timer.stop()
        typed = self.form.value() if self.person_id is not None else None
        ok, screen = run_action(lambda: screens.claim_screen(
            self.desk, self.operator, person_id=self.person_id, typed=typed, retired=self.form.is_retired(),
            year=self.year, recorded=recorded), bar=self.bar, parent=self)
        if not ok:
            self.result.show_placeholder(screens.REFUSED_TEXT)
            return None
        self._show(screen)
        return screen

    def _show(self, screen: screens.ClaimScreen) -> None:
        self.person_id, self.year = screen.person_id, screen.year
        self.person_label.setText(screen.heading)
        self.enrolment_label.setText(screen.enrolment_line)
        self.enrolment_label.setVisible(bool(screen.enrolment_line))
        self.form.setEnabled(screen.form_enabled)
        self.form.show_disease_hint(screen.disease_hint)
        self.result.bar.clear_message()
        self.errors.clear(*CLAIM_FIELDS)
        if screen.result is None:
            self.result.show_placeholder(screen.placeholder)
        else:
            self.result.show_result(screen.result, recorded=screen.result.recorded_note)
            if screen.result.similar_note:
                self.result.bar.show_warning(screen.result.similar_note)
        if screen.refusal is not None:
            run_action(lambda: _raise(screen.refusal), bar=self.result.bar, fields=self.errors, parent=self,
                       focus_error=False)
        self.settlements.show_rows(list(screen.settlements), screen.lists_year)
        self.usage.set_year(screen.lists_year)
        self.usage.show_rows(list(screen.usage))
        self.form.set_employee(screen.retired_applies)  # last: unticking 退休 edits the form, which refreshes later

    # ------------------------------------------------------------------ record, print, reverse

    def record(self) -> None:
        if self.person_id is None:
            self.bar.show_error(self.tr("请先查询参保人（F2），再记录结算。"))
            self.focus_search()
            return
        screen = self.refresh()
        if screen is None or not self._confirm_unpaid(screen):
            return
        self._record_form(screen.claim_form, self.form.is_retired(), confirm_similar=False)

    def _record_form(self, claim_form: dict, retired: bool, *, confirm_similar: bool) -> None:
        person_id = self.person_id

        def attempt():
            try:
                return reimbursement.record_settlement(self.desk, self.operator, person_id=person_id, claim_form=claim_form,
                                                       retired=retired, confirm_similar=confirm_similar)
            except reimbursement.SimilarBill as similar:
                return similar  # a question for the clerk, not a refusal

        ok, recorded = run_action(attempt, bar=self.result.bar, fields=self.errors, parent=self)
        if not ok:
            self.result.show_placeholder(self.tr("未记录：请按上方和左侧标红的提示修改"))
            if self.errors.message("invoice_number"):  # an invoice already settled: the keyboard goes to it
                self._focus_field(self.form.invoice_number)
            return
        if isinstance(recorded, reimbursement.SimilarBill):
            self._ask_similar(recorded, person_id, claim_form, retired)
            return
        self._recorded(recorded)

    def _ask_similar(self, similar: reimbursement.SimilarBill, person_id: int, claim_form: dict, retired: bool) -> None:
        """Yes records the bill as typed; No (the default, Esc) records nothing and leaves the form."""
        earlier = "\n".join(bill.describe() for bill in similar.earlier)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("疑似重复报销"), self.tr(
            "这位参保人已有同一医疗机构、同一日期、同一总费用的结算：\n{earlier}\n\n"
            "请核对票据：确认这是另一张票据、仍要记录吗？").format(earlier=earlier),
            QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("similarBillBox")
        yes = box.addButton(self.tr("仍要记录(&Y)"), QMessageBox.ButtonRole.YesRole)
        no = box.addButton(self.tr("不记录(&N)"), QMessageBox.ButtonRole.NoRole)
        box.setDefaultButton(no)
        box.setEscapeButton(no)
        self.similar_box = box
        self.result.show_placeholder(self.tr("未记录：与已结算的一笔费用相似，请核对票据"))

        def answered(_result: int) -> None:
            self.similar_box = None
            self.window().activateWindow()
            if box.clickedButton() is yes and self.person_id == person_id:
                self._record_form(claim_form, retired, confirm_similar=True)
            else:
                self._focus_field(self.form.invoice_number)

        box.finished.connect(answered)
        box.open()

    def _focus_field(self, edit) -> None:
        """The field gets the keyboard and is scrolled into view (with its error line under it)."""
        edit.setFocus(Qt.FocusReason.OtherFocusReason)
        edit.selectAll()
        area = self.form.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None:  # the error line under it too, once the layout has made room for it
            QTimer.singleShot(0, area, lambda: area.ensureVisible(0, edit.mapTo(self.form, edit.rect().bottomLeft()).y(), 0, 40))

    def _confirm_unpaid(self, screen: screens.ClaimScreen) -> bool:
        """A claim the pack does not pay may still be recorded (the citizen gets a statement saying so)."""
        view = screen.result
        if view is None or view.status == "ok":
            return True
        answer = QMessageBox.question(self, self.tr("不予支付"), self.tr(
            "这笔费用不予支付：{text}。\n仍要记录并出具结算单吗？").format(text=view.status_text))
        return answer == QMessageBox.StandardButton.Yes

    def _recorded(self, recorded: reimbursement.Recorded) -> None:
        """The recorded result stays on screen with its note until the next edit; the amounts are cleared."""
        self.bar.clear_message()
        self.form.clear_amounts()
        self.refresh(recorded)
        self.settlements.select(recorded.settlement_id)
        self.open_preview(recorded.voucher.number, self.tr("医疗费用结算单"))

    def print_statement(self) -> None:
        if self.person_id is None:
            self.bar.show_error(self.tr("请先查询参保人，再打印结算单。"))
            return
        if not self.settlements.print_selected():
            self.bar.show_error(self.tr("本年度还没有结算记录可打印：请先记录结算（Ctrl+S）。"))

    def reverse(self, settlement_id: int) -> None:
        row = next((r for r in self.settlements.rows if r.settlement_id == settlement_id), None)
        if row is None:
            return
        description = self.tr("冲正 {date} 的{benefit}结算（总费用 {total} 元，统筹基金 {fund} 元，经办人 {who}）。").format(
            date=row.service_date, benefit=row.benefit_name, total=row.total, fund=row.hifp, who=row.operator_name)
        dialog = ReversalDialog(description, lambda reason: reimbursement.reverse_settlement(
            self.desk, self.operator, settlement_id=settlement_id, reason=reason), self)
        dialog.accepted.connect(lambda: self._reversed(dialog.result_value))
        dialog.rejected.connect(self._reversal_cancelled)
        self.reason_dialog = dialog
        dialog.open()

    def _reversal_cancelled(self) -> None:
        self.window().activateWindow()
        self.settlements.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _reversed(self, reversal: reimbursement.Reversed) -> None:
        self.bar.show_info(self.tr("已冲正，冲正凭证编号 {number}。").format(number=reversal.voucher.number))
        self.refresh()
        self.settlements.select(reversal.settlement_id)
        self.open_preview(reversal.voucher.number, self.tr("结算冲正凭证"))

    def open_preview(self, number: str, title: str = "") -> None:
        self._show_preview(number, title, self._preview_closed)

    def _preview_closed(self) -> None:
        """Back to the claim form: the same citizen often brings several bills."""
        self.window().activateWindow()
        self._focus_start()

    def _escape_past_search(self) -> None:
        """Esc past the search: back to the search box (nothing typed here is thrown away)."""
        self.focus_search()
