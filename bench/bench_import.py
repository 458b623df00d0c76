"""集中参保 import at Dali's scale (issue 14 target: 10,000 rows in at most 60 s on a database of 3.35
million persons, the UI responsive throughout).

    python bench/make_dali_db.py /tmp/bench/dali.db             # once: 3,350,000 persons
    python bench/bench_import.py /tmp/bench/dali.db [--rows 10000] [--existing 500] [--seed 1]

Writes a township's list of `--rows` rows with openpyxl (the template's columns, the ID column as
text): new residents with valid ID numbers of 五华区 (530102, never among make_dali_db's Dali
numbers, so each is registered), every 7th with a 资助类别, and `--existing` residents taken
from the database (already enrolled for 2026 by make_dali_db: they come out as 已存在). Then, on the
clock of 2026-11-20 10:00 and as clerk01 (logged in through the services), times the service
calls the 批量导入 dialog makes, in the same way: `read_list` (openpyxl streaming), `preview`
(nothing written), `import_list` (each row its own transaction: person registered and versioned,
enrolment, 回执, two audit entries) run in a thread on a connection of its own
(`separate_connection`, as the dialog does) while the main thread, like the window, looks a
person up by ID number every 50 ms and records how long each lookup took; then `write_report`
and the rendering of the 导入清单. Each run adds `--rows` persons to the file: `--seed` picks
other numbers for a second run (the same seed again: every row 已存在, which is the idempotence).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk.core.batch_import import COLUMN_NAMES
from desk.core.idnumber import make_id_number
from desk.services import batch_import, operators, persons, vouchers
from desk.services.background import separate_connection
from desk.services.context import Desk

NOW = datetime(2026, 11, 20, 10, 0)
REGION = "530102"  # 昆明市五华区: outside Dali, so no number of make_dali_db's
GROUPS = ("城乡低保对象", "已脱贫人口", "特困供养人员")
SURNAMES = "杨李段赵张王字何苏尹"
GIVEN = "丽华志强国金花建平明秀英海燕"


def write_list(path: Path, rows: int, existing: list[dict], seed: int) -> None:
    from openpyxl import Workbook

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("参保名单")
    sheet.append(list(COLUMN_NAMES))
    used = set()
    for index in range(rows - len(existing)):
        while True:
            born = date(1940 + rng.randrange(80), 1 + rng.randrange(12), 1 + rng.randrange(28))
            number = make_id_number(REGION, born, rng.randrange(1000))
            if number not in used:
                used.add(number)
                break
        group = GROUPS[index % 3] if index % 7 == 0 else ""
        sheet.append([rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), "居民身份证", number, "白族",
                      f"139{rng.randrange(10**8):08d}", "农村", "喜洲镇", f"第{index % 30 + 1}村", f"{index % 9 + 1}组",
                      group, "民政认定2026-118" if group else "", 2026, "2026-11-05", 2025, ""])
    for person in existing:
        sheet.append([person["name"], "居民身份证", person["id_number"], person["ethnicity"], person["phone"], "", "", "", "",
                      "", "", 2026, "2026-11-05", "", ""])
    book.save(path)


def lookups(desk: Desk, clerk, numbers: list[str], stop: threading.Event, took: list[float]) -> None:
    """The window meanwhile: a person found by ID number every 50 ms (persons.search_persons, the 查询 box)."""
    index = 0
    while not stop.is_set():
        started = time.perf_counter()
        persons.search_persons(desk, clerk, numbers[index % len(numbers)])
        took.append((time.perf_counter() - started) * 1000)
        index += 1
        stop.wait(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--existing", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    desk = Desk.open(args.db, clock=lambda: NOW)
    clerk = operators.authenticate(desk, username="clerk01", password="Clerk2026")
    persons_before = desk.db.execute("SELECT MAX(id) FROM persons").fetchone()[0]
    step = max(persons_before // max(args.existing, 1), 1)
    existing = [dict(row) for row in desk.db.query(
        "SELECT name, id_number, ethnicity, phone FROM persons WHERE id % ? = 0 AND id_number NOT LIKE ? LIMIT ?",
        [step, REGION + "%", args.existing])]
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")
    print(f"database: {args.db}, {persons_before:,} persons, {Path(args.db).stat().st_size / 2**20:,.0f} MiB")
    work = Path(tempfile.mkdtemp())
    listing_path = work / "名单.xlsx"
    started = time.perf_counter()
    write_list(listing_path, args.rows, existing, args.seed)
    print(f"list written: {args.rows:,} rows ({len(existing)} already enrolled) in {time.perf_counter() - started:.1f} s, "
          f"{listing_path.stat().st_size / 2**20:.1f} MiB")

    started = time.perf_counter()
    listing = batch_import.read_list(desk, clerk, listing_path)
    read = time.perf_counter() - started
    started = time.perf_counter()
    shown = batch_import.preview(desk, clerk, listing)
    previewed = time.perf_counter() - started
    print(f"read_list  {read:6.1f} s   preview {previewed:6.1f} s   (to enrol {shown.to_enrol:,}, existing "
          f"{shown.existing:,}, refused {shown.refused:,})")

    numbers = [person["id_number"] for person in existing] or [listing.rows[0][1][2]]
    stop, took, outcome = threading.Event(), [], {}
    progress_calls = []

    def work_thread():
        with separate_connection(desk) as other:
            outcome["result"] = batch_import.import_list(other, clerk, listing,
                                                         progress=lambda done, total: progress_calls.append(done) or True)

    started = time.perf_counter()
    worker = threading.Thread(target=work_thread)
    worker.start()
    watcher = threading.Thread(target=lookups, args=(desk, clerk, numbers, stop, took))
    watcher.start()
    worker.join()
    imported = time.perf_counter() - started
    stop.set()
    watcher.join()
    result = outcome["result"]
    print(f"import     {imported:6.1f} s   = {args.rows / imported:,.0f} rows/s   {result.summary()}   "
          f"voucher {result.voucher.number if result.voucher else None}")
    print(f"meanwhile: {len(took)} lookups by ID number, median {statistics.median(took):.1f} ms, "
          f"p95 {sorted(took)[int(len(took) * 0.95)]:.1f} ms, max {max(took):.1f} ms")
    started = time.perf_counter()
    batch_import.write_report(listing, result, work / "结果.xlsx")
    reported = time.perf_counter() - started
    started = time.perf_counter()
    pdf = vouchers.render(desk, result.voucher.number)
    rendered = time.perf_counter() - started
    print(f"report     {reported:6.1f} s ({(work / '结果.xlsx').stat().st_size / 2**20:.1f} MiB)   导入清单 rendered "
          f"{rendered:.2f} s ({len(pdf) // 1024} KiB)")
    print(f"total (read + preview + import + report): {read + previewed + imported + reported:.1f} s")
    after = desk.db.execute("SELECT MAX(id) FROM persons").fetchone()[0]
    print(f"persons added: {after - persons_before:,}")
    desk.close()


if __name__ == "__main__":
    main()
