"""The administrator's screens: operators, settings, policy packs, the audit log, the holiday
schedule and backups, driven through real widgets on a fresh database."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QProgressDialog, QPushButton

from desk.resources import resource_path
from desk.services import backup, operators
from desk.services.context import Desk, Operator
from desk.services.operators import LoginFailed
from desk.ui import file_choice
from desk.ui.admin_common import select_key
from desk.ui.admin_packs import PacksPage
from desk.ui.login import ChangePasswordDialog, LoginDialog, login_flow
from tests.ui.conftest import NOW, PASSWORD

Key = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def wait_active(qtbot, widget) -> None:
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)


def table_texts(table) -> list[list[str]]:
    return [[table.item(row, column).text() for column in range(table.columnCount())] for row in range(table.rowCount())]


def view_texts(view) -> list[list[str]]:
    model = view.model()
    return [[model.index(row, column).data() for column in range(model.columnCount())] for row in range(model.rowCount())]


def label_texts(widget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel)]


def audit_count(desk, prefix: str = "") -> int:
    return desk.db.execute("SELECT COUNT(*) FROM audit_log WHERE action LIKE ?", [prefix + "%"]).fetchone()[0]


# ------------------------------------------------------------------ operators


def test_the_administrator_creates_an_operator_who_must_choose_a_password(qtbot, desk, staff, admin_window, keyboard):
    _window, _panel, page = admin_window("operators")
    assert [row[0] for row in table_texts(page.table)] == ["admin", "clerk", "reviewer"]
    page.table.setFocus()
    keyboard.press(Key.Key_N, ALT)
    dialog = page.dialog
    wait_active(qtbot, dialog)
    assert keyboard.focused() is dialog.username
    keyboard.type("clerk")  # taken
    keyboard.press(Key.Key_Tab)
    keyboard.type("赵经办")
    keyboard.press(Key.Key_Tab)
    keyboard.press(Key.Key_Down)  # 窗口经办员 → 审核员
    keyboard.press(Key.Key_Tab)
    keyboard.type("temp2026a")
    keyboard.press(Key.Key_Tab)
    keyboard.type("temp2026a")
    keyboard.press(Key.Key_Return)
    assert "已被使用" in dialog.errors.message("username") and dialog.isVisible()

    dialog.username.setFocus()
    dialog.username.selectAll()
    keyboard.type("zhao")
    keyboard.press(Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    created = next(row for row in page.rows if row.username == "zhao")
    assert (created.display_name, created.role, created.must_change_password) == ("赵经办", "reviewer", True)
    assert ["zhao", "赵经办", "审核员", "正常", "是"] in table_texts(page.table)
    assert "已新建审核员赵经办（zhao）" in page.bar.text()
    assert operators.authenticate(desk, username="zhao", password="temp2026a").must_change_password
    assert audit_count(desk, "operator.create") == 4  # the first administrator, two in the fixture, and this one
    last = desk.db.execute("SELECT detail_json FROM audit_log WHERE action = 'operator.create' ORDER BY id DESC").fetchone()[0]
    detail = json.loads(last)
    assert len(detail.pop("_seal")) == 64  # the operator row as created, sealed into the chain
    assert detail == {"role": "reviewer", "username": "zhao"}


def test_a_reset_password_must_be_changed_at_the_next_login(qtbot, desk, staff, admin_window, keyboard, modal):
    operators.change_password(desk, staff.clerk, old_password=PASSWORD, new_password="clerk2026x")
    _window, _panel, page = admin_window("operators")
    select_key(page.table, staff.clerk.id)
    page.table.setFocus()
    keyboard.press(Key.Key_R, ALT)
    dialog = page.dialog
    wait_active(qtbot, dialog)
    assert dialog.windowTitle() == "重置密码" and any("张经办（clerk）" in text for text in label_texts(dialog))
    keyboard.type("reset2026a")
    keyboard.press(Key.Key_Tab)
    keyboard.type("reset2026b")
    keyboard.press(Key.Key_Return)
    assert "不一致" in dialog.errors.message("confirm")
    dialog.confirm.setText("reset2026a")
    dialog.confirm.setFocus()
    keyboard.press(Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert "已重置 张经办 的密码" in page.bar.text()
    assert next(row for row in page.rows if row.id == staff.clerk.id).must_change_password
    with pytest.raises(LoginFailed):
        operators.authenticate(desk, username="clerk", password="clerk2026x")

    def log_in(login: LoginDialog) -> None:
        login.username.setText("clerk")
        login.password.setText("reset2026a")
        modal.expect(ChangePasswordDialog, change)
        login.submit()

    def change(forced: ChangePasswordDialog) -> None:
        assert any("由管理员重置过" in text for text in label_texts(forced))
        forced.new.setText("mine2026z")
        forced.confirm.setText("mine2026z")
        forced.submit()

    modal.expect(LoginDialog, log_in)
    operator = login_flow(desk)
    modal.check()
    assert operator is not None and operator.username == "clerk" and not operator.must_change_password
    assert not operators.authenticate(desk, username="clerk", password="mine2026z").must_change_password


def test_disable_and_enable_an_account_but_never_ones_own(qtbot, desk, staff, admin_window, keyboard):
    _window, _panel, page = admin_window("operators")
    select_key(page.table, staff.admin.id)
    assert not page.toggle_button.isEnabled() and not page.reset_button.isEnabled()
    select_key(page.table, staff.clerk.id)
    page.table.setFocus()
    assert page.toggle_button.text() == "停用 (Alt+D)"
    keyboard.press(Key.Key_D, ALT)
    assert "已停用 张经办 的账户" in page.bar.text()
    assert table_texts(page.table)[1][3] == "已停用" and page.toggle_button.text() == "启用 (Alt+D)"
    with pytest.raises(LoginFailed, match="已停用"):
        operators.authenticate(desk, username="clerk", password=PASSWORD)
    keyboard.press(Key.Key_D, ALT)
    assert "已重新启用" in page.bar.text() and table_texts(page.table)[1][3] == "正常"
    assert operators.authenticate(desk, username="clerk", password=PASSWORD).username == "clerk"
    assert [audit_count(desk, "operator.disable"), audit_count(desk, "operator.enable")] == [1, 1]


# ------------------------------------------------------------------ settings


def test_settings_refuse_bad_values_beside_their_fields_and_save_good_ones(qtbot, desk, staff, admin_window, keyboard):
    window, _panel, page = admin_window("settings")
    assert page.fields["window"].text() == "1号窗口" and page.fields["idle_lock_minutes"].text() == "10"
    before = audit_count(desk, "settings.")
    page.fields["idle_lock_minutes"].setText("0")
    page.fields["max_failed_logins"].setText("abc")
    page.fields["window"].setText("3号窗口")
    page.fields["window"].setFocus()
    keyboard.press(Key.Key_S, CTRL)
    assert page.errors.message("idle_lock_minutes") == "自动锁屏时间应为1到120分钟。"
    assert page.errors.message("max_failed_logins") == "密码错误锁定次数应为3到10次。"
    assert page.errors.message("window") == ""
    assert "设置未保存" in page.bar.text() and keyboard.focused() is page.fields["idle_lock_minutes"]
    assert desk.setting("window") == "1号窗口" and audit_count(desk, "settings.") == before  # nothing written

    page.fields["idle_lock_minutes"].setText("5")
    page.fields["max_failed_logins"].setText("4")
    page.fields["paper"].setCurrentIndex(page.fields["paper"].findData("A5"))
    keyboard.press(Key.Key_Return)  # Enter in a field saves
    assert page.errors.message("idle_lock_minutes") == "" and "设置已保存" in page.bar.text()
    assert (desk.setting("window"), desk.setting("idle_lock_minutes"), desk.setting("max_failed_logins"),
            desk.setting("paper")) == ("3号窗口", 5, 4, "A5")
    detail = json.loads(desk.db.execute("SELECT detail_json FROM audit_log WHERE action = 'settings.update'").fetchone()[0])
    assert detail["window"] == {"old": "1号窗口", "new": "3号窗口"} and detail["idle_lock_minutes"]["new"] == 5
    assert window.status_labels["window"].text() == "窗口：3号窗口"
    assert window.screen_lock.watcher.timer.interval() == 5 * 60_000
    keyboard.press(Key.Key_S, CTRL)
    assert page.bar.text() == "设置没有变化。"


# ------------------------------------------------------------------ policy packs


def test_every_pack_value_shows_its_source_and_provisional_ones_say_暂定(qtbot, desk, staff, admin_window, keyboard):
    _window, panel, operators_page = admin_window("operators")
    operators_page.table.setFocus()
    keyboard.press(Key.Key_3, CTRL)  # Ctrl+1 … Ctrl+6 switch pages
    page = panel.page("packs")
    assert panel.tabs.currentWidget() is page
    qtbot.waitUntil(lambda: keyboard.focused() is page.packs)
    assert page.packs.rowCount() == len(desk.packs.packs)
    assert page.packs.item(page.packs.currentRow(), 0).text() == "dali-resident-2025"
    rows = table_texts(page.values_table)
    individual = next(row for row in rows if row[1] == "个人缴费标准（按待遇年度）")
    assert individual[0] == "个人缴费标准" and individual[4] == "暂定"
    assert "国家居民医保个人缴费最低标准" in individual[3] and "2025年度 400.00 元" in individual[2]
    assert any(row[4] == "已确认" for row in rows)
    provisional_row = rows.index(individual)
    assert page.values_table.item(provisional_row, 1).toolTip() == "政策包文件中的位置：[contribution] individual"
    assert page.values_table.item(provisional_row, 4).background().color().name() == "#fff4d6"
    page.values_table.selectRow(provisional_row)
    assert "来源：国家居民医保个人缴费最低标准" in page.detail.text()

    page.values_table.setFocus()
    keyboard.press(Key.Key_P, ALT)  # only the provisional values
    assert page.only_provisional.isChecked()
    assert {row[4] for row in table_texts(page.values_table)} == {"暂定"}
    assert page.problems.isHidden() and "均已通过校验" in page.problems_note.text()


def test_a_pack_that_failed_validation_is_listed_with_file_key_and_problem(qtbot, tmp_path):
    packs = tmp_path / "packs"
    shutil.copytree(resource_path("policies"), packs)
    broken = packs / "huaibei-resident-2025.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace('status = "confirmed"', 'status = "maybe"', 1), encoding="utf-8")
    other = Desk.open(tmp_path / "other.db", packs_dir=packs, clock=lambda: NOW)
    try:
        page = PacksPage(other, Operator(1, "admin", "王管理", "admin"))
        qtbot.addWidget(page)
        assert page.packs.rowCount() == 3 and not page.problems.isHidden()
        [[file, key, problem]] = table_texts(page.problems)
        assert file == "huaibei-resident-2025.toml" and key.endswith("status") and problem
        assert "1 个文件有误" in page.problems_note.text()
    finally:
        other.close()


# ------------------------------------------------------------------ audit log


def test_the_audit_log_filters_pages_and_exports_to_excel_and_pdf(qtbot, desk, staff, admin_window, keyboard,
                                                                   moving_clock, monkeypatch, tmp_path):
    moving_clock.moment = NOW + timedelta(days=1)
    with pytest.raises(LoginFailed):
        operators.authenticate(desk, username="clerk", password="wrong2026")
    operators.authenticate(desk, username="clerk", password=PASSWORD)
    _window, _panel, page = admin_window("audit")
    assert page.table.model().rowCount() == 5 and page.pager.text() == "第 1/1 页，共 5 条"
    assert view_texts(page.table)[0][4] == "登录"  # newest first, named in Chinese, the code only as a tooltip
    assert page.table.model().index(0, 4).data(Qt.ItemDataRole.ToolTipRole) == "登录（login）"
    assert [row[6] for row in view_texts(page.table)[:2]] == ["", "连续失败次数：1；原因：密码错误"]

    page.action.setCurrentIndex(page.action.findData("operator."))
    page.record.setFocus()
    keyboard.press(Key.Key_Return)
    assert {row[4] for row in view_texts(page.table)} == {"创建首个管理员", "新建操作员"}
    page.clear_filters()
    page.first.setDate(QDate(2026, 3, 11))
    page.operator.setCurrentText("张经办")
    page.search()
    assert [row[4] for row in view_texts(page.table)] == ["登录", "登录失败"]
    page.clear_filters()
    page.record.setText(str(staff.reviewer.id))
    page.search()
    assert [row[5] for row in view_texts(page.table)] == [f"操作员 {staff.reviewer.id}"]
    page.clear_filters()
    page.first.setDate(QDate(2026, 3, 11))
    page.last.setDate(QDate(2026, 3, 1))
    page.search()
    assert page.errors.message("last") == "截止日期不能早于起始日期。"
    page.last.setDate(QDate(2026, 3, 31))

    page.page_size = 2  # paging, a page at a time, by entry number
    page.first.setDate(page.first.minimumDate())
    page.search()
    assert page.pager.text() == "第 1/3 页，共 5 条" and not page.previous_button.isEnabled()
    page.table.setFocus()
    keyboard.press(Key.Key_PageDown)
    assert [row[0] for row in view_texts(page.table)] == ["3", "2"] and page.starts == [None, 4]
    keyboard.press(Key.Key_PageDown)
    assert page.pager.text() == "第 3/3 页，共 5 条" and [row[0] for row in view_texts(page.table)] == ["1"]
    keyboard.press(Key.Key_PageDown)  # no page after the last
    keyboard.press(Key.Key_PageUp)
    assert page.pager.text() == "第 2/3 页，共 5 条" and [row[0] for row in view_texts(page.table)] == ["3", "2"]
    keyboard.press(Key.Key_PageUp)
    assert [row[0] for row in view_texts(page.table)] == ["5", "4"] and not page.previous_button.isEnabled()

    page.clear_filters()
    page.action.setCurrentIndex(page.action.findData("login"))
    page.search()
    monkeypatch.setattr(file_choice, "save_path", lambda *args: tmp_path / "日志")  # no suffix typed
    page.table.setFocus()
    keyboard.press(Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: page.job.done, timeout=10_000)
    sheet = load_workbook(tmp_path / "日志.xlsx").active
    assert [cell.value for cell in sheet[1]][:6] == ["序号", "时间", "操作员", "窗口", "操作", "操作代码"]
    assert [(row[4].value, row[5].value) for row in sheet.iter_rows(min_row=2)] == [("登录失败", "login.failed"),
                                                                                   ("登录", "login")]
    assert "已导出 2 条审计记录" in page.bar.text()

    monkeypatch.setattr(file_choice, "save_path", lambda *args: tmp_path / "audit.pdf")
    keyboard.press(Key.Key_P, CTRL)
    qtbot.waitUntil(lambda: page.job.done, timeout=10_000)
    text = "".join(pdf_page.extract_text() for pdf_page in PdfReader(tmp_path / "audit.pdf").pages)
    assert "审计日志" in text and "登录失败" in text and "张经办" in text and "密码错误" in text
    assert audit_count(desk, "audit.export") == 2

    monkeypatch.setattr(file_choice, "save_path", lambda *args: None)  # cancelled: nothing happens
    keyboard.press(Key.Key_P, CTRL)
    assert audit_count(desk, "audit.export") == 2


# ------------------------------------------------------------------ holiday schedule


def test_a_malformed_schedule_shows_every_reason_and_changes_nothing(qtbot, desk, staff, admin_window, keyboard,
                                                                     monkeypatch, tmp_path):
    _window, _panel, page = admin_window("calendar")
    assert "2010–2026" in page.years.text()
    before = (audit_count(desk), desk.db.execute("SELECT COUNT(*) FROM holiday_schedules").fetchone()[0])
    not_json = tmp_path / "broken.json"
    not_json.write_text("{ 这不是 JSON", encoding="utf-8")
    monkeypatch.setattr(file_choice, "open_path", lambda *args: not_json)
    page.load_button.setFocus()
    keyboard.press(Key.Key_O, CTRL)
    assert page.problems.item(0).text().startswith("1. 节假日安排文件不是有效的 JSON") and "没有任何改动" in page.bar.text()

    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"format": "desk-holiday-schedule/1", "source": "国办发明电〔2026〕1号", "years": {
        "2027": {"days_off": ["2027-01-01", "2026-10-01", "2027-02-30"], "workdays": ["2027-01-01"]}}}), encoding="utf-8")
    monkeypatch.setattr(file_choice, "open_path", lambda *args: wrong)
    keyboard.press(Key.Key_O, CTRL)
    reasons = [page.problems.item(index).text() for index in range(page.problems.count())]
    assert any("2026-10-01 不属于该年" in reason for reason in reasons)
    assert any("“2027-02-30”不是 YYYY-MM-DD 日期" in reason for reason in reasons)
    assert any("同时被列为休息日和调休上班日" in reason for reason in reasons)
    assert f"请改正以下 {len(reasons)} 个问题" in page.bar.text() and len(reasons) >= 4
    assert (audit_count(desk), desk.db.execute("SELECT COUNT(*) FROM holiday_schedules").fetchone()[0]) == before
    assert "2027" not in page.years.text()

    good = tmp_path / "2027.json"
    good.write_text(json.dumps({"format": "desk-holiday-schedule/1", "source": "国办发明电〔2026〕1号", "years": {
        "2027": {"days_off": ["2027-01-01", "2027-10-01"], "workdays": ["2027-09-26"]}}}), encoding="utf-8")
    monkeypatch.setattr(file_choice, "open_path", lambda *args: good)
    keyboard.press(Key.Key_O, CTRL)
    assert page.problems.isHidden() and "已载入 2027 年的节假日安排" in page.bar.text()
    assert "2010–2027" in page.years.text() and table_texts(page.loaded)[0][:3] == ["2027", "2026-03-10 09:30:00", "王管理"]
    assert audit_count(desk, "calendar.load") == 1


# ------------------------------------------------------------------ backups


def test_back_up_now_runs_in_the_background_and_shows_how_to_restore(qtbot, desk, staff, admin_window, keyboard):
    _window, _panel, page = admin_window("backups")
    assert page.table.rowCount() == 0 and "共 0 份" in page.where.text()
    assert page.command.text() == f'desk restore "备份文件" --db "{desk.path}"'
    page.backup_button.setFocus()
    keyboard.press(Key.Key_B, CTRL)
    progress = page.job.progress
    assert isinstance(progress, QProgressDialog) and "正在备份" in progress.labelText()
    qtbot.waitUntil(lambda: page.job.done, timeout=10_000)
    [taken] = backup.list_backups(desk.path)
    assert table_texts(page.table)[0][2] == taken.path.name and "共 1 份" in page.where.text()
    assert f"已备份：{taken.path.name}" in page.bar.text() and backup.file_is_sound(taken.path)
    assert audit_count(desk, "backup.create") == 1 and page.backup_button.isEnabled()
    assert date.fromisoformat(table_texts(page.table)[0][0][:10]) == NOW.date()


def test_the_administrator_exports_the_keys_copy_from_the_backup_page(qtbot, desk, staff, admin_window, tmp_path,
                                                                       monkeypatch):
    from desk.services import key_escrow
    from desk.ui import file_choice

    monkeypatch.setattr(key_escrow, "SCRYPT", {"n": 2**12, "r": 8, "p": 1})
    target = tmp_path / "密钥副本.json"
    monkeypatch.setattr(file_choice, "save_path", lambda *args: target)
    _window, _panel, page = admin_window("backups")
    page.passphrase.setText("大理医保窗口密钥2026")
    page.passphrase_again.setText("大理医保窗口密钥202")
    page.export_keys_button.click()
    assert "不一致" in page.bar.text() and not target.exists()
    page.passphrase_again.setText("大理医保窗口密钥2026")
    page.export_keys_button.click()
    qtbot.waitUntil(lambda: page.key_job is not None and page.key_job.done, timeout=10_000)
    assert "已导出密钥副本" in page.bar.text() and target.exists()
    assert page.passphrase.text() == "" and audit_count(desk, "keys.export") == 1
    from desk.store.settings import get_setting

    opened = key_escrow.opened_copy(target.read_bytes(), get_setting(desk.db, "installation_id"), "大理医保窗口密钥2026")
    assert opened["voucher_key"] == desk.keys.voucher_key


def test_an_audit_export_shows_its_progress_and_stops_on_cancel(qtbot, desk, staff, admin_window, monkeypatch,
                                                                   tmp_path):
    import threading

    from desk.services import audit
    from desk.ui import admin_audit

    for _ in range(8):
        operators.authenticate(desk, username="clerk", password=PASSWORD)
    monkeypatch.setattr(audit, "CHUNK", 2)
    gate, reached = threading.Event(), []

    def slow_export(other, admin, filters, path, *, progress):
        def held(done, total):
            answer = progress(done, total)
            reached.append(done)
            if done >= 4:
                gate.wait(10)  # the administrator presses 取消 here
                return progress(done, total)
            return answer
        return audit.export_xlsx(other, admin, filters, path, progress=held)

    monkeypatch.setitem(admin_audit.EXPORTS, "xlsx", ("Excel 文件 (*.xlsx)", slow_export))
    _window, _panel, page = admin_window("audit")
    monkeypatch.setattr(file_choice, "save_path", lambda *args: tmp_path / "out" / "日志.xlsx")
    (tmp_path / "out").mkdir()
    exports = audit_count(desk, "audit.export")
    page.export("xlsx")
    dialog = page.findChild(QProgressDialog, "backgroundProgress")
    qtbot.waitUntil(lambda: 4 in reached and "条" in dialog.labelText(), timeout=10_000)
    total = page.current.total
    assert dialog.maximum() == total and dialog.value() == 4 and dialog.labelText() == f"正在导出审计日志：4/{total} 条"
    page.model.rowCount()  # the window answers meanwhile
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: page.job.done, timeout=10_000)
    assert page.bar.text() == "已取消导出，没有生成文件。"
    assert list((tmp_path / "out").iterdir()) == [] and audit_count(desk, "audit.export") == exports

    gate.set()  # once more, to the end: the file and its audit entry
    page.export("xlsx")
    qtbot.waitUntil(lambda: page.job.done, timeout=10_000)
    assert f"已导出 {total} 条审计记录" in page.bar.text() and audit_count(desk, "audit.export") == exports + 1
    assert load_workbook(tmp_path / "out" / "日志.xlsx").active.max_row == total + 1


def test_a_pdf_export_too_long_for_one_file_is_refused_beside_the_start_date(qtbot, desk, staff, admin_window,
                                                                              monkeypatch, tmp_path):
    from desk.services import audit

    _window, _panel, page = admin_window("audit")
    total = page.current.total
    monkeypatch.setattr(audit, "PDF_ENTRIES", total - 1)
    monkeypatch.setattr(file_choice, "save_path", lambda *args: tmp_path / "all.pdf")
    page.export("pdf")
    qtbot.waitUntil(lambda: page.job.done, timeout=10_000)
    assert page.errors.message("first").startswith(f"PDF 最多导出 {total - 1} 条，这些条件选中了 {total} 条")
    assert page.bar.text().startswith("没有导出：") and not (tmp_path / "all.pdf").exists()
    assert audit_count(desk, "audit.export") == 0
