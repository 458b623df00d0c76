"""Policy packs: every policy number for one pooling region and scheme, with its source.

A pack is a TOML file in `resources/policies/`. Every section carries `source` and
`status` (`confirmed` or `provisional`); a single value may override both by being written
as `{ value = ..., source = "...", status = "..." }`. Loading validates the whole file
against the schema below; a file that fails is reported by file, key and problem and is
not used, while the other packs keep working. Absent means absent: code asks
`pack.has(section)` and treats a missing section as not covered, never as a default.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from desk.core.errors import DeskError
from desk.core.packs_schema import PROVENANCE_KEYS, SCHEMA, TOP_LEVEL, convert_value

STATUSES = ("confirmed", "provisional")


class PackError(DeskError):
    """政策包文件有误。"""

    code = "pack"

    def __init__(self, file: str, key: str, problem: str):
        self.file, self.key, self.problem = file, key, problem
        super().__init__(f"政策包文件 {file} 中 {key}：{problem}")


class PackNotConfigured(DeskError):
    """政策包未配置这一项。"""

    code = "not_configured"


@dataclass(frozen=True)
class Provenance:
    source: str
    status: str

    @property
    def provisional(self) -> bool:
        return self.status == "provisional"


@dataclass(frozen=True)
class Section:
    name: str
    provenance: Provenance
    values: dict[str, Any]
    value_provenance: dict[str, Provenance] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def provenance_of(self, key: str) -> Provenance:
        return self.value_provenance.get(key, self.provenance)

    def is_provisional(self, key: str | None = None) -> bool:
        if key is None:
            return self.provenance.provisional or any(p.provisional for p in self.value_provenance.values())
        return self.provenance_of(key).provisional


@dataclass(frozen=True)
class Pack:
    id: str
    version: str
    title: str
    scheme: str
    region_code: str
    region_name: str
    effective_from: date
    effective_to: date | None
    sections: dict[str, Section]
    file_name: str

    def has(self, name: str) -> bool:
        return name in self.sections

    def section(self, name: str) -> Section:
        try:
            return self.sections[name]
        except KeyError:
            raise PackNotConfigured(f"政策包 {self.id} 未配置“{name}”。") from None

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def provenance_rows(self) -> list[tuple[str, str, str, str, str]]:
        """(section, key, value, source, status) for every value: what an administrator reviews."""
        rows = []
        for section in self.sections.values():
            for key, value in section.values.items():
                provenance = section.provenance_of(key)
                rows.append((section.name, key, describe_value(value), provenance.source, provenance.status))
        return rows


def describe_value(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "、".join(describe_value(item) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{key}={describe_value(item)}" for key, item in value.items())
    return str(value)


# ---------------------------------------------------------------- loading


def _provenance(file: str, where: str, table: dict) -> Provenance:
    source, status = table.get("source"), table.get("status")
    if not isinstance(source, str) or not source.strip():
        raise PackError(file, f"{where}.source", "缺少来源（source），每一项政策数值都必须注明出处")
    if status not in STATUSES:
        raise PackError(file, f"{where}.status", f"状态必须是 confirmed 或 provisional，现在是 {status!r}")
    return Provenance(source.strip(), status)


def _is_override(value: Any) -> bool:
    return isinstance(value, dict) and "value" in value and set(value) <= PROVENANCE_KEYS | {"value"}


def _load_section(file: str, name: str, table: Any) -> Section:
    if not isinstance(table, dict):
        raise PackError(file, name, "应为一个表（[section]）")
    provenance = _provenance(file, name, table)
    schema = SCHEMA[name]
    values: dict[str, Any] = {}
    overrides: dict[str, Provenance] = {}
    for key, raw in table.items():
        if key in PROVENANCE_KEYS:
            continue
        if key not in schema:
            raise PackError(file, f"{name}.{key}", "未知的键，请检查拼写")
        if _is_override(raw):
            overrides[key] = _provenance(file, f"{name}.{key}", raw)
            raw = raw["value"]
        values[key] = convert_value(file, f"{name}.{key}", schema[key], raw, PackError)
    return Section(name, provenance, values, overrides)


def _required_text(file: str, data: dict, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PackError(file, key, "缺少或为空")
    return value.strip()


def _parse_date(file: str, key: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PackError(file, key, f"日期 {value!r} 不是 YYYY-MM-DD 格式") from None


def parse_pack(data: dict, file: str) -> Pack:
    for key in data:
        if key not in TOP_LEVEL and key not in SCHEMA:
            raise PackError(file, key, "未知的键，请检查拼写")
    pack_id = _required_text(file, data, "id")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", pack_id):
        raise PackError(file, "id", "只能由小写字母、数字和连字符组成")
    scheme = _required_text(file, data, "scheme")
    if scheme not in ("resident", "employee"):
        raise PackError(file, "scheme", "险种必须是 resident 或 employee")
    region = data.get("region")
    if not isinstance(region, dict):
        raise PackError(file, "region", "缺少统筹区（region）表")
    region_section = _load_section(file, "region", region)
    effective_from = _parse_date(file, "effective_from", data.get("effective_from"))
    effective_to = _parse_date(file, "effective_to", data["effective_to"]) if "effective_to" in data else None
    if effective_to and effective_to < effective_from:
        raise PackError(file, "effective_to", "终止日期早于起始日期")
    sections = {name: _load_section(file, name, data[name]) for name in SCHEMA if name in data and name != "region"}
    sections["region"] = region_section
    pack = Pack(
        id=pack_id,
        version=_required_text(file, data, "version"),
        title=_required_text(file, data, "title"),
        scheme=scheme,
        region_code=region_section["code"],
        region_name=region_section["name"],
        effective_from=effective_from,
        effective_to=effective_to,
        sections=sections,
        file_name=file,
    )
    _check_cross_references(pack)
    return pack


def _check_cross_references(pack: Pack) -> None:
    known_groups = {group["code"] for group in pack.sections["subsidies"]["groups"]} if pack.has("subsidies") else None
    if pack.has("waiting_period") and known_groups is not None:
        for code in pack.sections["waiting_period"].get("exempt_groups", []):
            if code not in known_groups:
                raise PackError(pack.file_name, "waiting_period.exempt_groups", f"资助类别 {code} 未在 subsidies.groups 中定义")
    if pack.has("contribution") and not pack.has("collection"):
        raise PackError(pack.file_name, "collection", "配置了缴费标准（contribution）就必须配置集中参保期（collection）")


def load_pack_file(path: Path) -> Pack:
    file = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PackError(file, "(文件)", f"不是有效的 TOML：{error}") from None
    pack = parse_pack(data, file)
    if pack.id != path.stem:
        raise PackError(file, "id", f"政策包编号 {pack.id} 与文件名 {path.stem} 不一致")
    return pack


@dataclass
class PackRegistry:
    packs: dict[str, Pack]
    errors: list[PackError]

    @classmethod
    def load_directory(cls, directory: Path) -> PackRegistry:
        packs: dict[str, Pack] = {}
        errors: list[PackError] = []
        for path in sorted(directory.glob("*.toml")):
            try:
                pack = load_pack_file(path)
            except PackError as error:
                errors.append(error)
                continue
            packs[pack.id] = pack
        return cls(packs, errors)

    def get(self, pack_id: str) -> Pack:
        pack = self.packs.get(pack_id)
        if pack is None:
            broken = [e for e in self.errors if e.file == f"{pack_id}.toml"]
            if broken:
                raise PackNotConfigured(f"政策包 {pack_id} 校验未通过，暂不能使用：{broken[0].message}", field="pack")
            raise PackNotConfigured(f"没有编号为 {pack_id} 的政策包，请核对。", field="pack")
        return pack

    def for_region(self, region_code: str, scheme: str, on: date) -> Pack | None:
        matches = [
            pack
            for pack in self.packs.values()
            if pack.region_code == region_code and pack.scheme == scheme and pack.in_force_on(on)
        ]
        return max(matches, key=lambda pack: pack.effective_from) if matches else None
