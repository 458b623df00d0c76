"""Whole-process time of the headless commands (issue 12, item 6): `desk idcard`, `desk quote` and
`desk calc` with one claim, each started as a new process, against a plain `python -c pass`.

    python bench/bench_cli.py [--runs 11]

Prints the median and the maximum wall time per command. Target: at most 0.2 s each, whole process.
(PYTHONPATH points at the checkout, as an installed wheel would be found; an editable install's
import hook adds about 60 ms to every start.)"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.cli.test_cli import QUOTE_INPUT, WORKED_EXAMPLE  # noqa: E402 - the CLI tests' own inputs

TARGET_SECONDS = 0.2


def one(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command} failed: {done.stderr.decode()}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    folder = Path(tempfile.mkdtemp(prefix="desk-bench-cli-"))
    (folder / "quote.json").write_text(json.dumps(QUOTE_INPUT, ensure_ascii=False), encoding="utf-8")
    (folder / "calc.json").write_text(json.dumps(WORKED_EXAMPLE, ensure_ascii=False), encoding="utf-8")
    desk = [sys.executable, "-m", "desk"]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "desk idcard": [*desk, "idcard", "532901198506014520"],
        "desk quote": [*desk, "quote", str(folder / "quote.json")],
        "desk calc (one claim)": [*desk, "calc", str(folder / "calc.json")],
    }
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {runs} runs each (whole process, wall time)")
    for name, command in commands.items():
        times = [one(command) for _ in range(runs)]
        median = statistics.median(times)
        verdict = "" if name.startswith("python") else ("  ok" if median <= TARGET_SECONDS else "  OVER TARGET")
        print(f"{name:24} median {median * 1000:4.0f} ms  max {max(times) * 1000:4.0f} ms{verdict}")


if __name__ == "__main__":
    main()
