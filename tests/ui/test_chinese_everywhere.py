"""Chinese everywhere: every page and tab of the main window, as administrator, clerk and reviewer,
on a small demo database (residents, enrolments, filings, settlements, transfers), with a person
open in every business tab; the visible text of every widget (labels, buttons, group box titles,
tab texts, placeholders, combo box items, table cells and headers, menus) holds no Latin-only
word outside a short list, no raw JSON and no `None`. Qt's own texts (a text field's right-click
menu, a message box's and a button box's standard buttons) are Chinese too."""

from __future__ import annotations

import re
import sqlite3

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from desk.ui.app import build_main_window

KEY_NAMES = {"Ctrl", "Alt", "Shift", "Enter", "Esc", "Tab", "Del", "Delete", "Space", "Home", "End", "PgUp", "PgDown",
             "Backspace", "Ins", "Up", "Down", "Left", "Right", "Return"}
# what the 备份与恢复 page tells the administrator to type or look for: the command, its option,
# the backup folder and a restore's file name; the size unit
COMMAND_WORDS = {"restore", "keys", "import", "db", "backups", "before-restore", "KB", "MB", "GB"}
PINYIN_EXAMPLES = {"gxy"}  # 病种代码、名称或拼音首字母，如 gxy（高血压病）: what the clerk types
ALLOWED = KEY_NAMES | COMMAND_WORDS | PINYIN_EXAMPLES | {"desk", "PDF", "GB/T", "Excel"}
FILE_NAME = re.compile(r".+\.(toml|txt|md|pdf|xlsx|db|json|log|csv|png|zip|exe|qm|sqlite|bak)", re.IGNORECASE)
DATE_PATTERN = re.compile(r"[YMDHhms]+([-:/][YMDHhms]+)*")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-/]*")
MNEMONIC = re.compile(r"\(&[A-Za-z]\)|&(?=[A-Za-z])")
# a Windows path (the data folder on a counter PC, or under Wine): one file name, like a POSIX path
WINDOWS_PATH = re.compile(r"(?:[A-Za-z]:\\|\\\\)[^\s，。；：（）“”]*")


def latin_words(text: str, usernames: set[str] = frozenset()) -> list[str]:
    """The Latin-only words of `text` a clerk should not meet: a word with a digit is a code, a
    version, a key (F8) or a paper size (A4) and counts as fine; so do single letters (Ctrl+S), key names, file names,
    date patterns, the operators' login names and the few words of ALLOWED."""
    text = WINDOWS_PATH.sub(" ", MNEMONIC.sub("", text))
    found = []
    for word in WORD.findall(text):
        word = word.rstrip(".-/")
        if (len(word) <= 1 or any(ch.isdigit() for ch in word) or word in ALLOWED or word in usernames
                or FILE_NAME.fullmatch(word) or DATE_PATTERN.fullmatch(word)):
            continue
        found.append(word)
    return found


def wrong_in(text: str, usernames: set[str] = frozenset()) -> list[str]:
    problems = latin_words(text, usernames)
    problems += [mark for mark in ('{"', "[{", "{'", "None") if mark in text]
    return problems


def test_the_scan_catches_what_it_is_for():
    assert latin_words("保存 (Ctrl+S)　凭证核验 (F8)　M03900 高血压病　dali-resident-2025 版本 2025.1　A4") == []
    assert latin_words("另存为PDF　chuxiong-resident-2021.toml　YYYY-MM-DD　撤消(&U)\tCtrl+Z") == []
    assert latin_words("数据库：Z:\\tmp\\ci-clone\\demo\\desk.db；备份：C:\\Users\\李娜\\AppData\\Local\\desk\\backups") == []
    assert latin_words("状态：provisional") == ["provisional"]
    assert latin_words("OK") == ["OK"] and latin_words("&Yes") == ["Yes"]
    assert wrong_in('{"amount": 1}') and wrong_in("[{1}]") and wrong_in("来源：None")


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of everything `root` shows now: widgets that are visible on the screen."""
    texts: list[tuple[str, str]] = []

    def add(widget, what: str, text: str) -> None:
        if text:
            texts.append((f"{type(widget).__name__} {widget.objectName() or ''} {what}".strip(), text))

    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        if widget.isWindow():
            add(widget, "title", widget.windowTitle())
        if isinstance(widget, QLabel):
            add(widget, "", re.sub(r"<[^>]+>", "", widget.text()))
        elif isinstance(widget, QAbstractButton):
            add(widget, "", widget.text())
        elif isinstance(widget, QGroupBox):
            add(widget, "title", widget.title())
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                add(widget, "tab", widget.tabText(index))
        elif isinstance(widget, QLineEdit):
            add(widget, "placeholder", widget.placeholderText())
            add(widget, "text", widget.text())
        elif isinstance(widget, QComboBox):
            for index in range(widget.count()):
                add(widget, "item", widget.itemText(index))
        elif isinstance(widget, (QTextEdit, QPlainTextEdit)):
            add(widget, "text", widget.toPlainText())
            add(widget, "placeholder", widget.placeholderText())
        elif isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView) and widget.model() is not None:
            texts.extend(_view_texts(widget))
        for action in widget.actions():
            add(widget, "action", action.text())
    return texts


def _view_texts(view: QAbstractItemView) -> list[tuple[str, str]]:
    model, found = view.model(), []
    where = f"{type(view).__name__} {view.objectName()}"
    for column in range(model.columnCount()):
        found.append((f"{where} header", str(model.headerData(column, Qt.Orientation.Horizontal) or "")))
    for row in range(min(model.rowCount(), 200)):
        for column in range(model.columnCount()):
            value = model.index(row, column).data(Qt.ItemDataRole.DisplayRole)
            if value is not None:
                found.append((f"{where} [{row},{column}]", str(value)))
    return found


def walk(root: QWidget, seen: set[int] | None = None) -> list[tuple[str, str]]:
    """The texts of `root` with each of its tabs (and theirs) shown in turn."""
    seen = set() if seen is None else seen
    QApplication.processEvents()
    texts = visible_texts(root)
    for tabs in root.findChildren(QTabWidget):
        if id(tabs) in seen or not tabs.isVisible():
            continue
        seen.add(id(tabs))
        keep = tabs.currentIndex()
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            QApplication.processEvents()
            name = tabs.tabText(index)
            texts += [(f"{name} › {where}", text) for where, text in walk(tabs.widget(index), seen)]
        tabs.setCurrentIndex(keep)
    return texts


@pytest.fixture
def demo(tmp_path):
    from desk.demo import create_demo_database
    from desk.services import operators
    from desk.services.context import Desk

    path = tmp_path / "demo" / "desk.db"
    create_demo_database(path, persons=15)
    opened = Desk.open(path)
    accounts = {name: operators.authenticate(opened, username=name, password=password)
                for name, password in (("admin", "Admin2026"), ("clerk01", "Clerk2026"), ("review01", "Review2026"))}
    with sqlite3.connect(path) as connection:
        people = [row[0] for table in ("settlements", "filings", "transfers", "enrolments")
                  for row in connection.execute(f"SELECT person_id FROM {table} ORDER BY id LIMIT 2")]
        usernames = {row[0] for row in connection.execute("SELECT username FROM operators")}
    yield opened, accounts, list(dict.fromkeys(people)), usernames
    opened.close()


def _window(qtbot, desk, operator):
    window = build_main_window(desk, operator)
    qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "_leaving", True))
    window.show()
    qtbot.waitExposed(window)
    return window


def _problems(texts, usernames) -> list[str]:
    return [f"{where}: {text!r} → {wrong}" for where, text in texts if (wrong := wrong_in(text, usernames))]


class Questions:
    """Answers 是 to every message box the app asks while it runs (the 转移接续 tab asks before a
    filled-in form is replaced by the next person), keeping what each one showed."""

    def __init__(self):
        self.seen: list[tuple[str, str]] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self.answer)
        self.timer.start()

    def answer(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            self.seen += [("QMessageBox title", box.windowTitle()), ("QMessageBox text", box.text())]
            self.seen += [("QMessageBox button", button.text()) for button in box.buttons()]
            box.button(QMessageBox.StandardButton.Yes).click()


@pytest.mark.parametrize("who", ["clerk01", "review01"])
def test_every_business_tab_with_a_person_open_is_chinese(qtbot, demo, who):
    desk, accounts, people, usernames = demo
    window = _window(qtbot, desk, accounts[who])
    assert window.tabs.count() >= 3
    questions = Questions()
    texts = walk(window)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        tab = window.tabs.widget(index)
        for person_id in people:
            tab.open_person(person_id)
            texts += [(f"{window.tabs.tabText(index)} person {person_id} › {where}", text) for where, text in walk(tab)]
    texts += [(f"当前办理人 › {where}", text) for where, text in walk(window.person_bar)]
    typed = next(tab for tab in window.business_tabs() if hasattr(tab, "form") and hasattr(tab.form, "total"))
    window.tabs.setCurrentWidget(typed)
    typed.form.total.setText("100")  # a bill typed and not recorded: F2 (下一位) asks before it is lost
    window.next_citizen()
    assert window.current_person_id is None
    questions.timer.stop()
    texts += [(f"menu › {action.text()}", action.text()) for menu in window.menuBar().findChildren(QMenu)
              for action in menu.actions()]
    assert len(texts) > 1000  # the walk reached the tables, not only the frame
    assert ("QMessageBox button", "是(&Y)") in questions.seen and ("QMessageBox button", "否(&N)") in questions.seen
    assert _problems(texts + questions.seen, usernames) == []


def _admin_texts(qtbot, demo, pages: set[str]):
    desk, accounts, _people, usernames = demo
    window = _window(qtbot, desk, accounts["admin"])
    panel = window.centralWidget()
    texts = []
    for index in range(panel.tabs.count()):
        if panel.tabs.tabText(index) not in pages:
            continue
        page = panel.show_page(index)
        qtbot.waitUntil(page.isVisible)
        texts += [(f"{panel.tabs.tabText(index)} › {where}", text) for where, text in walk(page)]
    return window, texts, usernames


ADMIN_PAGES = {"操作员", "系统设置", "政策包", "节假日安排", "备份与恢复"}


def test_every_administration_page_is_chinese(qtbot, demo):
    window, texts, usernames = _admin_texts(qtbot, demo, ADMIN_PAGES)
    texts += walk(window, {id(window.centralWidget().tabs)})  # the menus, toolbar, status bar and the page shown last
    pages = {where.split(" › ")[0] for where, _ in texts}
    assert pages >= ADMIN_PAGES and len(texts) > 300
    assert _problems(texts, usernames) == []


def test_the_audit_page_is_chinese(qtbot, demo):
    _window, texts, usernames = _admin_texts(qtbot, demo, {"审计日志"})
    assert len(texts) > 100
    assert _problems(texts, usernames) == []


def test_a_text_fields_right_click_menu_and_the_standard_buttons_are_chinese(qtbot, demo):
    desk, accounts, _people, _usernames = demo
    window = _window(qtbot, desk, accounts["clerk01"])
    edit = window.tabs.currentWidget().search.edit
    edit.setText("杨丽华")
    QApplication.sendEvent(edit, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(5, 5),
                                                   edit.mapToGlobal(QPoint(5, 5))))
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    entries = [MNEMONIC.sub("", action.text()).split("\t")[0] for action in menu.actions() if not action.isSeparator()]
    menu.close()
    assert entries == ["撤消", "重做", "剪切", "复制", "粘贴", "删除", "全选"]

    box = QMessageBox(QMessageBox.Icon.Question, "未保存的修改", "确定退出程序吗？",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Ok
                      | QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Retry
                      | QMessageBox.StandardButton.Close, window)
    words = {MNEMONIC.sub("", button.text()) for button in box.buttons()}
    assert words == {"是", "否", "确定", "取消", "重试", "关闭"}
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    assert [button.text() for button in buttons.buttons()] == ["确定", "取消"]
    assert QApplication.instance().property("desk_chinese_installed")


def _qt_dialog_texts(dialog) -> list[tuple[str, str]]:
    """What Qt itself writes on one of its dialogs: labels, buttons and their tooltips, group titles,
    column headers (not the file names, folders and printer names it lists)."""
    texts = []
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel):
            texts.append((f"QLabel {widget.objectName()}", widget.text()))
        elif isinstance(widget, QAbstractButton):
            texts += [(f"button {widget.objectName()}", widget.text()), (f"tooltip {widget.objectName()}", widget.toolTip())]
        elif isinstance(widget, QGroupBox):
            texts.append((f"QGroupBox {widget.objectName()}", widget.title()))
        elif isinstance(widget, QHeaderView) and widget.model() is not None:
            texts += [(f"header {widget.objectName()}", str(widget.model().headerData(column, widget.orientation()) or ""))
                      for column in range(widget.count())]
    return [(where, text) for where, text in texts if text]


def test_the_file_and_print_dialogs_are_chinese(qtbot, demo, tmp_path):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    from desk.ui.file_choice import make_dialog

    desk, accounts, _people, _usernames = demo
    window = _window(qtbot, desk, accounts["clerk01"])
    printer = QPrinter()
    dialogs = [make_dialog(window, "另存为PDF", tmp_path / "凭证.pdf", "PDF 文件 (*.pdf)", saving=True),
               make_dialog(window, "选择节假日安排文件", tmp_path, "节假日安排 (*.json)", saving=False),
               QPrintDialog(printer, window)]
    texts = []
    for dialog in dialogs:
        dialog.show()
        qtbot.waitExposed(dialog)
        texts += _qt_dialog_texts(dialog)
        dialog.done(0)
    labels = {MNEMONIC.sub("", text) for where, text in texts if where.startswith("QLabel")}
    assert {"查找范围：", "文件名称：", "文件类型："} <= labels  # the file dialog (two of them were missing in Qt's own file)
    assert {"名称", "大小", "类型", "修改日期"} & {text for where, text in texts if where.startswith("header")}
    assert _problems(texts, set()) == []
