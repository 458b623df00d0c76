"""A stream of real user actions against one database, for the crash and concurrency tests.

    python -m tests.safety.writer DB_PATH TAG

Prints "ready" once the database is open, then registers and enrols residents through the
services until it is killed. Every action is one transaction.
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime, timedelta

from desk.core.errors import DeskError
from desk.core.idnumber import make_id_number
from desk.services import enrolment, persons
from desk.services.context import Desk, Operator

COUNTIES = ("532901", "532922", "532923", "532924", "532925", "532926", "532927", "532928", "532929", "532930")


def clerk(desk: Desk) -> Operator:
    """The test creates this account before starting any writer."""
    row = desk.db.execute("SELECT id, username, display_name, role FROM operators WHERE username = 'writer'").fetchone()
    return Operator(*row)


def main(path: str, tag: str) -> None:
    desk = Desk.open(path, clock=lambda: datetime(2026, 3, 10, 9, 30))
    operator = clerk(desk)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    seed = os.getpid() * 7919
    index = 0
    while True:
        index += 1
        number = make_id_number(COUNTIES[index % len(COUNTIES)], date(1940, 1, 1) + timedelta(days=(seed + index * 37) % 30000),
                                (seed + index) % 1000)
        try:
            record = persons.register_person(desk, operator, {"id_number": number, "name": f"测试{tag}", "ethnicity": "汉族"})
            enrolment.enrol(desk, operator, person_id=record.id, year=2026, paid_on=date(2026, 1, 10))
        except DeskError:
            continue


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
