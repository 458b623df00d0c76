"""Choosing a file to save or to open: the system dialog, in one place a test can replace.

Tests (and scripts) replace `save_path` / `open_path` with functions returning a path, so no
native dialog opens; the screens always call them through this module.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget


def save_path(parent: QWidget | None, title: str, suggested: Path, file_filter: str) -> Path | None:
    """Where to save; None when the administrator cancels."""
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), file_filter)
    return Path(chosen) if chosen else None


def open_path(parent: QWidget | None, title: str, directory: Path | None, file_filter: str) -> Path | None:
    """Which file to open; None when the administrator cancels."""
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(directory or ""), file_filter)
    return Path(chosen) if chosen else None
