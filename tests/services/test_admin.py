from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from desk.core.errors import PermissionDenied, Refused
from desk.services import audit, operators, persons
from tests.conftest import person_form


def test_disable_and_reset(desk, staff):
    admin, clerk = staff["admin"], staff["clerk"]
    operators.set_disabled(desk, admin, operator_id=clerk.id, disabled=True)
    with pytest.raises(operators.LoginFailed, match="已停用"):
        operators.authenticate(desk, username="clerk01", password="Clerk2026")
    operators.set_disabled(desk, admin, operator_id=clerk.id, disabled=False)
    operators.reset_password(desk, admin, operator_id=clerk.id, temporary_password="Reset2026")
    again = operators.authenticate(desk, username="clerk01", password="Reset2026")
    assert again.must_change_password
    with pytest.raises(Refused):
        operators.set_disabled(desk, admin, operator_id=admin.id, disabled=True)
    with pytest.raises(PermissionDenied):
        operators.reset_password(desk, staff["reviewer"], operator_id=clerk.id, temporary_password="Reset2026")


def test_browse_filter_and_export(desk, staff, clerk, tmp_path):
    persons.register_person(desk, clerk, person_form())
    admin = staff["admin"]
    with pytest.raises(PermissionDenied):
        audit.entries(desk, clerk)
    registered = audit.entries(desk, admin, audit.AuditFilter(action_prefix="person."))
    assert [e.action for e in registered] == ["person.register"] and registered[0].operator_name == "李娜"
    today = audit.entries(desk, admin, audit.AuditFilter(first=date(2026, 3, 10), last=date(2026, 3, 10)))
    assert len(today) >= 4
    assert audit.entries(desk, admin, audit.AuditFilter(first=date(2026, 3, 11))) == []
    count = audit.export_xlsx(desk, admin, audit.AuditFilter(), tmp_path / "audit.xlsx")
    sheet = load_workbook(tmp_path / "audit.xlsx").active
    assert sheet.max_row == count + 1 and sheet["E1"].value == "操作"
    assert any((row[4].value, row[5].value) == ("登记参保人", "person.register") for row in sheet.iter_rows(min_row=2))
    pdf_count = audit.export_pdf(desk, admin, audit.AuditFilter(action_prefix="person."), tmp_path / "audit.pdf")
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "audit.pdf").pages)
    assert pdf_count == 1 and "审计日志" in text and "person.register" in text and "李娜" in text
    assert "登记参保人" in text and "姓名：" in text and '"name"' not in text  # readable, not JSON
    assert audit.entries(desk, admin, audit.AuditFilter(action_prefix="audit.export"))  # exporting is audited


def test_update_settings_names_every_problem_at_once_and_saves_nothing(desk, staff):
    from desk.core.errors import ValidationError
    from desk.services import settings

    admin = staff["admin"]
    entries = audit.entries(desk, admin)
    with pytest.raises(ValidationError) as refused:
        settings.update_settings(desk, admin, {"paper": "B5", "window": "3号窗口", "idle_lock_minutes": 0,
                                               "colour": "red", "default_pack": "huaibei-employee-2025"})
    assert [(p.field, p.code) for p in refused.value.problems] == [
        ("paper", "invalid"), ("idle_lock_minutes", "invalid"), ("colour", "unknown"), ("default_pack", "invalid")]
    assert [p.message for p in refused.value.problems][:2] == ["纸张只能是 A4 或 A5。", "自动锁屏时间应为1到120分钟。"]
    assert desk.setting("window") == "1号窗口" and audit.entries(desk, admin) == entries  # nothing written
    with pytest.raises(ValidationError, match="政策包 nowhere-2025 不能作为本窗口的默认政策包"):
        settings.update_settings(desk, admin, {"default_pack": "nowhere-2025"})
    saved = settings.update_settings(desk, admin, {"window": "3号窗口", "paper": "A5"})
    assert saved == settings.office_settings(desk) and (saved.window, saved.paper, saved.lockout_minutes) == ("3号窗口", "A5", 15)
    assert tuple(settings.DEFAULT_SETTINGS) == settings.SETTING_KEYS  # every setting an administrator changes, in order
    with pytest.raises(PermissionDenied):
        settings.update_settings(desk, staff["clerk"], {"window": "3号窗口"})


def _logins(desk, count: int) -> None:
    for _ in range(count):
        operators.authenticate(desk, username="clerk01", password="Clerk2026")


def test_an_excel_export_goes_on_in_a_new_sheet_at_the_row_limit_reading_the_log_a_chunk_at_a_time(
        desk, staff, tmp_path, monkeypatch):
    admin = staff["admin"]
    _logins(desk, 9)
    total = desk.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    monkeypatch.setattr(audit, "CHUNK", 4)
    seen = []
    count = audit.export_xlsx(desk, admin, audit.AuditFilter(), tmp_path / "a.xlsx", sheet_rows=5,
                              progress=lambda done, of: seen.append((done, of)) or True)
    assert count == total
    book = load_workbook(tmp_path / "a.xlsx")
    sizes = -(-total // 4)  # four entries and the header per sheet
    assert book.sheetnames == ["审计日志"] + [f"审计日志 ({n})" for n in range(2, sizes + 1)]
    ids = []
    for sheet in book.worksheets:
        assert sheet["A1"].value == "序号" and sheet.max_row <= 5
        ids += [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert ids == list(range(1, total + 1))  # every entry once, oldest first, none written by the export itself
    assert seen == [(0, total)] + [(min(done, total), total) for done in range(4, total + 4, 4)]
    assert not list(tmp_path.glob("*.part"))


def test_a_cancelled_export_leaves_no_file_and_is_not_audited(desk, staff, tmp_path, monkeypatch):
    admin = staff["admin"]
    _logins(desk, 6)
    monkeypatch.setattr(audit, "CHUNK", 3)
    exports = len(audit.entries(desk, admin, audit.AuditFilter(action_prefix="audit.")))
    folder = tmp_path / "out"
    folder.mkdir()
    for exporter, name in ((audit.export_xlsx, "a.xlsx"), (audit.export_pdf, "a.pdf")):
        with pytest.raises(audit.ExportCancelled, match="已取消导出"):
            exporter(desk, admin, audit.AuditFilter(), folder / name, progress=lambda done, total: done < 3)
    assert list(folder.iterdir()) == []
    assert len(audit.entries(desk, admin, audit.AuditFilter(action_prefix="audit."))) == exports


def test_a_long_pdf_export_has_the_header_on_every_page_and_every_entry(desk, staff, tmp_path, monkeypatch):
    from desk.vouchers import audit_report

    admin = staff["admin"]
    _logins(desk, 70)
    monkeypatch.setattr(audit, "CHUNK", 25)
    monkeypatch.setattr(audit_report, "CHUNK", 7)
    count = audit.export_pdf(desk, admin, audit.AuditFilter(action_prefix="login"), tmp_path / "a.pdf")
    assert count == 70
    pages = [page.extract_text() for page in PdfReader(tmp_path / "a.pdf").pages]
    assert len(pages) >= 2 and "共 70 条记录" in pages[0]
    assert all("序号" in text and "变更内容" in text and f"第 {n} 页" in text for n, text in enumerate(pages, 1))
    assert sum(text.count("login") for text in pages) == 70  # every entry once (its action's code)


def test_details_read_as_text():
    assert audit.detail_text('{"why":"locked","failures":3,"_seal":"ab"}') == "原因：账户已锁定；连续失败次数：3"
    assert audit.detail_text("{}") == "" and audit.detail_text('{"rehashed":true}') == "密码哈希已升级：是"
    assert audit.detail_text('{"changed":{"phone":{"old":null,"new":"139"}}}') == "变更：（电话：（原值：无，新内容：139））"
    assert audit.detail_text('{"enrolment":{"year":2026},"receipt":"SJ-1","amounts":{"hifp_pay":"1.00"}}') == (
        "收据：SJ-1；参保登记：（年度：2026）；金额：（基本医疗保险统筹基金支付：1.00）")  # single values first
    assert audit.detail_text("not json") == "not json"
    assert len(audit.detail_text('{"reason":"' + "长" * 5000 + '"}')) == audit.DETAIL_CHARACTERS


def test_a_pdf_export_of_more_entries_than_a_pdf_holds_is_refused_naming_the_dates(desk, staff, tmp_path,
                                                                                   monkeypatch):
    from desk.core.errors import ValidationError

    admin = staff["admin"]
    _logins(desk, 3)
    total = desk.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    monkeypatch.setattr(audit, "PDF_ENTRIES", total - 1)
    with pytest.raises(ValidationError) as refused:
        audit.export_pdf(desk, admin, audit.AuditFilter(), tmp_path / "all.pdf")
    [problem] = refused.value.problems
    assert problem.field == "first" and f"PDF 最多导出 {total - 1} 条，这些条件选中了 {total} 条" in problem.message
    assert not (tmp_path / "all.pdf").exists() and not audit.entries(desk, admin, audit.AuditFilter(action_prefix="audit."))
    assert audit.export_pdf(desk, admin, audit.AuditFilter(action_prefix="login"), tmp_path / "logins.pdf") == 3


def test_an_entrys_coded_values_are_named_by_their_key(desk):
    from desk.services import audit

    text = audit.detail_text('{"scheme": "resident", "status": "active", "origin": "imported", "state": "awaiting_materials"}')
    assert text == "险种：城乡居民基本医疗保险；状态：有效；来源：外部导入；状态：待补正"
    names = audit.pack_value_names(desk)
    assert names["materials"]["id_document"] == "身份证件或医保电子凭证" and names["groups"]["dibao"] == "城乡低保对象"
    assert audit.detail_text('{"materials": ["id_document"], "subsidies": {"dibao": "150.00", "tekun": "full"}}', names) == \
        "材料：身份证件或医保电子凭证；补助：（城乡低保对象：150.00，特困供养人员：全额）"
    assert audit.detail_text('{"kind": "chronic", "scheme": "no_such_scheme"}') == "类别：门诊慢性病；险种：no_such_scheme"
