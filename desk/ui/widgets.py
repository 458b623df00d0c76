"""Small building blocks shared by the screens: labelled form rows with their error label,
buttons that show their shortcut, read-only value labels, the dialog asking for a reason."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRect, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desk.ui.errors import FieldErrors, MessageBar, run_action


def tr(text: str) -> str:
    return QCoreApplication.translate("widgets", text)


def error_label(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def hint_label(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label


def value_label(parent: QWidget | None = None, role: str = "value") -> QLabel:
    label = QLabel(parent)
    label.setProperty("role", role)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def placeholder_label(object_name: str, parent: QWidget | None = None) -> QLabel:
    """The centred, wrapping hint a panel shows until it has something to show."""
    label = QLabel(parent)
    label.setObjectName(object_name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setProperty("role", "hint")
    return label


def centred(widget: QWidget) -> QWidget:
    """A page holding `widget` in its vertical middle."""
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    layout.addWidget(widget)
    layout.addStretch(1)
    return page


def read_only_table(headers: list[str], name: str = "") -> QTableWidget:
    """A list to choose from: not editable, one whole row selected at a time, columns sized to their contents
    and the last one taking the rest; `headers` are shown as given (already translated)."""
    table = QTableWidget(0, len(headers))
    if name:
        table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def password_edit(object_name: str = "", placeholder: str = "", min_width: int = 0) -> QLineEdit:
    """A field whose text is shown as dots (passwords, passphrases)."""
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    if object_name:
        edit.setObjectName(object_name)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    if min_width:
        edit.setMinimumWidth(min_width)
    return edit


def action_button(text: str, shortcut: str | None = None, tooltip: str | None = None, parent=None) -> QPushButton:
    """A button whose caption names its shortcut, e.g. 保存参保人信息 (Ctrl+S); Enter clicks it when focused."""
    caption = f"{text} ({shortcut})" if shortcut else text
    button = QPushButton(caption, parent)
    button.setAutoDefault(True)
    button.setToolTip(tooltip or caption)
    return button


def shortcut(parent: QWidget, keys: str, slot, *, context=Qt.ShortcutContext.WindowShortcut) -> QShortcut:
    item = QShortcut(QKeySequence(keys), parent)
    item.setContext(context)
    item.activated.connect(slot)
    return item


def scrolling(widget: QWidget) -> QScrollArea:
    """Small screens (1366×768) scroll a panel instead of squeezing it."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, never to the frame
    area.setWidget(widget)
    return area


def split_pair(orientation: Qt.Orientation, first: QWidget, second: QWidget, *, stretch: tuple[int, int],
               sizes: list[int]) -> QSplitter:
    """Two panels side by side (or one above the other) that the clerk can resize but never collapse."""
    split = QSplitter(orientation)
    split.addWidget(first)
    split.addWidget(second)
    split.setStretchFactor(0, stretch[0])
    split.setStretchFactor(1, stretch[1])
    split.setSizes(sizes)
    split.setChildrenCollapsible(False)
    return split


def with_buttons(panel: QWidget, buttons: list) -> QWidget:
    """A panel with its buttons pinned under it (never scrolled away); None is a stretch."""
    holder = QWidget()
    row = QHBoxLayout()
    if buttons[0] is not None and len(buttons) == 1:
        row.addStretch(1)
    for button in buttons:
        if button is None:
            row.addStretch(1)
        else:
            row.addWidget(button)
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(panel, 1)
    layout.addLayout(row)
    return holder


class FormGrid(QWidget):
    """Label | field rows; each field has a red error label under it, registered by field name.

    With `wide_errors`, rows hold several label|field pairs and the error labels of a row sit
    in a line of their own under it, across the whole width (long refusals stay readable).
    """

    def __init__(self, errors: FieldErrors, parent: QWidget | None = None, *, label_width: int = 0,
                 wide_errors: bool = False):
        super().__init__(parent)
        self.errors = errors
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(5)
        self.grid.setColumnStretch(1, 1)
        self.labels: dict[str, QLabel] = {}
        self._label_width = label_width
        self._wide_errors = wide_errors
        self._error_lines: dict[int, QVBoxLayout] = {}

    def add_row(self, caption: str, widget: QWidget, field: str | None = None, *, required: bool = False,
                row: int | None = None, column: int = 0, span: int = 1) -> QWidget:
        """One labelled field; `column` 1 puts it in a second label|field pair on the same row."""
        row = self.grid.rowCount() if row is None else (2 * row if self._wide_errors else row)
        label = QLabel(caption + ("<span style='color:#c0392b'>*</span>" if required else ""))
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setBuddy(widget)
        if self._label_width:
            label.setMinimumWidth(self._label_width)
        cell = QWidget()
        stack = QVBoxLayout(cell)
        stack.setContentsMargins(0, 0, 0, 0)
        stack.setSpacing(2)
        stack.addWidget(widget)
        if field:
            problem = error_label()
            problem.setObjectName(f"error_{field}")
            if self._wide_errors:
                self._error_line(row).addWidget(problem)
            else:
                stack.addWidget(problem)
            self.errors.add(field, problem, widget)
            self.labels[field] = label
        stack.addStretch(1)
        self.grid.addWidget(label, row, 2 * column, Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(cell, row, 2 * column + 1, 1, 2 * span - 1)
        label.setMinimumHeight(widget.sizeHint().height())
        return cell

    def _error_line(self, row: int) -> QVBoxLayout:
        if row not in self._error_lines:
            holder = QWidget()
            line = QVBoxLayout(holder)
            line.setContentsMargins(0, 0, 0, 0)
            line.setSpacing(2)
            self.grid.addWidget(holder, row + 1, 0, 1, -1)
            self._error_lines[row] = line
        return self._error_lines[row]


def available_area(window: QWidget) -> QRect:
    """The available geometry (without the taskbar) of the screen a window is on, or will open on:
    its parent's screen for a dialog, else the primary screen."""
    parent = window.parentWidget()
    screen = (parent.window().screen() if parent is not None else None) or window.screen()
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect()


def fit_window(window: QWidget) -> None:
    """Clamp a top-level window into its screen's available area: no larger than the area (its
    title bar and borders counted) and, when it has a position of its own, moved inside it. A
    dialog without one is then placed by Qt, which keeps it inside the same area."""
    area = available_area(window)
    if area.isEmpty():
        return
    handle = window.windowHandle()
    margins = handle.frameMargins() if handle is not None else None
    extra_w = margins.left() + margins.right() if margins is not None else 0
    extra_h = margins.top() + margins.bottom() if margins is not None else 0
    width = min(window.width(), area.width() - extra_w)
    height = min(window.height(), area.height() - extra_h)
    if (width, height) != (window.width(), window.height()):
        window.resize(max(width, window.minimumWidth()), max(height, window.minimumHeight()))
    if window.testAttribute(Qt.WidgetAttribute.WA_Moved):
        frame = window.frameGeometry()
        x = max(area.left(), min(frame.x(), area.right() + 1 - frame.width()))
        y = max(area.top(), min(frame.y(), area.bottom() + 1 - frame.height()))
        if (x, y) != (frame.x(), frame.y()):
            window.move(x, y)


class ScreenFit(QObject):
    """Every dialog of the application (message boxes and Qt's file dialog included) is clamped to
    the available screen area as it is shown: from 1280×720 up its buttons stay on the screen. A
    frameless one (the screen lock, which covers the main window exactly) places itself. About a
    microsecond per event of the application."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Show and isinstance(watched, QDialog) and watched.isWindow()
                and not watched.windowFlags() & Qt.WindowType.FramelessWindowHint):
            fit_window(watched)
        return False


def install_screen_fit(app: QCoreApplication) -> None:
    """Once per application (create_application calls it)."""
    if app.property("desk_screen_fit") is None:
        fit = ScreenFit(app)
        app.installEventFilter(fit)
        app.setProperty("desk_screen_fit", fit)


class ReasonPrompt(QDialog):
    """Asks why (one required line, field "reason"); `submit(reason)` is the service call, refusals stay in the dialog.

    The texts are the caller's: `caption` labels the line, `confirm` is the OK button, `note` the hint above."""

    def __init__(self, description: str, submit, parent: QWidget | None = None, *, title: str, width: int,
                 object_name: str, placeholder: str, caption: str, confirm: str, note: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(width)
        self._submit = submit
        self.result_value = None
        self.errors = FieldErrors()
        self.bar = MessageBar()
        self.reason = QLineEdit()
        self.reason.setObjectName(object_name)
        self.reason.setPlaceholderText(placeholder)
        form = FormGrid(self.errors, label_width=80)
        form.add_row(caption, self.reason, "reason", required=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(confirm)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消 (Esc)"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        heading = QLabel(description)
        heading.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(hint_label(note))
        layout.addWidget(self.bar)
        layout.addWidget(form)
        layout.addWidget(buttons)
        self.reason.setFocus()

    def _accept(self) -> None:
        self.errors.clear()
        ok, value = run_action(lambda: self._submit(self.reason.text()), bar=self.bar, fields=self.errors, parent=self)
        self.adjustSize()
        if ok:
            self.result_value = value
            self.accept()
