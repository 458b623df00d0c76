"""The 当前办理人 bar above the tabs: the citizen across the counter, as every tab opens them.

What it shows comes from one `screens.common.current_person` call; the main window decides when
(a tab opened a person, a write changed them, F2 ended the visit).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QWidget

from desk.screens import common
from desk.ui.widgets import action_button


class CurrentPersonBar(QFrame):
    next_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("currentPerson")
        self.caption = QLabel(self.tr("当前办理人"))
        self.caption.setObjectName("currentPersonCaption")
        self.who = QLabel()
        self.who.setObjectName("currentPersonWho")
        self.details = QLabel()
        self.details.setObjectName("currentPersonDetails")
        self.details.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._details_text = ""
        self.next_button = action_button(self.tr("下一位"), "F2", self.tr("办完此人：清空各页，接待下一位（F2）"))
        self.next_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # F2 from anywhere; Tab does not stop here
        self.next_button.clicked.connect(self.next_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 1, 6, 1)
        layout.setSpacing(12)
        layout.addWidget(self.caption)
        layout.addWidget(self.who)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.next_button)
        self.person_id: int | None = None
        self.show_person(None)

    def show_person(self, shown: common.CurrentPerson | None) -> None:
        self.person_id = shown.person_id if shown else None
        self.setProperty("empty", shown is None)
        self.style().unpolish(self)
        self.style().polish(self)
        if shown is None:
            self.who.setText("")
            self.who.setVisible(False)
            self._set_details(self.tr(common.NO_CURRENT_PERSON))
            self.setToolTip("")
            self.next_button.setEnabled(False)
            return
        self.who.setVisible(True)
        self.who.setText(f"{shown.name}　{shown.masked_id_number}　{shown.sex_age}")
        self._set_details("　|　".join((shown.enrolment, shown.filings, shown.transfers)))
        self.setToolTip(shown.tooltip)
        self.next_button.setEnabled(True)

    def details_text(self) -> str:
        """The whole text of the details (the label may show it shortened, … at the end)."""
        return self._details_text

    def _set_details(self, text: str) -> None:
        self._details_text = text
        self._elide()

    def resizeEvent(self, event) -> None:
        """The details are shortened at the right rather than push 下一位 off a 1280-pixel screen."""
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.details.width(), 50)
        self.details.setText(self.details.fontMetrics().elidedText(self._details_text, Qt.TextElideMode.ElideRight, width))
