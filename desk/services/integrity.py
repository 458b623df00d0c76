"""`desk check`: the database's own integrity and the unbroken audit chain."""

from __future__ import annotations

from dataclasses import dataclass

from desk.services.context import Desk
from desk.store.audit import ChainBreak, verify_chain
from desk.store.db import integrity_problems


@dataclass(frozen=True)
class IntegrityReport:
    database_problems: tuple[str, ...]
    audit_entries_checked: int
    first_break: ChainBreak | None

    @property
    def sound(self) -> bool:
        return not self.database_problems and self.first_break is None

    def as_json(self) -> dict:
        result = {
            "sound": self.sound,
            "database": "ok" if not self.database_problems else list(self.database_problems),
            "audit_entries_checked": self.audit_entries_checked,
        }
        if self.first_break:
            result["first_broken_entry"] = {"id": self.first_break.entry_id, "problem": self.first_break.problem}
        return result


def check_database(desk: Desk) -> IntegrityReport:
    problems = tuple(integrity_problems(desk.db))
    checked, first_break = verify_chain(desk.db)
    return IntegrityReport(problems, checked, first_break)
