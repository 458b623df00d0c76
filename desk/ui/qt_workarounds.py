"""Work-arounds for defects of the Qt binding that would otherwise stop the application.

PySide6 6.12.0 on Python 3.11: every call of a C++ method that returns void gives back a
reference to None it never took (QLabel.setText, QWidget.setVisible, processEvents, ...).
From Python 3.12 on None is immortal and nothing happens; on 3.11 None's reference count
falls by one per call until the interpreter aborts with "Fatal Python error: none_dealloc:
deallocating None" - after a few thousand calls, i.e. minutes of a clerk's work.

`guard_none_refcount()` detects the leak with a probe (so it switches itself off once the
binding is fixed or on Python >= 3.12) and then raises None's count once by a margin that
no day of work can use up. None is never freed anyway, so the extra count costs nothing.

Python 3.12.0 (the interpreter of the Windows build) with shiboken's import hook: the hook asks
for the source of every module imported after PySide6, and `repr()` of a module whose loader
has no `_path` raises AttributeError on 3.12.0 (CPython issue 112414, fixed in 3.12.1). six's
`six.moves` (imported by python-dateutil, imported by sqlite-utils) is such a module, so the GUI
died at start. `patch_six_module_repr()` gives six's importer an empty `_path`, which is all the
3.12.0 repr reads; it is applied before PySide6 is imported.
"""

from __future__ import annotations

import ctypes
import sys


def patch_six_module_repr() -> bool:
    """Python 3.12.0 only: let repr(six.moves) work (CPython issue 112414)."""
    if sys.version_info[:3] != (3, 12, 0):
        return False
    try:
        import six
    except ImportError:
        return False
    importer = getattr(six, "_SixMetaPathImporter", None)
    if importer is not None and not hasattr(importer, "_path"):
        importer._path = ()
    return True


patch_six_module_repr()

from PySide6.QtCore import QObject  # noqa: E402 - after the 3.12.0 patch above

PROBE_CALLS = 64
_state = {"guarded": False}


def none_leaks_per_call() -> float:
    """How many references to None one void-returning binding call loses (0 when healthy)."""
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(PROBE_CALLS):
        probe.setObjectName("probe")
    after = sys.getrefcount(None)
    return max(0, before - after) / PROBE_CALLS


def guard_none_refcount() -> bool:
    """Apply the guard when the leak is present; returns whether it is (or was already) applied."""
    if _state["guarded"]:
        return True
    if sys.version_info >= (3, 12) or none_leaks_per_call() < 0.5:
        return False
    margin = min(2**40, sys.maxsize // 4)
    ctypes.c_ssize_t.from_address(id(None)).value += margin
    _state["guarded"] = True
    return True
