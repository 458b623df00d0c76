"""Issue 11, item 8: every write re-reads its operator inside the transaction.

The Operator object a session holds is only who logged in; the database says whether that
account still exists, is enabled and has the role it logged in with. A refused write changes
nothing (the whole transaction rolls back) and raises `SessionEnded`, which the GUI answers by
ending the session.
"""

from datetime import date

import pytest

from desk.core.errors import PermissionDenied
from desk.services import enrolment, operators, persons, reimbursement
from desk.services.context import Desk, SessionEnded
from tests.conftest import person_form

INPATIENT = {"date": "2026-03-01", "benefit": "inpatient", "level": "level2", "in_region": True,
             "total": "30000.00", "fulamt_ownpay": "1000.00", "preselfpay": "2000.00"}
TABLES = ("persons", "enrolments", "settlements", "vouchers", "audit_log")


def counts(desk):
    return {table: desk.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in TABLES}


@pytest.fixture
def admin_desk(desk, clock):
    """The administrator's own app on the same database file (another window, another connection)."""
    other = Desk.open(desk.path, clock=clock)
    yield other
    other.close()


@pytest.fixture
def insured(desk, clerk):
    record = persons.register_person(desk, clerk, person_form())
    enrolment.enrol(desk, clerk, person_id=record.id, year=2026, paid_on=date(2026, 1, 10))
    return record


def test_a_clerk_disabled_while_logged_in_records_no_settlement(desk, admin_desk, staff, insured):
    operators.set_disabled(admin_desk, staff["admin"], operator_id=staff["clerk"].id, disabled=True)
    before = counts(desk)
    with pytest.raises(SessionEnded, match="已停用") as caught:
        reimbursement.record_settlement(desk, staff["clerk"], person_id=insured.id, claim_form=INPATIENT)
    assert isinstance(caught.value, PermissionDenied) and "重新登录" in caught.value.message
    assert counts(desk) == before


def test_a_clerk_disabled_while_logged_in_enrols_and_registers_nobody(desk, admin_desk, staff):
    record = persons.register_person(desk, staff["clerk"], person_form())
    operators.set_disabled(admin_desk, staff["admin"], operator_id=staff["clerk"].id, disabled=True)
    before = counts(desk)
    with pytest.raises(SessionEnded):
        enrolment.enrol(desk, staff["clerk"], person_id=record.id, year=2026, paid_on=date(2026, 1, 10))
    with pytest.raises(SessionEnded):
        persons.register_person(desk, staff["clerk"], person_form(name="段志刚", id_number=None) | {
            "id_number": "532901198506014520"})
    assert counts(desk) == before
    operators.set_disabled(admin_desk, staff["admin"], operator_id=staff["clerk"].id, disabled=False)
    enrolment.enrol(desk, staff["clerk"], person_id=record.id, year=2026, paid_on=date(2026, 1, 10))  # enabled again


def test_a_reviewer_demoted_to_clerk_reverses_nothing(desk, staff, insured):
    recorded = reimbursement.record_settlement(desk, staff["clerk"], person_id=insured.id, claim_form=INPATIENT)
    with desk.transaction():  # the role changed behind the session (no service does it: a new role means a new login)
        desk.db.execute("UPDATE operators SET role = 'clerk' WHERE id = ?", [staff["reviewer"].id])
    before = counts(desk)
    with pytest.raises(SessionEnded, match="角色"):
        reimbursement.reverse_settlement(desk, staff["reviewer"], settlement_id=recorded.settlement_id, reason="金额录入错误")
    assert counts(desk) == before


def test_an_administrator_disabled_while_logged_in_changes_no_setting(desk, admin_desk, staff):
    from desk.services import settings

    second = operators.create_operator(admin_desk, staff["admin"], username="admin2", display_name="钱管理", role="admin",
                                       temporary_password="Admin2027", require_change=False)
    operators.set_disabled(admin_desk, second, operator_id=staff["admin"].id, disabled=True)
    with pytest.raises(SessionEnded):
        settings.update_settings(desk, staff["admin"], {"window": "9号窗口"})
    assert desk.setting("window") != "9号窗口"


def test_the_session_listener_hears_the_refusal(desk, admin_desk, staff):
    heard = []
    desk.session_listeners.append(lambda operator, message: heard.append((operator.id, message)))
    operators.set_disabled(admin_desk, staff["admin"], operator_id=staff["clerk"].id, disabled=True)
    with pytest.raises(SessionEnded):
        persons.register_person(desk, staff["clerk"], person_form())
    assert heard and heard[0][0] == staff["clerk"].id and "已停用" in heard[0][1]


def test_work_on_a_separate_connection_ends_the_session_too(desk, admin_desk, staff):
    from desk.services import background

    heard = []
    desk.session_listeners.append(lambda operator, message: heard.append(operator.id))
    operators.set_disabled(admin_desk, staff["admin"], operator_id=staff["clerk"].id, disabled=True)
    with background.separate_connection(desk) as other:  # what a background job uses
        with pytest.raises(SessionEnded):
            persons.register_person(other, staff["clerk"], person_form())
    assert heard == [staff["clerk"].id] and counts(desk)["persons"] == 0
