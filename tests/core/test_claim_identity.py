"""Which bill a claim is (issue 13 item 5): the institution, the invoice number and the dates, read
and checked in core/claims.py. Optional, so every claim `desk calc` took before is taken unchanged."""

from __future__ import annotations

from datetime import date

import pytest

from desk.core.claims import institution_key, parse_calc_input, parse_claim
from desk.core.errors import ValidationError
from desk.core.packs import PackRegistry
from desk.resources import resource_path
from desk.services.calculation import calculate_json

PACKS = PackRegistry.load_directory(resource_path("policies"))
DALI = PACKS.get("dali-resident-2025")
INPATIENT = {"date": "2025-03-01", "benefit": "inpatient", "level": "level2", "total": "30000.00",
             "fulamt_ownpay": "1000.00", "preselfpay": "2000.00"}


def refusal(form: dict) -> tuple[str, str, str]:
    with pytest.raises(ValidationError) as caught:
        parse_claim(form, DALI)
    problem = caught.value.problems[0]
    return problem.field, problem.code, problem.message


def test_an_old_claim_has_no_bill_identity():
    claim = parse_claim(dict(INPATIENT), DALI)
    assert (claim.institution, claim.invoice_number, claim.admission_date) == (None, None, None)


def test_the_fields_are_read_and_the_invoice_number_made_canonical():
    claim = parse_claim(dict(INPATIENT, institution="  大理州人民医院 　东院  ", invoice_number=" ｆｐ－２０２５０３０１ ",
                             admission_date="２０２５-02-20"), DALI)
    assert claim.institution == "大理州人民医院 东院"  # ends stripped, the run of spaces (one ideographic) made one
    assert claim.invoice_number == "FP-20250301"  # full-width to ASCII, upper case
    assert claim.admission_date == date(2025, 2, 20)
    assert claim.date == date(2025, 3, 1)  # `date` stays the discharge date the rules use


def test_blank_fields_are_absent():
    claim = parse_claim(dict(INPATIENT, institution="  ", invoice_number="", admission_date=" "), DALI)
    assert (claim.institution, claim.invoice_number, claim.admission_date) == (None, None, None)


@pytest.mark.parametrize(("change", "field", "code", "words"), [
    ({"invoice_number": "FP 2025"}, "invoice_number", "format", "中间不要有空格"),
    ({"invoice_number": "发票123456"}, "invoice_number", "format", "只能由数字、英文字母和“-”组成"),
    ({"invoice_number": "123"}, "invoice_number", "length", "应为 4–30 位（现为 3 位）"),
    ({"invoice_number": "1" * 31}, "invoice_number", "length", "（现为 31 位）"),
    ({"invoice_number": 12345678}, "invoice_number", "type", "发票号（收据号）应为文字"),
    ({"institution": "医"}, "institution", "length", "应为 2–50 个字（现为 1 个）"),
    ({"institution": "医" * 51}, "institution", "length", "（现为 51 个）"),
    ({"institution": "大理\x07医院"}, "institution", "format", "控制字符"),
    ({"admission_date": "2025-03-02"}, "admission_date", "after_discharge", "入院日期 2025-03-02 晚于出院日期 2025-03-01"),
    ({"admission_date": "2025-02-30"}, "admission_date", "date", "入院日期“2025-02-30”不是有效日期"),
    ({"admission_date": "2025-02-01", "benefit": "general_outpatient", "level": "township"}, "admission_date",
     "not_inpatient", "只有住院费用填写入院日期"),
])
def test_bad_fields_are_refused_naming_the_field(change, field, code, words):
    found = refusal(dict(INPATIENT, **change))
    assert found[:2] == (field, code) and words in found[2], found


def test_the_same_day_admission_and_discharge_is_accepted():
    assert parse_claim(dict(INPATIENT, admission_date="2025-03-01"), DALI).admission_date == date(2025, 3, 1)


def test_institution_names_compare_with_full_width_forms_and_spaces_folded():
    assert institution_key("大理市第一人民医院（东院）") == institution_key(" 大理市 第一人民医院(东院)")
    assert institution_key("dali No.1 hospital") == institution_key("DALI NO.1 HOSPITAL")
    assert institution_key("大理市第一人民医院") != institution_key("大理市第二人民医院")


def test_desk_calc_takes_the_new_fields_optionally_and_its_output_is_unchanged():
    old = {"pack": "dali-resident-2025", "claims": [dict(INPATIENT)]}
    new = {"pack": "dali-resident-2025", "claims": [dict(INPATIENT, institution="大理州人民医院", invoice_number="A0001",
                                                         admission_date="2025-02-20")]}
    assert calculate_json(PACKS, new) == calculate_json(PACKS, old)
    assert calculate_json(PACKS, old)[0]["hifp_pay"] == "19950.00"  # (27000 − 400) × 75%
    with pytest.raises(ValidationError) as caught:
        parse_calc_input({"pack": "dali-resident-2025", "claims": [dict(INPATIENT, invoice_number="no way")]}, PACKS)
    assert caught.value.problems[0].field == "claims[0].invoice_number"
