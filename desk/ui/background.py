"""Long work off the UI thread (architecture.md): a backup, an export, the full database check.

`run_in_background(work, ...)` runs `work()` in a QThread; its result or its error comes back
to the UI thread through a queued signal. With `progress` text, a window-modal progress
dialog (busy bar, no cancel: these jobs cannot be stopped half-way) stays up until the work
is done. Refusals (`DeskError`) reach `on_error`; anything unexpected gets the apology with a
reference number (errors.show_unexpected) unless `on_error` takes every error.

`run_with_progress(work, ...)` is for work that can stop between two steps (an export): `work`
gets a `progress(done, total)` callable to call after each step; the dialog shows a bar of
done/total and a 取消 button, and `progress` answers False once 取消 was pressed (the work
then stops and says so with its own error).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from desk.core.errors import DeskError
from desk.ui import errors

_running: set[BackgroundJob] = set()  # keeps every job alive until it reports


class _Worker(QThread):
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Callable[[], object]):
        super().__init__()
        self.work = work

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as error:
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)


class BackgroundJob(QObject):
    """One piece of work in a thread; `done` is True once its outcome reached the UI thread."""

    finished = Signal()

    def __init__(self, work, on_done, on_error, progress: QProgressDialog | None, all_errors: bool):
        super().__init__()
        self.done = False
        self.result = None
        self.error: BaseException | None = None
        self.progress = progress
        self.focus = QApplication.focusWidget()  # the keyboard goes back there when the progress dialog closes
        self._on_done, self._on_error, self._all_errors = on_done, on_error, all_errors
        self.worker = _Worker(work)
        self.worker.succeeded.connect(self._succeeded, Qt.ConnectionType.QueuedConnection)
        self.worker.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)

    def start(self) -> BackgroundJob:
        _running.add(self)
        self.worker.start()
        return self

    def wait(self, milliseconds: int = 60_000) -> bool:
        return self.worker.wait(milliseconds)

    def _succeeded(self, result) -> None:
        self.result = result
        self._finish()
        if self._on_done is not None:
            self._on_done(result)

    def _failed(self, error: BaseException) -> None:
        self.error = error
        self._finish()
        if self._on_error is not None and (self._all_errors or isinstance(error, DeskError)):
            self._on_error(error)
        else:
            errors.show_unexpected(self.progress.parentWidget() if self.progress else None, error)

    def _finish(self) -> None:
        self.worker.wait()
        if self.progress is not None:
            self.progress.reset()
            self.progress.close()
            self.progress.deleteLater()
            self._give_back_focus()
        self.done = True
        _running.discard(self)
        self.finished.emit()


    def _give_back_focus(self) -> None:
        widget = self.focus
        try:
            if widget is not None and widget.isVisible():
                widget.window().activateWindow()
                widget.setFocus()
        except RuntimeError:  # the widget has gone meanwhile
            pass


def progress_dialog(parent: QWidget | None, text: str) -> QProgressDialog:
    dialog = QProgressDialog(text, None, 0, 0, parent)
    dialog.setObjectName("backgroundProgress")
    dialog.setWindowTitle(QCoreApplication.translate("background", "请稍候"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setMinimumSize(460, 120)
    dialog.setStyleSheet("QProgressDialog { padding: 14px; } QLabel { padding: 6px 4px; }")
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    return dialog


class _Counter(QObject):
    counted = Signal(int, int)


def run_with_progress(work: Callable[[Callable[[int, int], bool]], object], *, parent: QWidget | None, text: str,
                      counted: str, on_done: Callable[[object], None] | None = None,
                      on_error: Callable[[BaseException], None] | None = None) -> BackgroundJob:
    """Start `work(progress)` in a thread behind a progress bar with 取消; `counted`: the text as
    steps are done, with {done} and {total}. Every error reaches `on_error`."""
    dialog = progress_dialog(parent, text)
    dialog.setCancelButtonText(QCoreApplication.translate("background", "取消"))
    stop = threading.Event()
    dialog.canceled.connect(stop.set)
    counter = _Counter()

    def show(done: int, total: int) -> None:
        if stop.is_set() or not dialog.isVisible():
            return
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        dialog.setLabelText(counted.format(done=f"{done:,}", total=f"{total:,}"))

    counter.counted.connect(show, Qt.ConnectionType.QueuedConnection)

    def progress(done: int, total: int) -> bool:
        counter.counted.emit(done, total)
        return not stop.is_set()

    job = BackgroundJob(lambda: work(progress), on_done, on_error, dialog, True)
    job.counter, job.stop = counter, stop  # kept alive with the job; tests press 取消 through dialog or stop
    dialog.show()
    return job.start()


def run_in_background(work: Callable[[], object], *, on_done: Callable[[object], None] | None = None,
                      on_error: Callable[[BaseException], None] | None = None, parent: QWidget | None = None,
                      progress: str | None = None, all_errors: bool = False) -> BackgroundJob:
    """Start `work` in a thread; `on_done(result)` or `on_error(error)` run later in the UI thread."""
    dialog = progress_dialog(parent, progress) if progress else None
    job = BackgroundJob(work, on_done, on_error, dialog, all_errors)
    if dialog is not None:
        dialog.show()
    return job.start()
