"""新申请 of the 门诊慢特病 tab: find the disease as the clerk types (code, name or pinyin
initials: `gxy` → 高血压病), tick the materials received, and the optional agent (代办人)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desk.core.diseases import Disease
from desk.screens import chronic as chronic_screen
from desk.services.context import Desk
from desk.ui.errors import FieldErrors, MessageBar, run_action
from desk.ui.widgets import FormGrid, error_label, hint_label

VISIBLE_MATCHES = 7
AGENT_FIELDS = ("agent_name", "agent_id_number", "agent_phone", "agent_relationship")


class DiseasePicker(QWidget):
    """A search box with its list of matches under it: ↑↓ move in the list, Enter chooses, Esc closes the list."""

    chosen = Signal(object)  # the Disease, or None when the clerk starts typing again

    def __init__(self, desk: Desk, bar: MessageBar, errors: FieldErrors, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.bar, self.errors = desk, bar, errors
        self.disease: Disease | None = None
        self.edit = QLineEdit()
        self.edit.setObjectName("diseaseSearchEdit")
        self.edit.setPlaceholderText(self.tr("病种代码、名称或拼音首字母，如 gxy（高血压病）"))
        self.edit.setToolTip(self.tr("输入后 ↑↓ 选择，Enter 确定"))
        self.edit.setClearButtonEnabled(True)
        self.matches = QListWidget()
        self.matches.setObjectName("diseaseMatches")
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the search box
        self.matches.setVisible(False)
        self.matches.setStyleSheet("QListWidget { border: 1px solid #9fb3c8; } QListWidget::item { padding: 3px 6px; }")
        self.empty = hint_label("")
        self.empty.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.matches)
        layout.addWidget(self.empty)
        self.edit.textEdited.connect(self._search)
        self.edit.returnPressed.connect(self.choose_current)
        self.edit.installEventFilter(self)
        self.matches.itemClicked.connect(lambda _item: self.choose_current())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress and self.matches.isVisible():
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: VISIBLE_MATCHES,
                    Qt.Key.Key_PageUp: -VISIBLE_MATCHES}.get(event.key())
            if step:
                row = min(max(self.matches.currentRow() + step, 0), self.matches.count() - 1)
                self.matches.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)

    def _search(self, text: str) -> None:
        self.errors.set("disease", None)
        if self.disease is not None:
            self.disease = None
            self.chosen.emit(None)
        if not text.strip():
            self.close_list()
            return
        ok, found = run_action(lambda: chronic_screen.find_diseases(self.desk, text), bar=self.bar, parent=self)
        self.show_matches(found if ok else [])

    def show_matches(self, found: list[Disease]) -> None:
        self.matches.clear()
        for disease in found:
            item = QListWidgetItem(f"{disease.code}　{disease.name}（{disease.kind_name}）")
            item.setData(Qt.ItemDataRole.UserRole, disease)
            self.matches.addItem(item)
        rows = min(max(len(found), 1), VISIBLE_MATCHES)
        self.matches.setFixedHeight(rows * self.matches.sizeHintForRow(0) + 2 * self.matches.frameWidth() + 2
                                    if found else 0)
        self.matches.setVisible(bool(found))
        self.empty.setText(self.tr("目录中没有与“{text}”相符的病种。").format(text=self.edit.text().strip()))
        self.empty.setVisible(not found)
        if found:
            self.matches.setCurrentRow(0)

    def close_list(self) -> bool:
        """Esc: close the list of matches; False when there was none open."""
        was_open = self.matches.isVisible() or self.empty.isVisible()
        self.matches.setVisible(False)
        self.empty.setVisible(False)
        return was_open

    def shown_labels(self) -> list[str]:
        return [self.matches.item(row).text() for row in range(self.matches.count())]

    def choose_current(self) -> None:
        item = self.matches.currentItem() if self.matches.isVisible() else None
        if item is None:
            if self.disease is None:
                ok, found = run_action(lambda: chronic_screen.pick_disease(self.desk, self.edit.text()),
                                       bar=self.bar, fields=self.errors, parent=self)
                if ok:
                    self.choose(found)
            return
        self.choose(item.data(Qt.ItemDataRole.UserRole))

    def choose(self, disease: Disease | None) -> None:
        self.disease = disease
        self.errors.set("disease", None)
        self.edit.setText(disease.label if disease else "")
        self.close_list()
        self.chosen.emit(disease)


class WrappingLabel(QLabel):
    """The caption of a tick box that wraps long material names; a click on it ticks the box."""

    def __init__(self, text: str, check: QCheckBox, parent: QWidget | None = None):
        super().__init__(text, parent)
        self.check = check
        self.setWordWrap(True)
        self.setBuddy(check)

    def mousePressEvent(self, event) -> None:
        if self.check.isEnabled():
            self.check.toggle()
            self.check.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)


def material_check(key: str, name: str) -> tuple[QWidget, QCheckBox]:
    """A tick box with its wrapping caption beside it (long names never widen the panel)."""
    holder = QWidget()
    check = QCheckBox()
    check.setObjectName(f"material_{key}")
    check.setAccessibleName(name)
    check.setToolTip(name)
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    row.addWidget(check, 0, Qt.AlignmentFlag.AlignTop)
    row.addWidget(WrappingLabel(name, check), 1)
    return holder, check


class MaterialsBox(QGroupBox):
    """The chosen disease's materials, one tick box each; the pack decides the list."""

    def __init__(self, errors: FieldErrors, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("申请材料（勾选已收到的，空格键勾选）"))
        self.checks: dict[str, QCheckBox] = {}
        self._holders: list[QWidget] = []
        self.placeholder = hint_label(self.tr("先选择病种，这里列出该病种须提交的全部材料。"))
        self.error = error_label()
        self.error.setObjectName("error_materials")
        errors.add("materials", self.error)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(4)
        layout = QVBoxLayout(self)
        layout.addWidget(self.placeholder)
        layout.addLayout(self.rows)
        layout.addWidget(self.error)

    def show_disease(self, disease: Disease | None) -> None:
        for holder in self._holders:
            self.rows.removeWidget(holder)
            holder.deleteLater()
        self.checks, self._holders = {}, []
        for material in disease.materials if disease else ():
            holder, check = material_check(material.key, material.name)
            self.rows.addWidget(holder)
            holder.show()  # at once, so the focus can move to it now
            self.checks[material.key] = check
            self._holders.append(holder)
        self.placeholder.setVisible(disease is None)

    def received(self) -> list[str]:
        return [key for key, check in self.checks.items() if check.isChecked()]

    def first(self) -> QCheckBox | None:
        return next(iter(self.checks.values()), None)

    def last(self) -> QCheckBox | None:
        return list(self.checks.values())[-1] if self.checks else None


class AgentBox(QGroupBox):
    """代办人: ticked when someone applies on the person's behalf; then all four fields are required."""

    def __init__(self, errors: FieldErrors, relations: tuple[str, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("由代办人代为申请"))
        self.setCheckable(True)
        self.setChecked(False)
        self.setObjectName("agentBox")
        self.name = QLineEdit()
        self.name.setObjectName("agentNameEdit")
        self.name.setMaxLength(30)
        self.id_number = QLineEdit()
        self.id_number.setObjectName("agentIdNumberEdit")
        self.id_number.setMaxLength(18)
        self.id_number.setPlaceholderText(self.tr("18位号码，可刷身份证"))
        self.phone = QLineEdit()
        self.phone.setObjectName("agentPhoneEdit")
        self.relationship = QComboBox()
        self.relationship.setObjectName("agentRelationshipCombo")
        self.relationship.addItems(["", *relations])
        form = FormGrid(errors, label_width=84)
        form.add_row(self.tr("代办人姓名"), self.name, "agent_name", required=True)
        form.add_row(self.tr("公民身份号码"), self.id_number, "agent_id_number", required=True)
        form.add_row(self.tr("联系电话"), self.phone, "agent_phone", required=True)
        form.add_row(self.tr("与申请人关系"), self.relationship, "agent_relationship", required=True)
        layout = QVBoxLayout(self)
        layout.addWidget(form)
        self.form = form
        self._fold(True)  # folded while unticked: the materials above keep the height
        self.fields = (self.name, self.id_number, self.phone, self.relationship)
        for first, second in zip(self.fields, self.fields[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.toggled.connect(self._toggled)

    def _fold(self, folded: bool) -> None:
        """Unticked, only the tick box and its title show (no empty frame); ticked, the four fields."""
        self.form.setVisible(not folded)
        self.setStyleSheet("QGroupBox#agentBox { border: none; padding: 0px; }" if folded else "")

    def _toggled(self, on: bool) -> None:
        self._fold(not on)
        if on and self.hasFocus():
            self.name.setFocus(Qt.FocusReason.TabFocusReason)
        if on:
            _scroll_into_view(self)

    def value(self) -> dict | None:
        if not self.isChecked():
            return None
        return {"name": self.name.text().strip(), "id_number": self.id_number.text().strip(),
                "phone": self.phone.text().strip(), "relationship": self.relationship.currentText()}

    def filled(self) -> bool:
        return self.isChecked() and any(self.value().values())

    def reset(self) -> None:
        for edit in (self.name, self.id_number, self.phone):
            edit.clear()
        self.relationship.setCurrentIndex(0)
        self.setChecked(False)


def _scroll_into_view(widget: QWidget) -> None:
    """The scroll area around `widget` (if any) shows all of it, once the layout has settled."""
    area = widget.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    if area is not None:
        QTimer.singleShot(0, lambda: area.ensureWidgetVisible(widget, 0, 0))


class ApplicationPanel(QGroupBox):
    """新申请: 病种, 材料, 代办人. Enter in the disease box chooses; Ctrl+Enter (the tab's) accepts."""

    changed = Signal()

    def __init__(self, desk: Desk, bar: MessageBar, errors: FieldErrors, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("新申请"))
        self.picker = DiseasePicker(desk, bar, errors)
        self.materials = MaterialsBox(errors)
        self.agent = AgentBox(errors, chronic_screen.AGENT_RELATIONS)
        self.chosen_label = QLabel()
        self.chosen_label.setProperty("role", "hint")
        self.chosen_label.setWordWrap(True)
        self.chosen_label.setObjectName("diseaseChosenLabel")
        form = FormGrid(errors, label_width=48)
        form.add_row(self.tr("病种"), self.picker, "disease", required=True)
        layout = QVBoxLayout(self)
        layout.addWidget(form)
        layout.addWidget(self.chosen_label)
        layout.addWidget(self.materials)
        layout.addWidget(self.agent)
        layout.addStretch(1)
        self.picker.chosen.connect(self._chosen)
        self._chosen(None)

    def _chosen(self, disease: Disease | None) -> None:
        self.materials.show_disease(disease)
        if disease is None:
            self.chosen_label.setText(self.tr("可申请的类别：门诊慢性病、门诊特殊病、两病门诊用药保障。"))
        else:
            cap = self.tr("，年度限额 {cap} 元").format(cap=disease.annual_cap) if disease.annual_cap is not None else ""
            validity = (self.tr("认定有效期 {n} 个月").format(n=disease.validity_months) if disease.validity_months
                        else self.tr("认定长期有效"))
            self.chosen_label.setText(self.tr("已选：{label}；{validity}{cap}。").format(
                label=disease.label, validity=validity, cap=cap))
        self._chain()
        first = self.materials.first()
        if disease is not None and first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def _chain(self) -> None:
        chain = [self.picker.edit, *self.materials.checks.values(), self.agent, *self.agent.fields]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def first_widget(self) -> QWidget:
        return self.picker.edit

    def last_widget(self) -> QWidget:
        return self.agent.relationship

    def disease(self) -> Disease | None:
        return self.picker.disease

    def has_input(self) -> bool:
        return self.picker.disease is not None or bool(self.materials.received()) or self.agent.filled()

    def reset(self) -> None:
        self.picker.choose(None)
        self.picker.edit.clear()
        self.agent.reset()
