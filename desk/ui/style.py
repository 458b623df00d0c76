"""The look: the bundled Chinese font at ~11pt, Fusion style, quiet colours.

The font is registered with Qt at start, so a counter PC without Chinese fonts shows the
same glyphs as the printed vouchers.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QToolTip

FONT_POINT_SIZE = 11
SYSTEM_FONT_FALLBACK = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
_registered: dict[str, str] = {}
# Platform themes keep fonts of their own for these classes (Windows: item views, headers, the
# status bar, menus, tooltips, message boxes), which win over app.setFont() alone; Qt refills
# them from the theme whenever the style changes, setting a style sheet included.
FONT_CLASSES = (
    "QAbstractItemView", "QHeaderView", "QStatusBar", "QTableView", "QTreeView", "QListView", "QMenu", "QMenuBar",
    "QToolTip", "QTipLabel", "QMessageBox",
)

ACCENT = "#1f5f99"
STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: #f6f7f9; }}
QGroupBox {{
    background: #ffffff; border: 1px solid #d5dbe3; border-radius: 6px;
    margin-top: 16px; padding: 12px 10px 8px 10px;
}}
QGroupBox::title {{
    subcontrol-origin: margin; subcontrol-position: top left; left: 10px; padding: 0 4px;
    color: {ACCENT};
}}
QLabel[role="error"] {{ color: #c0392b; }}
QLabel[role="hint"] {{ color: #5f6b7a; }}
QLabel[role="value"] {{ color: #1d2733; }}
QLabel[role="big"] {{ color: {ACCENT}; font-size: 20pt; }}
QLabel[role="provisional"] {{
    color: #8a5a00; background: #fff4d6; border: 1px solid #f0d28a; border-radius: 3px; padding: 0 4px;
}}
QLabel[role="title"] {{ color: {ACCENT}; font-size: 15pt; }}
QLabel[role="heading"] {{ color: {ACCENT}; font-size: 13pt; }}
QLabel#messageBar {{ border-radius: 4px; padding: 6px 10px; }}
QLabel#messageBar[kind="error"] {{ background: #fdecea; color: #8e1c12; border: 1px solid #f3c2bc; }}
QLabel#messageBar[kind="info"] {{ background: #e8f4ea; color: #1e5b2c; border: 1px solid #b9dcc1; }}
QLabel#messageBar[kind="warning"] {{ background: #fff4d6; color: #7a5200; border: 1px solid #f0d28a; }}
QLabel#verdict[kind="genuine"] {{ color: #1e7a3a; font-size: 16pt; }}
QLabel#verdict[kind="false"] {{ color: #b3261e; font-size: 16pt; }}
QLineEdit, QComboBox, QSpinBox, QDateEdit {{ min-height: 26px; }}
QLineEdit:read-only {{ background: #f0f2f5; color: #333; }}
QPushButton {{ min-height: 28px; padding: 2px 14px; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border: 1px solid #174a78; border-radius: 4px; }}
QPushButton[primary="true"]:focus {{ border: 2px solid #f0b429; }}
QPushButton[primary="true"]:disabled {{ background: #9fb3c8; }}
QTableWidget {{ background: #ffffff; alternate-background-color: #f4f7fb; gridline-color: #e3e7ed; }}
QHeaderView::section {{ background: #eef2f7; border: none; border-bottom: 1px solid #d5dbe3; padding: 4px; }}
QStatusBar QLabel {{ padding: 0 10px; color: #34404d; }}
QFrame#currentPerson {{ background: #e9f1fa; border-bottom: 1px solid #c5d6ea; }}
QFrame#currentPerson QPushButton {{ min-height: 22px; padding: 1px 12px; }}
QToolBar#currentPersonRow {{ padding: 0; spacing: 0; border: none; }}
QToolBar#windowCommands {{ padding: 0; spacing: 2px; border: none; }}
QToolBar#windowCommands QToolButton {{ padding: 0 6px; }}
QFrame#currentPerson[empty="true"] {{ background: #f0f2f5; border-bottom: 1px solid #dde2e8; }}
QLabel#currentPersonCaption {{ color: {ACCENT}; }}
QLabel#currentPersonWho {{ color: #1d2733; font-weight: bold; }}
QLabel#currentPersonDetails {{ color: #34404d; }}
"""


def font_path() -> Path:
    try:
        from desk.resources import font_file

        path = Path(font_file())
        if path.is_file():
            return path
    except Exception:
        pass
    return SYSTEM_FONT_FALLBACK


def register_font() -> str | None:
    """Register the bundled font with Qt once; return its family name (None when missing)."""
    if "family" in _registered:
        return _registered["family"]
    font_id = QFontDatabase.addApplicationFont(str(font_path()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    regular = [name for name in families if "Mono" not in name] or families
    family = regular[0] if regular else None
    if family:
        _registered["family"] = family
    return family


def apply_look(app: QApplication) -> None:
    if app.property("desk_look_applied"):
        return
    app.setStyle("Fusion")
    family = register_font()
    font = QFont(family) if family else QFont()
    font.setPointSize(FONT_POINT_SIZE)
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.Window, QColor("#f6f7f9"))
    app.setPalette(palette)
    app.setStyleSheet(STYLE_SHEET)
    use_font_everywhere(font)  # after the style sheet: setting it refills the class fonts from the theme
    app.setProperty("desk_look_applied", True)


def use_font_everywhere(font: QFont) -> None:
    """The application font, also for the classes a platform theme gives fonts of their own."""
    QApplication.setFont(font)
    for class_name in FONT_CLASSES:
        QApplication.setFont(font, class_name)
    QToolTip.setFont(font)
