"""Login time at the application's scrypt cost (N=2^17, r=8, p=1), through the services.

    python bench/bench_login.py [--runs 7]

Prints the median and max of: a right password, a wrong password and an unknown username (the
last two must cost the same as the first, so timing does not tell whether a username exists), and
a login that rehashes an old N=2^14 hash. A fresh database in a temporary directory.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from desk.services import operators
from desk.services.context import Desk


def timed(call, runs: int) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            call()
        except operators.LoginFailed:
            pass
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), max(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    print(f"scrypt N={operators.SCRYPT_N} r={operators.SCRYPT_R} p={operators.SCRYPT_P}")
    with tempfile.TemporaryDirectory() as folder:
        desk = Desk.open(Path(folder) / "desk.db")
        admin = operators.create_first_administrator(desk, username="admin", display_name="管理", password="Admin2026")
        operators.create_operator(desk, admin, username="clerk01", display_name="李娜", role="clerk",
                                  temporary_password="Clerk2026", require_change=False)
        cases = {
            "right password": lambda: operators.authenticate(desk, username="clerk01", password="Clerk2026"),
            "wrong password": lambda: operators.authenticate(desk, username="admin", password="wrong2026"),
            "unknown username": lambda: operators.authenticate(desk, username="nobody", password="wrong2026"),
        }
        for name, call in cases.items():
            median, worst = timed(call, runs)
            print(f"{name:18} median {median * 1000:6.0f} ms   max {worst * 1000:6.0f} ms")
        app_n, operators.SCRYPT_N = operators.SCRYPT_N, 2**14
        desk.db.execute("UPDATE operators SET password_hash = ? WHERE username = 'clerk01'",
                        [operators.hash_password("Clerk2026")])
        desk.db.conn.commit()
        operators.SCRYPT_N = app_n
        median, _ = timed(cases["right password"], 1)
        print(f"{'rehash 2^14->2^17':18} {median * 1000:6.0f} ms (once)")
        desk.close()


if __name__ == "__main__":
    main()
