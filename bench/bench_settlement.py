"""Recording a settlement and rendering its statement on a database at Dali's scale
(issue 4 target: at most 100 ms for both together).

    python bench/bench_settlement.py /tmp/bench/dali.db [--samples 60]

Build the database first with bench/make_dali_db.py. Each sample picks a random person with an
active 2026 enrolment, records an inpatient settlement through the service (one transaction:
eligibility, accumulators from the ledger, the ledger row, the voucher, the audit entry) and
renders the 结算单 PDF, timed together with perf_counter.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime
from pathlib import Path

from desk.services import reimbursement, vouchers
from desk.services.context import Desk, Operator


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--samples", type=int, default=60)
    args = parser.parse_args()
    desk = Desk.open(args.db, clock=lambda: datetime(2026, 11, 20, 10, 0))
    row = desk.db.execute("SELECT id, username, display_name, role FROM operators WHERE role = 'clerk' LIMIT 1").fetchone()
    clerk = Operator(*row)
    top = desk.db.execute("SELECT MAX(id) FROM persons").fetchone()[0]
    rng = random.Random(7)
    timings, recorded = [], 0
    assert reimbursement.preview  # warm imports
    from desk.vouchers.fonts import register_reportlab_font

    register_reportlab_font()
    while recorded < args.samples:
        person_id = rng.randrange(1, top + 1)
        enrolled = desk.db.execute(
            "SELECT 1 FROM enrolments WHERE person_id = ? AND status = 'active' AND benefit_start <= '2026-11-01'"
            " AND benefit_end >= '2026-11-01' AND scheme = 'resident'", [person_id]).fetchone()
        if not enrolled:
            continue
        form = {"date": "2026-11-01", "benefit": "inpatient", "level": rng.choice(["township", "level2", "level3"]),
                "total": f"{rng.randrange(2000, 90000)}.00", "fulamt_ownpay": "300.00"}
        started = time.perf_counter()
        result = reimbursement.record_settlement(desk, clerk, person_id=person_id, claim_form=form)
        pdf = vouchers.render(desk, result.voucher.number)
        timings.append((time.perf_counter() - started) * 1000)
        assert pdf.startswith(b"%PDF")
        recorded += 1
    persons = desk.db.execute("SELECT COUNT(*) FROM persons").fetchone()[0]
    timings.sort()
    print(f"database: {persons:,} persons; {len(timings)} settlements recorded and rendered")
    print(f"record + render statement: median {statistics.median(timings):.1f} ms, "
          f"p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms, max {timings[-1]:.1f} ms")


if __name__ == "__main__":
    main()
