"""政策包: every pack, value by value with its source and status (provisional values marked 暂定),
its annual contribution standards (what is in force for each benefit year, beside the pack file's
own value where an administrator's entry changed it, and every entry ever made), 录入年度标准…,
and every pack file that failed validation with its file, key and problem (policy-packs.md)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desk.screens import admin as screen
from desk.services.context import Desk, Operator
from desk.ui.admin_common import PROVISIONAL_COLOURS, AdminPage, fill_row, make_table, paint_row, select_key, selected_key
from desk.ui.admin_standard_dialog import StandardDialog
from desk.ui.widgets import action_button, hint_label, split_pair, value_label

PACK_COLUMNS = ("编号", "名称", "版本", "险种", "统筹区", "有效期", "数值", "暂定")
VALUE_COLUMNS = ("分项", "项目", "值", "来源", "状态")
PROBLEM_COLUMNS = ("文件", "项目", "问题")
PROBLEM_COLOURS = (QColor("#fdecea"), QColor("#8e1c12"))
YEAR_COLUMNS = ("待遇年度", "个人缴费标准", "状态", "说明")
YEAR_VALUE_COLUMNS = ("项目", "金额", "状态", "政策包文件原值", "来源")
HISTORY_COLUMNS = ("待遇年度", "个人缴费标准", "资助金额", "文件号", "状态", "录入人", "录入时间")
MISSING_COLOURS = (QColor("#fdecea"), QColor("#8e1c12"))
ENTER_KEYS = "Alt+N"


class PacksPage(AdminPage):
    standard_entered = Signal(int)  # a benefit year whose standard the administrator just entered

    def __init__(self, desk: Desk, admin: Operator, parent: QWidget | None = None):
        super().__init__(self.tr(
            "每个政策包的每一个数值及其来源和状态。“暂定”是在当地文件录入前采用的假定值，用到它的计算结果和凭证都会注明暂定。"), parent)
        self.desk, self.admin = desk, admin
        self.values: list[screen.PackValueRow] = []
        self._shown: list[screen.PackValueRow] = []
        self.packs = make_table(PACK_COLUMNS, "packsTable", stretch=1)
        self.packs.itemSelectionChanged.connect(self.show_values)
        self.packs.itemSelectionChanged.connect(self.show_standards)
        self.only_provisional = QCheckBox(self.tr("只看暂定值 (Alt+P)"))
        self.only_provisional.toggled.connect(self.show_values)
        self.page_shortcut("Alt+P", self._toggle_provisional)
        self.values_table = make_table(VALUE_COLUMNS, "packValuesTable", stretch=VALUE_COLUMNS.index("值"))
        source = self.values_table.horizontalHeader()
        source.setSectionResizeMode(VALUE_COLUMNS.index("来源"), QHeaderView.ResizeMode.Interactive)
        source.resizeSection(VALUE_COLUMNS.index("来源"), 430)
        self.values_table.itemSelectionChanged.connect(self._show_detail)
        self.detail = value_label()
        self.detail.setObjectName("packValueDetail")
        self.detail.setWordWrap(True)
        self.counts = QLabel()
        self.counts.setProperty("role", "hint")
        self.problems = make_table(PROBLEM_COLUMNS, "packProblemsTable")
        self.problems_note = hint_label("")
        self._standards_widgets()
        self._layout()
        self.refresh()

    def _standards_widgets(self) -> None:
        self.dialog: StandardDialog | None = None
        self.years: list[screen.StandardYear] = []
        self.standards_summary = QLabel()
        self.standards_summary.setObjectName("standardsSummary")
        self.standards_summary.setWordWrap(True)
        self.enter_button = action_button(self.tr("录入年度标准…"), ENTER_KEYS)
        self.enter_button.setObjectName("enterStandardButton")
        self.enter_button.setProperty("primary", True)
        self.enter_button.clicked.connect(self.enter_standard)
        self.page_shortcut(ENTER_KEYS, self.enter_standard)
        self.years_table = make_table(YEAR_COLUMNS, "standardYearsTable", stretch=YEAR_COLUMNS.index("说明"))
        self.years_table.itemSelectionChanged.connect(self._show_year)
        self.year_values = make_table(YEAR_VALUE_COLUMNS, "standardValuesTable", stretch=YEAR_VALUE_COLUMNS.index("来源"))
        self.year_title = QLabel()
        self.year_title.setObjectName("standardYearTitle")
        self.year_values.itemSelectionChanged.connect(self._show_value_detail)
        self.year_detail = value_label()
        self.year_detail.setObjectName("standardValueDetail")
        self.year_detail.setWordWrap(True)
        self.history = make_table(HISTORY_COLUMNS, "standardHistoryTable", stretch=HISTORY_COLUMNS.index("资助金额"))
        self.history_note = hint_label(self.tr("录入记录：每次录入都是一个新版本，不修改、不删除；同一年度以最后一次录入为准。"))

    def _layout(self) -> None:
        line = QHBoxLayout()
        line.addWidget(self.counts, 1)
        line.addWidget(self.only_provisional)
        values = QWidget()
        values_layout = QVBoxLayout(values)
        values_layout.setContentsMargins(8, 8, 8, 4)
        values_layout.addLayout(line)
        values_layout.addWidget(self.values_table, 1)
        values_layout.addWidget(self.detail)
        self.sections = QTabWidget()
        self.sections.setObjectName("packSections")
        self.sections.addTab(self._standards_section(), self.tr("年度缴费标准"))
        self.sections.addTab(self._history_section(), self.tr("录入记录"))
        self.sections.addTab(values, self.tr("全部数值及来源"))
        broken = QGroupBox(self.tr("未通过校验的政策包文件（不会被使用，其他政策包照常工作）"))
        broken_layout = QVBoxLayout(broken)
        broken_layout.setContentsMargins(10, 6, 10, 6)
        broken_layout.addWidget(self.problems)
        self.broken = broken
        self.body.addWidget(self.packs)
        self.body.addWidget(self.sections, 1)
        self.body.addWidget(self.problems_note)
        self.body.addWidget(broken)

    def _standards_section(self) -> QWidget:
        top = QHBoxLayout()
        top.addWidget(self.standards_summary, 1)
        top.addWidget(self.enter_button)
        year = QWidget()
        year_layout = QVBoxLayout(year)
        year_layout.setContentsMargins(0, 0, 0, 0)
        year_layout.setSpacing(4)
        year_layout.addWidget(self.year_title)
        year_layout.addWidget(self.year_values, 1)
        year_layout.addWidget(self.year_detail)
        section = QWidget()
        layout = QVBoxLayout(section)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(split_pair(Qt.Orientation.Horizontal, self.years_table, year, stretch=(2, 5), sizes=[450, 850]), 1)
        return section

    def _history_section(self) -> QWidget:
        section = QWidget()
        layout = QVBoxLayout(section)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(6)
        layout.addWidget(self.history_note)
        layout.addWidget(self.history, 1)
        return section

    def refresh(self) -> None:
        keep = selected_key(self.packs)
        shown = screen.packs_screen(self.desk)
        overviews = shown.overviews
        self.packs.setRowCount(len(overviews))
        for index, pack in enumerate(overviews):
            provisional = self.tr("{count} 项").format(count=pack.provisional_values) if pack.provisional_values else self.tr("无")
            fill_row(self.packs, index, (pack.id, pack.title, pack.version, self.tr(pack.scheme_name), pack.region,
                                         pack.effective, pack.values, provisional), pack.id)
        header = self.packs.horizontalHeader().sizeHint().height()
        self.packs.setFixedHeight(header + self.packs.verticalHeader().defaultSectionSize() * len(overviews) + 4)
        wanted = keep or shown.default_pack
        rows = [i for i in range(self.packs.rowCount()) if self.packs.item(i, 0).text() == wanted]
        self.packs.selectRow(rows[0] if rows else 0)
        self._show_problems(shown.problems)
        self.show_values()
        self.show_standards()

    def _show_problems(self, problems: list[screen.PackProblemRow]) -> None:
        self.problems.setRowCount(len(problems))
        for index, problem in enumerate(problems):
            fill_row(self.problems, index, (problem.file, problem.key, problem.problem))
            paint_row(self.problems, index, PROBLEM_COLOURS)
        self.problems.setVisible(bool(problems))
        fitted = self.problems.horizontalHeader().sizeHint().height() + 30 * len(problems) + 4
        self.problems.setFixedHeight(min(fitted, 150))
        self.broken.setVisible(bool(problems))  # all sound: one line says so, no empty box
        self.problems_note.setText(
            self.tr("以下 {count} 个文件有误，请按“问题”一栏修改后重新启动程序：").format(count=len(problems)) if problems
            else self.tr("所有政策包文件均已通过校验。"))

    def focus_first(self) -> None:
        self.packs.setFocus()

    def show_values(self) -> None:
        pack_id = selected_key(self.packs)
        self.values = screen.pack_values(self.desk, pack_id) if pack_id else []
        shown = [row for row in self.values if row.provisional or not self.only_provisional.isChecked()]
        self.values_table.setRowCount(len(shown))
        for index, row in enumerate(shown):
            fill_row(self.values_table, index, (self.tr(row.section_name), self.tr(row.key_name), row.value, row.source,
                                                self.tr(row.status_name)), index)
            for column in (0, 1):
                self.values_table.item(index, column).setToolTip(row.place)
            self.values_table.item(index, VALUE_COLUMNS.index("值")).setToolTip(row.value)
            if row.provisional:
                paint_row(self.values_table, index, PROVISIONAL_COLOURS)
        self._shown = shown
        provisional = sum(1 for row in self.values if row.provisional)
        self.counts.setText(self.tr("{pack}：共 {count} 个数值，其中暂定 {provisional} 个。选中一行可看完整的值和来源。").format(
            pack=pack_id or "", count=len(self.values), provisional=provisional))
        self.detail.clear()

    def _show_detail(self) -> None:
        index = selected_key(self.values_table)
        if index is None or index >= len(self._shown):
            self.detail.clear()
            return
        row = self._shown[index]
        self.detail.setText(self.tr("{section} · {key}：{value}\n来源：{source}　状态：{status}").format(
            section=self.tr(row.section_name), key=self.tr(row.key_name), value=row.value, source=row.source,
            status=self.tr(row.status_name)))
        self.detail.setToolTip(row.place)

    def _toggle_provisional(self) -> None:
        self.sections.setCurrentIndex(2)
        self.only_provisional.toggle()

    # ------------------------------------------------------------------ 年度缴费标准

    def show_standards(self) -> None:
        if not hasattr(self, "years_table"):
            return  # during construction
        pack_id = selected_key(self.packs)
        keep = selected_key(self.years_table)
        shown = screen.standards_screen(self.desk, pack_id) if pack_id else None
        self.years = shown.years if shown else []
        self.years_table.setRowCount(len(self.years))
        for index, year in enumerate(self.years):
            individual = year.individual
            fill_row(self.years_table, index, (self.tr("{year}年度").format(year=year.year), individual.amount or "—",
                                               self.tr(individual.status_name), self.tr(year.note)), year.year)
            if individual.missing:
                paint_row(self.years_table, index, MISSING_COLOURS)
            elif individual.provisional:
                paint_row(self.years_table, index, PROVISIONAL_COLOURS)
        self._fill_history(shown.history if shown else [])
        self.enter_button.setEnabled(bool(shown) and shown.can_enter)
        self.enter_button.setToolTip(shown.form.refusal if shown and shown.form.refusal else self.enter_button.text())
        self.standards_summary.setText(self.tr(shown.summary) if shown else "")
        wanted = keep if keep in {year.year for year in self.years} else (shown.first_year if shown else None)
        select_key(self.years_table, wanted)
        self._show_year()

    def _fill_history(self, rows: list[screen.StandardHistoryRow]) -> None:
        self.history.setRowCount(len(rows))
        for index, row in enumerate(rows):
            fill_row(self.history, index, (self.tr("{year}年度").format(year=row.year), row.individual, row.subsidies,
                                           row.document, self.tr(row.status_name), row.entered_by, row.entered_at), row.id)
            self.history.item(index, HISTORY_COLUMNS.index("资助金额")).setToolTip(row.subsidies)
            if row.provisional:
                paint_row(self.history, index, PROVISIONAL_COLOURS)
        self.history_note.setText(self.tr(
            "共 {count} 次录入。每次录入都是一个新版本，不修改、不删除；同一年度以最后一次录入为准。").format(count=len(rows))
            if rows else self.tr("尚无录入：各年度的数值均来自政策包文件。"))
        self.sections.setTabText(1, self.tr("录入记录（{count}）").format(count=len(rows)))

    def selected_year(self) -> screen.StandardYear | None:
        key = selected_key(self.years_table)
        return next((year for year in self.years if year.year == key), None)

    def _show_year(self) -> None:
        year = self.selected_year()
        values = year.values if year else ()
        self.year_values.setRowCount(len(values))
        for index, value in enumerate(values):
            fill_row(self.year_values, index, (self.tr(value.name), value.amount or "—", self.tr(value.status_name),
                                               value.bundled, value.source if not value.missing else "—"), index)
            self.year_values.item(index, YEAR_VALUE_COLUMNS.index("来源")).setToolTip(value.source)
            if value.missing:
                paint_row(self.year_values, index, MISSING_COLOURS)
            elif value.provisional:
                paint_row(self.year_values, index, PROVISIONAL_COLOURS)
        self._show_value_detail()
        if year is None:
            self.year_title.setText(self.tr("该政策包没有年度缴费标准。") if self.packs.selectionModel().hasSelection() else "")
        else:
            entered = self.tr("，已由管理员录入（“政策包文件原值”一栏是文件中原来的值）") if year.entered else ""
            self.year_title.setText(self.tr("{year}年度现行标准{entered}：").format(year=year.year, entered=entered))

    def _show_value_detail(self) -> None:
        year, index = self.selected_year(), selected_key(self.year_values)
        if year is None or index is None or index >= len(year.values):
            self.year_detail.setText(self.tr("选中一行可看完整的来源。") if year else "")
            return
        value = year.values[index]
        beside = self.tr("；政策包文件原值 {bundled}").format(bundled=value.bundled) if value.bundled else ""
        self.year_detail.setText(self.tr("{year}年度 {name}：{amount}（{status}）{beside}。来源：{source}").format(
            year=year.year, name=self.tr(value.name), amount=value.amount or "—", status=self.tr(value.status_name),
            beside=beside, source=value.source if not value.missing else self.tr("尚未录入")))

    def enter_standard(self) -> None:
        pack_id = selected_key(self.packs)
        if pack_id is None or not self.enter_button.isEnabled():
            return
        self.sections.setCurrentIndex(0)
        dialog = StandardDialog(self.desk, self.admin, pack_id, self)
        dialog.accepted.connect(lambda: self._entered(dialog))
        self.dialog = dialog
        dialog.open()

    def _entered(self, dialog: StandardDialog) -> None:
        in_force = dialog.in_force
        self.refresh()
        select_key(self.years_table, in_force.year)
        text, warning = screen.entered_message(in_force)
        if warning:
            self.bar.show_warning(self.tr(text))
        else:
            self.bar.show_info(self.tr(text))
        self.years_table.setFocus()
        self.standard_entered.emit(in_force.year)
