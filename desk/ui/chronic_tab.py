"""门诊慢特病: find the person; their filings with state and validity; a new application (disease
search, materials, agent); 补正材料; the reviewer's 认定 / 不予认定 / 终止; every document
printable and reprintable; and the 年审提醒 list (chronic.md).

Every action is one service call through `run_action`; this module holds no SQL and no
policy arithmetic.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from desk.core.filing import REJECTION_REASONS, TERMINATION_REASONS
from desk.core.idnumber import mask_id_number
from desk.screens import chronic as chronic_screen
from desk.screens.chronic import FilingDetail
from desk.services import chronic, persons
from desk.services.context import Desk, Operator
from desk.ui.chronic_application import AGENT_FIELDS, ApplicationPanel
from desk.ui.chronic_dialogs import DecisionDialog, ReceiveMaterialsDialog
from desk.ui.chronic_filings import FilingsPanel
from desk.ui.chronic_reminders import ReminderPanel
from desk.ui.errors import FieldErrors, MessageBar, run_action
from desk.ui.pdf_preview import PdfPreviewDialog
from desk.ui.person_tab import PersonTab
from desk.ui.search_panel import SearchPanel
from desk.ui.widgets import action_button, error_label, scrolling, shortcut, split_pair

APPLICATION_FIELDS = ("disease", "materials", "person", *AGENT_FIELDS)
WORK_PAGE, REMINDER_PAGE = 0, 1


class ChronicTab(PersonTab):
    def __init__(self, desk: Desk, operator: Operator, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.operator = desk, operator
        self.can_review = operator.can("filing.review")
        self.person: persons.PersonRecord | None = None
        self.detail: FilingDetail | None = None
        self.preview: PdfPreviewDialog | None = None
        self.dialog = None
        self.errors = FieldErrors()
        self.bar = MessageBar()
        self.pages = QTabBar()
        self.stack = QStackedWidget()
        self.search = SearchPanel()
        self.person_label = QLabel()
        self.coverage_label = QLabel()
        self.person_error = error_label()
        self.filings = FilingsPanel(self.can_review)
        self.application = ApplicationPanel(desk, self.bar, self.errors)
        self.accept_button = action_button(self.tr("受理申请"), "Ctrl+Enter",
                                           self.tr("按右侧所选病种和材料受理申请，出具受理回执；材料不全时出具一次性告知书（Ctrl+Enter）"))
        self.reminders = ReminderPanel(desk, operator, self.bar)
        self._build()
        self._lay_out()
        self._connect()
        self._shortcuts()
        self._set_tab_order()
        self._set_person(None)

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.search.new_button.setVisible(False)
        self.search.edit.setPlaceholderText(self.tr("输入身份证号码、姓名或手机号后按 Enter 查询参保人；可直接刷身份证（F2）"))
        self.person_label.setObjectName("chronicPersonLabel")
        self.person_label.setProperty("role", "heading")
        self.coverage_label.setObjectName("coverageLabel")
        self.coverage_label.setProperty("role", "hint")
        self.person_error.setObjectName("error_person")
        self.errors.add("person", self.person_error)
        self.accept_button.setObjectName("acceptFilingButton")
        self.accept_button.setProperty("primary", True)
        self.pages.setObjectName("chronicPages")
        self.pages.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # F3 / F4 switch; Tab stays in the forms
        self.pages.setExpanding(False)
        self.pages.setDrawBase(False)
        self.pages.addTab(self.tr("申请与审核 (F3)"))
        self.pages.addTab(self.tr("年审提醒 (F4)"))

    def _lay_out(self) -> None:
        self.work_page = QWidget()
        header = QHBoxLayout()
        header.addWidget(self.person_label)
        header.addSpacing(16)
        header.addWidget(self.coverage_label, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        area = scrolling(self.application)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # long names wrap instead
        right_layout.addWidget(area, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.accept_button)
        right_layout.addLayout(buttons)
        workspace = split_pair(Qt.Orientation.Horizontal, self.filings, right, stretch=(2, 1), sizes=[1000, 480])
        work = QVBoxLayout(self.work_page)
        work.setContentsMargins(0, 4, 0, 0)
        work.addWidget(self.search)
        work.addLayout(header)
        work.addWidget(self.person_error)
        work.addWidget(workspace, 1)
        self.stack.addWidget(self.work_page)
        self.stack.addWidget(self.reminders)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.pages)
        layout.addWidget(self.bar)
        layout.addWidget(self.stack, 1)

    def _connect(self) -> None:
        self.pages.currentChanged.connect(self._page_changed)
        self.search.search_requested.connect(self.run_search)
        self.search.person_chosen.connect(self.open_person)
        self.filings.selection_changed.connect(self._filing_selected)
        self.filings.document_chosen.connect(self.open_preview)
        self.filings.receive_button.clicked.connect(self.receive_materials)
        self.filings.approve_button.clicked.connect(self.approve)
        self.filings.reject_button.clicked.connect(self.reject)
        self.filings.terminate_button.clicked.connect(self.terminate)
        self.accept_button.clicked.connect(self.accept_filing)
        self.reminders.person_chosen.connect(self.open_person)

    def _shortcuts(self) -> None:
        """Window-wide while this tab (and, for the page keys, its page) is showing."""
        shortcut(self, "F2", self.next_citizen)
        shortcut(self, "F3", lambda: self.show_page(WORK_PAGE))
        shortcut(self, "F4", lambda: self.show_page(REMINDER_PAGE))
        shortcut(self, "Escape", self.escape)
        page = self.work_page
        shortcut(page, "Ctrl+Return", self.accept_filing)
        shortcut(page, "Ctrl+Enter", self.accept_filing)
        shortcut(page, "Ctrl+N", self.new_application)
        shortcut(page, "Ctrl+B", self.receive_materials)
        shortcut(page, "Ctrl+P", self.print_document)
        if self.can_review:
            shortcut(page, "Ctrl+R", self.approve)
            shortcut(page, "Ctrl+J", self.reject)
            shortcut(page, "Ctrl+T", self.terminate)

    def _set_tab_order(self) -> None:
        chain = [self.search.edit, self.search.search_button, self.search.table, self.application.first_widget()]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        chain = [self.application.last_widget(), self.accept_button, *self.filings.tab_chain()]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # ------------------------------------------------------------------ pages and focus

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not event.spontaneous():
            QTimer.singleShot(0, self._focus_on_show)

    def _focus_on_show(self) -> None:
        focused = self.window().focusWidget() if self.isVisible() else None
        if self.isVisible() and (focused is None or not self.isAncestorOf(focused)):
            self.focus_search()

    def show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self._page_changed(index)

    def _page_changed(self, index: int) -> None:
        if self.stack.currentIndex() == index:
            return
        self.stack.setCurrentIndex(index)
        self.bar.clear_message()
        if index == REMINDER_PAGE:
            self.reminders.refresh()
            self.reminders.focus()
        else:
            self.search.focus()

    def focus_search(self) -> None:
        self.show_page(WORK_PAGE)
        self.search.focus()

    def has_unsaved_changes(self) -> bool:
        return self.application.has_input()

    def _discard_question(self) -> tuple[str, str]:
        return self.tr("放弃申请"), self.tr("新申请已填写的内容尚未受理，确定放弃吗？")

    def escape(self) -> None:
        """Esc: close the disease list, leave the search, or finish with this citizen and start over."""
        if self.stack.currentIndex() == REMINDER_PAGE:
            self.focus_search()
            return
        if self.application.picker.close_list():
            return
        super().escape()

    def _start_over(self) -> None:
        self._set_person(None)
        self.bar.clear_message()

    # ------------------------------------------------------------------ the person

    def _not_found_text(self, text: str) -> str:
        return self.tr("没有找到“{text}”：可换用身份证号码、姓名开头或手机号查询；"
                       "尚未登记的，请先在“参保登记”中登记并参保。").format(text=text)

    def open_person(self, person_id: int) -> None:
        if self.person is not None and self.person.id != person_id and not self.confirm_discard():
            return
        ok, panel = run_action(lambda: chronic_screen.person_panel(self.desk, self.operator, person_id), bar=self.bar,
                               parent=self)
        if not ok:
            return
        self.show_page(WORK_PAGE)
        self.search.hide_results()
        self.bar.clear_message()
        self._set_person(panel)
        awaiting = self._awaiting_id
        if awaiting is not None:
            self.refresh_filings(select=awaiting)
            self.bar.show_warning(self.tr("该参保人有待补正的申请（受理号 {id}）：收到材料后按 Ctrl+B 补正。").format(
                id=awaiting))
        self.application.picker.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def shown_person_id(self) -> int | None:
        return self.person.id if self.person is not None else None

    def _set_person(self, panel: chronic_screen.PersonPanel | None) -> None:
        self.person = panel.person if panel is not None else None
        self.errors.clear(*APPLICATION_FIELDS)
        self.application.reset()
        self.person_label.setText(panel.heading if panel else chronic_screen.NO_PERSON_HEADING)
        self.coverage_label.setText(panel.coverage if panel else chronic_screen.NO_PERSON_COVERAGE)
        self.application.setEnabled(panel is not None)
        self.accept_button.setEnabled(panel is not None)
        if panel is None:
            self.person_left.emit()
        self.refresh_filings()

    # ------------------------------------------------------------------ filings

    def refresh_filings(self, select: int | None = None) -> None:
        self._rows, self._awaiting_id, self.detail = (), None, None
        if self.person is None:
            self.filings.show_filings([], self.tr("查询并打开参保人后，这里列出其门诊慢特病申请。"))
        else:
            ok, screen = run_action(lambda: chronic_screen.filings_screen(self.desk, self.operator, self.person.id, select),
                                    bar=self.bar, parent=self)
            if ok:
                self._rows, self._awaiting_id, self.detail = screen.rows, screen.awaiting_id, screen.selected
                self.person_shown.emit(self.person.id)
            self.filings.filings.blockSignals(True)
            self.filings.show_filings(self._rows, select=self.detail.row.id if self.detail else None)
            self.filings.filings.blockSignals(False)
        self.filings.show_detail(self.detail)

    def _filing_selected(self, filing_id: int | None) -> None:
        self.detail = None
        if filing_id is not None and self.person is not None:
            ok, detail = run_action(lambda: chronic_screen.filing_detail(self.desk, self.operator, self.person.id,
                                                                         filing_id), bar=self.bar, parent=self)
            self.detail = detail if ok else None
        self.filings.show_detail(self.detail)

    def _describe(self, detail: FilingDetail) -> str:
        row = detail.row
        return self.tr("{name}（{id}）\n受理号 {filing}　{code} {disease}（{kind}）　{state}　{accepted} 受理").format(
            name=self.person.name, id=mask_id_number(self.person.id_number), filing=row.id, code=row.disease_code,
            disease=row.disease_name, kind=row.kind_name, state=row.state_name, accepted=row.accepted)

    def _selected_for(self, action: str) -> FilingDetail | None:
        """The selected filing when the workflow allows `action` from its state; otherwise say why."""
        if self.stack.currentIndex() != WORK_PAGE:
            return None
        if self.detail is None:
            self.bar.show_error(self.tr("请先查询参保人，并在申请列表中选择一笔申请（↑↓ 选择）。"))
            return None
        state = self.detail.row.state
        ok, _ = run_action(lambda: chronic_screen.check_move(state, action), bar=self.bar, parent=self)
        return self.detail if ok else None

    def _open_dialog(self, dialog, done) -> None:
        dialog.accepted.connect(lambda: done(dialog.result_value))
        self.dialog = dialog
        dialog.open()

    # ------------------------------------------------------------------ actions

    def new_application(self) -> None:
        if self.person is None:
            self.focus_search()
            return
        if self.confirm_discard():
            self.errors.clear(*APPLICATION_FIELDS)
            self.application.reset()
            self.application.picker.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def accept_filing(self) -> None:
        if self.stack.currentIndex() != WORK_PAGE:
            return
        if self.person is None:
            self.bar.show_error(self.tr("请先查询并打开参保人，再受理门诊慢特病申请（F2 查询）。"))
            self.focus_search()
            return
        self.errors.clear(*APPLICATION_FIELDS)
        disease = self.application.disease()
        if disease is None:
            self.application.picker.choose_current()
            if self.application.disease() is not None:
                self.bar.show_warning(self.tr("已选择病种：请勾选已收到的材料，再按 Ctrl+Enter 受理。"))
            return
        materials, agent = self.application.materials.received(), self.application.agent.value()
        ok, result = run_action(lambda: chronic.accept_filing(
            self.desk, self.operator, person_id=self.person.id, disease_code=disease.code, kind=disease.kind,
            materials=materials, agent=agent), bar=self.bar, fields=self.errors, parent=self)
        if not ok:
            return
        filing = result.filing
        self.application.reset()
        self.refresh_filings(select=filing.id)
        if filing.state == "accepted":
            self.bar.show_info(self.tr("已受理 {code} {name}（{kind}），受理号 {id}：材料齐全，等待审核员认定。"
                                       "已出具受理回执 {number}，请打印交申请人。").format(
                code=disease.code, name=disease.name, kind=disease.kind_name, id=filing.id, number=result.voucher.number))
            self.open_preview(result.voucher.number, chronic_screen.ACCEPTANCE_PAPERS[result.voucher.doc_type])
            return
        self.bar.show_warning(self.tr("已受理 {code} {name}，受理号 {id}：材料不全，状态为“待补正”。"
                                      "已出具一次性告知书 {number}，请打印交申请人。").format(
            code=disease.code, name=disease.name, id=filing.id, number=result.voucher.number))
        self.open_preview(result.voucher.number, chronic_screen.ACCEPTANCE_PAPERS[result.voucher.doc_type])

    def receive_materials(self) -> None:
        detail = self._selected_for("receive_materials")
        if detail is None:
            return
        filing_id = detail.row.id
        dialog = ReceiveMaterialsDialog(self._describe(detail), detail.missing, lambda keys: chronic.receive_materials(
            self.desk, self.operator, filing_id=filing_id, materials=keys), self)
        self._open_dialog(dialog, self._received)

    def _received(self, result) -> None:
        filing = result.filing
        self.refresh_filings(select=filing.id)
        if filing.state == "accepted":
            self.bar.show_info(self.tr("受理号 {id} 的材料已补齐，状态回到“已受理”，等待审核员认定。"
                                       "已出具受理回执 {number}，请打印交申请人。").format(id=filing.id, number=result.voucher.number))
        else:
            self.bar.show_warning(self.tr("受理号 {id} 仍缺少材料，已重新出具一次性告知书 {number}，列明尚缺的全部材料。").format(
                id=filing.id, number=result.voucher.number))
        self.open_preview(result.voucher.number, chronic_screen.ACCEPTANCE_PAPERS[result.voucher.doc_type])

    def approve(self) -> None:
        detail = self._selected_for("approve") if self.can_review else None
        if detail is None:
            return
        filing_id = detail.row.id
        dialog = DecisionDialog(
            self.tr("认定"), self._describe(detail), self.tr("确认认定 (Enter)"),
            lambda _reason, _on: chronic.approve_filing(self.desk, self.operator, filing_id=filing_id), self,
            note=self.tr("认定自今天起生效，有效期按病种目录的规定；确认后出具认定通知书。审核员不能认定自己受理的申请。"))
        self._open_dialog(dialog, lambda result: self._decided(result, self.tr("认定通知书")))

    def reject(self) -> None:
        detail = self._selected_for("reject") if self.can_review else None
        if detail is None:
            return
        filing_id = detail.row.id
        dialog = DecisionDialog(
            self.tr("不予认定"), self._describe(detail), self.tr("确认不予认定 (Enter)"),
            lambda reason, _on: chronic.reject_filing(self.desk, self.operator, filing_id=filing_id, reason=reason),
            self, reasons=REJECTION_REASONS, reason_hint=self.tr("↑↓ 选择常用理由，或直接填写"),
            note=self.tr("理由将印在不予认定通知书上，通知书同时告知申请人复核途径。"))
        self._open_dialog(dialog, lambda result: self._decided(result, self.tr("不予认定通知书")))

    def terminate(self) -> None:
        detail = self._selected_for("terminate") if self.can_review else None
        if detail is None:
            return
        filing_id = detail.row.id
        dialog = DecisionDialog(
            self.tr("终止认定"), self._describe(detail), self.tr("确认终止 (Enter)"),
            lambda reason, on: chronic.terminate_filing(self.desk, self.operator, filing_id=filing_id, reason=reason,
                                                        on=on),
            self, reasons=TERMINATION_REASONS, reason_hint=self.tr("↑↓ 选择原因，或直接填写"), ask_date=self.desk.today(),
            note=self.tr("终止后，最后享受待遇日之后发生的费用不再按门诊慢特病报销；记录保留，不能撤销。"))
        self._open_dialog(dialog, lambda result: self._decided(result, ""))

    def _decided(self, result, title: str) -> None:
        filing = result.filing
        self.refresh_filings(select=filing.id)
        text = self.tr("受理号 {id}：{state}。").format(id=filing.id, state=filing.state_name)
        if filing.effective_from:
            text += self.tr("认定有效期 {validity}。").format(validity=chronic_screen.validity_text(filing))
        if result.voucher is not None:
            text += self.tr("已出具{title} {number}。").format(title=title, number=result.voucher.number)
        self.bar.show_info(text)
        if result.voucher is not None:
            self.open_preview(result.voucher.number, title)
        else:
            self.filings.filings.setFocus()

    # ------------------------------------------------------------------ documents

    def print_document(self) -> None:
        if self.detail is None or not self.detail.documents:
            self.bar.show_error(self.tr("所选申请没有可打印的文书（受理回执、一次性告知书、认定或不予认定通知书在办理时出具）。"))
            return
        self.filings.print_button.click()

    def open_preview(self, number: str, title: str = "") -> None:
        self._show_preview(number, title, self._preview_closed,
                           printed=lambda _copy: self._filing_selected(self.filings.selected_id()))

    def _preview_closed(self) -> None:
        self.window().activateWindow()
        self.filings.filings.setFocus(Qt.FocusReason.OtherFocusReason)
