"""The 审计日志 page on a large log (issue 13 target: the first page of a million entries in at most
200 ms), and the memory an export of it takes (constant: openpyxl's write-only workbook, the store
read in chunks).

    python bench/bench_audit_page.py /tmp/bench/audit.db [--entries 1000000] [--export 200000]

The file is created by `Desk.open` (the real migrations) with an administrator made through the
services; then the entries are bulk-inserted straight into `audit_log` with `executemany` in the
store's format (canonical JSON details, operators, windows, actions of the registry, record types
and ids, `at` one a few seconds after the other over two years). For speed the hashes are random
hex, so **the chain of this file does not verify** (`desk check` names the first generated
entry): it measures browsing and exporting, nothing else. Timed with perf_counter through the
screen call the page makes (`screens.admin.audit_page`: the count and one page): the first page,
a page reached with PgDown (keyset on id), a far page by number (OFFSET), and filtered first
pages. The exports are timed with tracemalloc's peak (Python's allocations) for `--export`
entries and a quarter of them (the PDF: a quarter and a sixteenth): the same peak for both is
constant memory.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

from desk.core.actions import ACTION_NAMES
from desk.screens import admin as screen
from desk.services import audit, operators
from desk.services.context import Desk
from desk.store.audit import canonical_json

NAMES = ("李娜", "段志刚", "杨慧", "赵管理")
START = datetime(2025, 1, 2, 8, 30)


def build(path: Path, entries: int, seed: int = 1) -> None:
    desk = Desk.open(path, clock=lambda: START)
    operators.create_first_administrator(desk, username="admin", display_name="赵管理", password="Admin2026")
    desk.close()
    rng = random.Random(seed)
    actions = sorted(ACTION_NAMES)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    first = connection.execute("SELECT MAX(id) FROM audit_log").fetchone()[0] + 1
    moment, batch = START, []
    started = time.perf_counter()
    for entry_id in range(first, first + entries):
        moment += timedelta(seconds=rng.randrange(5, 120))
        action = rng.choice(actions)
        operator = rng.randrange(len(NAMES))
        record = rng.choice(("person", "enrolment", "settlement", "filing", "transfer", "operator", "voucher"))
        detail = {"reason": "窗口办理", "receipt": f"SJ{moment:%Y%m%d}{entry_id % 10000:04d}",
                  "new": {"name": "张三", "id_number": "53290119800101001X", "amount": rng.randrange(100, 90000)}}
        batch.append((entry_id, moment.isoformat(timespec="seconds"), operator + 1, NAMES[operator],
                      f"{operator % 3 + 1}号窗口", action, record, str(rng.randrange(1, 3_350_000)),
                      canonical_json(detail), "%064x" % rng.getrandbits(256), "%064x" % rng.getrandbits(256)))
        if len(batch) == 50_000:
            _insert(connection, batch)
            batch = []
    _insert(connection, batch)
    connection.close()
    print(f"generated {entries:,} entries in {time.perf_counter() - started:.1f} s "
          f"({path.stat().st_size / 2**20:.0f} MiB); the chain of this file does not verify")


def _insert(connection: sqlite3.Connection, rows: list) -> None:
    with connection:
        connection.executemany("INSERT INTO audit_log (id, at, operator_id, operator_name, window, action, record_type,"
                               " record_id, detail_json, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)


def timed(call, samples: int = 7) -> tuple[float, object]:
    call()  # warm
    times, result = [], None
    for _ in range(samples):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--export", type=int, default=200_000, help="entries exported for the memory figure (0: none)")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    if args.force and args.db.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        build(args.db, args.entries)
    started = time.perf_counter()
    desk = Desk.open(args.db, clock=lambda: datetime(2026, 12, 1, 10, 0))
    print(f"opened (migrations included) in {time.perf_counter() - started:.1f} s")
    admin = operators.authenticate(desk, username="admin", password="Admin2026")
    size = screen.audit_page(desk, admin, audit.AuditFilter(), page=0).total
    print(f"log: {size:,} entries, {args.db.stat().st_size / 2**20:.0f} MiB")
    cases = {
        "first page, no filter": lambda: screen.audit_page(desk, admin, audit.AuditFilter(), page=0),
    }
    first = screen.audit_page(desk, admin, audit.AuditFilter(), page=0)
    cases["next page (PgDown, keyset)"] = lambda: screen.audit_page(desk, admin, audit.AuditFilter(), page=1,
                                                                    below=first.rows[-1].id)
    cases["page 2,000 by number (OFFSET)"] = lambda: screen.audit_page(desk, admin, audit.AuditFilter(), page=1999)
    cases["first page, one operator"] = lambda: screen.audit_page(desk, admin, audit.AuditFilter(operator_name="杨慧"),
                                                                  page=0)
    cases["first page, action 报销结算"] = lambda: screen.audit_page(
        desk, admin, audit.AuditFilter(action_prefix="settlement."), page=0)
    cases["first page, one day"] = lambda: screen.audit_page(
        desk, admin, audit.AuditFilter(first=date(2026, 6, 1), last=date(2026, 6, 1)), page=0)
    cases["first page, one year"] = lambda: screen.audit_page(
        desk, admin, audit.AuditFilter(first=date(2025, 6, 1), last=date(2026, 5, 31)), page=0)
    cases["first page, operator + month"] = lambda: screen.audit_page(
        desk, admin, audit.AuditFilter(operator_name="杨慧", first=date(2026, 6, 1), last=date(2026, 6, 30)), page=0)
    cases["first page, operator + action"] = lambda: screen.audit_page(
        desk, admin, audit.AuditFilter(operator_name="杨慧", action_prefix="settlement."), page=0)
    cases["first page, action + year"] = lambda: screen.audit_page(
        desk, admin, audit.AuditFilter(action_prefix="settlement.", first=date(2025, 6, 1), last=date(2026, 5, 31)),
        page=0)
    cases["first page, one record"] = lambda: screen.audit_page(desk, admin, audit.AuditFilter(record_id="1234567"),
                                                                page=0)
    for name, call in cases.items():
        median, worst, page = timed(call)
        print(f"{name:34} median {median:7.1f} ms  max {worst:7.1f} ms  ({len(page.rows)} rows of {page.total:,})")
    if args.export:
        top = desk.db.execute("SELECT MAX(id) FROM audit_log").fetchone()[0]
        sizes = {"xlsx": (args.export // 4, args.export), "pdf": (args.export // 16, args.export // 4)}
        for kind, exporter in (("xlsx", audit.export_xlsx), ("pdf", audit.export_pdf)):
            for count in sizes[kind]:  # reportlab lays out about 1,000 rows a second: fewer for the PDF
                since = desk.db.execute("SELECT at FROM audit_log WHERE id = ?", [top - count + 1]).fetchone()[0]
                filters = audit.AuditFilter(first=datetime.fromisoformat(since).date())
                target = Path(tempfile.mkdtemp()) / f"audit.{kind}"
                tracemalloc.start()
                started = time.perf_counter()
                exported = exporter(desk, admin, filters, target)
                seconds = time.perf_counter() - started
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                print(f"export {kind} of {exported:,} entries: {seconds:.1f} s (under tracemalloc), "
                      f"peak {peak / 2**20:.1f} MiB, file {target.stat().st_size / 2**20:.1f} MiB", flush=True)
                os.unlink(target)
    desk.close()


if __name__ == "__main__":
    main()
