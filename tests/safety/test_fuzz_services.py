"""Every service entry point with generated input (hypothesis): an action either succeeds or is
refused with a Chinese DeskError; no other exception escapes, and a refused action leaves the
database exactly as it was."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk.core.errors import DeskError
from desk.core.idnumber import make_id_number
from desk.services import calendar, chronic, enrolment, operators, persons, reimbursement, transfer, vouchers
from desk.services.context import Desk
from desk.services.settings import update_settings
from desk.store.persons import non_canonical_persons

EXAMPLES = int(__import__("os").environ.get("DESK_FUZZ_EXAMPLES", "60"))
CJK = re.compile(r"[\u4e00-\u9fff]")
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
TRIED: dict[str, int] = {}

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.sampled_from(["", " ", "-1", "1e3", "0.001", "2026-02-30", "2026-03-10", "NaN", "９９", "M03900",
                                           "532900", "inpatient", "level2", "dibao", "居民身份证", "\x00", "'; DROP TABLE persons;--",
                                           # issue 11: full-width, superscript and other scripts' digits, huge numbers,
                                           # the ends of time, a lone surrogate (a non-UTF-8 argument)
                                           "５３２９０１１９７００１０１０１１Ｘ", "53290119700101²011", "١٣٨٠٠٠٠٠٠٠٠",
                                           "１３８００００００００", "１２００．５０", "9" * 5000, "9999-12-31", "0001-01-01",
                                           "２０２６-０３-１０", "a\udcffb"]),
)
junk = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=6)


def form_of(keys, good: dict):
    """Each known key: its good value, junk, or absent; sometimes an unknown key too."""
    fields = {key: st.one_of(st.just(good.get(key)), junk) for key in keys}
    return st.fixed_dictionaries({}, optional=fields).flatmap(
        lambda base: st.dictionaries(st.text(max_size=8), junk, max_size=1).map(lambda extra: {**extra, **base}))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    clock = lambda: datetime(2026, 3, 10, 9, 30)  # noqa: E731
    desk = Desk.open(tmp_path_factory.mktemp("fuzz") / "desk.db", clock=clock)
    admin = operators.create_first_administrator(desk, username="admin", display_name="管理员", password="Admin2026")
    clerk = operators.create_operator(desk, admin, username="c1", display_name="李娜", role="clerk",
                                      temporary_password="Clerk2026", require_change=False)
    reviewer = operators.create_operator(desk, admin, username="r1", display_name="杨慧", role="reviewer",
                                         temporary_password="Review2026", require_change=False)
    person = persons.register_person(desk, clerk, {"id_number": make_id_number("532923", date(1985, 6, 1), 452), "name": "杨丽华",
                                                   "ethnicity": "白族", "groups": [{"code": "dibao", "document": "低保证1"}]})
    enrolment.enrol(desk, clerk, person_id=person.id, year=2026, paid_on=date(2026, 1, 10))
    yield {"desk": desk, "admin": admin, "clerk": clerk, "reviewer": reviewer, "person": person}
    desk.close()
    print("\nfuzz inputs tried:", TRIED, "total", sum(TRIED.values()))


def fingerprint(desk: Desk) -> str:
    tables = [row[0] for row in desk.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    digest = hashlib.sha256()
    for table in tables:
        digest.update(repr(desk.db.execute(f"SELECT COUNT(*), MAX(rowid) FROM [{table}]").fetchone()).encode())
    digest.update(repr(desk.db.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()).encode())
    digest.update(repr(desk.db.execute("SELECT SUM(version) FROM persons").fetchone()).encode())
    digest.update(repr(desk.db.execute("SELECT group_concat(state) FROM (SELECT state FROM filings ORDER BY id)").fetchone()).encode())
    digest.update(repr(desk.db.execute("SELECT group_concat(state) FROM (SELECT state FROM transfers ORDER BY id)").fetchone()).encode())
    digest.update(repr(desk.db.execute("SELECT group_concat(status) FROM (SELECT status FROM enrolments ORDER BY id)").fetchone()).encode())
    return digest.hexdigest()


def attempt(world, name: str, action) -> None:
    """Run one action: success, or a Chinese refusal with the database unchanged."""
    TRIED[name] = TRIED.get(name, 0) + 1
    desk = world["desk"]
    before = fingerprint(desk)
    try:
        action()
    except DeskError as error:
        assert CJK.search(error.message), f"{name}: refusal without a Chinese message: {error.message!r}"
        assert fingerprint(desk) == before, f"{name}: a refused action changed the database"
        assert not desk.db.conn.in_transaction


PERSON_KEYS = ("id_type", "id_number", "name", "ethnicity", "phone", "household_type", "address", "township", "village",
               "groups", "sex", "birth_date")
PERSON_GOOD = {"id_type": "居民身份证", "id_number": make_id_number("532901", date(1970, 1, 1), 11), "name": "段志刚",
               "ethnicity": "白族", "phone": "13800000000", "groups": []}


@SETTINGS
@given(form=form_of(PERSON_KEYS, PERSON_GOOD))
def test_persons(world, form):
    attempt(world, "register_person", lambda: persons.register_person(world["desk"], world["clerk"], form))
    attempt(world, "update_person", lambda: persons.update_person(world["desk"], world["clerk"], world["person"].id, form))
    attempt(world, "search_persons", lambda: persons.search_persons(world["desk"], world["clerk"], form.get("name")))
    assert non_canonical_persons(world["desk"].db) == []  # only canonical numbers are ever stored


@SETTINGS
@given(year=junk | st.integers(1990, 2100), paid_on=junk | st.dates(), newborn=junk, ended=junk | st.dates(), arrears=junk,
       person_id=junk | st.integers(-2, 5))
def test_enrolment(world, year, paid_on, newborn, ended, arrears, person_id):
    desk, clerk = world["desk"], world["clerk"]
    attempt(world, "enrol", lambda: enrolment.enrol(desk, clerk, person_id=person_id, year=year, paid_on=paid_on, newborn=newborn,
                                                    employee_ended_on=ended, arrears_years=arrears))
    attempt(world, "quote_for_person", lambda: enrolment.quote_for_person(desk, clerk, person_id=person_id, year=year,
                                                                          paid_on=paid_on, arrears_years=arrears))
    attempt(world, "cancel_enrolment", lambda: enrolment.cancel_enrolment(desk, world["reviewer"], enrolment_id=person_id,
                                                                          reason=ended))


QUOTE_KEYS = ("pack", "year", "id_number", "groups", "paid_on", "last_enrolled_year", "newborn", "employee_ended_on", "arrears_years")
QUOTE_GOOD = {"pack": "dali-resident-2025", "year": 2026, "id_number": PERSON_GOOD["id_number"], "groups": ["dibao"],
              "paid_on": "2026-03-10", "last_enrolled_year": 2025, "newborn": False, "employee_ended_on": None, "arrears_years": 0}


@SETTINGS
@given(data=form_of(QUOTE_KEYS, QUOTE_GOOD) | junk)
def test_quote_contract(world, data):
    attempt(world, "quote_from_json", lambda: enrolment.quote_from_json(world["desk"].packs, data, date(2026, 3, 10)))


CLAIM_KEYS = ("date", "benefit", "level", "in_region", "disease", "procurement", "total", "fulamt_ownpay", "preselfpay")
CLAIM_GOOD = {"date": "2026-03-01", "benefit": "inpatient", "level": "level2", "in_region": True, "total": "3000.00",
              "fulamt_ownpay": "100.00", "preselfpay": "0.00", "disease": None, "procurement": False}


@SETTINGS
@given(claim=form_of(CLAIM_KEYS, CLAIM_GOOD), retired=junk, reason=junk, settlement_id=junk | st.integers(-1, 5))
def test_reimbursement(world, claim, retired, reason, settlement_id):
    desk, clerk, person = world["desk"], world["clerk"], world["person"]
    attempt(world, "preview", lambda: reimbursement.preview(desk, clerk, person_id=person.id, claim_form=claim, retired=retired))
    attempt(world, "record_settlement", lambda: reimbursement.record_settlement(desk, clerk, person_id=person.id, claim_form=claim))
    attempt(world, "reverse_settlement", lambda: reimbursement.reverse_settlement(desk, world["reviewer"],
                                                                                 settlement_id=settlement_id, reason=reason))
    attempt(world, "calculate_json", lambda: reimbursement.calculate_json(desk.packs, {"pack": "dali-resident-2025", "claims": [claim]}))


@SETTINGS
@given(code=junk, kind=junk | st.sampled_from(["chronic", "special", "two_diseases"]), materials=junk, agent=junk,
       filing_id=junk | st.integers(-1, 5), reason=junk, on=junk | st.dates())
def test_chronic(world, code, kind, materials, agent, filing_id, reason, on):
    desk, clerk, reviewer, person = world["desk"], world["clerk"], world["reviewer"], world["person"]
    attempt(world, "accept_filing", lambda: chronic.accept_filing(desk, clerk, person_id=person.id, disease_code=code, kind=kind,
                                                                  materials=materials, agent=agent))
    attempt(world, "receive_materials", lambda: chronic.receive_materials(desk, clerk, filing_id=filing_id, materials=materials))
    attempt(world, "approve_filing", lambda: chronic.approve_filing(desk, reviewer, filing_id=filing_id))
    attempt(world, "reject_filing", lambda: chronic.reject_filing(desk, reviewer, filing_id=filing_id, reason=reason))
    attempt(world, "terminate_filing", lambda: chronic.terminate_filing(desk, reviewer, filing_id=filing_id, reason=reason, on=on))
    attempt(world, "find_diseases", lambda: chronic.find_diseases(desk, code, kind if kind in (None, "chronic") else None))
    attempt(world, "reminders", lambda: chronic.reminders(desk, clerk, within_days=filing_id))


TRANSFER_KEYS = ("id_type", "id_number", "name", "phone", "household_place", "applicant_status", "address", "direction", "scope",
                 "out_region_code", "out_office", "in_region_code", "in_office", "employee_medical", "enterprise_pension",
                 "resident_pension", "agent", "former_personal_number")
TRANSFER_GOOD = {"id_number": make_id_number("530102", date(1988, 7, 15), 123), "name": "张伟", "phone": "13987654321",
                 "direction": "in", "scope": "province", "out_region_code": "530100", "out_office": "昆明市医保局",
                 "in_region_code": "532900", "in_office": "大理州医保局", "employee_medical": True}


@SETTINGS
@given(form=form_of(TRANSFER_KEYS, TRANSFER_GOOD), materials=junk, transfer_id=junk | st.integers(-1, 4), amount=junk, action=junk)
def test_transfer(world, form, materials, transfer_id, amount, action):
    desk, clerk, reviewer = world["desk"], world["clerk"], world["reviewer"]
    attempt(world, "transfer_apply", lambda: transfer.apply(desk, clerk, form=form, materials=materials))
    attempt(world, "transfer_receive", lambda: transfer.receive_materials(desk, clerk, transfer_id=transfer_id, materials=materials))
    attempt(world, "transfer_advance", lambda: transfer.advance(desk, reviewer, transfer_id=transfer_id, action=action))
    attempt(world, "transfer_complete", lambda: transfer.complete(desk, reviewer, transfer_id=transfer_id, pooled_fund=amount,
                                                                  personal_account=amount))
    attempt(world, "transfer_return", lambda: transfer.return_transfer(desk, reviewer, transfer_id=transfer_id, reason=action))
    attempt(world, "transfer_summary", lambda: transfer.summary(desk, clerk, first=date(2026, 1, 1), last=date(2026, 12, 31)))


@SETTINGS
@given(username=junk, name=junk, role=junk, password=junk, text=junk | st.text(max_size=200), changes=junk,
       number=junk, code=junk)
def test_administration_and_vouchers(world, username, name, role, password, text, changes, number, code):
    desk, admin = world["desk"], world["admin"]
    attempt(world, "create_operator", lambda: operators.create_operator(desk, admin, username=username, display_name=name,
                                                                        role=role, temporary_password=password))
    attempt(world, "change_password", lambda: operators.change_password(desk, world["clerk"], old_password=password,
                                                                        new_password=name))
    attempt(world, "load_schedule", lambda: calendar.load_schedule(desk, admin, text))
    attempt(world, "update_settings", lambda: update_settings(desk, admin, changes if isinstance(changes, dict) else {"x": changes}))
    attempt(world, "verify_voucher", lambda: vouchers.verify(desk, number, code))
    attempt(world, "parse_scan", lambda: vouchers.parse_scan(number))
