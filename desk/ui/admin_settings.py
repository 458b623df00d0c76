"""系统设置: the office's name and window (printed on every voucher), contact details, the default
policy pack, the paper size, and the safety settings (screen lock, login lockout). Every problem
appears beside its field at once; a saved change is audited."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from desk.core.canonical import ascii_count
from desk.core.errors import ValidationError
from desk.screens import admin as screen
from desk.services import settings
from desk.services.context import Desk, Operator
from desk.ui.admin_common import AdminPage
from desk.ui.errors import FieldErrors, run_action
from desk.ui.widgets import FormGrid, action_button

TEXT_SETTINGS = ("office_name", "window", "office_phone", "office_hours", "office_address")
NUMBER_HINTS = {"idle_lock_minutes": "1–120", "max_failed_logins": "3–10", "lockout_minutes": "5–120"}


class SettingsPage(AdminPage):
    saved = Signal(object)  # the settings after a save (settings.OfficeSettings)

    def __init__(self, desk: Desk, admin: Operator, parent: QWidget | None = None):
        super().__init__(self.tr(
            "经办机构名称、窗口、电话、办公时间和地址印在每一张凭证上。修改保存后立即生效，并记入审计日志。"), parent)
        self.desk, self.admin = desk, admin
        self.errors = FieldErrors()
        self.form = FormGrid(self.errors, label_width=170)
        self.fields: dict[str, QWidget] = {}
        for key in TEXT_SETTINGS:
            self._add(key, QLineEdit())
        self._add("default_pack", self._pack_combo())
        paper = QComboBox()
        paper.addItem(self.tr("A4（整页）"), "A4")
        paper.addItem(self.tr("A5（半页）"), "A5")
        self._add("paper", paper)
        for key, hint in NUMBER_HINTS.items():
            edit = QLineEdit()
            edit.setMaximumWidth(120)
            edit.setPlaceholderText(hint)
            edit.setToolTip(self.tr("允许范围：{range}").format(range=hint))
            self._add(key, edit)
        self.save_button = action_button(self.tr("保存设置"), "Ctrl+S")
        self.save_button.setProperty("primary", True)
        self.revert_button = action_button(self.tr("放弃修改"), "Alt+Z")
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.refresh)
        self.page_shortcut("Ctrl+S", self.save)
        self.page_shortcut("Alt+Z", self.refresh)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        self.form.setMaximumWidth(900)
        self.body.addWidget(self.form)
        self.body.addLayout(buttons)
        self.body.addStretch(1)
        self.refresh()

    def _add(self, key: str, widget: QWidget) -> None:
        widget.setObjectName(f"setting_{key}")
        self.fields[key] = widget
        if isinstance(widget, QLineEdit):
            widget.returnPressed.connect(self.save)
        self.form.add_row(self.tr(screen.SETTING_LABELS[key]), widget, key)

    def _pack_combo(self) -> QComboBox:
        combo = QComboBox()
        for pack_id, title in screen.settings_screen(self.desk).pack_choices:
            combo.addItem(f"{title}（{pack_id}）", pack_id)
        return combo

    def refresh(self) -> None:
        """Show what is stored (also: 放弃修改)."""
        current = screen.settings_screen(self.desk).values
        for key, widget in self.fields.items():
            value = current.value(key)
            if isinstance(widget, QComboBox):
                index = widget.findData(value)
                if index < 0:  # a stored value no longer offered (e.g. a pack that failed validation)
                    widget.addItem(str(value), value)
                    index = widget.count() - 1
                widget.setCurrentIndex(index)
            else:
                widget.setText("" if value is None else str(value))
        self.errors.clear()
        self.bar.clear_message()

    def focus_first(self) -> None:
        self.fields["office_name"].setFocus()

    def form_values(self) -> dict:
        values = {}
        for key, widget in self.fields.items():
            if isinstance(widget, QComboBox):
                values[key] = widget.currentData()
            elif key in NUMBER_HINTS:
                text = widget.text().strip()
                number = ascii_count(text)  # ASCII or full-width digits; "²" or 5,000 digits stay text
                values[key] = number if number is not None else text  # a non-number is refused beside the field
            else:
                values[key] = widget.text().strip()
        return values

    def changes(self) -> dict:
        current = screen.settings_screen(self.desk).values
        return {key: value for key, value in self.form_values().items() if value != current.value(key)}

    def has_unsaved_changes(self) -> bool:
        return bool(self.changes())

    def save(self) -> None:
        self.errors.clear()
        changes = self.changes()
        if not changes:
            self.bar.show_info(self.tr("设置没有变化。"))
            return
        refused: list[ValidationError] = []

        def save_all():
            try:
                return settings.update_settings(self.desk, self.admin, changes)
            except ValidationError as error:  # every problem at once, each beside its field
                refused.append(error)
                return None

        ok, result = run_action(save_all, bar=self.bar, fields=self.errors, parent=self)
        if refused:
            problems = refused[0].problems
            self.errors.show(problems)
            self.bar.show_error(self.tr("设置未保存：请按红字修改后再保存。"))
            self._focus_problem(problems[0].field)
            return
        if ok:
            names = "、".join(self.tr(screen.SETTING_LABELS[key]) for key in changes)
            self.bar.show_info(self.tr("设置已保存：{names}。修改已记入审计日志。").format(names=names))
            self.saved.emit(result)

    def _focus_problem(self, field: str) -> None:
        widget = self.fields.get(field)
        if widget is not None:
            widget.setFocus()
            if isinstance(widget, QLineEdit):
                widget.selectAll()
