"""Hostile and odd input (issue 11, item 1, item 10 and "Hostile input reaches Python"): full-width
digits are one canonical number; every other odd character, a huge number, deep nesting, a date at
the end of time, a non-UTF-8 argument or an endless file is a refusal (exit 2, one Chinese line
naming the field), never a traceback, never a hang; a refusal changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from desk.core.dates import DateError, parse_date
from desk.core.errors import DeskError, ValidationError
from desk.core.idnumber import IdNumberError, make_id_number, parse_id_number
from desk.core.money import AmountError, parse_amount
from desk.services import enrolment, persons
from desk.store.persons import non_canonical_persons
from tests.conftest import person_form

ASCII_ID = make_id_number("532923", date(1985, 6, 1), 452)
FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


def full_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


def run(*args, stdin: str | bytes | None = None, timeout: float = 60):
    done = subprocess.run([sys.executable, "-m", "desk", *args], input=stdin if isinstance(stdin, bytes) else
                          (stdin.encode("utf-8") if stdin is not None else None), capture_output=True, timeout=timeout)
    return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")


def assert_refused(code: int, out: str, err: str, field: str) -> None:
    assert code == 2, (code, out, err)
    assert out == "" and "Traceback" not in err and "Error" not in err, err
    assert len(err.strip().splitlines()) == 1 and err.startswith(f"{field}: "), err
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err), err


# ------------------------------------------------------------ item 1: one canonical ID number


def test_full_width_digits_are_the_same_person_one_record_one_enrolment(desk, clerk):
    first = persons.register_person(desk, clerk, person_form(full_width(ASCII_ID)))
    assert first.id_number == ASCII_ID
    with pytest.raises(persons.PersonExists) as caught:
        persons.register_person(desk, clerk, person_form(ASCII_ID))
    assert caught.value.person_id == first.id
    with pytest.raises(persons.PersonExists):
        persons.register_person(desk, clerk, person_form(full_width(ASCII_ID)[:9] + ASCII_ID[9:]))
    assert desk.db.execute("SELECT COUNT(*) FROM persons").fetchone()[0] == 1
    assert persons.find_by_id_number(desk, clerk, full_width(ASCII_ID)).id == first.id
    assert [p.id for p in persons.search_persons(desk, clerk, full_width(ASCII_ID))] == [first.id]
    enrolment.enrol(desk, clerk, person_id=first.id, year=2026, paid_on=date(2025, 10, 9))
    with pytest.raises(DeskError):
        enrolment.enrol(desk, clerk, person_id=first.id, year=2026, paid_on=date(2025, 10, 9))
    assert desk.db.execute("SELECT COUNT(*) FROM enrolments").fetchone()[0] == 1


def test_full_width_phone_is_stored_in_ascii(desk, clerk):
    record = persons.register_person(desk, clerk, person_form(phone=full_width("13908721234")))
    assert record.phone == "13908721234"
    assert [p.id for p in persons.search_persons(desk, clerk, full_width("13908721234"))] == [record.id]


@pytest.mark.parametrize("number", [
    ASCII_ID[:10] + "²" + ASCII_ID[11:],                       # a superscript: NFKC would make it 2
    ASCII_ID[:10] + "\u0663" + ASCII_ID[11:],                  # Arabic-Indic three
    ASCII_ID[:10] + "\u09e9" + ASCII_ID[11:],                  # Bengali three
    ASCII_ID[:9] + " " + ASCII_ID[9:],                         # a space inside
    ASCII_ID[:9] + "\u3000" + ASCII_ID[9:],                    # an ideographic space inside
    ASCII_ID[:10] + "\u2462" + ASCII_ID[11:],                  # a circled three
    "53290185060145²",                                         # 15 characters: int('²') fails today
])
def test_odd_characters_in_an_id_number_are_refused_naming_the_field(desk, clerk, number):
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(number, date(2026, 3, 10))
    assert caught.value.field == "id_number" and "公民身份号码" in caught.value.message
    with pytest.raises(ValidationError) as refused:
        persons.register_person(desk, clerk, person_form(number))
    assert {p.field for p in refused.value.problems} == {"id_number"}
    assert desk.db.execute("SELECT COUNT(*) FROM persons").fetchone()[0] == 0


def test_lower_case_and_full_width_x_become_x():
    number = make_id_number("110105", date(1949, 12, 31), 2)
    assert number.endswith("X")
    for typed in (number[:-1] + "x", number[:-1] + "Ｘ", full_width(number[:-1]) + "ｘ", "\u3000" + number + " "):
        assert parse_id_number(typed, date(2026, 3, 10)).id_number == number


def test_non_canonical_and_colliding_stored_numbers_are_listed(desk, clerk):
    first = persons.register_person(desk, clerk, person_form(ASCII_ID))
    assert non_canonical_persons(desk.db) == []
    other = make_id_number("532901", date(1970, 1, 1), 11)
    with desk.transaction():  # an older version stored what was typed
        for number in (full_width(ASCII_ID), other[:5] + "\u0663" + other[6:], full_width(other)):
            desk.db.execute("INSERT INTO persons (id_type, id_number, name, sex, birth_date, ethnicity, groups_json, version,"
                            " created_at, updated_at) VALUES ('居民身份证', ?, '某', '女', '1985-06-01', '汉族', '[]', 1, 'x', 'x')",
                            [number])
    rows = non_canonical_persons(desk.db)
    by_number = {row["id_number"]: row for row in rows}
    assert set(by_number) == {full_width(ASCII_ID), other[:5] + "\u0663" + other[6:], full_width(other)}
    assert by_number[full_width(ASCII_ID)]["canonical"] == ASCII_ID
    assert by_number[full_width(ASCII_ID)]["same_as"] == [first.id]
    assert by_number[full_width(other)]["canonical"] == other and by_number[full_width(other)]["same_as"] == []
    assert by_number[other[:5] + "\u0663" + other[6:]]["canonical"] is None
    assert all(row["message"] for row in rows)


# ------------------------------------------------------------ amounts, counts and dates


@pytest.mark.parametrize("typed, expected", [("１２００．５０", "1200.50"), ("１２００", "1200.00"), (" 30000.00\u3000", "30000.00")])
def test_full_width_amounts_are_read_as_their_digits(typed, expected):
    assert parse_amount(typed, "total", "总费用") == Decimal(expected)


@pytest.mark.parametrize("typed", ["\u0661\u0662\u0660\u0660", "1²00", "12 00", "1e3", "Infinity", "NaN", "9" * 5000, "－5"])
def test_odd_amounts_are_refused(typed):
    with pytest.raises(AmountError) as caught:
        parse_amount(typed, "total", "总费用")
    assert caught.value.field == "total" and "总费用" in caught.value.message


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "10000-01-01", "2026-0²-01", "2026-03-1\u0663"])
def test_dates_at_the_ends_of_time_are_refused(typed):
    with pytest.raises(DateError) as caught:
        parse_date(typed, "paid_on", "缴费日期")
    assert caught.value.field == "paid_on" and "缴费日期" in caught.value.message


def test_full_width_date_is_read():
    assert parse_date("２０２６－０３－１０", "paid_on", "缴费日期") == date(2026, 3, 10)


def test_service_dates_at_the_ends_of_time_change_nothing(desk, clerk):
    record = persons.register_person(desk, clerk, person_form())
    for paid_on in (date(9999, 12, 31), date(1, 1, 1), "9999-12-31"):
        with pytest.raises(DeskError):
            enrolment.enrol(desk, clerk, person_id=record.id, year=2026, paid_on=paid_on)
    with pytest.raises(DeskError):
        enrolment.enrol(desk, clerk, person_id=record.id, year=2026, paid_on=date(2025, 10, 9),
                        employee_ended_on=date(9999, 12, 31))
    assert desk.db.execute("SELECT COUNT(*) FROM enrolments").fetchone()[0] == 0


# ------------------------------------------------------------ the command line


def test_idcard_full_width_is_valid_and_printed_canonical():
    code, out, _err = run("idcard", "532901１９８５０６０１４５２0")
    number = "532901198506014520"
    if parse_id_number(number).id_number == number:
        assert code == 0 and json.loads(out)["id_number"] == number


@pytest.mark.parametrize("number", ["53290185060145²", "5329011985060145²0", "5329011985060145\u06630"])
def test_idcard_odd_characters_are_a_negative_answer(number):
    code, out, err = run("idcard", number)
    assert code == 1 and json.loads(out)["valid"] is False and "Traceback" not in err


@pytest.mark.parametrize("start, count, field", [
    ("9999-12-31", "1", "start"), ("0001-01-01", "1", "start"), ("2026-03-10", "²", "count"),
    ("2026-03-10", "9" * 5000, "count"), ("2026-03-10", "2\u0663", "count"), ("9" * 5000 + "-01-01", "1", "start"),
    ("2026-03-10", "0", "count"), ("2026-03-10", "3651", "count"),
], ids=lambda value: value if len(value) < 20 else f"{len(value)}-characters")
def test_workdays_refuses_odd_input(start, count, field):
    assert_refused(*run("workdays", start, count), field)


def test_workdays_full_width_count_is_read():
    code, out, err = run("workdays", "2026-03-10", "２２")
    assert code == 0 and json.loads(out) == json.loads(run("workdays", "2026-03-10", "22")[1]), err


QUOTE = {"pack": "dali-resident-2025", "year": 2026, "id_number": ASCII_ID, "groups": [],
         "paid_on": "2025-10-09"}


@pytest.mark.parametrize("changes, field", [
    ({"employee_ended_on": "9999-12-31"}, "employee_ended_on"), ({"paid_on": "0001-01-01"}, "paid_on"),
    ({"id_number": "532923198506014５²0"}, "id_number"),
])
def test_quote_refuses_odd_input(changes, field):
    assert_refused(*run("quote", "-", stdin=json.dumps({**QUOTE, **changes}, ensure_ascii=False)), field)


def test_quote_huge_year_is_refused():
    text = json.dumps(QUOTE).replace('"year": 2026', '"year": ' + "9" * 5000)
    assert_refused(*run("quote", "-", stdin=text), "(input)")


def test_quote_full_width_id_number_is_read():
    code, out, err = run("quote", "-", stdin=json.dumps({**QUOTE, "id_number": full_width(QUOTE["id_number"])}))
    assert code == 0, err
    assert json.loads(out) == json.loads(run("quote", "-", stdin=json.dumps(QUOTE))[1])


@pytest.mark.parametrize("depth", [65, 1000, 100_000])
def test_deep_nesting_is_refused(depth):
    for command in ("calc", "quote"):
        assert_refused(*run(command, "-", stdin="[" * depth + "]" * depth), "(input)")
        assert_refused(*run(command, "-", stdin='{"a":' * depth + "1" + "}" * depth), "(input)")


def test_nesting_within_the_limit_reaches_the_contract():
    code, _out, err = run("calc", "-", stdin="[" * 60 + "]" * 60)
    assert code == 2 and "嵌套" not in err


def test_oversized_input_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "big.json"
    with big.open("wb") as file:
        file.write(b'{"pack": "' + b"a" * (21 * 1024 * 1024) + b'"}')
    assert_refused(*run("calc", str(big)), "(input)")
    assert_refused(*run("calc", "-", stdin=big.read_bytes()), "(input)")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_calc_dev_zero_is_refused_and_does_not_hang():
    assert_refused(*run("calc", "/dev/zero", timeout=30), "(input)")


def test_calc_non_utf8_and_nan_are_refused(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"pack": "\xff\xfe"}')
    assert_refused(*run("calc", str(bad)), "(input)")
    assert_refused(*run("calc", "-", stdin='{"pack": NaN}'), "(input)")


@pytest.mark.skipif(sys.platform == "win32", reason="Windows arguments are always Unicode")
def test_verify_non_utf8_argument_is_refused(tmp_path):
    db = tmp_path / "desk.db"
    run("demo", "--no-gui", "--persons", "1", "--db", str(db))
    done = subprocess.run([os.fsencode(sys.executable), b"-m", b"desk", b"verify", b"\xff\xfe-2026", b"ABCD",
                           b"--db", os.fsencode(db)], capture_output=True, timeout=60)
    assert_refused(done.returncode, done.stdout.decode(), done.stderr.decode("utf-8", "replace"), "number")


def test_transfer_applicant_full_width_is_stored_canonical_and_found(desk, clerk):
    from desk.services import transfer
    from tests.services.test_transfer import APPLICANT, form

    typed = full_width(APPLICANT)
    row = transfer.apply(desk, clerk, form=form(id_number=typed, phone=full_width("13987654321")),
                         materials=["id_document", "pension_letter"]).transfer
    stored = desk.db.execute("SELECT applicant_id_number, form_json FROM transfers WHERE id = ?", [row.id]).fetchone()
    assert stored[0] == APPLICANT and typed not in stored[1] and "13987654321" in stored[1]
    assert [found.id for found in transfer.transfers_of(desk, clerk, typed)] == [row.id]


def test_amounts_as_floats_are_refused_never_rounded():
    from desk.core.transfer import completion_amounts

    with pytest.raises(ValidationError) as caught:
        completion_amounts(8650.4, "0.00")
    assert {p.field for p in caught.value.problems} == {"pooled_fund"}
    assert completion_amounts("８６５０．４０", " 0.00 ") == (Decimal("8650.40"), Decimal("0.00"))


@pytest.mark.skipif(sys.platform == "win32", reason="Windows arguments are always Unicode")
@pytest.mark.parametrize("arguments, field", [
    ([b"report", b"daily", b"2026-03-10", b"--out", b"r.pdf", b"--user", b"\xffadmin"], "--user"),
    ([b"standard", b"set", b"dali-resident-2025", b"2028", b"--individual", b"400.00", b"--user", b"adm\xffin"], "--user"),
    ([b"workdays", b"2026-03-10", b"2\xff"], "count"),
    ([b"verify", b"DL-2026\xff", b"ABCD"], "number"),
])
def test_non_utf8_text_arguments_are_refused_by_name(tmp_path, arguments, field):
    db = tmp_path / "desk.db"
    run("demo", "--no-gui", "--persons", "1", "--db", str(db))
    before = db.read_bytes()
    done = subprocess.run([os.fsencode(sys.executable), b"-m", b"desk", *arguments, b"--db", os.fsencode(db)],
                          input=b"Admin2026\n", capture_output=True, timeout=60, cwd=tmp_path)
    assert_refused(done.returncode, done.stdout.decode(), done.stderr.decode("utf-8", "replace"), field)
    assert db.read_bytes() == before


@pytest.mark.parametrize("first, last, field", [
    (date(1, 1, 1), date(2026, 3, 31), "first"), (date(2026, 3, 1), date(9999, 12, 31), "last"),
    ("x", None, "first"), ("２０２６-０３-０１", None, "last"),
])
def test_transfer_summary_period_is_checked(desk, clerk, first, last, field):
    from desk.services import transfer

    with pytest.raises(ValidationError) as caught:
        transfer.summary(desk, clerk, first=first, last=last)
    assert caught.value.problems[0].field == field and "统计" in caught.value.message


def test_transfer_region_codes_typed_full_width_are_read(desk, clerk):
    from desk.screens import transfer as screen
    from desk.services import transfer
    from tests.services.test_transfer import form

    assert screen.region_name("５３２９００") == screen.region_name("532900") is not None
    assert screen.scope_of("５３０１００", "532900") == "province"
    assert screen.region_name("53290²") is None
    row = transfer.apply(desk, clerk, form=form(out_region_code="５３０１００"), materials=["id_document", "pension_letter"]).transfer
    assert row.out_region_code == "530100"


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a":' * 65 + "1" + "}" * 65,
                                  '{"format": "desk-holiday-schedule/1", "years": {"2027": ' + "9" * 5000 + "}}",
                                  '{"format": "desk-holiday-schedule/1", "x": NaN}'])
def test_holiday_schedule_files_within_limits(text):
    from desk.core.workdays import ScheduleError, parse_schedule

    with pytest.raises(ScheduleError) as caught:
        parse_schedule(text)
    assert caught.value.problems[0].field == "(file)" and "节假日安排文件" in caught.value.message
