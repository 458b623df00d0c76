"""GB/T 2260 region codes, current and historical.

A code that exists or ever existed is valid for any birth date: ID numbers were issued in
the 1980s to people born long before their county's code existed, and a county renamed or
merged since keeps its old code on every card already issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from desk.resources import resource_path


@dataclass(frozen=True)
class RegionName:
    name: str
    first_year: int | None
    last_year: int | None


class RegionTable:
    def __init__(self, entries: dict[str, tuple[RegionName, ...]]):
        self._entries = entries

    def __contains__(self, code: str) -> bool:
        return code in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def name(self, code: str) -> str | None:
        """The most recent name of a code (its name today, or its last name before it was retired)."""
        names = self._entries.get(code)
        if not names:
            return None
        return max(names, key=lambda n: (n.last_year is None, n.last_year or 0)).name

    def full_name(self, code: str) -> str | None:
        """Province, prefecture and county names joined, e.g. 云南省大理白族自治州大理市."""
        if code not in self._entries:
            return None
        parts: list[str] = []
        for parent in (code[:2] + "0000", code[:4] + "00"):
            if parent != code and parent in self._entries:
                parent_name = self.name(parent)
                if parent_name not in ("市辖区", "县"):
                    parts.append(parent_name)
        own = self.name(code)
        if own not in ("市辖区", "县") or not parts:
            parts.append(own)
        return "".join(parts)

    def is_current(self, code: str) -> bool:
        return any(n.last_year is None for n in self._entries.get(code, ()))


def _parse_year(text: str) -> int | None:
    return int(text) if text else None


def parse_region_table(path: Path) -> RegionTable:
    entries: dict[str, list[RegionName]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        # code, name, first_year, last_year; a fifth column (the row's source) is not read
        code, name, first, last = (line.split("\t") + ["", "", ""])[:4]
        entries.setdefault(code, []).append(RegionName(name, _parse_year(first), _parse_year(last)))
    return RegionTable({code: tuple(names) for code, names in entries.items()})


@cache
def region_table() -> RegionTable:
    return parse_region_table(resource_path("data", "gb2260.tsv"))
