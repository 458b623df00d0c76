"""转移接续"一件事": search (prefills the applicant; an applicant need not be registered), the
申请登记表 with its materials, accept and print (申请登记表 and 受理回执, or 一次性告知书), the
person's 参保凭证, the tracking list with the reviewers' moves, and the summary.

Every action is one service call through `run_action`; this module holds no SQL, no policy
arithmetic and computes no dates.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from desk.core.errors import ValidationError
from desk.screens import transfer as screen
from desk.services import enrolment, transfer
from desk.services.context import Desk, Operator
from desk.ui.errors import FieldErrors, MessageBar, run_action
from desk.ui.pdf_preview import PdfPreviewDialog
from desk.ui.person_tab import PersonTab
from desk.ui.search_panel import SearchPanel
from desk.ui.transfer_dialogs import CompleteDialog, MaterialsDialog, ReturnDialog
from desk.ui.transfer_form import FORM_FIELDS, TransferForm
from desk.ui.transfer_tracking import SummaryPanel, TrackingPanel
from desk.ui.widgets import action_button, hint_label, scrolling, shortcut

PAGES = (("受理申请", "Alt+1"), ("办理跟踪", "Alt+2"), ("统计", "Alt+3"))


class TransferTab(PersonTab):
    def __init__(self, desk: Desk, operator: Operator, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.operator = desk, operator
        self.person_id: int | None = None
        self.accepted: transfer.Transfer | None = None
        self.preview: PdfPreviewDialog | None = None
        self.dialog = None
        self._queue: list[tuple[str, str]] = []
        self.errors = FieldErrors()
        self.summary_errors = FieldErrors()
        self.bar = MessageBar()
        self.search = SearchPanel()
        self.search.new_button.setText(self.tr("新申请 (Ctrl+N)"))
        self.search.new_button.setToolTip(self.tr("清空申请表，受理下一件申请（Ctrl+N）"))
        self.search.edit.setPlaceholderText(self.tr("查询申请人：输入身份证号码、姓名或手机号后按 Enter；未登记的申请人也可直接填写（F2）"))
        self.form = TransferForm(desk, self.errors)
        self.applicant_note = hint_label("")
        self.applicant_note.setObjectName("applicantNote")
        self.accept_button = action_button(self.tr("受理并打印"), "Ctrl+Enter",
                                           self.tr("受理申请，出具申请登记表和受理回执（材料不全时出具一次性告知书）"))
        self.accept_button.setObjectName("acceptButton")
        self.accept_button.setProperty("primary", True)
        self.certificate_button = action_button(self.tr("打印参保凭证"), "Ctrl+P",
                                                self.tr("打印所选参保人的《基本医疗保险参保凭证》（Ctrl+P）"))
        self.certificate_button.setObjectName("certificateButton")
        self.tracking = TrackingPanel(operator.can("transfer.review"), operator.can("transfer.accept"))
        first, last = screen.default_summary_period(desk)
        self.summary = SummaryPanel(self.summary_errors, first, last)
        self.pages = QTabWidget()
        self.accept_page = self._accept_page()
        self._lay_out()
        self._connect()
        self._shortcuts()
        self._set_tab_order()
        self.start_new(confirm=False)

    # ------------------------------------------------------------------ layout

    def _accept_page(self) -> QWidget:
        page = QWidget()
        buttons = QHBoxLayout()
        buttons.addWidget(self.applicant_note, 1)
        buttons.addWidget(self.certificate_button)
        buttons.addWidget(self.accept_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(scrolling(self.form), 1)
        layout.addLayout(buttons)
        return page

    def _lay_out(self) -> None:
        for page, (title, keys) in zip((self.accept_page, self.tracking, self.summary), PAGES, strict=False):
            self.pages.addTab(page, f"{self.tr(title)} ({keys})")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.addWidget(self.search)
        layout.addWidget(self.bar)
        layout.addWidget(self.pages, 1)

    def _connect(self) -> None:
        self.search.search_requested.connect(self.run_search)
        self.search.new_requested.connect(self.start_new)
        self.search.person_chosen.connect(self.open_person)
        self.form.submit_requested.connect(self.accept)
        self.accept_button.clicked.connect(self.accept)
        self.certificate_button.clicked.connect(self.print_certificate)
        self.pages.currentChanged.connect(self._page_changed)
        self.tracking.refresh_requested.connect(self.refresh_tracking)
        self.tracking.details_wanted.connect(self._show_details)
        self.tracking.move_requested.connect(self.move)
        self.tracking.materials_requested.connect(self.receive_materials)
        self.tracking.reprint_requested.connect(lambda number, title: self.open_previews([(number, title)]))
        self.summary.period_chosen.connect(self.show_summary)

    def _shortcuts(self) -> None:
        """F2, Ctrl+N, Esc and the pages while this tab shows; accepting only on the accept page."""
        shortcut(self, "F2", self.next_citizen)
        shortcut(self, "Ctrl+N", self.start_new)
        shortcut(self, "Escape", self.escape)
        for index, (_, keys) in enumerate(PAGES):
            shortcut(self, keys, lambda i=index: self.show_page(i))
        shortcut(self.accept_page, "Ctrl+Return", self.accept)
        shortcut(self.accept_page, "Ctrl+Enter", self.accept)
        shortcut(self.accept_page, "Ctrl+P", self.print_certificate)

    def _set_tab_order(self) -> None:
        """Search, then the form (its own order), then the buttons; the pages switch with Alt+1..3."""
        chain = [self.search.edit, self.search.search_button, self.search.new_button, self.search.table,
                 *self.form.widgets_in_order(), self.certificate_button, self.accept_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # ------------------------------------------------------------------ state

    def show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        target = (self.form.id_type if not self.person_id else self.form.direction, self.tracking.table,
                  self.summary.first)[index]
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _page_changed(self, index: int) -> None:
        if index == 1:
            self.refresh_tracking()
        elif index == 2:
            self.show_summary(*self.summary.period())

    def has_unsaved_changes(self) -> bool:
        """Something typed and not yet accepted; a registered applicant's details as loaded do not count."""
        if self.accepted is not None or not self.form.has_input():
            return False
        return self.person_id is None or self._form_snapshot() != self._loaded_form

    def _form_snapshot(self) -> dict | None:
        try:
            return self.form.value()
        except ValidationError:
            return None  # 代办 ticked with the agent half filled: typed input

    def _discard_question(self) -> tuple[str, str]:
        return self.tr("放弃填写"), self.tr("申请表已填写但尚未受理，确定放弃吗？")

    def _set_accepted(self, accepted: transfer.Transfer | None) -> None:
        self.accepted = accepted
        self.form.setEnabled(accepted is None)
        self.accept_button.setEnabled(accepted is None)

    def _note_applicant(self, name: str = "") -> None:
        self.certificate_button.setEnabled(self.person_id is not None)
        self.applicant_note.setText(
            self.tr("申请人：已登记参保人 {name}，信息已带入；可打印其参保凭证。").format(name=name) if self.person_id
            else self.tr("申请人未在本系统登记也可受理：请直接填写申请人信息。"))

    # ------------------------------------------------------------------ search

    def _id_number_not_found(self, id_number: str) -> bool:
        self.start_new(id_number=id_number)
        self.bar.show_info(self.tr("没有找到证件号码为 {id} 的参保人：未登记的申请人也可受理，请填写申请人信息。").format(
            id=id_number))
        return True

    def _not_found_text(self, text: str) -> str:
        return self.tr("没有找到“{text}”：可换用身份证号码、姓名开头或手机号查询；未登记的申请人可直接填写。").format(text=text)

    def shown_person_id(self) -> int | None:
        return self.person_id

    def open_person(self, person_id: int) -> None:
        if not self.confirm_discard():
            return
        ok, chosen = run_action(lambda: screen.applicant_screen(self.desk, self.operator, person_id),
                                bar=self.bar, parent=self)
        if not ok:
            return
        self.start_new(confirm=False)
        self.person_id = person_id
        self.form.load_applicant(chosen.applicant)
        self._note_applicant(chosen.applicant.name)
        if chosen.open_query_number:
            self.bar.show_warning(self.tr("该申请人已有在办的转移接续申请：查询号 {number}（{state}），请核对，避免重复受理。").format(
                number=chosen.open_query_number, state=chosen.open_state_name))
        self.pages.setCurrentIndex(0)
        (self.form.phone if not self.form.phone.text() else self.form.direction).setFocus(Qt.FocusReason.OtherFocusReason)
        self._loaded_form = self._form_snapshot()
        self.person_shown.emit(person_id)

    def _clear_for_new(self) -> None:
        self.person_id = None
        self._loaded_form = None
        self._set_accepted(None)
        self.form.reset()
        self._note_applicant()
        self.pages.setCurrentIndex(0)
        self.person_left.emit()

    def _may_discard_on_escape(self) -> bool:
        """Esc starts over only on the accept page (the tracking and summary pages hold no input)."""
        return self.pages.currentIndex() == 0

    # ------------------------------------------------------------------ accepting

    def accept(self) -> None:
        if self.accepted is not None:
            self.bar.show_warning(self.tr("这件申请已受理（查询号 {number}）。办理下一件请按 Ctrl+N。").format(
                number=self.accepted.query_number))
            return
        self.errors.clear()
        ok, form = self._checked(self.form.value)
        if not ok or not self._checked(lambda: screen.check_form(self.desk, form))[0]:
            return
        missing = self.form.missing_materials()
        if not missing:
            self._apply(form, self.form.materials())
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("材料不全"), self.tr(
            "尚缺：{items}。\n\n受理后将出具《一次性告知书》，材料补齐之日起计算办理时限。确定受理吗？").format(items="、".join(missing)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("missingMaterialsBox")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("受理并出具告知书"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("返回补勾材料"))
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        materials = self.form.materials()
        box.finished.connect(lambda _code: box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
                             and self._apply(form, materials))
        self.dialog = box
        box.open()

    def _checked(self, call):
        """run_action for the form; several problems are named once above and each beside its field."""
        ok, value = run_action(call, bar=self.bar, fields=self.errors, parent=self)
        shown = [name for name in FORM_FIELDS if self.errors.message(name)]
        if not ok and len(shown) > 1:
            self.bar.show_error(self.tr("申请表有 {n} 处需要改正，已在各栏旁用红字注明。").format(n=len(shown)))
            self.errors.remember_refusal(self.bar, self.bar.text())  # it goes once they are all fixed
        if not ok:
            self.form.focus_first_problem()
        return ok, value

    def _apply(self, form: dict, materials: list[str]) -> None:
        ok, result = self._checked(lambda: transfer.apply(self.desk, self.operator, form=form, materials=materials,
                                                          person_id=self.person_id))
        if not ok:
            return
        row = result.transfer
        self._set_accepted(row)
        if self.person_id is not None:
            self.person_shown.emit(self.person_id)
        if row.state == "accepted":
            self.bar.show_info(self.tr("已受理，查询号 {number}，承诺办结日期 {due}{mark}。请打印受理回执，关闭后打印申请登记表供签字。").format(
                number=row.query_number, due=row.due_date, mark=self.tr("（暂定）") if row.due_provisional else ""))
        else:
            self.bar.show_warning(self.tr(
                "材料不全，已登记为待补正（查询号 {number}），未开始计时。请打印一次性告知书，关闭后打印申请登记表。").format(
                number=row.query_number))
        self.open_previews(screen.papers_to_hand_over(result))

    def print_certificate(self) -> None:
        if self.person_id is None:
            self.bar.show_error(self.tr("申请人未在本系统登记，无法出具参保凭证：请先查询已登记的参保人。"))
            return
        ok, issued = run_action(lambda: enrolment.issue_certificate(self.desk, self.operator, person_id=self.person_id),
                                bar=self.bar, parent=self)
        if ok:
            self.open_previews([(issued.number, self.tr("基本医疗保险参保凭证"))])

    # ------------------------------------------------------------------ previews

    def open_previews(self, papers: list[tuple[str, str]]) -> None:
        """Preview each paper in turn; closing one opens the next."""
        self._queue = list(papers)
        self._next_preview()

    def _next_preview(self) -> None:
        if not self._queue:
            self._previews_done()
            return
        number, title = self._queue.pop(0)
        self._show_preview(number, title, self._next_preview, printed=lambda _copy: self._refresh_details())

    def _previews_done(self) -> None:
        self.window().activateWindow()
        if self.pages.currentIndex() == 1:
            self.refresh_tracking()
            self.tracking.table.setFocus()
        else:
            self.focus_search()

    # ------------------------------------------------------------------ tracking

    def refresh_tracking(self) -> None:
        ok, shown = run_action(lambda: screen.tracking_screen(self.desk, self.operator), bar=self.bar, parent=self)
        if ok:
            self.tracking.show_screen(shown)

    def _show_details(self, transfer_id: int) -> None:
        if not transfer_id:
            self.tracking.show_details(screen.NO_DETAILS)
            return
        ok, details = run_action(lambda: screen.transfer_details(self.desk, self.operator, transfer_id), bar=self.bar,
                                 parent=self)
        if ok:
            self.tracking.show_details(details)

    def _refresh_details(self) -> None:
        self._show_details(self.tracking.selected_id() or 0)

    def _row(self, transfer_id: int):
        return next(row for row in self.tracking.rows if row.id == transfer_id)

    def _query_number(self, transfer_id: int) -> str:
        return self._row(transfer_id).query_number

    def _describe(self, transfer_id: int) -> str:
        row = self._row(transfer_id)
        return self.tr("查询号 {number}：{name}，{direction}，{route}，当前状态“{state}”。").format(
            number=row.query_number, name=row.applicant_name, direction=row.direction_name, route=row.route,
            state=row.state_name)

    def move(self, action: str, transfer_id: int) -> None:
        description = self._describe(transfer_id)
        number = self._query_number(transfer_id)
        if action == "complete":
            dialog = CompleteDialog(description, lambda pooled, personal: transfer.complete(
                self.desk, self.operator, transfer_id=transfer_id, pooled_fund=pooled, personal_account=personal), self)
            dialog.accepted.connect(lambda: self._moved(self.tr("已办结 {number}：统筹基金 {pooled} 元，个人账户 {personal} 元。").format(
                number=number, pooled=dialog.result_value.transfer.pooled_fund,
                personal=dialog.result_value.transfer.personal_account)))
        elif action == "return":
            dialog = ReturnDialog(description, lambda reason: transfer.return_transfer(
                self.desk, self.operator, transfer_id=transfer_id, reason=reason), self)
            dialog.accepted.connect(lambda: self._moved(self.tr("已退回 {number}。").format(number=number)))
        else:
            step = self.tr(screen.step_name(action))
            question = self.tr("确定转入“{step}”吗？此操作不能撤回。").format(step=step)
            dialog = QMessageBox(QMessageBox.Icon.Question, step, f"{description}\n\n{question}",
                                 QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
            dialog.setDefaultButton(QMessageBox.StandardButton.Yes)
            dialog.finished.connect(lambda _code: dialog.clickedButton() is dialog.button(QMessageBox.StandardButton.Yes)
                                    and self._advance(action, transfer_id))
        self._show_dialog(dialog)

    def _show_dialog(self, dialog) -> None:
        """Open a tracking dialog; when it closes, the keyboard is back on the list."""
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self) -> None:
        if self.preview is not None and self.preview.isVisible():
            return  # a paper opened for printing keeps the keyboard
        self.window().activateWindow()
        if self.pages.currentIndex() == 1:
            self.tracking.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _advance(self, action: str, transfer_id: int) -> None:
        ok, _ = run_action(lambda: transfer.advance(self.desk, self.operator, transfer_id=transfer_id, action=action),
                           bar=self.bar, parent=self)
        if ok:
            self._moved(self.tr("{number} 已转入“{step}”。").format(number=self._query_number(transfer_id),
                                                               step=self.tr(screen.step_name(action))))

    def _moved(self, message: str) -> None:
        self.bar.show_info(message)
        self.refresh_tracking()
        self.tracking.table.setFocus()

    def receive_materials(self, transfer_id: int) -> None:
        ok, missing = run_action(lambda: screen.missing_materials(self.desk, self.operator, transfer_id), bar=self.bar,
                                 parent=self)
        if not ok:
            return

        def submit(keys: list[str]):
            if not keys:
                raise ValidationError.single("materials", "required", self.tr("请勾选申请人本次补交的材料。"))
            return transfer.receive_materials(self.desk, self.operator, transfer_id=transfer_id, materials=keys)

        dialog = MaterialsDialog(self._describe(transfer_id), missing, submit, self)
        dialog.accepted.connect(lambda: self._materials_received(dialog.result_value))
        self._show_dialog(dialog)

    def _materials_received(self, result) -> None:
        row = result.transfer
        if row.state == "accepted":
            self.bar.show_info(self.tr("材料已补齐：{number} 已受理，承诺办结日期 {due}{mark}。").format(
                number=row.query_number, due=row.due_date, mark=self.tr("（暂定）") if row.due_provisional else ""))
        else:
            self.bar.show_warning(self.tr("仍缺材料：{number} 继续待补正，已出具新的一次性告知书。").format(number=row.query_number))
        self.refresh_tracking()
        self.tracking.select(row.id)
        self.open_previews(screen.papers_to_hand_over(result))

    # ------------------------------------------------------------------ summary

    def show_summary(self, first, last) -> None:
        self.summary_errors.clear()
        ok, shown = run_action(lambda: screen.summary_screen(self.desk, self.operator, first=first, last=last),
                               bar=self.bar, fields=self.summary_errors, parent=self)
        if ok:
            self.summary.show_screen(shown)
        else:
            self.summary.clear_rows()
