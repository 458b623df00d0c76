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
    assert any(row[4].value == "person.register" for row in sheet.iter_rows(min_row=2))
    pdf_count = audit.export_pdf(desk, admin, audit.AuditFilter(action_prefix="person."), tmp_path / "audit.pdf")
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "audit.pdf").pages)
    assert pdf_count == 1 and "审计日志" in text and "person.register" in text and "李娜" in text
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
