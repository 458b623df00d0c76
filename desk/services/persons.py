"""Persons: search, register, update (a new version each time, the old ones kept)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from desk.core import inputs
from desk.core.errors import NotFound, Refused, ValidationError
from desk.core.idnumber import IdNumberError, canonical_text, parse_id_number
from desk.core.person import validate_person_form
from desk.services.context import Desk, Operator
from desk.store import enrolments as enrolment_store
from desk.store import persons as store

SEARCH_LIMIT = 50


class PersonExists(Refused):
    """该证件号码已经登记过。"""

    code = "person_exists"

    def __init__(self, person: dict):
        self.person_id = person["id"]
        super().__init__(
            f"证件号码 {person['id_number']} 已登记为“{person['name']}”，已为您打开其记录，请勿重复登记。",
            field="id_number",
        )


@dataclass(frozen=True)
class PersonSummary:
    id: int
    name: str
    id_number: str
    sex: str
    birth_date: str
    phone: str | None
    personal_number: str | None


@dataclass(frozen=True)
class GroupClaim:
    """A subsidy group the person belongs to, with the proving document's reference."""

    code: str
    document: str


@dataclass(frozen=True)
class PersonRecord:
    """The person's current details (version `version`), their subsidy groups and enrolments."""

    id: int
    id_type: str
    id_number: str
    name: str
    sex: str | None
    birth_date: str | None
    native_region: str | None
    ethnicity: str | None
    phone: str | None
    household_type: str | None
    township: str | None
    village: str | None
    address: str | None
    personal_number: str | None
    version: int
    groups: tuple[GroupClaim, ...]
    #: The stored enrolment rows, newest year first (rows of the enrolments table).
    enrolments: tuple[dict, ...] = field(default_factory=tuple)


def _summary(row: dict) -> PersonSummary:
    return PersonSummary(
        row["id"], row["name"], row["id_number"], row["sex"], row["birth_date"], row["phone"], row["personal_number"]
    )


def _record(row: dict, enrolments: tuple[dict, ...]) -> PersonRecord:
    groups = tuple(GroupClaim(item["code"], item.get("document") or "") for item in json.loads(row["groups_json"]))
    return PersonRecord(
        id=row["id"], id_type=row["id_type"], id_number=row["id_number"], name=row["name"], sex=row["sex"],
        birth_date=row["birth_date"], native_region=row["native_region"], ethnicity=row["ethnicity"], phone=row["phone"],
        household_type=row["household_type"], township=row["township"], village=row["village"], address=row["address"],
        personal_number=row["personal_number"], version=row["version"], groups=groups, enrolments=enrolments,
    )


def known_groups(desk: Desk) -> dict[str, str]:
    """The subsidy groups of the office's pack: code → name."""
    pack = desk.packs.get(desk.setting("default_pack"))
    if not pack.has("subsidies"):
        return {}
    return {group["code"]: group["name"] for group in pack.section("subsidies")["groups"]}


def search_kind(text: str) -> str:
    value = canonical_text(text or "")
    if re.fullmatch(r"1[3-9][0-9]{9}", value):
        return "phone"
    if re.fullmatch(r"[0-9]{6,17}[0-9X]?", value):
        return "id_number"
    return "name"


def search_persons(desk: Desk, operator: Operator, text: str, *, limit: int = SEARCH_LIMIT, offset: int = 0) -> list[PersonSummary]:
    """By ID number (exact, 15 or 18 digits; or a prefix), by phone, or by the beginning of the name."""
    operator.require("person.search")
    value = inputs.text(text, "search", "查询内容")
    if not value:
        return []
    kind = search_kind(value)
    if kind != "name":
        value = canonical_text(value)
    if kind == "phone":
        rows = store.persons_by_phone(desk.db, value, limit)
    elif kind == "id_number":
        rows = _search_id(desk, value, limit)
    else:
        rows = store.persons_by_name_prefix(desk.db, value, limit, offset)
    return [_summary(row) for row in rows]


def _search_id(desk: Desk, value: str, limit: int) -> list[dict]:
    if len(value) in (15, 18):
        try:
            info = parse_id_number(value, desk.today())
        except IdNumberError:
            info = None
        if info:
            row = store.person_by_id_number(desk.db, info.id_number)
            return [row] if row else []
    return store.persons_by_id_prefix(desk.db, value.upper(), limit)


def find_by_id_number(desk: Desk, operator: Operator, id_number: str) -> PersonRecord | None:
    operator.require("person.search")
    info = parse_id_number(id_number, desk.today())
    row = store.person_by_id_number(desk.db, info.id_number)
    return get_person(desk, operator, row["id"]) if row else None


def get_person(desk: Desk, operator: Operator, person_id: int) -> PersonRecord:
    operator.require("person.search")
    row = store.get_person(desk.db, person_id)
    if row is None:
        raise NotFound("没有找到这位参保人。")
    return _record(row, tuple(enrolment_store.enrolments_of(desk.db, person_id)))


def register_person(desk: Desk, operator: Operator, form: dict) -> PersonRecord:
    """A new person. A known ID number is never registered twice: PersonExists carries the existing id."""
    operator.require("person.write")
    clean, problems = validate_person_form(form, known_groups(desk), desk.today())
    if problems:
        raise ValidationError(problems)
    with desk.transaction():
        existing = store.person_by_id_number(desk.db, clean.id_number)
        if existing:
            raise PersonExists(existing)
        row = clean.as_row()
        person_id = store.insert_person(desk.db, row, at=desk.timestamp(), region_code=_office_region(desk))
        store.insert_version(desk.db, person_id, 1, row, at=desk.timestamp(), operator_id=operator.id)
        desk.audit(operator, "person.register", "person", person_id, {"new": row})
    return get_person(desk, operator, person_id)


def update_person(desk: Desk, operator: Operator, person_id: int, form: dict) -> PersonRecord:
    """Change a person's details: a new version; the ID number itself cannot change here."""
    operator.require("person.write")
    clean, problems = validate_person_form(form, known_groups(desk), desk.today())
    if problems:
        raise ValidationError(problems)
    with desk.transaction():
        current = store.get_person(desk.db, person_id)
        if current is None:
            raise NotFound("没有找到这位参保人。")
        if clean.id_number != current["id_number"]:
            raise ValidationError.single(
                "id_number", "immutable", "证件号码不能在此修改：号码有误的，请按证件号码变更业务另行办理。"
            )
        row = clean.as_row()
        changed = {key: {"old": current[key], "new": value} for key, value in row.items() if current[key] != value}
        if not changed:
            return get_person(desk, operator, person_id)
        version = store.update_person(desk.db, person_id, row, at=desk.timestamp())
        store.insert_version(desk.db, person_id, version, row, at=desk.timestamp(), operator_id=operator.id)
        desk.audit(operator, "person.update", "person", person_id, {"version": version, "changed": changed})
    return get_person(desk, operator, person_id)


def _office_region(desk: Desk) -> str:
    return desk.packs.get(desk.setting("default_pack")).region_code
