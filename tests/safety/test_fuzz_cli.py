"""Every command-line contract with generated input (hypothesis), run in-process: the exit status
is 0, 1 or 2; 0 and 1 print one JSON document; 2 prints nothing on stdout and one line on stderr;
no traceback ever."""

from __future__ import annotations

import io
import json
import os
import sys
from contextlib import redirect_stderr, redirect_stdout

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk.cli import main

EXAMPLES = int(os.environ.get("DESK_FUZZ_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
TRIED = {"count": 0}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
    | st.sampled_from(["dali-resident-2025", "2026-03-10", "inpatient", "level2", "30000.00", "-1", "1.001", "M03900"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["pack", "year", "id_number", "groups", "paid_on", "claims", "person", "date", "benefit", "level",
                         "total", "fulamt_ownpay", "preselfpay", "disease", "scheme", "x"]), inner, max_size=6),
    max_leaves=10,
)


def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    TRIED["count"] += 1
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exit_:  # argparse refusing the arguments
                code = exit_.code
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def check(code, out, err) -> None:
    assert "Traceback" not in out + err
    assert code in (0, 1, 2), (code, out, err)
    if code == 2:
        assert out == "" and err.strip()
    else:
        json.loads(out)


@SETTINGS
@given(st.text(max_size=25) | st.from_regex(r"\d{15,18}[Xx]?", fullmatch=True))
def test_idcard(number):
    if number.startswith("-"):
        number = " " + number  # a leading dash is an option to argparse, which exits 2 with its usage line
    check(*run(["idcard", number]))


@SETTINGS
@given(json_values | st.text(max_size=40))
def test_quote_and_calc(document):
    text = document if isinstance(document, str) else json.dumps(document)
    for command in ("quote", "calc"):
        check(*run([command, "-"], text))


@SETTINGS
@given(st.text(max_size=12) | st.dates().map(str), st.text(max_size=6) | st.integers(-5, 5000).map(str))
def test_workdays(start, count):
    start, count = (" " + v if v.startswith("-") else v for v in (start, count))
    check(*run(["workdays", start, count]))


# issue 11: full-width and other look-alike digits, superscripts, huge numbers, the ends of time, deep nesting
odd_digits = st.text(alphabet="0123456789０１２３４５６７８９²³¹٠١٢٣৩①Xxｘ -+", max_size=22)
huge_numbers = st.integers(30, 6000).map(lambda digits: "9" * digits)
odd_dates = st.sampled_from(["0001-01-01", "9999-12-31", "１９９９-０１-０１", "2026-0²-01"]) | st.dates().map(str)


@SETTINGS
@given(odd_digits | huge_numbers)
def test_idcard_odd_digits(number):
    if number.startswith("-"):
        number = " " + number
    check(*run(["idcard", number]))


@SETTINGS
@given(odd_dates | odd_digits, odd_digits | huge_numbers)
def test_workdays_odd_digits_and_dates(start, count):
    start, count = (" " + v if v.startswith("-") else v for v in (start, count))
    check(*run(["workdays", start, count]))


@SETTINGS
@given(st.integers(1, 3000), st.sampled_from(["[", '{"a":', '{"claims":']), odd_digits | huge_numbers | odd_dates,
       st.sampled_from(["year", "arrears_years", "last_enrolled_year", "id_number", "paid_on", "employee_ended_on"]))
def test_quote_and_calc_deep_nesting_and_odd_values(depth, opener, value, key):
    closer = "]" if opener == "[" else "}"
    nested = opener * depth + "1" + closer * depth
    document = {"pack": "dali-resident-2025", "year": 2026, "id_number": "532923198506014520", "paid_on": "2025-10-09",
                key: int(value) if value.isascii() and value.isdigit() and len(value) < 4000 else value}
    for text in (nested, json.dumps(document, ensure_ascii=False), json.dumps(document).replace('"year": 2026', '"year": ' + "9" * depth)):
        for command in ("quote", "calc"):
            check(*run([command, "-"], text))


def test_figures():
    print(f"\nCLI fuzz inputs tried so far: {TRIED['count']}")
