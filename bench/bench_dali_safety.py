"""Backup and `desk check` at Dali's scale with a write every 2 s (issue 11): on a database built by
bench/make_dali_db.py (3.35 million persons, ~3.5 GiB), while another process registers one person every
WRITE_EVERY seconds through the services (`operators.authenticate` as clerk01, then
`persons.register_person`: a real write with its audit entry and chain head), it times

1. `desk.services.backup.backup(desk, None, reason="bench")` (copy, fsync, check, rename), its parts
   (a second copy timed step by step: online copy, fsync, `backup_problem`), a plain one-step sqlite3
   backup of the same file (`sqlite3.connect(src).backup(sqlite3.connect(dst))`) and the `sqlite3` CLI's
   `.backup` (when the CLI is installed; it copies 100 pages a step, so a writer can restart it: bounded
   by --cli-timeout); desk and plain backups alternate, --repeat times each (medians);
   targets: desk backup within 2x of the plain backup, the result a good backup;
2. the start-up check `startup.check_at_start(PATH, full_check=False)` (what the GUI runs before login),
   median of 3, and its parts (`Desk.open`, `PRAGMA quick_check`); target under 2 s;
3. the full check: `python -m desk check --db PATH` (wall time, subprocess) and in-process, on
   `Desk.open_read_only(PATH)`, the parts of `integrity.check_database` one by one.

Nothing in the app is changed; backups go to PATH's `backups` folder, the other copies beside PATH
(deleted after each run). Usage: python bench/bench_dali_safety.py PATH [--write-every 2.0] [--repeat 3]
[--cli-timeout 300] [--only backup|start|check ...]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk.services import backup, integrity, startup
from desk.services.context import Desk
from desk.store import seals as seals_store
from desk.store.db import integrity_problems  # noqa: F401 - what check_database runs first
from desk.store.persons import non_canonical_persons

WRITER_USER, WRITER_PASSWORD = "clerk01", "Clerk2026"  # desk.demo.DEMO_OPERATORS, created by make_dali_db
WRITER_REGION = "530102"  # Kunming: outside Dali's 12 county codes, so never one of make_dali_db's numbers
SUMMARY: list[str] = []


def say(line: str) -> None:
    print(line, flush=True)


def figure(line: str) -> None:
    SUMMARY.append(line)
    say("  " + line)


# ---------------------------------------------------------------- the writer (another process, its own Desk)


def _writer(path: str, every: float, stop, ready, commits, failures, slowest) -> None:
    from desk.core.idnumber import make_id_number
    from desk.services import operators, persons

    desk = Desk.open(path)
    clerk = operators.authenticate(desk, username=WRITER_USER, password=WRITER_PASSWORD)
    rng = random.Random(os.getpid())
    ready.set()
    next_at = time.monotonic()
    while not stop.is_set():
        birth = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
        form = {"id_number": make_id_number(WRITER_REGION, birth, rng.randrange(1000)), "name": "基准测试"}
        started = time.perf_counter()
        try:
            persons.register_person(desk, clerk, form)
        except persons.PersonExists:
            continue  # drawn twice: draw again at once
        except Exception as error:
            failures.value += 1
            sys.stderr.write(f"writer: {type(error).__name__}: {error}\n")
        else:
            commits.value += 1
            slowest.value = max(slowest.value, time.perf_counter() - started)
        next_at += every
        stop.wait(max(0.0, next_at - time.monotonic()))
    desk.close()


class Writer:
    def __init__(self, path: Path, every: float) -> None:
        self.every = every
        context = multiprocessing.get_context("spawn")
        self.stop, self.ready = context.Event(), context.Event()
        self.commits, self.failures = context.Value("i", 0), context.Value("i", 0)
        self.slowest = context.Value("d", 0.0)
        self.process = None
        if every > 0:
            self.process = context.Process(target=_writer, args=(str(path), every, self.stop, self.ready,
                                                                   self.commits, self.failures, self.slowest))
            self.process.start()
            if not self.ready.wait(120):
                raise RuntimeError("the writer did not start (login failed?)")

    def mark(self) -> tuple[int, int]:
        return self.commits.value, self.failures.value

    def since(self, mark: tuple[int, int]) -> str:
        if self.process is None:
            return "no writer"
        commits, failures = self.commits.value - mark[0], self.failures.value - mark[1]
        return f"{commits} writer commits" + (f", {failures} writer FAILURES" if failures else "")

    def close(self) -> None:
        if self.process is not None:
            self.stop.set()
            self.process.join(60)


def timed(call):
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def remove(path: Path) -> None:
    for leftover in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


# ---------------------------------------------------------------- 1. backups


def bench_backups(path: Path, writer: Writer, cli_timeout: float, repeat: int) -> None:
    say(f"backups ({'writer running' if writer.process else 'no writer'}), desk and plain alternately, {repeat} each:")
    desk = Desk.open(path)
    plain = path.with_name("bench-plain.db")

    def plain_backup():
        source, target = sqlite3.connect(path), sqlite3.connect(plain)
        source.backup(target)
        target.close()
        source.close()

    desk_runs, plain_runs, syncs, during, goods = [], [], [], [], []
    for _ in range(repeat):
        mark = writer.mark()
        seconds, taken = timed(lambda: backup.backup(desk, None, reason="bench"))
        during.append(writer.since(mark))
        problem = backup.backup_problem(taken.path)
        goods.append(problem)
        size = taken.size
        taken.path.unlink()
        desk_runs.append(seconds)
        remove(plain)
        mark = writer.mark()
        plain_s, _ = timed(plain_backup)
        sync_s, _ = timed(lambda: backup.fsync_file(plain))  # the copy's commit has already synced it
        remove(plain)
        plain_runs.append(plain_s)
        syncs.append(sync_s)
        say(f"    desk {seconds:.2f} s ({during[-1]}, backup_problem {problem!r}); plain {plain_s:.2f} s "
            f"({writer.since(mark)}) + fsync {sync_s:.2f} s")
    runs = lambda values: ", ".join(f"{value:.2f}" for value in values)  # noqa: E731
    figure(f"desk backup: median {statistics.median(desk_runs):.2f} s (runs {runs(desk_runs)}), {size / 2**20:,.0f} MiB, "
           f"writer during each: {'; '.join(during)}; backup_problem: {goods} "
           f"({'all good' if all(g is None for g in goods) else 'NOT ALL GOOD'})")
    figure(f"plain sqlite3 backup: median {statistics.median(plain_runs):.2f} s (runs {runs(plain_runs)}); "
           f"+ fsync {statistics.median(syncs):.2f} s")
    figure(f"ratio desk/plain (medians): {statistics.median(desk_runs) / statistics.median(plain_runs):.2f} (target <= 2)")

    # the same steps as backup._write_checked, each timed (into a scratch file, not a named backup)
    scratch = path.with_name("bench-parts.db")
    remove(scratch)
    moment = datetime.now().replace(microsecond=0)
    copy_s, _ = timed(lambda: backup.copy_online(desk.db.conn, scratch, backup._stamp_of(moment)))
    fsync_s, _ = timed(lambda: backup.fsync_file(scratch))
    backup._write_manifest(scratch, scratch, moment, backup._chain_head(desk.db.conn))
    check_s, problem = timed(lambda: backup.backup_problem(scratch, claimed=moment, deep=False))
    deep_s, deep_problem = timed(lambda: backup.backup_problem(scratch, claimed=moment))
    figure(f"desk backup parts (one more run): online copy {copy_s:.2f} s, fsync {fsync_s:.2f} s, "
           f"check of the copy as written {check_s:.2f} s -> {problem!r}; the deep check each use of a backup runs "
           f"(quick_check) {deep_s:.2f} s -> {deep_problem!r}")
    backup.manifest_path(scratch).unlink(missing_ok=True)
    remove(scratch)
    desk.close()

    cli = shutil.which("sqlite3")
    if cli is None:
        figure("sqlite3 CLI .backup: not installed")
        return
    version = subprocess.run([cli, "--version"], capture_output=True, text=True).stdout.split()[0]
    mark = writer.mark()
    started = time.perf_counter()
    try:
        done = subprocess.run([cli, str(path), f".backup '{plain}'"], capture_output=True, text=True,
                              timeout=cli_timeout)
        cli_s = time.perf_counter() - started
        note = "" if done.returncode == 0 else f", exit {done.returncode}: {done.stderr.strip()}"
        figure(f"sqlite3 CLI {version} .backup: {cli_s:.2f} s ({writer.since(mark)} during it){note}")
    except subprocess.TimeoutExpired:
        figure(f"sqlite3 CLI {version} .backup: did NOT finish in {cli_timeout:.0f} s ({writer.since(mark)} during "
               "it; it copies 100 pages a step and restarts when another connection writes)")
    remove(plain)


# ---------------------------------------------------------------- 2. the start-up check


def bench_start_check(path: Path, writer: Writer) -> None:
    say("start-up check, check_at_start(full_check=False), 3 runs:")
    runs = []
    mark = writer.mark()
    for _ in range(3):
        seconds, result = timed(lambda: startup.check_at_start(path, full_check=False))
        if result.desk is None:
            figure(f"check_at_start REFUSED the file: {result.problems} {result.fault}")
            return
        result.desk.close()
        runs.append(seconds)
        say(f"    {seconds:.2f} s, problems {result.problems}")
    figure(f"start-up check: median {statistics.median(runs):.2f} s (runs {', '.join(f'{s:.2f}' for s in runs)}; "
           f"target < 2 s; {writer.since(mark)} during the 3 runs)")
    opens, starts, quicks = [], [], []
    for _ in range(3):
        open_s, desk = timed(lambda: Desk.open(path))
        start_s, found = timed(lambda desk=desk: integrity.start_problems(desk))
        quick_s, answer = timed(lambda desk=desk: desk.db.conn.execute("PRAGMA quick_check").fetchone()[0])
        entries = desk.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
        point = desk.verified_file()
        desk.close()
        opens.append(open_s)
        starts.append(start_s)
        quicks.append(quick_s)
    figure(f"start-up check parts (median of 3): Desk.open {statistics.median(opens) * 1000:.0f} ms, "
           f"integrity.start_problems {statistics.median(starts) * 1000:.0f} ms -> {found!r} ({entries:,} audit "
           f"entries, verified point {'kept' if point and point.exists() else 'none: the newest 50,000 checked'}); "
           f"for comparison the whole-file PRAGMA quick_check (no longer before the login) "
           f"{statistics.median(quicks):.2f} s -> {answer!r}")


# ---------------------------------------------------------------- 3. the full check


def bench_full_check(path: Path, writer: Writer) -> None:
    say("full check:")
    mark = writer.mark()
    seconds, done = timed(lambda: subprocess.run([sys.executable, "-m", "desk", "check", "--db", str(path)],
                                                 capture_output=True, text=True))
    try:
        report = json.loads(done.stdout)
        outline = (f"sound {report.get('sound')}, audit entries {report.get('audit_entries_checked')}, "
                   f"records checked {report.get('records_checked')}, record problems "
                   f"{report.get('record_problems_total', len(report['records']) if isinstance(report.get('records'), list) else 0)}, "
                   f"database {str(report.get('database'))[:80]}")
    except (json.JSONDecodeError, KeyError, TypeError):
        outline = f"output not JSON: {done.stdout[:200]!r} {done.stderr[-500:]!r}"
    figure(f"python -m desk check: {seconds:.1f} s wall, exit {done.returncode} ({outline}; {writer.since(mark)})")
    if done.stderr.strip():
        say("    stderr: " + done.stderr.strip()[-1000:])

    mark = writer.mark()
    parts = {}
    open_s, desk = timed(lambda: Desk.open_read_only(path))
    parts["Desk.open_read_only"] = open_s
    parts["PRAGMA integrity_check"], rows = timed(lambda: desk.db.execute("PRAGMA integrity_check").fetchall())
    parts["PRAGMA foreign_key_check"], fks = timed(lambda: desk.db.execute("PRAGMA foreign_key_check").fetchall())
    parts["head_problems"], heads = timed(lambda: integrity.head_problems(desk))
    parts["verify_chain"], (entries, broken) = timed(
        lambda: integrity.verify_chain(desk.db, desk.keys.audit_key, desk.keys.keyed_from))
    parts["trigger_problems"], triggers = timed(lambda: integrity.trigger_problems(desk.db))
    parts["audited_seals"], audited = timed(lambda: seals_store.audited_seals(desk.db))
    unaudited = {}
    for record_type in seals_store.SEALED:
        def count(record_type=record_type):
            checked = missing = 0
            for row_id, row_seal in seals_store.sealed_rows(desk.db, record_type):
                checked += 1
                entry = audited.get((record_type, row_id))
                missing += entry is None or (entry.seal is not None and entry.seal != row_seal)
            return checked, missing
        parts[f"seals {record_type}"], unaudited[record_type] = timed(count)
    parts["voucher codes"], _ = timed(lambda: integrity._voucher_problems(desk))
    parts["four eyes"], _ = timed(lambda: integrity._four_eyes_problems(desk))
    parts["non_canonical_persons"], odd = timed(lambda: non_canonical_persons(desk.db))
    desk.close()
    total = sum(parts.values())
    say(f"    integrity_check {[r[0] for r in rows][:3]}, {len(fks)} foreign key errors, head {heads}, "
        f"{entries} audit entries, chain break {broken}, {len(triggers)} trigger problems, "
        f"{len(odd)} non-canonical ID numbers")
    say("    sealed rows (checked, without a matching audit entry): "
        + ", ".join(f"{kind} {c:,}/{m:,}" for kind, (c, m) in unaudited.items() if c))
    seal_s = sum(s for name, s in parts.items() if name.startswith("seals ") or name == "audited_seals")
    figure(f"check_database in-process, by parts: {total:.1f} s ({writer.since(mark)}): "
           + ", ".join(f"{name} {s:.1f}" for name, s in parts.items() if s >= 0.05 or name.startswith("PRAGMA"))
           + f" (record seals together {seal_s:.1f} s)")


def append_audit_entries(path: Path, count: int) -> None:
    """A chain as long as a busy office writes in months: `count` keyed entries through Desk.audit."""
    desk = Desk.open(path)
    started = time.perf_counter()
    with desk.transaction():
        for number in range(count):
            desk.audit(None, "bench.entry", None, None, {"n": number})
    say(f"appended {count:,} keyed audit entries in {time.perf_counter() - started:.1f} s")
    desk.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--write-every", type=float, default=2.0, help="seconds between writes; 0: no writer")
    parser.add_argument("--repeat", type=int, default=3, help="desk and plain backups, each")
    parser.add_argument("--cli-timeout", type=float, default=300.0, help="give up on the sqlite3 CLI backup after")
    parser.add_argument("--only", choices=("backup", "start", "check"), action="append",
                        help="run only these parts (repeatable)")
    parser.add_argument("--audit-entries", type=int, default=0,
                        help="first append this many keyed audit entries (a long chain for the start-up check)")
    args = parser.parse_args()
    path = args.path.resolve()
    if not path.exists():
        parser.error(f"{path} does not exist (build it with bench/make_dali_db.py)")
    only = set(args.only or ("backup", "start", "check"))
    say(f"{path}: {path.stat().st_size / 2**20:,.0f} MiB ({path.stat().st_size:,} bytes); Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs; "
        f"writer: register_person every {args.write_every} s in another process")
    if args.audit_entries:
        append_audit_entries(path, args.audit_entries)
    writer = Writer(path, args.write_every)
    try:
        if "backup" in only:
            bench_backups(path, writer, args.cli_timeout, args.repeat)
        if "start" in only:
            bench_start_check(path, writer)
        if "check" in only:
            bench_full_check(path, writer)
    finally:
        writer.close()
    say(f"writer: {writer.commits.value} commits, {writer.failures.value} failures, slowest commit "
        f"{writer.slowest.value * 1000:.0f} ms")
    say("summary:")
    for line in SUMMARY:
        say("  " + line)


if __name__ == "__main__":
    main()
