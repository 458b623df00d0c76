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
