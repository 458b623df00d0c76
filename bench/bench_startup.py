"""Time from starting `python -m desk` to the login window on the screen.

    python bench/bench_startup.py [--runs 5] [--db PATH]

Each run starts `python -m desk --db <fresh temporary database>` (or the given one) with
QT_QPA_PLATFORM=offscreen, DESK_BENCH_STARTUP=1 and DESK_BENCH_T0 = time.time() taken just
before the process is created; the app prints `login-window-shown SECONDS` once the login (on
a fresh database: the first-start) window is shown, and exits 0. Includes the interpreter's
start, the imports, opening, migrating and checking the database, the font and the dialog.
Prints every run, the median and the maximum. Target: median ≤ 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 1.5


def one_run(db: Path | None) -> float:
    with tempfile.TemporaryDirectory(prefix="desk-bench-start-") as folder:
        path = db or Path(folder) / "desk.db"
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DESK_BENCH_STARTUP": "1", "PYTHONPATH": str(REPO)}
        env["DESK_BENCH_T0"] = repr(time.time())
        done = subprocess.run([sys.executable, "-m", "desk", "--db", str(path)], env=env, cwd=REPO,
                              capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("login-window-shown ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"run failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return float(lines[-1].split()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="an existing database instead of a fresh one per run")
    args = parser.parse_args()
    seconds = [one_run(args.db) for _ in range(args.runs)]
    for index, value in enumerate(seconds, start=1):
        print(f"run {index}: {value:.3f} s")
    median, worst = statistics.median(seconds), max(seconds)
    verdict = "ok" if median <= TARGET_SECONDS else "over target"
    print(f"start to login window: median {median:.3f} s, max {worst:.3f} s over {len(seconds)} runs "
          f"(target median ≤ {TARGET_SECONDS} s: {verdict})")
    return 0 if median <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
