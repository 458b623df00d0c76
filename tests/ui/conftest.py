"""pytest-qt fixtures for the GUI: a fresh database per test, fixed clock, three operators."""

from __future__ import annotations

import os
import re

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["DESK_NO_PRINTER"] = "1"

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from desk.core.idnumber import make_id_number
from desk.services import operators
from desk.services.context import Desk, Operator
from desk.ui.app import build_main_window

NOW = datetime(2026, 3, 10, 9, 30)
PASSWORD = "start2026"
ID_NUMBER = make_id_number("532923", date(1985, 6, 1), 452)


@dataclass
class Staff:
    admin: Operator
    clerk: Operator
    reviewer: Operator


@pytest.fixture
def desk(tmp_path):
    opened = Desk.open(tmp_path / "desk.db", clock=lambda: NOW)
    yield opened
    opened.close()


@pytest.fixture
def staff(desk) -> Staff:
    admin = operators.create_first_administrator(desk, username="admin", display_name="王管理", password=PASSWORD)
    clerk = operators.create_operator(desk, admin, username="clerk", display_name="张经办", role="clerk",
                                      temporary_password=PASSWORD)
    reviewer = operators.create_operator(desk, admin, username="reviewer", display_name="李审核", role="reviewer",
                                         temporary_password=PASSWORD)
    return Staff(admin, clerk, reviewer)


@pytest.fixture
def open_window(qtbot, desk):
    windows = []  # qtbot keeps only weak references

    def make(operator: Operator):
        # let the previous test's windows go first, so their closing cannot take the focus away
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()
        window = build_main_window(desk, operator)
        qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "_leaving", True))
        windows.append(window)
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        if window.tabs.count():
            qtbot.waitUntil(lambda: QApplication.focusWidget() is window.tabs.currentWidget().search.edit)
        return window

    return make


class Keyboard:
    """Keys go to whatever widget has the focus, as a clerk's keyboard would send them."""

    def __init__(self, qtbot):
        self.qtbot = qtbot

    @staticmethod
    def focused():
        return QApplication.focusWidget()

    def press(self, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        target = self.focused() or QApplication.activeWindow()
        assert target is not None, "no window has the keyboard"
        self.qtbot.keyClick(target, key, modifier)

    def type(self, text: str) -> None:
        """ASCII as key clicks; Chinese as an input method commits it (QTest cannot click non-ASCII keys)."""
        for chunk in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]+", text):
            if chunk.isascii():
                self.qtbot.keyClicks(self.focused(), chunk)
            else:
                event = QInputMethodEvent("", [])
                event.setCommitString(chunk)
                QApplication.sendEvent(self.focused(), event)

    def tab_until(self, widget, limit: int = 60) -> None:
        for _ in range(limit):
            if self.focused() is widget:
                return
            self.press(Qt.Key.Key_Tab)
        raise AssertionError(f"Tab never reached {widget.objectName() or widget}")


@pytest.fixture
def keyboard(qtbot) -> Keyboard:
    return Keyboard(qtbot)


# ---------------------------------------------------------------------------- 报销计算 tab


@pytest.fixture
def open_reimbursement(qtbot, open_window):
    """The main window on its 报销计算 tab, the keyboard in that tab's search box: (window, tab)."""
    from desk.ui.reimbursement_tab import ReimbursementTab

    def make(operator: Operator):
        window = open_window(operator)
        pages = [window.tabs.widget(i) for i in range(window.tabs.count())]
        tab = next(page for page in pages if isinstance(page, ReimbursementTab))
        window.tabs.setCurrentWidget(tab)
        tab.focus_search()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.search.edit)
        return window, tab

    return make


# ---------------------------------------------------------------- 转移接续 (test_transfer_tab.py)


class MovableClock:
    """A clock a test moves forward: set `moment` (due dates and the tracking flags follow it)."""

    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def moving_clock(desk) -> MovableClock:
    """The desk's clock, starting at NOW, that the test can move."""
    clock = MovableClock(NOW)
    desk.clock = clock
    return clock


# ------------------------------------------------ administration and safety (test_admin.py, test_safety_ui.py)


@pytest.fixture
def admin_window(qtbot, staff, open_window):
    """The administrator's main window on one page of its AdminPanel: (window, panel, page)."""

    def make(page_name: str = "operators"):
        window = open_window(staff.admin)
        panel = window.centralWidget()
        page = panel.show_page(page_name)
        qtbot.waitUntil(lambda: page.isVisible())
        return window, panel, page

    return make


class ModalAnswers:
    """Answers the modal dialogs a blocking call (exec()) opens: `expect(kind, action)` acts on the
    next visible modal dialog of that kind. One that never appears fails the test instead of hanging it."""

    def __init__(self):
        self.problems: list[str] = []

    def expect(self, kind, action, timeout_ms: int = 8000) -> None:
        from PySide6.QtCore import QTimer

        waited = {"ms": 0}

        def poll():
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, kind) and dialog.isVisible():
                action(dialog)
                return
            waited["ms"] += 20
            if waited["ms"] > timeout_ms:
                self.problems.append(f"no {kind.__name__} appeared (active modal: {dialog!r})")
                if dialog is not None:
                    dialog.reject()
                return
            QTimer.singleShot(20, poll)

        QTimer.singleShot(0, poll)

    def check(self) -> None:
        assert not self.problems, self.problems


@pytest.fixture
def modal():
    answers = ModalAnswers()
    yield answers
    answers.check()
