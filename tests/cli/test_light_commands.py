"""Issue 12, item 6: each headless command loads what it uses. `desk idcard`, `desk quote` (without
--db) and `desk calc` import no Qt, no pinyin tables, no database layer and no PDF library (their
start time: bench/bench_cli.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli import QUOTE_INPUT, WORKED_EXAMPLE

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("PySide6", "pypinyin", "sqlite_utils", "reportlab", "openpyxl", "sqlite3", "numpy")
PROBE = """
import sys
from desk.cli import main
code = main(sys.argv[1:])
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(%r))
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
sys.exit(code)
""" % (HEAVY,)


@pytest.mark.parametrize("name", ["idcard", "quote", "calc"])
def test_a_headless_command_imports_nothing_heavy(name, tmp_path):
    arguments = {"idcard": ["idcard", "532901198506014520"],
                 "quote": ["quote", str(tmp_path / "in.json")],
                 "calc": ["calc", str(tmp_path / "in.json")]}[name]
    if name != "idcard":
        (tmp_path / "in.json").write_text(json.dumps(QUOTE_INPUT if name == "quote" else WORKED_EXAMPLE,
                                                     ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", PROBE, *arguments], capture_output=True, text=True, cwd=REPO,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    heavy = done.stderr.strip().splitlines()[-1]
    assert heavy == "HEAVY=", heavy
