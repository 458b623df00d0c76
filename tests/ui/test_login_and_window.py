"""First start, login, password change, the status bar, the administrator's window, 凭证核验."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desk.core.idnumber import make_id_number
from desk.services import enrolment, operators, persons
from desk.ui.admin_panel import AdminPanel
from desk.ui.login import ChangePasswordDialog, FirstStartDialog, LoginDialog
from desk.ui.main_window import BUSINESS_TABS
from desk.ui.verify_dialog import VerifyDialog

Key = Qt.Key


def show(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_first_start_creates_the_administrator_and_logs_in(qtbot, desk, keyboard):
    assert operators.needs_first_administrator(desk)
    dialog = show(qtbot, FirstStartDialog(desk))
    assert dialog.username.text() == "admin"
    assert keyboard.focused() is dialog.display_name
    keyboard.type("赵管理")
    keyboard.press(Key.Key_Tab)
    keyboard.type("first2026")
    keyboard.press(Key.Key_Tab)
    keyboard.type("first2027")
    keyboard.press(Key.Key_Return)
    assert "不一致" in dialog.errors.label("confirm").text()
    assert operators.needs_first_administrator(desk)  # nothing written

    dialog.password.setText("short")
    dialog.confirm.setText("short")
    keyboard.press(Key.Key_Return)
    assert "至少8位" in dialog.errors.label("password").text()

    dialog.password.setText("first2026")
    dialog.confirm.setText("first2026")
    keyboard.press(Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.operator.role == "admin" and dialog.operator.display_name == "赵管理"
    assert not operators.needs_first_administrator(desk)


def test_login_with_a_wrong_password_says_the_same_as_for_an_unknown_user(qtbot, desk, staff, keyboard):
    dialog = show(qtbot, LoginDialog(desk))
    keyboard.type("clerk")
    keyboard.press(Key.Key_Tab)
    keyboard.type("wrong-password1")
    keyboard.press(Key.Key_Return)
    qtbot.waitUntil(dialog.login_button.isEnabled)  # the password is checked in a thread
    assert dialog.isVisible() and dialog.operator is None
    wrong = dialog.bar.text()
    assert "用户名或密码不正确" in wrong and "锁定" in wrong
    assert dialog.password.text() == "" and keyboard.focused() is dialog.password
    dialog.username.setText("nobody")
    keyboard.type("wrong-password1")
    keyboard.press(Key.Key_Return)
    qtbot.waitUntil(dialog.login_button.isEnabled)  # the password is checked in a thread
    assert dialog.bar.text() == wrong  # nothing tells whether the username exists
    dialog.username.setText("clerk")
    dialog.password.setFocus()

    keyboard.type("start2026")
    keyboard.press(Key.Key_Return)
    qtbot.waitUntil(dialog.login_button.isEnabled)  # the password is checked in a thread
    assert dialog.operator is not None and dialog.operator.username == "clerk"
    assert dialog.operator.must_change_password  # created by the administrator with a temporary password


def test_the_password_is_checked_in_a_thread_and_enter_again_starts_nothing(qtbot, desk, staff, keyboard):
    """scrypt at the app's cost (0.6 s) would hold the window: the check runs in a thread, 登录 waits
    disabled meanwhile, a second Enter is ignored, and one failed attempt is counted, not two."""
    dialog = show(qtbot, LoginDialog(desk))
    dialog.username.setText("clerk")
    dialog.password.setText("wrong-password1")
    dialog.password.setFocus()
    keyboard.press(Key.Key_Return)
    job = dialog.job
    assert job is not None and not dialog.login_button.isEnabled() and dialog.isVisible()
    assert dialog.bar.text() == "正在核对密码……"
    keyboard.press(Key.Key_Return)
    assert dialog.job is job
    qtbot.waitUntil(dialog.login_button.isEnabled)
    assert job.done and "用户名或密码不正确" in dialog.bar.text() and dialog.operator is None
    failed = [row for row in desk.db.execute("SELECT action FROM audit_log WHERE action = 'login.failed'")]
    assert len(failed) == 1


def test_forced_password_change(qtbot, desk, staff, keyboard):
    dialog = show(qtbot, ChangePasswordDialog(desk, staff.clerk, forced=True, old_password="start2026"))
    assert keyboard.focused() is dialog.new
    keyboard.type("clerk2026x")
    keyboard.press(Key.Key_Tab)
    keyboard.type("clerk2026x")
    keyboard.press(Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert not dialog.operator.must_change_password
    assert operators.authenticate(desk, username="clerk", password="clerk2026x").must_change_password is False


def test_status_bar_names_operator_window_office_and_pack(qtbot, desk, staff, open_window):
    window = open_window(staff.clerk)
    texts = {key: label.text() for key, label in window.status_labels.items()}
    assert texts["operator"] == "操作员：张经办（窗口经办员）"
    assert texts["window"] == "窗口：1号窗口"
    assert texts["office"] == "经办机构：大理州医疗保障事业管理局 经办窗口"
    assert texts["pack"] == "政策包：dali-resident-2025 版本 2025.1（含暂定值）"
    assert window.windowTitle() == "医保经办窗口 desk"
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    held = [tab.title for tab in BUSINESS_TABS if staff.clerk.can(tab.permission)]
    assert titles[0] == "参保登记 (Ctrl+1)" and titles == [f"{title} (Ctrl+{n})" for n, title in enumerate(held, 1)]


def test_administrator_has_no_business_tabs(qtbot, desk, staff, open_window):
    window = open_window(staff.admin)
    assert window.tabs.count() == 0
    assert isinstance(window.centralWidget(), AdminPanel)
    assert window.status_labels["operator"].text() == "操作员：王管理（管理员）"


def test_verify_dialog_with_a_scanner(qtbot, desk, staff, open_window, keyboard):
    record = persons.register_person(desk, staff.clerk, {"id_number": make_id_number("532923", date(1985, 6, 1), 452),
                                                         "name": "赵春花"})
    issued = enrolment.enrol(desk, staff.clerk, person_id=record.id, year=2026, paid_on=date(2026, 3, 10)).receipt
    window = open_window(staff.clerk)
    keyboard.press(Key.Key_F8)
    dialog = window.dialog
    assert isinstance(dialog, VerifyDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert keyboard.focused() is dialog.scan

    keyboard.type(f"{issued.number}|{issued.code}")
    keyboard.press(Key.Key_Return)
    assert dialog.result.genuine and dialog.verdict.text() == "真实有效"
    content = dialog.content.toPlainText()
    assert "姓名：赵春花" in content and "应缴金额：400.00 元" in content
    assert make_id_number("532923", date(1985, 6, 1), 452) not in content  # masked as on the receipt

    dialog.scan.clear()
    keyboard.type(f"{issued.number}|AAAAA-BBBBB")
    keyboard.press(Key.Key_Return)
    assert not dialog.result.genuine and dialog.verdict.text() == "核验未通过"
    assert "核验码不符" in dialog.message.text()

    dialog.scan.clear()
    keyboard.type("no separator")
    keyboard.press(Key.Key_Return)
    assert "凭证编号|核验码" in dialog.errors.label("scan").text()


def test_the_bundled_font_is_the_application_font(qtbot, desk, staff, open_window):
    from desk.ui.style import FONT_POINT_SIZE, font_path, register_font

    open_window(staff.clerk)
    assert font_path().name == "wqy-microhei.ttc" and font_path().is_file()
    family = register_font()
    assert family and "WenQuanYi" in family
    font = QApplication.font()
    assert (font.family(), font.pointSize()) == (family, FONT_POINT_SIZE)


def test_tables_and_the_status_bar_use_the_app_font(qtbot, desk, staff, open_window):
    """A platform theme keeps its own fonts for item views, headers, the status bar, menus and
    tooltips (Windows does): apply_look sets the bundled font for each of those classes too."""
    from PySide6.QtGui import QFont, QGuiApplication
    from PySide6.QtWidgets import QHeaderView, QLabel, QMenu, QStatusBar, QTableView, QToolTip

    from desk.ui.style import FONT_CLASSES, FONT_POINT_SIZE, register_font, use_font_everywhere

    window = open_window(staff.clerk)
    expected = (register_font(), FONT_POINT_SIZE)
    tables = window.findChildren(QTableView)
    assert tables
    for table in tables:
        assert (table.font().family(), table.font().pointSize()) == expected, table.objectName()
        header = table.horizontalHeader()
        assert (header.font().family(), header.font().pointSize()) == expected
    status_bar = window.statusBar()
    assert (status_bar.font().family(), status_bar.font().pointSize()) == expected
    labels = status_bar.findChildren(QLabel)
    assert labels and all(label.font().family() == expected[0] for label in labels)
    menu = QMenu(window)
    assert (menu.font().family(), QToolTip.font().family()) == (expected[0], expected[0])
    assert {QHeaderView.__name__, QStatusBar.__name__, "QAbstractItemView", "QMenu", "QToolTip"} <= set(FONT_CLASSES)
    app_font = QApplication.font()
    try:  # set for each class, not only inherited: they keep it when the application font alone changes
        QGuiApplication.setFont(QFont("Serif", 7))
        for class_name in FONT_CLASSES:
            assert (QApplication.font(class_name).family(), QApplication.font(class_name).pointSize()) == expected, class_name
    finally:
        use_font_everywhere(app_font)
