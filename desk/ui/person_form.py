"""The person form of the 参保登记 tab: identity, contact, household and subsidy groups.

Sex, birth date and native region are derived live from a 居民身份证 number; a full valid
number typed or scanned fills them at once and moves on to 姓名. Every field is checked as
the clerk types with the same core checks the service uses; the service stays the judge.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desk.core.idnumber import IdNumberError, parse_id_number
from desk.core.person import ETHNICITIES, HOUSEHOLD_TYPES, ID_TYPES, validate_person_form
from desk.services.context import Desk
from desk.services.persons import GroupClaim, PersonRecord
from desk.ui.errors import FieldErrors
from desk.ui.widgets import FormGrid, error_label, hint_label

RESIDENT_ID = ID_TYPES[0]
LIVE_CHECK_MS = 150
SWALLOW_ENTER_SECONDS = 0.5
TEXT_FIELDS = ("name", "phone", "township", "village", "address")


class GroupsBox(QGroupBox):
    """One row per subsidy group of the pack: a tick box and the proving document (enabled when ticked)."""

    changed = Signal()

    def __init__(self, groups: dict[str, str], errors: FieldErrors, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("资助类别（可多选，勾选后须填写证明文件）"))
        self.rows: dict[str, tuple[QCheckBox, QLineEdit]] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(1, 1)
        for index, (code, name) in enumerate(groups.items()):
            check = QCheckBox(name)
            check.setObjectName(f"group_{code}")
            document = QLineEdit()
            document.setObjectName(f"document_{code}")
            document.setPlaceholderText(self.tr("证明文件"))
            document.setMinimumWidth(86)  # the form beside the enrolment summary without a sideways scroll at 1366
            document.setToolTip(self.tr("证明属于该类别的文件：证件编号或认定文件号"))
            document.setEnabled(False)
            check.toggled.connect(lambda on, c=check, d=document: self._toggled(on, c, d))
            document.textChanged.connect(self.changed)
            grid.addWidget(check, index, 0)
            grid.addWidget(document, index, 1)
            self.rows[code] = (check, document)
        self.error = error_label()
        self.error.setObjectName("error_groups")
        errors.add("groups", self.error)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)  # above the list, so it is seen without scrolling
        layout.addLayout(grid)
        layout.addStretch(1)

    def _toggled(self, on: bool, check: QCheckBox, document: QLineEdit) -> None:
        document.setEnabled(on)
        if on and check.hasFocus():
            document.setFocus(Qt.FocusReason.TabFocusReason)
        self.changed.emit()

    def widgets_in_order(self) -> list[QWidget]:
        return [widget for check, document in self.rows.values() for widget in (check, document)]

    def value(self) -> list[dict]:
        return [{"code": code, "document": document.text().strip()}
                for code, (check, document) in self.rows.items() if check.isChecked()]

    def set_value(self, groups: Sequence[GroupClaim]) -> None:
        chosen = {group.code: group.document for group in groups}
        for code, (check, document) in self.rows.items():
            check.setChecked(code in chosen)
            document.setText(chosen.get(code, ""))


class PersonForm(QWidget):
    """Fields of one person; `errors` holds the red label of each field, by the service's field names."""

    changed = Signal()
    submit_requested = Signal()

    def __init__(self, desk: Desk, groups: dict[str, str], errors: FieldErrors, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.errors = errors
        self.known_groups = groups
        self.touched: set[str] = set()
        self._loading = False
        self._advanced_at = 0.0
        self._build_fields()
        self.groups = GroupsBox(groups, errors)
        self._lay_out()
        self._connect()
        self._set_tab_order()
        self._live = QTimer(self, singleShot=True, interval=LIVE_CHECK_MS)
        self._live.timeout.connect(self.check_live)
        self._apply_id_type()

    # ------------------------------------------------------------------ building

    def _build_fields(self) -> None:
        self.id_type = QComboBox()
        self.id_type.addItems([self.tr(name) for name in ID_TYPES])
        self.id_number = QLineEdit()
        self.id_number.setObjectName("idNumberEdit")
        self.id_number.setMaxLength(20)
        self.id_number.setPlaceholderText(self.tr("18位号码，可刷身份证"))
        self.name = QLineEdit()
        self.name.setObjectName("nameEdit")
        self.name.setMaxLength(30)
        self.sex = QComboBox()
        self.sex.addItems(["", self.tr("男"), self.tr("女")])
        self.birth_date = QLineEdit()
        self.birth_date.setPlaceholderText(self.tr("由证件号码自动填写"))
        self.native_region = QLineEdit()
        self.native_region.setReadOnly(True)
        self.native_region.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.native_region.setPlaceholderText(self.tr("由证件号码自动填写"))
        self.ethnicity = self._ethnicity_combo()
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(self.tr("11位手机号或带区号的固定电话，可不填"))
        self.household = QComboBox()
        self.household.addItem(self.tr("（未填）"), "")
        for name in HOUSEHOLD_TYPES:
            self.household.addItem(self.tr(name), name)
        self.township = QLineEdit()
        self.village = QLineEdit()
        self.address = QLineEdit()
        self.id_hint = hint_label("")
        self.id_hint.setVisible(False)

    def _ethnicity_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItems(list(ETHNICITIES))
        completer = QCompleter(list(ETHNICITIES), combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)
        combo.setToolTip(self.tr("可输入字搜索，例如“彝”"))
        return combo

    def _lay_out(self) -> None:
        form = FormGrid(self.errors, label_width=84)
        form.add_row(self.tr("证件类型"), self.id_type, "id_type")
        cell = form.add_row(self.tr("证件号码"), self.id_number, "id_number", required=True)
        cell.layout().addWidget(self.id_hint)
        form.add_row(self.tr("姓名"), self.name, "name", required=True)
        form.add_row(self.tr("性别"), self.sex, "sex")
        form.add_row(self.tr("出生日期"), self.birth_date, "birth_date")
        form.add_row(self.tr("籍贯"), self.native_region)
        form.add_row(self.tr("民族"), self.ethnicity, "ethnicity")
        form.add_row(self.tr("联系电话"), self.phone, "phone")
        form.add_row(self.tr("户籍性质"), self.household, "household_type")
        form.add_row(self.tr("乡镇（街道）"), self.township, "township")
        form.add_row(self.tr("村（社区）"), self.village, "village")
        form.add_row(self.tr("地址"), self.address, "address")
        form.grid.setRowStretch(form.grid.rowCount(), 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(form, 4)
        layout.addWidget(self.groups, 5)

    def _connect(self) -> None:
        self.id_number.textChanged.connect(self._id_changed)
        self.id_number.returnPressed.connect(self._id_return)
        self.id_type.currentIndexChanged.connect(self._apply_id_type)
        for edit in (self.name, self.phone, self.township, self.village, self.address, self.birth_date):
            edit.textChanged.connect(self._edited)
            edit.returnPressed.connect(self._submit)
        for combo in (self.sex, self.household, self.id_type):
            combo.currentIndexChanged.connect(self._edited)
        self.ethnicity.currentTextChanged.connect(self._edited)
        self.ethnicity.lineEdit().returnPressed.connect(self._submit)
        self.groups.changed.connect(self._edited)
        for _, document in self.groups.rows.values():
            document.returnPressed.connect(self._submit)
        self._touch_on_focus_out()

    def _touch_on_focus_out(self) -> None:
        self._watched = {
            self.id_number: "id_number", self.name: "name", self.phone: "phone", self.birth_date: "birth_date",
            self.ethnicity.lineEdit(): "ethnicity", self.township: "township", self.village: "village",
            self.address: "address",
        }
        for widget in self._watched:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and watched in self._watched:
            self.touched.add(self._watched[watched])
            self._live.start()
        return super().eventFilter(watched, event)

    def _set_tab_order(self) -> None:
        chain = [self.id_type, self.id_number, self.name, self.sex, self.birth_date, self.ethnicity, self.phone,
                 self.household, self.township, self.village, self.address, *self.groups.widgets_in_order()]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def last_widget(self) -> QWidget:
        return self.groups.widgets_in_order()[-1]

    # ------------------------------------------------------------------ reactions

    def is_resident_id(self) -> bool:
        return self.id_type.currentIndex() == 0

    def _apply_id_type(self) -> None:
        """Sex and birth date are typed only for documents that do not carry them (出生医学证明 etc.)."""
        derived = self.is_resident_id()
        self.sex.setEnabled(not derived)
        self.birth_date.setReadOnly(derived)
        self.birth_date.setFocusPolicy(Qt.FocusPolicy.NoFocus if derived else Qt.FocusPolicy.StrongFocus)
        self.birth_date.setPlaceholderText(self.tr("由证件号码自动填写") if derived else self.tr("YYYY-MM-DD"))
        if derived:
            self._fill_derived()
        else:
            self.native_region.clear()

    def _id_changed(self, text: str) -> None:
        if self.is_resident_id():
            self._fill_derived()
            if len(text.strip()) == 18 and not self.errors.message("id_number") and self.id_number.hasFocus():
                self.touched.add("id_number")
                self._advanced_at = time.monotonic()
                self.name.setFocus(Qt.FocusReason.TabFocusReason)
        self._edited()

    def _fill_derived(self) -> None:
        """From a complete valid number: sex, birth date and native region; otherwise blank."""
        text = self.id_number.text().strip()
        info = None
        if len(text) in (15, 18):
            try:
                info = parse_id_number(text, self.desk.today())
            except IdNumberError as error:
                self.errors.set("id_number", error.message)
        if info is None:
            if len(text) not in (15, 18):
                self._show_id_problem_if_done(text)
            self.sex.setCurrentIndex(0)
            self.birth_date.clear()
            self.native_region.clear()
            self.id_hint.setVisible(False)
            return
        self.errors.set("id_number", None)
        self.sex.setCurrentText(info.sex)
        self.birth_date.setText(info.birth_date.isoformat())
        self.native_region.setText(f"{info.region_name}（{info.region_code}）")
        self.native_region.setCursorPosition(0)
        self.native_region.setToolTip(self.native_region.text())
        self.id_hint.setText(self.tr("15位旧号码将按18位保存：{number}").format(number=info.id_number)
                             if info.id_number != text.upper() else "")
        self.id_hint.setVisible(info.id_number != text.upper())

    def _show_id_problem_if_done(self, text: str) -> None:
        """While typing, only impossible characters are flagged; a short number only once the clerk has moved on."""
        bad_characters = any(not (ch.isdigit() or ch in "Xx") for ch in text)
        if text and (bad_characters or ("id_number" in self.touched and not self.id_number.hasFocus())):
            try:
                parse_id_number(text, self.desk.today())
            except IdNumberError as error:
                self.errors.set("id_number", error.message)
                return
        self.errors.set("id_number", None)

    def _id_return(self) -> None:
        self.touched.add("id_number")
        self.check_live()
        if not self.errors.message("id_number"):
            self.name.setFocus(Qt.FocusReason.TabFocusReason)

    def _submit(self) -> None:
        """Enter saves; except the Enter a card reader sends right after the number it typed."""
        if time.monotonic() - self._advanced_at < SWALLOW_ENTER_SECONDS:
            return
        self.submit_requested.emit()

    def _edited(self, *_args) -> None:
        if self._loading:
            return
        self._live.start()
        self.changed.emit()

    def check_live(self) -> None:
        """The core's own form check; a problem is shown once its field has content or has been left."""
        _, problems = validate_person_form(self.value(), self.known_groups, self.desk.today())
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            by_field.setdefault(problem.field, []).append(problem.message)
        for field in ("name", "phone", "ethnicity", "sex", "birth_date", "township", "village", "address", "groups"):
            shown = field in self.touched or field == "groups" or (field in TEXT_FIELDS and self._has_text(field))
            self.errors.set(field, "\n".join(by_field.get(field, [])) if shown else None)
        if "id_number" in self.touched and not self.id_number.hasFocus():
            self.errors.set("id_number", "\n".join(by_field.get("id_number", [])) or None)
        elif self.is_resident_id():
            self._fill_derived()

    def _has_text(self, field: str) -> bool:
        return bool(getattr(self, field).text().strip())

    # ------------------------------------------------------------------ values

    def value(self) -> dict:
        """The form as the persons service takes it."""
        return {
            "id_type": ID_TYPES[self.id_type.currentIndex()],
            "id_number": self.id_number.text().strip().upper(),
            "name": self.name.text().strip(),
            "sex": self.sex.currentText(),
            "birth_date": self.birth_date.text().strip(),
            "ethnicity": self.ethnicity.currentText().strip(),
            "phone": self.phone.text().strip(),
            "household_type": self.household.currentData() or "",
            "township": self.township.text().strip(),
            "village": self.village.text().strip(),
            "address": self.address.text().strip(),
            "groups": self.groups.value(),
        }

    def load(self, person: PersonRecord | None, *, saved: bool) -> None:
        """Show a stored person (saved=True: the number can no longer change here) or an empty form."""

        def stored(field: str) -> str:
            return (getattr(person, field) if person else None) or ""

        self._loading = True
        try:
            self.id_type.setCurrentIndex(ID_TYPES.index(stored("id_type") or RESIDENT_ID))
            self.id_number.setText(stored("id_number"))
            self.name.setText(stored("name"))
            self.ethnicity.setCurrentText(stored("ethnicity") or ETHNICITIES[0])
            self.phone.setText(stored("phone"))
            self.household.setCurrentIndex(max(0, self.household.findData(stored("household_type"))))
            self.township.setText(stored("township"))
            self.village.setText(stored("village"))
            self.address.setText(stored("address"))
            self.groups.set_value(person.groups if person else ())
            if not self.is_resident_id():
                self.sex.setCurrentText(stored("sex"))
                self.birth_date.setText(stored("birth_date"))
        finally:
            self._loading = False
        self.id_number.setReadOnly(saved)
        self.id_type.setEnabled(not saved)
        self.id_number.setToolTip(self.tr("已登记的证件号码不能在此修改") if saved else self.tr("18位号码，可刷身份证"))
        self.touched = set(TEXT_FIELDS) | {"id_number"} if saved else set()
        self.errors.clear()
        self._apply_id_type()
