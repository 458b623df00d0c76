"""The work-arounds of desk/ui/qt_workarounds.py."""

import sys
from collections import namedtuple

import six

from desk.ui import qt_workarounds


def test_six_importer_gets_a_path_on_python_3_12_0_only(monkeypatch):
    """CPython 3.12.0's module repr reads loader._path; six's importer has none (CPython issue 112414),
    and shiboken's import hook takes repr(six.moves): the Windows build (3.12.0) died at start."""
    monkeypatch.delattr(six._SixMetaPathImporter, "_path", raising=False)
    version = namedtuple("version_info", "major minor micro releaselevel serial")
    monkeypatch.setattr(sys, "version_info", version(3, 12, 1, "final", 0))
    assert qt_workarounds.patch_six_module_repr() is False
    assert not hasattr(six._SixMetaPathImporter, "_path")
    monkeypatch.setattr(sys, "version_info", version(3, 12, 0, "final", 0))
    assert qt_workarounds.patch_six_module_repr() is True
    assert list(six._SixMetaPathImporter._path) == []
