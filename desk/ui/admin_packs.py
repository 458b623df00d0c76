"""政策包: every pack, value by value with its source and status (provisional values marked 暂定),
and every pack file that failed validation with its file, key and problem (policy-packs.md)."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QVBoxLayout, QWidget

from desk.services import admin_ui_support as support
from desk.services.context import Desk, Operator
from desk.ui.admin_common import PROVISIONAL_COLOURS, AdminPage, fill_row, make_table, paint_row, selected_key
from desk.ui.widgets import hint_label, value_label

PACK_COLUMNS = ("编号", "名称", "版本", "险种", "统筹区", "有效期", "数值", "暂定")
VALUE_COLUMNS = ("分项", "项目", "值", "来源", "状态")
PROBLEM_COLUMNS = ("文件", "项目", "问题")
PROBLEM_COLOURS = (QColor("#fdecea"), QColor("#8e1c12"))


class PacksPage(AdminPage):
    def __init__(self, desk: Desk, admin: Operator, parent: QWidget | None = None):
        super().__init__(self.tr(
            "每个政策包的每一个数值及其来源和状态。“暂定”是在当地文件录入前采用的假定值，用到它的计算结果和凭证都会注明暂定。"), parent)
        self.desk, self.admin = desk, admin
        self.values: list[support.PackValueRow] = []
        self._shown: list[support.PackValueRow] = []
        self.packs = make_table(PACK_COLUMNS, "packsTable", stretch=1)
        self.packs.itemSelectionChanged.connect(self.show_values)
        self.only_provisional = QCheckBox(self.tr("只看暂定值 (Alt+P)"))
        self.only_provisional.toggled.connect(self.show_values)
        self.page_shortcut("Alt+P", self.only_provisional.toggle)
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
        self._layout()
        self.refresh()

    def _layout(self) -> None:
        line = QHBoxLayout()
        line.addWidget(self.counts, 1)
        line.addWidget(self.only_provisional)
        broken = QGroupBox(self.tr("未通过校验的政策包文件（不会被使用，其他政策包照常工作）"))
        broken_layout = QVBoxLayout(broken)
        broken_layout.setContentsMargins(10, 6, 10, 6)
        broken_layout.addWidget(self.problems_note)
        broken_layout.addWidget(self.problems)
        self.body.addWidget(self.packs)
        self.body.addLayout(line)
        self.body.addWidget(self.values_table, 1)
        self.body.addWidget(self.detail)
        self.body.addWidget(broken)

    def refresh(self) -> None:
        keep = selected_key(self.packs)
        overviews = support.pack_overviews(self.desk)
        self.packs.setRowCount(len(overviews))
        for index, pack in enumerate(overviews):
            provisional = self.tr("{count} 项").format(count=pack.provisional_values) if pack.provisional_values else self.tr("无")
            fill_row(self.packs, index, (pack.id, pack.title, pack.version, self.tr(pack.scheme_name), pack.region,
                                         pack.effective, pack.values, provisional), pack.id)
        header = self.packs.horizontalHeader().sizeHint().height()
        self.packs.setFixedHeight(header + self.packs.verticalHeader().defaultSectionSize() * len(overviews) + 4)
        wanted = keep or self.desk.setting("default_pack")
        rows = [i for i in range(self.packs.rowCount()) if self.packs.item(i, 0).text() == wanted]
        self.packs.selectRow(rows[0] if rows else 0)
        self._show_problems()
        self.show_values()

    def _show_problems(self) -> None:
        problems = support.pack_problems(self.desk)
        self.problems.setRowCount(len(problems))
        for index, problem in enumerate(problems):
            fill_row(self.problems, index, (problem.file, problem.key, problem.problem))
            paint_row(self.problems, index, PROBLEM_COLOURS)
        self.problems.setVisible(bool(problems))
        fitted = self.problems.horizontalHeader().sizeHint().height() + 30 * len(problems) + 4
        self.problems.setFixedHeight(min(fitted, 150))
        self.problems_note.setText(
            self.tr("以下 {count} 个文件有误，请按“问题”一栏修改后重新启动程序：").format(count=len(problems)) if problems
            else self.tr("所有政策包文件均已通过校验。"))

    def focus_first(self) -> None:
        self.packs.setFocus()

    def show_values(self) -> None:
        pack_id = selected_key(self.packs)
        self.values = support.pack_values(self.desk, pack_id) if pack_id else []
        shown = [row for row in self.values if row.provisional or not self.only_provisional.isChecked()]
        self.values_table.setRowCount(len(shown))
        for index, row in enumerate(shown):
            fill_row(self.values_table, index, (self.tr(row.section_name), row.key, row.value, row.source,
                                                self.tr(row.status_name)), index)
            self.values_table.item(index, 0).setToolTip(row.section)
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
        self.detail.setText(self.tr("{section}（{code}）· {key}：{value}\n来源：{source}　状态：{status}").format(
            section=self.tr(row.section_name), code=row.section, key=row.key, value=row.value, source=row.source,
            status=self.tr(row.status_name)))
