"""desk.ui: the PySide6 screens. They call services and show results and errors; no SQL here."""

from desk.ui.qt_workarounds import guard_none_refcount

guard_none_refcount()
