"""Choosing a file to save or to open: the system dialog, in one place a test can replace.

Tests (and scripts) replace `save_path` / `open_path` with functions returning a path, so no
native dialog opens; the screens always call them through this module.

The database file is opened by SQLite alone (issue 11, item 12). On Linux a POSIX lock belongs to
the process, and closing *any* descriptor of the file drops all of them: Qt's own file dialog
opened files to guess their type (QMimeDatabase, for the icon and the 类型 column), so merely
showing the data directory dropped SQLite's locks, and a second program then deleted the
write-ahead log under the running app. Therefore:
* no dialog starts in a protected folder (the data directory, its backups and keys): it starts in
  the user's documents folder instead;
* on Linux and macOS the dialog is Qt's own with an icon provider that never opens a file (a plain
  file or folder icon and type, from the name alone), so even a clerk who walks into the data
  directory sniffs nothing; on Windows the system dialog (its locks belong to handles, not to the
  process, and are not dropped by another handle closing).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QFileInfo, QStandardPaths
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QFileDialog, QWidget

_protected: set[Path] = set()


def protect(folder: Path) -> None:
    """A folder no dialog starts in (the data directory of the open database)."""
    _protected.add(Path(folder).resolve())


def _is_protected(path: Path) -> bool:
    resolved = Path(path).resolve()
    return any(resolved == folder or folder in resolved.parents for folder in _protected)


def documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def safe_start(path: Path | None, *, is_file: bool) -> Path:
    """Where a dialog starts: the given place, unless it is in a protected folder (then the
    documents folder, keeping a suggested file name)."""
    if path is None or str(path) == "":
        return documents_folder()
    folder = Path(path).parent if is_file else Path(path)
    if not folder.is_absolute() or not _is_protected(folder):
        return Path(path)
    return documents_folder() / Path(path).name if is_file else documents_folder()


class NoSniffIcons(QAbstractFileIconProvider):
    """Icons and types from the name alone: never opens a file to guess what it is."""

    def icon(self, which):
        if isinstance(which, QFileInfo):
            kind = QAbstractFileIconProvider.IconType.Folder if which.isDir() else QAbstractFileIconProvider.IconType.File
            return super().icon(kind)
        return super().icon(which) if which is not None else QIcon()

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "文件夹"
        suffix = info.suffix()
        return f"{suffix.upper()} 文件" if suffix else "文件"


def make_dialog(parent: QWidget | None, title: str, start: Path, file_filter: str, *, saving: bool) -> QFileDialog:
    """The dialog both choices use (tests open it to check that it sniffs nothing)."""
    dialog = QFileDialog(parent, title, str(start), file_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if saving else QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile if saving else QFileDialog.FileMode.ExistingFile)
    if sys.platform != "win32":
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setOption(QFileDialog.Option.DontUseCustomDirectoryIcons, True)
        dialog.setIconProvider(NoSniffIcons())
    if saving and start.suffix:
        dialog.selectFile(str(start))
    return dialog


def _run(dialog: QFileDialog) -> Path | None:
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])


def save_path(parent: QWidget | None, title: str, suggested: Path, file_filter: str) -> Path | None:
    """Where to save; None when the clerk or administrator cancels."""
    return _run(make_dialog(parent, title, safe_start(suggested, is_file=True), file_filter, saving=True))


def open_path(parent: QWidget | None, title: str, directory: Path | None, file_filter: str) -> Path | None:
    """Which file to open; None when the administrator cancels."""
    return _run(make_dialog(parent, title, safe_start(directory, is_file=False), file_filter, saving=False))


def folder_path(parent: QWidget | None, title: str, directory: Path | None) -> Path | None:
    """Which folder (an export's outbox); None when the administrator cancels."""
    dialog = make_dialog(parent, title, safe_start(directory, is_file=False), "", saving=False)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return _run(dialog)
