"""Trim PySide6 in a Windows site-packages folder to what desk loads.

desk imports QtCore, QtGui, QtWidgets, QtPrintSupport, QtPdf and QtPdfWidgets, and Qt itself
loads the Windows platform plugin, the Windows 11 style, a few image formats and the zh_CN
translations. Everything those files import (read from their PE import tables, so nothing is
guessed) is kept; every other Qt library, plugin, tool, header and stub file is removed.

Usage: python trim_qt.py SITE_PACKAGES
Prints the kept files and the size before and after.
"""

from __future__ import annotations

import shutil
import struct
import sys
from pathlib import Path

PYTHON_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtPrintSupport", "QtPdf", "QtPdfWidgets")
PLUGINS = (
    "platforms/qwindows.dll",
    "styles/qmodernwindowsstyle.dll",
    "imageformats/qico.dll",
    "imageformats/qjpeg.dll",
    "imageformats/qgif.dll",
)
TRANSLATIONS = ("qt_zh_CN.qm", "qtbase_zh_CN.qm")
# Python files of PySide6 itself that are imported at run time
PYTHON_FILES = ("__init__.py", "_config.py", "_git_pyside_version.py")
PYTHON_DIRS = ("support",)


def pe_imports(path: Path) -> list[str]:
    """The DLL names in a PE file's import and delay-import tables."""
    data = path.read_bytes()
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        raise ValueError(f"{path} is not a PE file")
    sections_count = struct.unpack_from("<H", data, pe + 6)[0]
    optional_size = struct.unpack_from("<H", data, pe + 20)[0]
    optional = pe + 24
    magic = struct.unpack_from("<H", data, optional)[0]
    directories = optional + (112 if magic == 0x20B else 96)
    sections = []
    first_section = optional + optional_size
    for index in range(sections_count):
        base = first_section + 40 * index
        virtual_size, virtual_address, raw_size, raw_pointer = struct.unpack_from("<IIII", data, base + 8)
        sections.append((virtual_address, max(virtual_size, raw_size), raw_pointer))

    def offset(rva: int) -> int:
        for virtual_address, size, raw_pointer in sections:
            if virtual_address <= rva < virtual_address + size:
                return rva - virtual_address + raw_pointer
        raise ValueError(f"{path}: RVA {rva:#x} outside every section")

    def name_at(rva: int) -> str:
        start = offset(rva)
        return data[start:data.index(b"\0", start)].decode("ascii")

    names: list[str] = []
    for directory, entry_size, name_field in ((1, 20, 12), (13, 32, 4)):  # imports, delay imports
        rva, _size = struct.unpack_from("<II", data, directories + 8 * directory)
        if not rva:
            continue
        position = offset(rva)
        while True:
            entry = data[position:position + entry_size]
            if len(entry) < entry_size or not any(entry):
                break
            names.append(name_at(struct.unpack_from("<I", entry, name_field)[0]))
            position += entry_size
    return names


def trim(site_packages: Path) -> list[Path]:
    pyside = site_packages / "PySide6"
    shiboken = site_packages / "shiboken6"

    def resolve(importer: Path, name: str) -> Path | None:
        """Where Windows would find an imported DLL among the wheel's files: beside the importer,
        then in PySide6 (Qt's plugins import Qt from there), then in shiboken6."""
        for folder in (importer.parent, pyside, shiboken):
            candidate = next((p for p in folder.glob("*.dll") if p.name.lower() == name.lower()), None)
            if candidate is not None:
                return candidate
        return None

    keep: set[Path] = set()
    todo = [pyside / f"{module}.pyd" for module in PYTHON_MODULES]
    todo += [pyside / "plugins" / plugin for plugin in PLUGINS]
    todo += list(shiboken.glob("*.pyd"))
    while todo:
        path = todo.pop()
        if path in keep:
            continue
        if not path.exists():
            raise SystemExit(f"trim_qt: {path} is missing from the wheel")
        keep.add(path)
        for name in pe_imports(path):
            dependency = resolve(path, name)
            if dependency is not None and dependency not in keep:
                todo.append(dependency)

    keep.update(pyside / name for name in PYTHON_FILES)
    keep.update(pyside / "translations" / name for name in TRANSLATIONS)
    kept_dirs = {pyside / name for name in PYTHON_DIRS}

    for path in sorted(pyside.rglob("*"), reverse=True):
        if any(folder == path or folder in path.parents for folder in kept_dirs):
            if path.suffix == ".pyi":
                path.unlink()
            continue
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif path not in keep:
            path.unlink()
    for stub in shiboken.rglob("*.pyi"):
        stub.unlink()
    for leftover in (pyside / "__pycache__",):
        shutil.rmtree(leftover, ignore_errors=True)
    return sorted(keep)


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> int:
    site_packages = Path(sys.argv[1])
    before = size_of(site_packages / "PySide6")
    kept = trim(site_packages)
    after = size_of(site_packages / "PySide6")
    for path in kept:
        print(f"  kept {path.relative_to(site_packages)}")
    print(f"trim_qt: PySide6 {before / 2**20:.0f} MiB -> {after / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
