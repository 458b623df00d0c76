"""packaging/windows/trim_qt.py on a made-up Windows PySide6 folder: Qt's Chinese translation the
app loads (desk.ui.app.QT_TRANSLATION) survives the trim; other languages and unused Qt go."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

from desk.ui.app import QT_TRANSLATION

ROOT = Path(__file__).resolve().parents[2]


def _trim_module():
    spec = importlib.util.spec_from_file_location("trim_qt", ROOT / "packaging" / "windows" / "trim_qt.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pe_without_imports() -> bytes:
    """The smallest PE file pe_imports reads: a PE32+ optional header, no sections, empty directories."""
    optional = struct.pack("<H", 0x20B) + bytes(110) + bytes(16 * 8)
    coff = struct.pack("<HHIIIHH", 0x8664, 0, 0, 0, 0, len(optional), 0x22)
    dos = b"MZ" + bytes(0x3A) + struct.pack("<I", 0x40)
    return dos + b"PE\0\0" + coff + optional


def test_trim_keeps_the_chinese_translation_the_app_loads(tmp_path):
    trim_qt = _trim_module()
    assert QT_TRANSLATION in trim_qt.TRANSLATIONS
    site = tmp_path / "site-packages"
    pyside, shiboken = site / "PySide6", site / "shiboken6"
    pe = _pe_without_imports()
    assert trim_qt.pe_imports(_write(tmp_path / "probe.dll", pe)) == []
    for module in trim_qt.PYTHON_MODULES:
        _write(pyside / f"{module}.pyd", pe)
    for plugin in trim_qt.PLUGINS:
        _write(pyside / "plugins" / plugin, pe)
    _write(shiboken / "Shiboken.pyd", pe)
    for name in trim_qt.PYTHON_FILES:
        _write(pyside / name, b"")
    for name in ("qtbase_zh_CN.qm", "qt_zh_CN.qm", "qtbase_de.qm", "qtdeclarative_zh_CN.qm", "designer_zh_CN.qm"):
        _write(pyside / "translations" / name, b"qm")
    _write(pyside / "Qt6Quick.dll", pe)

    trim_qt.trim(site)

    left = sorted(path.name for path in (pyside / "translations").iterdir())
    assert left == sorted(trim_qt.TRANSLATIONS) == ["qt_zh_CN.qm", "qtbase_zh_CN.qm"]
    assert not (pyside / "Qt6Quick.dll").exists()
    assert (pyside / "QtWidgets.pyd").exists()


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
