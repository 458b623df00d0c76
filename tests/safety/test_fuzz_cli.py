"""Every command-line contract with generated input (hypothesis), run in-process: the exit status
is 0, 1 or 2; 0 and 1 print one JSON document; 2 prints nothing on stdout and one line on stderr;
no traceback ever."""

from __future__ import annotations

import io
import json
import os
import sys
from contextlib import redirect_stderr, redirect_stdout

from hypothesis import HealthCheck, given, settings, strategies as st

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


def test_figures():
    print(f"\nCLI fuzz inputs tried so far: {TRIED['count']}")
