"""Time to render one enrolment receipt once the font is loaded.

    python bench/bench_vouchers.py [--runs 50] [--paper A4|A5]

Prints the median and the 95th percentile in milliseconds. Target: median ≤ 60 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk.vouchers.documents import ENROLMENT_RECEIPT, render_voucher
from desk.vouchers.fonts import register_reportlab_font
from desk.vouchers.samples import SAMPLES


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def time_renders(runs: int, paper: str) -> list[float]:
    payload, meta = SAMPLES[ENROLMENT_RECEIPT]
    meta = replace(meta, paper=paper)
    register_reportlab_font()
    render_voucher(ENROLMENT_RECEIPT, payload, meta)  # warm-up: font parsed, modules imported
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        render_voucher(ENROLMENT_RECEIPT, payload, meta)
        durations.append((time.perf_counter() - start) * 1000)
    return sorted(durations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--paper", default="A4", choices=("A4", "A5"))
    arguments = parser.parse_args()
    durations = time_renders(arguments.runs, arguments.paper)
    print(f"enrolment receipt ({arguments.paper}), {arguments.runs} renders after warm-up:")
    print(f"  median {statistics.median(durations):.1f} ms   p95 {percentile(durations, 0.95):.1f} ms")


if __name__ == "__main__":
    main()
