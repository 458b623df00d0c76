"""The 申请登记表 of the 转移接续 tab (transfer.md).

Applicant; direction and scope; the transfer-out and transfer-in places, each region's name
shown as its code is typed; what is transferred (职工基本医疗保险 and at most one pension: the
two pension boxes exclude each other); the agent's fields when 代办 is ticked; the materials
checklist that follows scope and pension. The service stays the judge of the whole form.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desk.core.errors import ValidationError
from desk.core.idnumber import IdNumberError, parse_id_number
from desk.core.person import ID_TYPES
from desk.core.transfer import APPLICANT_STATUSES, RELATIONS, SCOPES
from desk.screens import transfer as screen
from desk.services.context import Desk
from desk.ui.errors import FieldErrors
from desk.ui.widgets import FormGrid, error_label, hint_label

SWALLOW_ENTER_SECONDS = 0.5
PLACE_FIELDS = ("region_code", "office", "phone", "address")
# every field name the service may refuse, each with its red label in this form
FORM_FIELDS = ("id_type", "id_number", "name", "sex", "phone", "applicant_status", "household_place", "address",
               "direction", "scope", "former_personal_number", "employee_medical", "pension", "materials",
               *(f"{side}_{key}" for side in ("out", "in") for key in PLACE_FIELDS),
               "agent_name", "agent_id_number", "agent_phone", "agent_relationship")
AGENT_FIELDS = ("name", "id_number", "phone", "relationship")


def _edit(name: str, placeholder: str = "", max_length: int = 60) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setMaxLength(max_length)
    edit.setPlaceholderText(placeholder)
    return edit


def _combo(name: str, items) -> QComboBox:
    """items: (text, data) pairs."""
    combo = QComboBox()
    combo.setObjectName(name)
    for text, data in items:
        combo.addItem(text, data)
    return combo


class RegionEdit(QWidget):
    """A 6-digit region code with the region's name beside it as soon as the code is complete."""

    changed = Signal()

    def __init__(self, field: str, errors: FieldErrors, parent: QWidget | None = None):
        super().__init__(parent)
        self.field, self.errors = field, errors
        self.code = _edit(f"{field}Edit", self.tr("6位代码"), 6)
        self.code.setFixedWidth(96)
        self.code.setToolTip(self.tr("行政区划代码（GB/T 2260），例如 530100 昆明市、532900 大理州"))
        self.name = QLabel()
        self.name.setObjectName(f"{field}Name")
        self.name.setProperty("role", "value")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.code)
        row.addWidget(self.name, 1)
        self.setFocusProxy(self.code)
        self.code.textChanged.connect(self._typed)
        self.code.installEventFilter(self)

    def text(self) -> str:
        return self.code.text().strip()

    def set_text(self, text: str) -> None:
        self.code.setText(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.code and event.type() == QEvent.Type.FocusOut:
            self.check(finished=True)
        return super().eventFilter(watched, event)

    def _typed(self, _text: str) -> None:
        self.check(finished=False)
        self.changed.emit()

    def check(self, *, finished: bool) -> None:
        """The name once the code is complete; a problem at once for letters or an unknown code,
        for a short code only when the clerk has moved on."""
        code = self.text()
        name = screen.region_name(code)
        self.name.setText(name or "")
        if name or not code:
            self.errors.set(self.field, None)
        elif not code.isdigit() or len(code) == 6 or finished:
            self.errors.set(self.field, self.tr("没有行政区划代码“{code}”：应为存在的6位数字代码，如 530100（昆明市）。").format(
                code=code))
        else:
            self.errors.set(self.field, None)


class PlaceBox(QGroupBox):
    """转出地 or 转入地: region code and name, the handling office, its phone and address."""

    changed = Signal()

    def __init__(self, prefix: str, title: str, errors: FieldErrors, parent: QWidget | None = None):
        super().__init__(title, parent)
        self.prefix = prefix
        self.auto_filled = False
        self.region = RegionEdit(f"{prefix}_region_code", errors)
        self.office = _edit(f"{prefix}_officeEdit", self.tr("如 昆明市医疗保险管理局"))
        self.phone = _edit(f"{prefix}_phoneEdit", self.tr("如 0871-63100000"), 20)
        self.address = _edit(f"{prefix}_addressEdit", max_length=80)
        self.phone.setFixedWidth(136)
        grid = FormGrid(errors, label_width=64, wide_errors=True)
        grid.grid.setColumnStretch(3, 2)
        grid.add_row(self.tr("行政区划"), self.region, f"{prefix}_region_code", required=True, row=0, span=2)
        grid.add_row(self.tr("经办机构"), self.office, f"{prefix}_office", required=True, row=1, span=2)
        grid.add_row(self.tr("电话"), self.phone, f"{prefix}_phone", row=2)
        grid.add_row(self.tr("地址"), self.address, f"{prefix}_address", row=2, column=1)
        layout = QVBoxLayout(self)
        layout.addWidget(grid)
        self.region.changed.connect(self.changed)
        for edit in (self.region.code, self.office, self.phone, self.address):
            edit.textEdited.connect(self._edited_by_clerk)

    def _edited_by_clerk(self, *_args) -> None:
        self.auto_filled = False

    def widgets_in_order(self) -> list[QWidget]:
        return [self.region.code, self.office, self.phone, self.address]

    def is_blank(self) -> bool:
        return not any(edit.text().strip() for edit in self.widgets_in_order())

    def fill(self, place: dict, *, auto: bool) -> None:
        self.region.set_text(place.get("region_code", ""))
        self.office.setText(place.get("office", ""))
        self.phone.setText(place.get("phone", ""))
        self.address.setText(place.get("address", ""))
        for edit in self.widgets_in_order():
            edit.setCursorPosition(0)  # a long office name or address shows its beginning
        self.auto_filled = auto

    def value(self) -> dict:
        return {f"{self.prefix}_{key}": edit.text().strip() for key, edit in zip(PLACE_FIELDS, self.widgets_in_order(), strict=False)}


class TransferForm(QWidget):
    """The whole 申请登记表; `errors` holds the red label of every field, by the service's field names."""

    changed = Signal()
    submit_requested = Signal()

    def __init__(self, desk: Desk, errors: FieldErrors, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.errors = desk, errors
        self._advanced_at = 0.0
        self._person_number = ""
        self._build_applicant()
        self._build_transfer()
        self._build_agent()
        self.out_place = PlaceBox("out", self.tr("转出地"), errors)
        self.in_place = PlaceBox("in", self.tr("转入地"), errors)
        self._build_materials()
        self._lay_out()
        self._connect()
        self._set_tab_order()
        self.reset()

    # ------------------------------------------------------------------ building

    def _build_applicant(self) -> None:
        self.id_type = _combo("idTypeCombo", [(self.tr(name), name) for name in ID_TYPES])
        self.id_number = _edit("idNumberEdit", self.tr("18位号码，可刷身份证"), 20)
        self.name = _edit("nameEdit", max_length=30)
        self.sex = _combo("sexCombo", [("", ""), (self.tr("男"), "男"), (self.tr("女"), "女")])
        self.phone = _edit("phoneEdit", self.tr("11位手机号或带区号的固定电话"), 20)
        self.status = _combo("statusCombo", [(self.tr(name), name) for name in APPLICANT_STATUSES])
        self.household_place = _edit("householdEdit", self.tr("如 云南省昆明市五华区"), 80)
        self.address = _edit("addressEdit", max_length=80)
        self.applicant_box = QGroupBox(self.tr("申请人"))
        grid = FormGrid(self.errors, label_width=64, wide_errors=True)
        grid.grid.setColumnStretch(3, 1)
        grid.add_row(self.tr("证件类型"), self.id_type, "id_type", row=0)
        grid.add_row(self.tr("证件号码"), self.id_number, "id_number", required=True, row=0, column=1)
        grid.add_row(self.tr("姓名"), self.name, "name", required=True, row=1)
        grid.add_row(self.tr("性别"), self.sex, "sex", row=1, column=1)
        grid.add_row(self.tr("联系电话"), self.phone, "phone", required=True, row=2)
        grid.add_row(self.tr("人员状态"), self.status, "applicant_status", row=2, column=1)
        grid.add_row(self.tr("户籍地"), self.household_place, "household_place", row=3)
        grid.add_row(self.tr("联系地址"), self.address, "address", row=3, column=1)
        QVBoxLayout(self.applicant_box).addWidget(grid)

    def _build_transfer(self) -> None:
        self.direction = _combo("directionCombo", [(self.tr("转入（转入本统筹区）"), "in"), (self.tr("转出（从本统筹区转出）"), "out")])
        self.scope = _combo("scopeCombo", [(self.tr(name), key) for key, name in SCOPES.items()])
        self.scope.setToolTip(self.tr("填好两地行政区划代码后自动选择"))
        self.former_number = _edit("formerNumberEdit", self.tr("原参保地的个人编号，可不填"), 30)
        self.medical = QCheckBox(self.tr("职工基本医疗保险"))
        self.medical.setObjectName("employeeMedicalCheck")
        names = screen.pension_names()
        self.resident_pension = QCheckBox(self.tr(names["resident_pension"]))
        self.resident_pension.setObjectName("residentPensionCheck")
        self.enterprise_pension = QCheckBox(self.tr(names["enterprise_pension"]))
        self.enterprise_pension.setObjectName("enterprisePensionCheck")
        pensions = QWidget()
        row = QHBoxLayout(pensions)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.resident_pension)
        row.addWidget(self.enterprise_pension)
        row.addWidget(hint_label(self.tr("（至多一种）")))
        row.addStretch(1)
        pensions.setFocusProxy(self.resident_pension)
        self.transfer_box = QGroupBox(self.tr("转移事项"))
        grid = FormGrid(self.errors, label_width=64, wide_errors=True)
        grid.grid.setColumnStretch(3, 1)
        grid.add_row(self.tr("转移方向"), self.direction, "direction", required=True, row=0)
        grid.add_row(self.tr("转移范围"), self.scope, "scope", required=True, row=0, column=1)
        grid.add_row(self.tr("原个人编号"), self.former_number, "former_personal_number", row=1, span=2)
        grid.add_row(self.tr("医疗保险"), self.medical, "employee_medical", row=2, span=2)
        grid.add_row(self.tr("养老保险"), pensions, "pension", row=3, span=2)
        pensions.setToolTip(self.tr("养老保险至多选一种；勾选其一时另一种自动取消"))
        QVBoxLayout(self.transfer_box).addWidget(grid)

    def _build_agent(self) -> None:
        self.agent_check = QCheckBox(self.tr("代办：由他人代为办理（勾选后填写代办人信息）"))
        self.agent_check.setObjectName("agentCheck")
        self.agent_name = _edit("agentNameEdit", max_length=30)
        self.agent_id_number = _edit("agentIdEdit", self.tr("18位居民身份证号码"), 20)
        self.agent_phone = _edit("agentPhoneEdit", max_length=20)
        self.agent_relationship = _combo("agentRelationCombo", [(self.tr("（请选择）"), "")] +
                                         [(self.tr(name), name) for name in RELATIONS])
        self.agent_fields = QWidget()
        grid = FormGrid(self.errors, label_width=64, wide_errors=True)
        grid.grid.setColumnStretch(3, 1)
        grid.add_row(self.tr("姓名"), self.agent_name, "agent_name", required=True, row=0)
        grid.add_row(self.tr("证件号码"), self.agent_id_number, "agent_id_number", required=True, row=0, column=1)
        grid.add_row(self.tr("联系电话"), self.agent_phone, "agent_phone", required=True, row=1)
        grid.add_row(self.tr("关系"), self.agent_relationship, "agent_relationship", required=True, row=1, column=1)
        holder = QVBoxLayout(self.agent_fields)
        holder.setContentsMargins(0, 0, 0, 0)
        holder.addWidget(grid)
        self.agent_fields.setVisible(False)
        layout = self.applicant_box.layout()
        layout.addWidget(self.agent_check)
        layout.addWidget(self.agent_fields)

    def _build_materials(self) -> None:
        """Every material any transfer can need; those this one does not need are hidden."""
        self.material_checks: dict[str, QCheckBox] = {}
        self.materials_box = QGroupBox(self.tr("收取材料"))
        layout = QVBoxLayout(self.materials_box)
        self.materials_error = error_label()
        self.materials_error.setObjectName("error_materials")
        self.errors.add("materials", self.materials_error)
        layout.addWidget(self.materials_error)
        for key, name in screen.materials_for("national", "enterprise_pension"):
            check = QCheckBox(self.tr(name))
            check.setObjectName(f"material_{key}")
            check.toggled.connect(self._materials_changed)
            self.material_checks[key] = check
            layout.addWidget(check)
        self.materials_state = QLabel()
        self.materials_state.setObjectName("materialsState")
        self.materials_state.setWordWrap(True)
        layout.addWidget(self.materials_state)

    def _lay_out(self) -> None:
        """Two columns, each packed to the top: the applicant (and agent) and the matter on the
        left, the places and the materials on the right."""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        for boxes, stretch in (((self.applicant_box, self.transfer_box), 5),
                               ((self.out_place, self.in_place, self.materials_box), 4)):
            column = QVBoxLayout()
            column.setSpacing(4)
            for box in boxes:
                column.addWidget(box)
            column.addStretch(1)
            layout.addLayout(column, stretch)

    def _connect(self) -> None:
        self.id_number.textChanged.connect(self._id_changed)
        self.id_type.currentIndexChanged.connect(self._apply_id_type)
        self.direction.currentIndexChanged.connect(self._apply_direction)
        self.scope.currentIndexChanged.connect(self._follow_materials)
        self.resident_pension.toggled.connect(lambda on: self._pension_toggled(on, self.enterprise_pension))
        self.enterprise_pension.toggled.connect(lambda on: self._pension_toggled(on, self.resident_pension))
        self.agent_check.toggled.connect(self._agent_toggled)
        for place in (self.out_place, self.in_place):
            place.changed.connect(self._places_changed)
        for edit in self.line_edits():
            edit.returnPressed.connect(self._submit)
            edit.textChanged.connect(self.changed)

    def line_edits(self) -> list[QLineEdit]:
        return [self.id_number, self.name, self.phone, self.household_place, self.address, self.former_number,
                *self.out_place.widgets_in_order(), *self.in_place.widgets_in_order(), self.agent_name,
                self.agent_id_number, self.agent_phone]

    def widgets_in_order(self) -> list[QWidget]:
        """The Tab order: down the left column, then down the right one, then the materials."""
        return [self.id_type, self.id_number, self.name, self.sex, self.phone, self.status, self.household_place,
                self.address, self.agent_check, self.agent_name, self.agent_id_number, self.agent_phone,
                self.agent_relationship, self.direction, self.scope, self.former_number, self.medical,
                self.resident_pension, self.enterprise_pension, *self.out_place.widgets_in_order(),
                *self.in_place.widgets_in_order(), *self.material_checks.values()]

    def _field_widgets(self) -> dict[str, QWidget]:
        """The widget the clerk corrects for each field name of the service."""
        widgets = {
            "id_type": self.id_type, "id_number": self.id_number, "name": self.name, "sex": self.sex,
            "phone": self.phone, "applicant_status": self.status, "household_place": self.household_place,
            "address": self.address, "direction": self.direction, "scope": self.scope,
            "former_personal_number": self.former_number, "employee_medical": self.medical,
            "pension": self.resident_pension, "agent_name": self.agent_name, "agent_id_number": self.agent_id_number,
            "agent_phone": self.agent_phone, "agent_relationship": self.agent_relationship,
            "materials": self.material_checks["id_document"],
        }
        for place in (self.out_place, self.in_place):
            widgets.update({f"{place.prefix}_{key}": edit for key, edit in zip(PLACE_FIELDS, place.widgets_in_order(), strict=False)})
        return widgets

    def focus_first_problem(self) -> None:
        """After a refusal the keyboard goes to the first field (in Tab order) that has a red message."""
        order = self.widgets_in_order()
        wrong = [widget for field, widget in self._field_widgets().items()
                 if self.errors.message(field) and widget in order and widget.isVisibleTo(self)]
        if wrong:
            min(wrong, key=order.index).setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_tab_order(self) -> None:
        chain = self.widgets_in_order()
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # ------------------------------------------------------------------ reactions

    def _pension_toggled(self, on: bool, other: QCheckBox) -> None:
        """At most one pension: ticking one clears the other."""
        if on and other.isChecked():
            other.setChecked(False)
        self._follow_materials()

    def _agent_toggled(self, on: bool) -> None:
        self.agent_fields.setVisible(on)
        if not on:
            self.errors.clear("agent_name", "agent_id_number", "agent_phone", "agent_relationship")
        elif self.agent_check.hasFocus():
            self.agent_name.setFocus(Qt.FocusReason.TabFocusReason)
        self.changed.emit()

    def is_resident_id(self) -> bool:
        return self.id_type.currentData() == ID_TYPES[0]

    def _apply_id_type(self) -> None:
        self.sex.setEnabled(not self.is_resident_id())
        self._id_changed(self.id_number.text())

    def _id_changed(self, text: str) -> None:
        """A whole valid 居民身份证 number fills the sex and moves on to 姓名; a wrong one is shown at once."""
        text = text.strip()
        if not self.is_resident_id():
            self.errors.set("id_number", None)
            return
        bad_characters = any(not (ch.isdigit() or ch in "Xx") for ch in text)
        if len(text) not in (15, 18) and not bad_characters:
            self.errors.set("id_number", None)
            return
        try:
            info = parse_id_number(text, self.desk.today())
        except IdNumberError as error:
            self.errors.set("id_number", error.message)
            self.sex.setCurrentIndex(0)
            return
        self.errors.set("id_number", None)
        self.sex.setCurrentIndex(max(0, self.sex.findData(info.sex)))
        if len(text) == 18 and self.id_number.hasFocus():
            self._advanced_at = time.monotonic()
            self.name.setFocus(Qt.FocusReason.TabFocusReason)

    def _apply_direction(self) -> None:
        """This office is the transfer-in place of a 转入 and the transfer-out place of a 转出."""
        ours, theirs = self.in_place, self.out_place
        if self.direction_key() == "out":
            ours, theirs = theirs, ours
        if theirs.auto_filled:
            theirs.fill({}, auto=False)
        if ours.is_blank() or ours.auto_filled:
            ours.fill(screen.office_place(self.desk), auto=True)
        former = self.former_number.text().strip()
        if self._person_number and former in ("", self._person_number):
            self.former_number.setText(self._person_number if self.direction_key() == "out" else "")
        self.changed.emit()

    def _places_changed(self) -> None:
        scope = screen.scope_of(self.out_place.region.text(), self.in_place.region.text())
        if scope is not None:
            self.scope.setCurrentIndex(self.scope.findData(scope))
        self.changed.emit()

    def _follow_materials(self, *_args) -> None:
        """Show the materials this scope and pension need; ticks of hidden ones are dropped."""
        needed = dict(screen.materials_for(self.scope.currentData(), self.pension_key()))
        for key, check in self.material_checks.items():
            check.setVisible(key in needed)
            if key not in needed:
                check.setChecked(False)
        self._materials_changed()

    def _materials_changed(self, *_args) -> None:
        missing = [check.text() for check in self.material_checks.values() if check.isVisibleTo(self.materials_box)
                   and not check.isChecked()]
        days = screen.working_days(self.desk)
        if missing:
            self.materials_state.setProperty("role", "provisional")
            self.materials_state.setText(self.tr("尚缺 {n} 项：受理后出具《一次性告知书》，材料补齐之日起计算办理时限。").format(
                n=len(missing)))
        else:
            self.materials_state.setProperty("role", "hint")
            self.materials_state.setText(self.tr("材料齐全：受理后出具《受理回执》，自受理之日起{days}个工作日内办结。").format(
                days=days))
        self.materials_state.style().unpolish(self.materials_state)
        self.materials_state.style().polish(self.materials_state)
        self.changed.emit()

    def _submit(self) -> None:
        """Enter accepts; except the Enter a card reader sends right after the number it typed."""
        if time.monotonic() - self._advanced_at < SWALLOW_ENTER_SECONDS:
            return
        self.submit_requested.emit()

    # ------------------------------------------------------------------ values

    def direction_key(self) -> str:
        return self.direction.currentData()

    def pension_key(self) -> str | None:
        if self.resident_pension.isChecked():
            return "resident_pension"
        return "enterprise_pension" if self.enterprise_pension.isChecked() else None

    def materials(self) -> list[str]:
        return [key for key, check in self.material_checks.items()
                if check.isVisibleTo(self.materials_box) and check.isChecked()]

    def missing_materials(self) -> list[str]:
        return [check.text() for check in self.material_checks.values()
                if check.isVisibleTo(self.materials_box) and not check.isChecked()]

    def _agent(self) -> dict | None:
        if not self.agent_check.isChecked():
            return None
        agent = {"name": self.agent_name.text().strip(), "id_number": self.agent_id_number.text().strip().upper(),
                 "phone": self.agent_phone.text().strip(), "relationship": self.agent_relationship.currentData()}
        if not any(agent.values()):
            raise ValidationError.single("agent_name", "required", self.tr(
                "已勾选代办：请填写代办人姓名、证件号码、电话和关系，或取消勾选代办。"))
        return agent

    def value(self) -> dict:
        """The form as `transfer.apply` takes it; an empty agent under a ticked 代办 raises ValidationError."""
        return {
            "id_type": self.id_type.currentData(), "id_number": self.id_number.text().strip().upper(),
            "name": self.name.text().strip(), "sex": self.sex.currentData() or "", "phone": self.phone.text().strip(),
            "household_place": self.household_place.text().strip(), "applicant_status": self.status.currentData(),
            "address": self.address.text().strip(), "direction": self.direction_key(),
            "scope": self.scope.currentData(), **self.out_place.value(), **self.in_place.value(),
            "former_personal_number": self.former_number.text().strip(),
            "employee_medical": self.medical.isChecked(),
            "resident_pension": self.resident_pension.isChecked(),
            "enterprise_pension": self.enterprise_pension.isChecked(),
            "agent": self._agent(),
        }

    def has_input(self) -> bool:
        return bool(self.name.text().strip() or self.id_number.text().strip())

    def load_applicant(self, data: screen.Applicant) -> None:
        """Fill the applicant from a registered person (anything else the clerk fills in)."""
        self.id_type.setCurrentIndex(max(0, self.id_type.findData(data.id_type or ID_TYPES[0])))
        self.id_number.setText(data.id_number)
        self.name.setText(data.name)
        if not self.is_resident_id():
            self.sex.setCurrentIndex(max(0, self.sex.findData(data.sex)))
        self.phone.setText(data.phone)
        self.household_place.setText(data.household_place)
        self.address.setText(data.address)
        self._person_number = data.personal_number
        if self.direction_key() == "out":
            self.former_number.setText(self._person_number)
        self.errors.clear()

    def reset(self) -> None:
        """An empty form: 转入 within the province, this office as the transfer-in place."""
        self._person_number = ""
        for edit in self.line_edits():
            edit.clear()
        for combo in (self.id_type, self.sex, self.status, self.agent_relationship, self.scope):
            combo.setCurrentIndex(0)
        for check in (self.medical, self.resident_pension, self.enterprise_pension, self.agent_check,
                      *self.material_checks.values()):
            check.setChecked(False)
        self.out_place.auto_filled = self.in_place.auto_filled = False
        if self.direction.currentIndex() == 0:
            self._apply_direction()
        else:
            self.direction.setCurrentIndex(0)
        self._apply_id_type()
        self._follow_materials()
        self.errors.clear()
