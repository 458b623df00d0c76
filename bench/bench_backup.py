"""Backup under a writer (issue 11, item 5): a desk database padded to SIZE_MB, a writer committing
every WRITE_MS, one `desk.services.backup.backup`; compared with a plain one-step sqlite3 backup of
the same file. Usage: python bench/bench_backup.py [SIZE_MB] [WRITE_MS]"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

from desk.services import backup
from desk.services.context import Desk


def main(size_mb: int = 100, write_ms: float = 5) -> None:
    folder = Path(tempfile.mkdtemp())
    path = folder / "desk.db"
    desk = Desk.open(path)
    desk.db.execute("CREATE TABLE filler (x BLOB)")
    desk.db.execute(f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {size_mb * 50})"
                    " INSERT INTO filler SELECT randomblob(20000) FROM n")
    desk.db.conn.commit()
    stop, writes = threading.Event(), [0]

    def writer():
        other = sqlite3.connect(path, timeout=10)
        while not stop.is_set():
            other.execute("INSERT INTO filler VALUES (randomblob(200))")
            other.commit()
            writes[0] += 1
            time.sleep(write_ms / 1000)
        other.close()

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.2)
    started = time.perf_counter()
    taken = backup.backup(desk, None, reason="bench")
    seconds = time.perf_counter() - started
    during = writes[0]
    plain_started = time.perf_counter()
    target = sqlite3.connect(folder / "plain.db")
    sqlite3.connect(path).backup(target)
    target.close()
    plain = time.perf_counter() - plain_started
    stop.set()
    thread.join()
    print(f"database {path.stat().st_size / 1e6:.0f} MB; desk backup {seconds:.2f} s (checked, fsynced, renamed) "
          f"with a writer every {write_ms} ms ({during} commits during the run); plain sqlite3 backup {plain:.2f} s; "
          f"backup {taken.size / 1e6:.0f} MB, good: {backup.backup_problem(taken.path) is None}")
    desk.close()


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
