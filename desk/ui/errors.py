"""The one place where refusals and failures reach the clerk.

* `DeskError` (and subclasses): its Chinese message in the screen's message bar; when it
  names a field, also in red beside that field. `ValidationError` puts every problem beside
  its own field.
* Anything else: a short apology with a reference number, the details written to the log
  file in the data directory; the clerk's input stays where it was.
"""

from __future__ import annotations

import logging
import secrets
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QMessageBox, QWidget

from desk.core.errors import DeskError, Problem, ValidationError, os_reason
from desk.services import faults

T = TypeVar("T")
LOG_FILE_NAME = "desk-errors.log"
_state = {"log_dir": Path(tempfile.gettempdir()) / "desk-logs"}


def tr(text: str) -> str:
    return QCoreApplication.translate("errors", text)


def set_log_directory(path: Path) -> None:
    _state["log_dir"] = Path(path)


def new_reference() -> str:
    return f"E{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2).upper()}"


def fallback_log_directories() -> list[Path]:
    """Where the log goes when the data directory cannot take it (full, read-only, gone)."""
    return [Path(tempfile.gettempdir()) / "desk-logs", Path.home() / "desk-logs"]


def log_unexpected(error: BaseException) -> str:
    """Write the details to the log file (or, when the data directory cannot take it, to the first
    fallback folder that can, naming the folder that failed); return the reference number."""
    reference = new_reference()
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    entry = f"=== {reference} {datetime.now().isoformat(timespec='seconds')}\n{details}\n"
    failed: list[str] = []
    for folder in [_state["log_dir"], *fallback_log_directories()]:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with (folder / LOG_FILE_NAME).open("a", encoding="utf-8") as handle:
                handle.write(entry if not failed else f"{entry}(could not write the log in {', '.join(failed)})\n")
            break
        except OSError as problem:
            failed.append(f"{folder}: {os_reason(problem)}")
    else:
        logging.getLogger("desk").error("could not write the error log anywhere: %s", failed)
    print(f"desk: unexpected error {reference}\n{details}", file=sys.stderr)
    return reference


def apology(reference: str) -> str:
    return tr("抱歉，程序遇到了意外问题，刚才的操作没有完成，您填写的内容仍然保留。"
              "请稍后重试；如果再次出现，请把参考编号 {reference} 告诉系统管理员。").format(reference=reference)


def show_unexpected(parent: QWidget | None, error: BaseException) -> str:
    reference = log_unexpected(error)
    box = QMessageBox(QMessageBox.Icon.Warning, tr("出错了"), apology(reference), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("unexpectedErrorBox")
    box.open()
    return reference


def install_excepthook() -> None:
    """Exceptions escaping a slot end here instead of closing the application."""

    def hook(kind, error, trace):
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        error.__traceback__ = trace
        show_unexpected(None, error)

    sys.excepthook = hook


class MessageBar(QLabel):
    """One line (wrapping) under the screen's header: the latest outcome, coloured by kind."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setWordWrap(True)
        self.kind = ""
        self.clear_message()

    def _show(self, text: str, kind: str) -> None:
        self.kind = kind
        self.setProperty("kind", kind)
        self.setText(text)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setVisible(bool(text))

    def show_error(self, text: str) -> None:
        self._show(text, "error")

    def show_info(self, text: str) -> None:
        self._show(text, "info")

    def show_warning(self, text: str) -> None:
        self._show(text, "warning")

    def clear_message(self) -> None:
        self._show("", "")


class FieldErrors:
    """Red labels beside named fields; `show` places each problem beside its field.

    A field given with its widget (`add(field, label, widget)`): the clerk editing it clears its
    red label; `focus_first` puts the cursor in the first field in error (in form order, top to
    bottom, left to right); once the last red label of a refusal is cleared, the refusal's text
    leaves the message bar too (`remember_refusal`)."""

    def __init__(self):
        self._labels: dict[str, QLabel] = {}
        self._widgets: dict[str, QWidget] = {}
        self._refusal: tuple[MessageBar, str] | None = None

    def add(self, field: str, label: QLabel, widget: QWidget | None = None) -> None:
        self._labels[field] = label
        if widget is not None:
            self._widgets[field] = widget
            _on_user_edit(widget, lambda *_args, name=field: self._user_edited(name))

    def has(self, field: str | None) -> bool:
        return field in self._labels

    def label(self, field: str) -> QLabel:
        return self._labels[field]

    def widget(self, field: str) -> QWidget | None:
        return self._widgets.get(field)

    def message(self, field: str) -> str:
        label = self._labels.get(field)
        return label.text() if label is not None and label.isVisibleTo(label.parentWidget()) else ""

    def set(self, field: str, message: str | None) -> None:
        label = self._labels.get(field)
        if label is None:
            return
        label.setText(message or "")
        label.setVisible(bool(message))
        if not message:
            self._refusal_fixed()

    def clear(self, *fields: str) -> None:
        for field in fields or tuple(self._labels):
            self.set(field, None)

    def in_error(self) -> list[str]:
        """The fields whose red label is showing now."""
        return [field for field, label in self._labels.items() if label.text() and not label.isHidden()]

    def show(self, problems) -> list[Problem]:
        """Show each problem beside its field (several for one field are joined); return those with no field here."""
        placed: dict[str, list[str]] = {}
        unplaced = []
        for problem in problems:
            if problem.field in self._labels:
                placed.setdefault(problem.field, []).append(problem.message)
            else:
                unplaced.append(problem)
        for field, messages in placed.items():
            self.set(field, "\n".join(messages))
        return unplaced

    def focus_first(self) -> QWidget | None:
        """Put the cursor in the first field in error, in form order; return that widget."""
        candidates = [self._widgets[field] for field in self.in_error()
                      if field in self._widgets and self._widgets[field].isVisible()
                      and self._widgets[field].isEnabled()]
        if not candidates:
            return None
        first = _focusable(min(candidates, key=_form_position))
        first.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(first, QLineEdit):
            first.selectAll()
        return first

    def remember_refusal(self, bar: MessageBar | None, text: str) -> None:
        """The bar shows `text` because of the red labels now showing: it goes when they are all fixed."""
        self._refusal = (bar, text) if bar is not None and self.in_error() else None

    def _user_edited(self, field: str) -> None:
        if self.message(field) or not self._labels[field].isHidden():
            self.set(field, None)

    def _refusal_fixed(self) -> None:
        if self._refusal is None or self.in_error():
            return
        bar, text = self._refusal
        self._refusal = None
        if bar.text() == text and bar.kind == "error":
            bar.clear_message()


def _focusable(widget: QWidget) -> QWidget:
    """The widget itself, or (a field made of several widgets) its first child that takes focus."""
    if widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
        return widget
    for child in widget.findChildren(QWidget):
        if child.focusPolicy() != Qt.FocusPolicy.NoFocus and child.isVisible() and child.isEnabled():
            return child
    return widget


def _form_position(widget: QWidget) -> tuple[int, int]:
    point = widget.mapTo(widget.window(), QPoint(0, 0))
    return point.y(), point.x()


def _on_user_edit(widget: QWidget, slot) -> None:
    """Connect the signal a clerk's own edit sends (never a programme's setText)."""
    if isinstance(widget, QLineEdit):
        widget.textEdited.connect(slot)
    elif isinstance(widget, QComboBox):
        widget.activated.connect(slot)
        if widget.isEditable() and widget.lineEdit() is not None:
            widget.lineEdit().textEdited.connect(slot)
    elif isinstance(widget, QAbstractButton):
        widget.clicked.connect(slot)
    elif hasattr(widget, "editingFinished"):
        widget.editingFinished.connect(slot)


def run_action(
    call: Callable[[], T],
    *,
    bar: MessageBar | None = None,
    fields: FieldErrors | None = None,
    parent: QWidget | None = None,
    focus_error: bool = True,
) -> tuple[bool, T | None]:
    """Run one user action; every refusal or failure is shown here. Returns (succeeded, result).

    A refusal naming fields puts the cursor in the first of them (`focus_error`; a live preview
    while the clerk types passes False so the cursor stays where the clerk is typing)."""
    try:
        return True, call()
    except ValidationError as error:
        if fields is not None:
            fields.show(error.problems)
        _say(bar, parent, error.message)
        _after_refusal(fields, bar, error.message, focus_error)
    except DeskError as error:
        if not error.marks_field:
            _notice(bar, parent, error.message)
            return False, None
        if fields is not None and fields.has(error.field):
            fields.set(error.field, error.message)
        _say(bar, parent, error.message)
        _after_refusal(fields, bar, error.message, focus_error)
    except Exception as error:
        fault = faults.kind_of(error)
        if fault != faults.OTHER:  # a read or a file met a full disk, a locked file, ...: say which
            reference = log_unexpected(error)
            _say(bar, parent, f"{faults.DatabaseFault.of(error).message}（参考编号 {reference}）")
            return False, None
        reference = show_unexpected(parent, error)
        if bar is not None:
            bar.show_error(apology(reference))
    return False, None


def _after_refusal(fields: FieldErrors | None, bar: MessageBar | None, message: str, focus: bool) -> None:
    if fields is not None:
        fields.remember_refusal(bar, message)
        if focus:
            fields.focus_first()


def _notice(bar: MessageBar | None, parent: QWidget | None, message: str) -> None:
    """A refusal that is no field's fault: a warning on the bar, never a red field."""
    if bar is not None:
        bar.show_warning(message)
    else:
        _say(None, parent, message)


def _say(bar: MessageBar | None, parent: QWidget | None, message: str) -> None:
    if bar is not None:
        bar.show_error(message)
    else:
        box = QMessageBox(QMessageBox.Icon.Information, tr("提示"), message, QMessageBox.StandardButton.Ok, parent)
        box.open()
