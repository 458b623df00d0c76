import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from desk.core.idnumber import make_id_number
from desk.services import enrolment, persons, vouchers
from tests.conftest import person_form


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def enrolled(desk, clerk):
    record = persons.register_person(desk, clerk, person_form(groups=[{"code": "dibao", "document": "低保证 532923-0012"}]))
    return enrolment.enrol(desk, clerk, person_id=record.id, year=2026, paid_on=date(2026, 3, 10))


def test_numbers_run_per_type_and_day_and_are_never_reused(desk, clerk, clock, enrolled):
    other = persons.register_person(desk, clerk, person_form(make_id_number("532901", date(1970, 1, 1), 3), name="杨二"))
    second = enrolment.enrol(desk, clerk, person_id=other.id, year=2026, paid_on=date(2026, 3, 10))
    certificate = enrolment.issue_certificate(desk, clerk, person_id=other.id)
    clock.moment += timedelta(days=1)
    third = enrolment.issue_certificate(desk, clerk, person_id=other.id)
    assert [enrolled.receipt.number, second.receipt.number] == ["CB-20260310-0001", "CB-20260310-0002"]
    assert certificate.number == "PZ-20260310-0001" and third.number == "PZ-20260311-0001"


def test_the_receipt_says_what_was_recorded(desk, clerk, enrolled):
    text = text_of(vouchers.render(desk, enrolled.receipt.number))
    assert "参保登记回执" in text and "532923********4529"[:6] in text
    for value in ("280.00", "120.00", "400.00", "2026-03-10", enrolled.receipt.number, enrolled.receipt.code, "暂定"):
        assert value in text
    assert "532923198506014529" not in text  # masked on the receipt


def test_print_then_reprint(desk, clerk, enrolled):
    copy, pdf = vouchers.print_copy(desk, clerk, enrolled.receipt.number)
    assert copy == 0 and "补打" not in text_of(pdf)
    copy, pdf = vouchers.print_copy(desk, clerk, enrolled.receipt.number)
    assert copy == 1 and "补打（第1次）" in text_of(pdf)
    assert vouchers.verify(desk, enrolled.receipt.number, enrolled.receipt.code).prints == 2


def test_verify_genuine_forged_and_unknown(desk, enrolled):
    genuine = vouchers.verify(desk, enrolled.receipt.number.lower(), enrolled.receipt.code.lower())
    assert genuine.genuine and genuine.payload["enrolment"]["payable"] == "280.00"
    assert not vouchers.verify(desk, enrolled.receipt.number, "AAAAA-AAAAA").genuine
    assert "没有编号" in vouchers.verify(desk, "CB-20990101-0001", "X").message
    assert vouchers.parse_scan(f" {enrolled.receipt.number}|{enrolled.receipt.code} ") == (enrolled.receipt.number, enrolled.receipt.code)


def test_a_payload_altered_behind_the_apps_back_no_longer_verifies(desk, enrolled):
    desk.db.execute("DROP TRIGGER vouchers_no_update")
    desk.db.execute("UPDATE vouchers SET payload_json = replace(payload_json, '280.00', '0.00')")
    desk.db.conn.commit()
    assert not vouchers.verify(desk, enrolled.receipt.number, enrolled.receipt.code).genuine


def test_codes_differ_between_installations(tmp_path, clock):
    from desk.services.context import Desk

    first, second = Desk.open(tmp_path / "a.db", clock=clock), Desk.open(tmp_path / "b.db", clock=clock)
    payload = {"x": "1"}
    secrets = [vouchers._secret(d) for d in (first, second)]
    assert secrets[0] != secrets[1]
    assert vouchers.verification_code(secrets[0], "N", "t", payload) != vouchers.verification_code(secrets[1], "N", "t", payload)
