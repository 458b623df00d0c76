"""Build a desk database at Dali's scale (3.35 million insured residents) for the lookup benchmark.

    python bench/make_dali_db.py PATH [--persons 3350000] [--seed 1] [--force] [--check]

3.35 million is the number of insured residents the Dali office gave in its interview (seed 000 of
the spec). The schema, the triggers and the indexes are the real ones: the file is created by
`Desk.open` (i.e. `desk.store.db.connect`, which applies the migrations), the four demo operators are created
through the services, and then persons and enrolments are bulk-inserted straight into their tables
with `executemany` in large transactions. For the load only, the journal and fsync are off, foreign keys
are not checked per row, and the four secondary indexes (persons_name, persons_phone,
enrolments_one_active, enrolments_person_year) are dropped and then recreated from their exact
`sqlite_master` SQL. At the end the file is back in WAL mode, ANALYZE has run, and the schema in
`sqlite_master` is checked to be identical (type, name, table, SQL) to what the migrations created.

Data (deterministic for a given --seed and --persons):
- ID numbers: valid 18-character numbers from Dali's 12 county codes, birth dates 1936-01-01 to
  2025-12-31 and sequences 000-999. Row i is mapped to (county, birth date, sequence) by a
  bijection on that space (i * P + offset mod N, P prime to N), so numbers are unique by construction.
  Sex follows the parity of the sequence, as in a real number.
- Names: one of desk.demo's surnames + 1 or 2 given characters (so "杨" or "杨丽" matches many rows).
- 80% have a mobile phone; towns, villages, ethnicity and subsidy groups as in desk.demo.
- Enrolments: 2025 and 2026 for everybody, 2024 too for 40% (about 2.4 per person, ~8 million rows).
  2024 rows and 10% of 2025 rows are imported records (as record_external_enrolment writes them, no
  amounts); the others are local enrolments with the dali-resident-2025 amounts in fen, a payment date,
  benefit_start/benefit_end and a waiting period when paid outside the collection period.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sqlite3
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk.core.idnumber import _CHECK_CHARS, _WEIGHTS, make_id_number, parse_id_number
from desk.core.money import to_fen
from desk.demo import COUNTIES, DEMO_OPERATORS, ETHNIC_WEIGHTS, GIVEN, GROUP_WEIGHTS, SURNAMES
from desk.services import operators as operator_service
from desk.services.context import Desk

DALI_PERSONS = 3_350_000
PACK_ID = "dali-resident-2025"
BIRTH_FIRST = date(1936, 1, 1)
BIRTH_LAST = date(2025, 12, 31)
CHUNK = 50_000  # persons generated and inserted per executemany batch
COMMIT_EVERY = 500_000  # persons per transaction
DROPPED_INDEXES = ("persons_name", "persons_phone", "enrolments_one_active", "enrolments_person_year")
WINDOWS = ("1号窗口", "2号窗口", "3号窗口")
PERSON_COLUMNS = (
    "id", "id_type", "id_number", "personal_number", "name", "sex", "birth_date", "native_region", "ethnicity",
    "phone", "household_type", "address", "township", "village", "groups_json", "version", "created_at",
    "updated_at",
)
ENROLMENT_COLUMNS = (
    "person_id", "scheme", "year", "region_code", "pack_id", "pack_version", "groups_json", "subsidy_group",
    "individual_fen", "subsidy_fen", "payable_fen", "paid_on", "benefit_start", "benefit_end", "waiting_months",
    "start_reason", "provisional_json", "origin", "status", "operator_id", "window", "created_at",
)


# ---------------------------------------------------------------- lookup tables, computed once


def _weighted_pool(weighted, size: int = 100) -> list:
    """A list in which each value appears in proportion to its weight (for a cheap uniform pick)."""
    total = sum(weight for _, weight in weighted)
    pool = []
    for value, weight in weighted:
        pool += [value] * round(size * weight / total)
    return pool


def _digit_sum(digits: str, weights) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False))


class Tables:
    def __init__(self, pack) -> None:
        self.counties = sorted(COUNTIES)
        self.county_sums = [_digit_sum(code, _WEIGHTS[:6]) for code in self.counties]
        self.days = []  # (YYYYMMDD, ISO date, weighted digit sum of the date)
        day = BIRTH_FIRST
        while day <= BIRTH_LAST:
            compact = f"{day:%Y%m%d}"
            self.days.append((compact, day.isoformat(), _digit_sum(compact, _WEIGHTS[6:14])))
            day += timedelta(days=1)
        self.sequences = [
            (f"{s:03d}", _digit_sum(f"{s:03d}", _WEIGHTS[14:17]), "男" if s % 2 else "女") for s in range(1000)
        ]
        self.space = len(self.counties) * len(self.days) * 1000
        self.surnames = list(SURNAMES)  # with demo's repeats: 杨, 李, 张, 赵 are twice as common
        self.given = list(GIVEN) + [a + b for a in GIVEN for b in GIVEN]
        self.given_one = len(GIVEN)
        self.ethnicities = _weighted_pool(ETHNIC_WEIGHTS)
        self.groups = _weighted_pool(GROUP_WEIGHTS)
        self.places = [(COUNTIES[code][0], COUNTIES[code][1]) for code in self.counties]  # by county index
        self.villages = [f"{a}{b}村委会" for a in "东西南北上下新中" for b in "村营庄邑"]
        # The data migration into the system: persons imported over August 2024, office hours
        self.import_times = [
            f"{date(2024, 8, 1) + timedelta(days=d)}T{9 + m // 60:02d}:{m % 60:02d}:00"
            for d in range(31)
            for m in range(0, 8 * 60, 7)
        ]
        self.minutes = [f"T{9 + m // 60:02d}:{m % 60:02d}:00" for m in range(8 * 60)]
        self.region_code = pack.region_code
        self.pack_version = pack.version
        contribution = pack.section("contribution")["individual"]
        self.individual = {int(year): to_fen(amount) for year, amount in contribution.items()}
        self.subsidy = {
            group["code"]: group["amount"] for group in pack.section("subsidies")["groups"]
        }
        self.payments = {year: self._payment_pool(year) for year in (2025, 2026)}
        self.subsidies = {
            (group, year): self._subsidy_fen(group, year) for group in self.groups for year in (2025, 2026)
        }

    def _payment_pool(self, year: int) -> tuple[list, list]:
        """Payment days of a benefit year: (in the collection period, after it), each with what follows."""
        inside, outside = [], []
        day, period_end = date(year - 1, 9, 1), date(year, 3, 1) - timedelta(days=1)
        last = min(date(year, 11, 20), date(2026, 11, 20))
        while day <= last:
            if day <= period_end:
                start, waiting = date(year, 1, 1), 0
                reason = f"上年度（{year - 1}年）已参保，连续参保，在集中参保期内缴费，自{start}起享受待遇。"
                inside.append((day.isoformat(), start.isoformat(), waiting, reason))
            else:
                start, waiting = _add_months(day, 3), 3
                reason = (
                    f"上年度（{year - 1}年）已参保，连续参保，在集中参保期外缴费，等待期3个月，"
                    f"自{day}起算，{start}起享受待遇。"
                )
                outside.append((day.isoformat(), start.isoformat(), waiting, reason))
            day += timedelta(days=1)
        return inside, outside

    def _subsidy_fen(self, group: str | None, year: int) -> int:
        if group is None:
            return 0
        amount = self.subsidy[group]
        return self.individual[year] if amount == "full" else min(to_fen(amount), self.individual[year])


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)


def _multiplier(space: int, seed: int) -> int:
    """A multiplier prime to the ID space, so i -> (i * P + offset) % space is a bijection."""
    candidate = int(space * (math.sqrt(5) - 1) / 2) + seed * 7919
    while math.gcd(candidate, space) != 1:
        candidate += 1
    return candidate


# ---------------------------------------------------------------- row generation


def generate_chunk(t: Tables, rng: random.Random, first: int, count: int, multiplier: int, offset: int,
                   clerks: tuple[int, ...]):
    """Persons first..first+count-1 (0-based) and their enrolments, as tuples in column order."""
    rnd = rng.random
    counties, county_sums, days, sequences, space = t.counties, t.county_sums, t.days, t.sequences, t.space
    surnames, given, given_one = t.surnames, t.given, t.given_one
    ethnicities, groups, places, villages = t.ethnicities, t.groups, t.places, t.villages
    import_times, minutes, region_code, pack_version = t.import_times, t.minutes, t.region_code, t.pack_version
    individual, subsidies = t.individual, t.subsidies
    n_counties, n_surnames, n_given_two = len(counties), len(surnames), len(given) - given_one
    n_groups, n_villages = len(groups), len(villages)
    n_imports, n_minutes, n_ethnic, n_clerks = len(import_times), len(minutes), len(ethnicities), len(clerks)
    persons, enrolments = [], []
    for index in range(first, first + count):
        person_id = index + 1
        v = (index * multiplier + offset) % space
        c = v % n_counties
        rest = v // n_counties
        seq_str, seq_sum, sex = sequences[rest % 1000]
        compact, birth, day_sum = days[rest // 1000]
        county = counties[c]
        id_number = county + compact + seq_str + _CHECK_CHARS[(county_sums[c] + day_sum + seq_sum) % 11]
        if rnd() < 0.25:
            name = surnames[int(rnd() * n_surnames)] + given[int(rnd() * given_one)]
        else:
            name = surnames[int(rnd() * n_surnames)] + given[given_one + int(rnd() * n_given_two)]
        phone = f"1{'3589'[int(rnd() * 4)]}{int(rnd() * 1e9):09d}" if rnd() < 0.8 else None
        county_name, towns = places[c]  # lives in the county of the ID number
        town = towns[int(rnd() * len(towns))]
        group = groups[int(rnd() * n_groups)]
        if group is None:
            groups_json = "[]"
        else:
            document = f"{county}-{1000 + int(rnd() * 9000)}号认定文件"
            groups_json = json.dumps([{"code": group, "document": document}], ensure_ascii=False)
        created = import_times[int(rnd() * n_imports)]
        persons.append((
            person_id, "居民身份证", id_number, f"{region_code}{person_id:08d}", name, sex, birth, county,
            ethnicities[int(rnd() * n_ethnic)], phone, "农村" if rnd() < 0.7 else "城镇",
            f"{county_name}{town}{1 + int(rnd() * 199)}号", town, villages[int(rnd() * n_villages)],
            groups_json, 1, created, created,
        ))
        clerk = clerks[int(rnd() * n_clerks)]
        window = WINDOWS[clerk % len(WINDOWS)]
        years = (2024, 2025, 2026) if rnd() < 0.4 else (2025, 2026)
        for year in years:
            if year == 2024 or (year == 2025 and rnd() < 0.1):
                enrolments.append((
                    person_id, "resident", year, region_code, None, None, "[]", None, 0, 0, 0, None,
                    f"{year}-01-01", f"{year}-12-31", 0, "外部参保记录", "[]", "imported", "active", clerk,
                    window, import_times[int(rnd() * n_imports)],
                ))
                continue
            inside, outside = t.payments[year]
            pool = inside if rnd() < 0.85 else outside
            paid_on, benefit_start, waiting, reason = pool[int(rnd() * len(pool))]
            full = individual[year]
            subsidy = subsidies[group, year]
            enrolments.append((
                person_id, "resident", year, region_code, PACK_ID, pack_version,
                groups_json if group else "[]", group, full, subsidy, full - subsidy, paid_on, benefit_start,
                f"{year}-12-31", waiting, reason, '["contribution"]', "local", "active", clerk, window,
                paid_on + minutes[int(rnd() * n_minutes)],
            ))
    return persons, enrolments


# ---------------------------------------------------------------- the build


def _schema(conn: sqlite3.Connection) -> list[tuple]:
    return sorted(
        conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'"
        ).fetchall()
    )


def _create_installation(path: Path) -> tuple[int, ...]:
    """The real schema through the real code: Desk.open -> connect() -> migrations; the demo operators."""
    desk = Desk.open(path, clock=lambda: datetime(2024, 8, 1, 9, 0))
    try:
        username, display_name, _, password = DEMO_OPERATORS[0]
        admin = operator_service.create_first_administrator(
            desk, username=username, display_name=display_name, password=password
        )
        clerks = []
        for username, display_name, role, password in DEMO_OPERATORS[1:]:
            operator = operator_service.create_operator(
                desk, admin, username=username, display_name=display_name, role=role,
                temporary_password=password, require_change=False,
            )
            if role == "clerk":
                clerks.append(operator.id)
        return tuple(clerks)
    finally:
        desk.close()


def build(path: Path, persons: int, seed: int, check: bool) -> None:
    started = time.perf_counter()
    clerks = _create_installation(path)
    from desk.core.packs import PackRegistry
    from desk.resources import resource_path

    pack = PackRegistry.load_directory(resource_path("policies")).get(PACK_ID)
    tables = Tables(pack)
    if persons > tables.space:
        raise SystemExit(f"at most {tables.space} distinct ID numbers")
    multiplier = _multiplier(tables.space, seed)
    offset = random.Random(seed).randrange(tables.space)

    conn = sqlite3.connect(str(path), isolation_level=None)
    schema_before = _schema(conn)
    index_sql = dict(
        conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
            f" AND name IN ({', '.join('?' * len(DROPPED_INDEXES))})",
            DROPPED_INDEXES,
        ).fetchall()
    )
    assert set(index_sql) == set(DROPPED_INDEXES), index_sql
    # Bulk-load settings, for this build only. The WAL must be switched off before journal_mode=OFF.
    conn.execute("PRAGMA journal_mode = DELETE")
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "foreign_keys = OFF", "locking_mode = EXCLUSIVE",
                   "temp_store = MEMORY", "cache_size = -1000000"):
        conn.execute(f"PRAGMA {pragma}")
    for name in DROPPED_INDEXES:
        conn.execute(f"DROP INDEX {name}")
    setup = time.perf_counter() - started

    person_sql = f"INSERT INTO persons ({', '.join(PERSON_COLUMNS)}) VALUES ({', '.join('?' * len(PERSON_COLUMNS))})"
    enrolment_sql = (
        f"INSERT INTO enrolments ({', '.join(ENROLMENT_COLUMNS)}) VALUES ({', '.join('?' * len(ENROLMENT_COLUMNS))})"
    )
    load_started = time.perf_counter()
    generate_time = insert_time = 0.0
    enrolment_rows = 0
    conn.execute("BEGIN")
    for first in range(0, persons, CHUNK):
        count = min(CHUNK, persons - first)
        t0 = time.perf_counter()
        # one RNG per chunk: the data does not depend on the chunk being generated in this process
        rng = random.Random(f"{seed}:{first}")
        person_rows, enrolment_batch = generate_chunk(tables, rng, first, count, multiplier, offset, clerks)
        t1 = time.perf_counter()
        conn.executemany(person_sql, person_rows)
        conn.executemany(enrolment_sql, enrolment_batch)
        t2 = time.perf_counter()
        generate_time += t1 - t0
        insert_time += t2 - t1
        enrolment_rows += len(enrolment_batch)
        done = first + count
        if done % COMMIT_EVERY == 0 or done == persons:
            conn.execute("COMMIT")
            elapsed = time.perf_counter() - load_started
            print(f"  {done:>9,} persons, {enrolment_rows:>10,} enrolments  {elapsed:6.1f} s", flush=True)
            if done < persons:
                conn.execute("BEGIN")
    load = time.perf_counter() - load_started

    index_started = time.perf_counter()
    for name in DROPPED_INDEXES:
        t0 = time.perf_counter()
        conn.execute(index_sql[name])
        print(f"  index {name}: {time.perf_counter() - t0:.1f} s", flush=True)
    indexes = time.perf_counter() - index_started
    t0 = time.perf_counter()
    conn.execute("ANALYZE")
    analyze = time.perf_counter() - t0
    problems = []
    if check:
        t0 = time.perf_counter()
        problems += [row[0] for row in conn.execute("PRAGMA quick_check").fetchall() if row[0] != "ok"]
        problems += [str(row) for row in conn.execute("PRAGMA foreign_key_check").fetchall()]
        print(f"  quick_check + foreign_key_check: {time.perf_counter() - t0:.1f} s", flush=True)
    # back to how the application runs: normal locking, WAL (persistent in the file)
    conn.execute("PRAGMA locking_mode = NORMAL")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    schema_after = _schema(conn)
    conn.close()
    total = time.perf_counter() - started

    if mode.lower() != "wal":
        raise SystemExit(f"journal_mode is {mode}, not wal")
    if schema_after != schema_before:
        raise SystemExit("sqlite_master differs from what the migrations created")
    if problems:
        raise SystemExit("integrity problems: " + "; ".join(problems[:10]))
    _spot_check(path, persons, multiplier, offset, tables)

    rows = persons + enrolment_rows
    size = path.stat().st_size
    print(f"persons      {persons:,}")
    print(f"enrolments   {enrolment_rows:,}")
    print(f"setup (schema, operators)   {setup:6.1f} s")
    print(f"load         {load:6.1f} s  = {rows / load:,.0f} rows/s  "
          f"(generate {generate_time:.1f} s, insert {insert_time:.1f} s)")
    print(f"indexes      {indexes:6.1f} s  ({', '.join(DROPPED_INDEXES)})")
    print(f"ANALYZE      {analyze:6.1f} s")
    print(f"total        {total:6.1f} s  = {rows / total:,.0f} rows/s overall")
    print(f"file         {path}  {size / 2**20:,.0f} MiB ({size:,} bytes), journal_mode=wal, "
          f"schema identical to the migrations'")


def _spot_check(path: Path, persons: int, multiplier: int, offset: int, tables: Tables) -> None:
    """A few ID numbers parse as valid and match what make_id_number builds."""
    conn = sqlite3.connect(str(path))
    rng = random.Random(0)
    for _ in range(20):
        index = rng.randrange(persons)
        row = conn.execute("SELECT id_number, sex, birth_date FROM persons WHERE id = ?", [index + 1]).fetchone()
        info = parse_id_number(row[0], date(2026, 1, 1))
        v = (index * multiplier + offset) % tables.space
        rest = v // len(tables.counties)
        expected = make_id_number(tables.counties[v % len(tables.counties)], date.fromisoformat(row[2]), rest % 1000)
        assert info.id_number == expected and info.sex == row[1] and info.birth_date.isoformat() == row[2], row
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--persons", type=int, default=DALI_PERSONS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    parser.add_argument("--check", action="store_true", help="also run quick_check and foreign_key_check")
    arguments = parser.parse_args()
    path: Path = arguments.path
    if path.exists():
        if not arguments.force:
            raise SystemExit(f"{path} exists (use --force to replace it)")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"building {path}: {arguments.persons:,} persons, seed {arguments.seed}, "
          f"{os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version}", flush=True)
    build(path, arguments.persons, arguments.seed, arguments.check)


if __name__ == "__main__":
    main()
