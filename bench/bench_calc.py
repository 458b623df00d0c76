"""Throughput of the pure reimbursement calculation (issue 4 target: ≥ 20,000 claims/s in one process).

    python bench/bench_calc.py [--claims 200000]

Random but realistic claim sequences (every benefit, level, disease, group) through
desk.core.reimbursement.calculate_sequence, 20 claims per person-year, timed with perf_counter.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from decimal import Decimal

from desk.core.diseases import Catalogue
from desk.core.packs import PackRegistry
from desk.core.packs_schema import LEVELS
from desk.core.reimbursement import BENEFITS, Claim, PersonFacts, calculate_sequence
from desk.resources import resource_path


def make_claims(rng: random.Random, count: int) -> list[Claim]:
    diseases = ["M03900", "M01600", "M07803", "M02101", "M00504", None]
    claims = []
    for _ in range(count):
        total = Decimal(rng.randrange(100, 20_000_000)) / 100
        own = (total * Decimal(rng.choice([0, 0, 5, 10])) / 100).quantize(Decimal("0.01"))
        claims.append(Claim(date(2025, 1, 1) + timedelta(days=rng.randrange(365)), rng.choice(BENEFITS), rng.choice(LEVELS),
                            total, rng.random() < 0.8, rng.choice(diseases), rng.random() < 0.5, own, Decimal("0.00")))
    return claims


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=200_000)
    args = parser.parse_args()
    pack = PackRegistry.load_directory(resource_path("policies")).get("dali-resident-2025")
    catalogue = Catalogue.from_pack(pack)
    rng = random.Random(1)
    claims = make_claims(rng, args.claims)
    groups = [(), ("dibao",), ("tuopin",)]
    started = time.perf_counter()
    for index in range(0, len(claims), 20):
        calculate_sequence(pack, catalogue, PersonFacts(groups=groups[index % 3]), claims[index:index + 20])
    elapsed = time.perf_counter() - started
    print(f"{len(claims)} claims in {elapsed:.2f} s: {len(claims) / elapsed:,.0f} claims/s (one process)")


if __name__ == "__main__":
    main()
