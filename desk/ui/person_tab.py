"""What the business tabs (参保登记, 门诊慢特病, 报销计算, 转移接续) share: the person search
at the top (F2, a whole ID number checked and looked up exactly, results opened), Esc leaving
the search before anything else, the question before discarding typed input, the debounce
timers stopped while the tab is hidden, and the PDF preview dialog.

Each tab keeps its own texts and its differences as small hooks (`_id_number_not_found`,
`_not_found_text`, `_escape_past_search`, `_start_over`, `_timers`, …).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desk.core.idnumber import IdNumberError, parse_id_number
from desk.screens import common
from desk.ui.errors import run_action
from desk.ui.pdf_preview import PdfPreviewDialog


class PersonTab(QWidget):
    """Base of a tab with `self.search` (SearchPanel), `self.bar` (MessageBar), `desk` and `operator`."""

    #: A whole ID number typed in the search is validated, and only an exact match opens by itself.
    CHECKS_ID_NUMBERS = True
    _refresh_on_show = False

    #: The tab now shows this registered person (opened, saved, or changed by a write): the 当前办理人 bar follows.
    person_shown = Signal(int)
    #: The tab now shows no registered person (a new registration, Esc to start over, an unregistered applicant).
    person_left = Signal()
    #: F2 in this tab: set by the main window to end the visit in every tab; alone, F2 goes to the search.
    on_next_citizen = None

    # ------------------------------------------------------------------ the current person (当前办理人)

    def shown_person_id(self) -> int | None:
        """The registered person this tab shows, or None."""
        raise NotImplementedError

    def follow_person(self, person_id: int | None) -> bool:
        """Show the window's current person (None: nobody) when this tab comes to the front: True when it does;
        False when typed input would be lost and the clerk keeps it (the tab then stays as it was)."""
        if self.shown_person_id() == person_id:
            return True
        if not self.confirm_discard():
            return False
        if person_id is None:
            self.forget_person()
        else:
            self._start_over()
            self.open_person(person_id)
        return self.shown_person_id() == person_id

    def forget_person(self) -> None:
        """The visit is over (F2, 下一位): nobody shown, nothing typed, the keyboard in the search box. The window
        has asked before anything typed is thrown away."""
        self._start_over()
        self.search.clear()
        self.bar.clear_message()
        self.focus_search()

    def next_citizen(self) -> None:
        """F2: end this citizen's visit (every tab, when in the main window), then the search box."""
        if self.on_next_citizen is not None:
            self.on_next_citizen()
        else:
            self.focus_search()

    # ------------------------------------------------------------------ search

    def focus_search(self) -> None:
        self.search.focus()

    def run_search(self, text: str) -> None:
        self.search.set_error(None)
        if not text:
            self.search.show_results([], "")
            return
        full = self._full_id_number(text) if self.CHECKS_ID_NUMBERS else None
        if full is False:
            return
        ok, results = run_action(lambda: common.search_persons(self.desk, self.operator, text), bar=self.bar,
                                 parent=self)
        if not ok:
            return
        if len(results) == 1 and (full or not self.CHECKS_ID_NUMBERS):
            self.open_person(results[0].id)
        elif full and self._id_number_not_found(full):
            return
        elif results:
            self.search.show_results(results, "")
            self.search.table.setFocus()
        else:
            self.search.show_results([], "")
            self.search.set_error(self._not_found_text(text))

    def _id_number_not_found(self, id_number: str) -> bool:
        """A whole, valid ID number without its one person: True when the tab handled it (e.g. started a new form)."""
        return False

    def _not_found_text(self, text: str) -> str:
        raise NotImplementedError

    def _full_id_number(self, text: str):
        """The normalised number when a whole ID number was typed; False (shown) when it is invalid; else None."""
        if common.search_kind(text) != "id_number" or len(text) not in (15, 18):
            return None
        try:
            return parse_id_number(text, self.desk.today()).id_number
        except IdNumberError as error:
            self.search.set_error(error.message)
            self.search.show_results([], "")
            return False

    # ------------------------------------------------------------------ Esc and discarding

    def escape(self) -> None:
        """Esc: leave the search, or (`_escape_past_search`) finish with this citizen and start over."""
        if self.search.edit.hasFocus() and self.search.edit.text():
            self.search.clear()
            return
        if self.search.table.isVisible():
            self.search.hide_results()
            self.focus_search()
            return
        self._escape_past_search()

    def _escape_past_search(self) -> None:
        if self._may_discard_on_escape() and self.confirm_discard():
            self._start_over()
            self.search.clear()
            self.focus_search()

    def _may_discard_on_escape(self) -> bool:
        return True

    def _start_over(self) -> None:
        self.start_new(confirm=False)

    def start_new(self, *, id_number: str = "", confirm: bool = True) -> None:
        """An empty `self.form` (`_clear_for_new`), or one holding the ID number searched for, the keyboard on the
        first field still to fill; asks first when typed input would be lost (unless `confirm` is False)."""
        if confirm and not self.confirm_discard():
            return
        self.search.hide_results()
        self.bar.clear_message()
        self._clear_for_new()
        if id_number:
            self._prefill_id_number(id_number)
            self.form.name.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.form.id_number.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_for_new(self) -> None:
        raise NotImplementedError

    def _prefill_id_number(self, id_number: str) -> None:
        self.form.id_number.setText(id_number)

    def has_unsaved_changes(self) -> bool:
        return False

    def _discard_question(self) -> tuple[str, str]:
        """The title and text of the question asked before typed input is thrown away."""
        raise NotImplementedError

    def confirm_discard(self) -> bool:
        if not self.has_unsaved_changes():
            return True
        title, text = self._discard_question()
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    # ------------------------------------------------------------------ debounce timers

    def _timers(self) -> tuple[QTimer, ...]:
        """The debounce timers stopped while the tab is hidden and restarted when it shows again."""
        return ()

    def hideEvent(self, event) -> None:
        """Hidden (another tab chosen, or the window closed): stop the debounce timers, so none outlives the tab;
        a refresh that was pending runs when the tab shows again."""
        timers = self._timers()
        pending = any(timer.isActive() for timer in timers)
        for timer in timers:
            timer.stop()
        self._refresh_on_show = self._refresh_on_show or pending
        super().hideEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._refresh_on_show:
            self._refresh_on_show = False
            for timer in self._timers():
                timer.start()

    def closeEvent(self, event) -> None:
        for timer in self._timers():
            timer.stop()
        self._refresh_on_show = False
        super().closeEvent(event)

    # ------------------------------------------------------------------ previews

    def _show_preview(self, number: str, title: str, finished, printed=None) -> PdfPreviewDialog:
        """The paper's preview (title, then number), kept as `self.preview`; `finished` runs when it closes."""
        dialog = PdfPreviewDialog(self.desk, self.operator, number, self, title=f"{title}　{number}" if title else number)
        if printed is not None:
            dialog.printed.connect(printed)
        dialog.finished.connect(finished)
        self.preview = dialog
        dialog.open()
        return dialog
