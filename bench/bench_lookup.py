"""Search latency of the window on a full-size database (see make_dali_db.py).

    python bench/bench_lookup.py PATH [--samples 2000] [--seed 7]

Everything goes through the services the window calls, on a Desk opened with `Desk.open` and a clerk
built directly (no login): `persons.search_persons` with a full ID number, a phone number or the
beginning of a name, and `persons.find_by_id_number` (the person plus their enrolments). Inputs are
drawn at random from the file; every case is run once over all its inputs to warm the caches (SQLite's
and the OS's) before the timed pass. Prints a Markdown table (p50/p95/p99/max in ms, targets), the time
to open the database, the machine, and the query plan (EXPLAIN QUERY PLAN) of every statement the
timed services ran.

Targets: full ID number p95 ≤ 2 ms; first page (50) of a name-prefix search p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk.core.idnumber import make_id_number
from desk.core.packs import PackRegistry
from desk.demo import COUNTIES, SURNAMES
from desk.resources import resource_path
from desk.services import persons
from desk.services.context import Desk, Operator
from desk.store import persons as person_store
from desk.store.db import connect

OPERATOR = Operator(id=1, username="bench", display_name="基准", role="clerk")
ID_TARGET_MS = 2.0
NAME_TARGET_MS = 50.0
OPEN_RUNS = 5


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def machine() -> dict:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.0f} GiB"
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": model,
        "memory": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "os": platform.platform(),
    }


# ---------------------------------------------------------------- inputs


def draw_inputs(desk: Desk, samples: int, rng: random.Random) -> dict[str, list[str]]:
    db = desk.db
    max_id = db.execute("SELECT MAX(id) FROM persons").fetchone()[0]
    rows = []
    while len(rows) < samples:
        row = db.execute("SELECT id_number, name, phone FROM persons WHERE id = ?", [rng.randint(1, max_id)]).fetchone()
        if row:
            rows.append(row)
    phones = []
    while len(phones) < samples:
        row = db.execute("SELECT phone FROM persons WHERE id = ?", [rng.randint(1, max_id)]).fetchone()
        if row and row[0]:
            phones.append(row[0])
    missing = []
    counties = sorted(COUNTIES)
    while len(missing) < samples:
        born = date(1936, 1, 1) + timedelta(days=rng.randrange(32000))
        number = make_id_number(rng.choice(counties), born, rng.randrange(1000))
        if not db.execute("SELECT 1 FROM persons WHERE id_number = ?", [number]).fetchone():
            missing.append(number)
    surnames = sorted(set(SURNAMES))
    return {
        "id": [row[0] for row in rows],
        "missing": missing,
        "surname": [rng.choice(surnames) for _ in range(samples)],
        "prefix2": [row[1][:2] for row in rows],
        "phone": phones,
        "id_prefix": [row[0][:10] for row in rows],
    }


def cases(desk: Desk, inputs: dict[str, list[str]]) -> list[tuple[str, str, callable, list[str], float | None]]:
    """(label, kind of input, call, inputs, target p95 in ms)."""
    return [
        ("ID number, search_persons", "id", lambda v: persons.search_persons(desk, OPERATOR, v), inputs["id"],
         ID_TARGET_MS),
        ("ID number, find_by_id_number (+ enrolments)", "id",
         lambda v: persons.find_by_id_number(desk, OPERATOR, v), inputs["id"], ID_TARGET_MS),
        ("ID number not registered, search_persons", "missing",
         lambda v: persons.search_persons(desk, OPERATOR, v), inputs["missing"], ID_TARGET_MS),
        ("ID number, store query only", "id", lambda v: person_store.person_by_id_number(desk.db, v), inputs["id"],
         None),
        ("name prefix, 1 character (surname), first 50", "surname",
         lambda v: persons.search_persons(desk, OPERATOR, v), inputs["surname"], NAME_TARGET_MS),
        ("name prefix, 2 characters, first 50", "prefix2",
         lambda v: persons.search_persons(desk, OPERATOR, v), inputs["prefix2"], NAME_TARGET_MS),
        ("phone number, search_persons", "phone", lambda v: persons.search_persons(desk, OPERATOR, v),
         inputs["phone"], None),
        ("name prefix, 1 character, page 21 (offset 1000)", "surname",
         lambda v: persons.search_persons(desk, OPERATOR, v, offset=1000), inputs["surname"], None),
        ("ID number prefix, 10 digits (county + birth year), first 50", "id_prefix",
         lambda v: persons.search_persons(desk, OPERATOR, v), inputs["id_prefix"], None),
    ]


def check_results(desk: Desk, inputs: dict[str, list[str]]) -> list[str]:
    """The searches find what they should (so a fast figure is not a fast miss)."""
    problems = []
    for number in inputs["id"][:50]:
        found = persons.search_persons(desk, OPERATOR, number)
        if [p.id_number for p in found] != [number]:
            problems.append(f"ID {number}: {found}")
        record = persons.find_by_id_number(desk, OPERATOR, number)
        if record is None or not record.enrolments:
            problems.append(f"find_by_id_number {number}: {record}")
    for number in inputs["missing"][:50]:
        if persons.search_persons(desk, OPERATOR, number):
            problems.append(f"unregistered ID {number} found")
    for prefix in inputs["surname"][:20] + inputs["prefix2"][:20]:
        found = persons.search_persons(desk, OPERATOR, prefix)
        if not found or any(not p.name.startswith(prefix) for p in found):
            problems.append(f"name prefix {prefix}: {len(found)} rows")
    for phone in inputs["phone"][:50]:
        if phone not in {p.phone for p in persons.search_persons(desk, OPERATOR, phone)}:
            problems.append(f"phone {phone} not found")
    return problems


# ---------------------------------------------------------------- timing


def time_calls(call, values: list[str]) -> list[float]:
    durations = []
    perf = time.perf_counter
    for value in values:
        start = perf()
        call(value)
        durations.append((perf() - start) * 1000)
    return sorted(durations)


def time_open(path: Path) -> dict[str, float]:
    """Desk.open as the application does it (connect + migrations check + packs + installation secret)."""
    runs = []
    for _ in range(OPEN_RUNS):
        start = time.perf_counter()
        desk = Desk.open(path)
        runs.append((time.perf_counter() - start) * 1000)
        desk.close()
    connects = []
    for _ in range(OPEN_RUNS):
        start = time.perf_counter()
        db = connect(path)
        connects.append((time.perf_counter() - start) * 1000)
        db.conn.close()
    packs = []
    for _ in range(OPEN_RUNS):
        start = time.perf_counter()
        PackRegistry.load_directory(resource_path("policies"))
        packs.append((time.perf_counter() - start) * 1000)
    return {
        "first": runs[0],
        "median": statistics.median(runs),
        "connect": statistics.median(connects),
        "packs": statistics.median(packs),
    }


# ---------------------------------------------------------------- query plans


def query_plans(desk: Desk, examples: list[tuple[str, callable, str]]) -> list[tuple[str, str, list[str]]]:
    """Every distinct statement each service call runs, with its EXPLAIN QUERY PLAN."""
    plans, seen = [], set()
    for label, call, value in examples:
        statements = []
        with desk.db.tracer(lambda sql, params, statements=statements: statements.append((sql, params))):
            call(value)
        for sql, params in statements:
            if sql in seen:
                continue
            seen.add(sql)
            rows = desk.db.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params or []).fetchall()
            plans.append((label, sql, [row[3] for row in rows]))
    return plans


def plan_note(plan: list[str]) -> str:
    if any(step.startswith("SCAN") for step in plan):
        return "  <-- SCAN: reads the whole table or index"
    if any("TEMP B-TREE" in step for step in plan):
        return "  (temp B-tree: sorts the rows the index found)"
    return ""


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    path: Path = arguments.path
    if not path.exists():
        raise SystemExit(f"{path} does not exist: build it with bench/make_dali_db.py")

    opening = time_open(path)
    desk = Desk.open(path)
    rng = random.Random(arguments.seed)
    person_count = desk.db.execute("SELECT COUNT(*) FROM persons").fetchone()[0]
    enrolment_count = desk.db.execute("SELECT COUNT(*) FROM enrolments").fetchone()[0]
    inputs = draw_inputs(desk, arguments.samples, rng)
    problems = check_results(desk, inputs)
    if problems:
        raise SystemExit("wrong search results: " + "; ".join(problems[:5]))

    all_cases = cases(desk, inputs)
    warm_start = time.perf_counter()
    for _, _, call, values, _ in all_cases:  # warm-up pass, untimed
        for value in values:
            call(value)
    warm = time.perf_counter() - warm_start
    results = [(label, time_calls(call, values), target) for label, _, call, values, target in all_cases]

    info = machine()
    size = path.stat().st_size
    print(f"# desk lookup benchmark, {date.today().isoformat()}\n")
    print(f"- database: `{path}`, {person_count:,} persons, {enrolment_count:,} enrolments, "
          f"{size / 2**20:,.0f} MiB")
    print(f"- machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} RAM, Python {info['python']}, "
          f"SQLite {info['sqlite']}, {info['os']}")
    print(f"- {arguments.samples} random inputs per case (seed {arguments.seed}); caches warmed by one untimed "
          f"pass over all inputs first ({warm:.1f} s); times with time.perf_counter around one service call\n")
    print("| operation | n | p50 ms | p95 ms | p99 ms | max ms | target (p95) | met |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    missed = []
    for label, durations, target in results:
        p95 = percentile(durations, 0.95)
        met = "" if target is None else ("yes" if p95 <= target else "**NO**")
        if target is not None and p95 > target:
            missed.append(label)
        print(f"| {label} | {len(durations)} | {statistics.median(durations):.3f} | {p95:.3f} | "
              f"{percentile(durations, 0.99):.3f} | {durations[-1]:.3f} | "
              f"{'' if target is None else f'≤ {target:g} ms'} | {met} |")
    print()
    print("| opening | ms |")
    print("|---|---:|")
    print(f"| Desk.open, first in this process | {opening['first']:.1f} |")
    print(f"| Desk.open, median of {OPEN_RUNS} | {opening['median']:.1f} |")
    print(f"| of which connect() + migrations check, median | {opening['connect']:.1f} |")
    print(f"| of which loading the policy packs, median | {opening['packs']:.1f} |")

    examples = [(label, call, values[0]) for label, _, call, values, _ in all_cases]
    print("\n## Query plans (EXPLAIN QUERY PLAN of every statement the timed calls ran)\n")
    for label, sql, plan in query_plans(desk, examples):
        flag = plan_note(plan)
        print(f"- {label}: `{' '.join(sql.split())}`{flag}")
        for step in plan:
            print(f"    - {step}")
    print()
    if missed:
        print("TARGETS MISSED: " + "; ".join(missed))
    else:
        print("All targets met.")
    desk.close()


if __name__ == "__main__":
    main()
