"""节假日安排: the years whose official holiday schedule the working-day calendar knows, the
schedules administrators loaded, and loading a newer schedule file. A file with any problem
changes nothing, and every problem is listed in full."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QWidget

from desk.core.errors import DeskError, ValidationError, os_reason
from desk.resources import resource_path
from desk.screens import admin as screen
from desk.services import calendar
from desk.services.context import Desk, Operator
from desk.ui import errors, file_choice
from desk.ui.admin_common import AdminPage, fill_row, make_table
from desk.ui.widgets import action_button, value_label

COLUMNS = ("年份", "载入时间", "载入人", "来源")


class CalendarPage(AdminPage):
    def __init__(self, desk: Desk, admin: Operator, parent: QWidget | None = None):
        super().__init__(self.tr(
            "转移接续等事项按工作日计算承诺办结日期。国务院办公厅公布新一年的节假日安排后，在这里载入安排文件"
            "（格式与随程序提供的 holiday-schedule-cn.json 相同）；载入后，暂定的办结日期会按新安排重算。"), parent)
        self.desk, self.admin = desk, admin
        self.years = value_label()
        self.years.setObjectName("publishedYears")
        self.years.setWordWrap(True)
        self.load_button = action_button(self.tr("载入节假日安排文件…"), "Ctrl+O")
        self.load_button.setProperty("primary", True)
        self.load_button.clicked.connect(self.load_file)
        self.page_shortcut("Ctrl+O", self.load_file)
        self.problems = QListWidget()
        self.problems.setObjectName("scheduleProblems")
        self.problems.setVisible(False)
        self.problems.setStyleSheet("QListWidget { color: #8e1c12; background: #fffafa; border: 1px solid #f3c2bc; }"
                                    " QListWidget::item { padding: 2px 6px; }")
        self.loaded = make_table(COLUMNS, "loadedSchedules")
        line = QHBoxLayout()
        line.addWidget(self.load_button)
        line.addStretch(1)
        self.body.removeWidget(self.bar)  # the outcome of a load under the button, above its problems
        self.body.addWidget(self.years)
        self.body.addLayout(line)
        self.body.addWidget(self.bar)
        self.body.addWidget(self.problems)
        self.body.addWidget(QLabel(self.tr("管理员载入过的安排（同一年份以最后一次载入的为准）：")))
        self.body.addWidget(self.loaded, 1)
        self.refresh()

    def refresh(self) -> None:
        shown = screen.calendar_screen(self.desk)
        self.years.setText(self.tr("已有节假日安排的年份：{years}。这些年份以外的日期暂按周末和法定节假日推算，结果注明“暂定”。").format(
            years=self.tr(shown.years)))
        rows = shown.schedules
        self.loaded.setRowCount(len(rows))
        for index, row in enumerate(rows):
            fill_row(self.loaded, index, (row.year, row.loaded_at, row.loaded_by, row.source))

    def focus_first(self) -> None:
        self.load_button.setFocus()

    def load_file(self) -> None:
        folder = resource_path("data")
        path = file_choice.open_path(self, self.tr("选择节假日安排文件"), folder, self.tr("节假日安排 (*.json);;所有文件 (*)"))
        if path is not None:
            self.load_path(path)

    def load_path(self, path) -> None:
        self.problems.clear()
        self.problems.setVisible(False)
        try:
            data = path.read_bytes()
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data  # the service names the encoding problem
            years = calendar.load_schedule(self.desk, self.admin, text)
        except OSError as error:
            self.bar.show_error(self.tr("无法读取文件 {path}（{reason}）。").format(path=path, reason=os_reason(error)))
        except ValidationError as error:
            self._refused(path, [problem.message for problem in error.problems])
        except DeskError as error:
            self._refused(path, [error.message])
        except Exception as error:
            self.bar.show_error(errors.apology(errors.show_unexpected(self, error)))
        else:
            self.refresh()
            self.bar.show_info(self.tr("已载入 {years} 年的节假日安排（文件 {name}），已记入审计日志；暂定的办结日期已按新安排重算。").format(
                years="、".join(map(str, years)), name=path.name))

    def _refused(self, path, problems: list[str]) -> None:
        self.bar.show_error(self.tr("文件 {name} 没有载入，节假日安排没有任何改动。请改正以下 {count} 个问题后重新载入：").format(
            name=path.name, count=len(problems)))
        self.problems.addItems([f"{index}. {text}" for index, text in enumerate(problems, start=1)])
        self.problems.setFixedHeight(min(28 * len(problems) + 8, 230))
        self.problems.setVisible(True)
