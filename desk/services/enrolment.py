"""Enrolment (参保登记): quote, enrol, cancel, and the enrolment certificate."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desk.core import inputs
from desk.core.enrolment import SCHEME_NAMES, Quote, QuoteRequest, quote_enrolment
from desk.core.errors import NotFound, Refused, ValidationError
from desk.core.money import from_fen, to_fen
from desk.core.packs import Pack
from desk.core.standards import contribution_provenance, group_provenance
from desk.services import vouchers
from desk.services.context import Desk, Operator
from desk.services.quoting import (
    check_arrears,
    check_year,
    quote_from_json,  # noqa: F401 - the headless contract, also reached from here
    resident_pack,
)
from desk.store import enrolments as store
from desk.store import persons as person_store

PROVISIONAL_LABELS = {
    "contribution": "个人缴费标准",
    "subsidies": "资助参保标准",
    "collection": "集中参保期",
    "waiting_period": "待遇等待期规则",
}


@dataclass(frozen=True)
class EnrolmentResult:
    enrolment_id: int
    quote: Quote
    receipt: vouchers.IssuedVoucher


@dataclass(frozen=True)
class Enrolment:
    """One enrolment as the ledger holds it: amounts in yuan, dates and times as stored (ISO text).
    An imported (external) record has no amounts (0.00) and no payment date."""

    id: int
    person_id: int
    scheme: str
    scheme_name: str
    year: int
    region_code: str
    pack_id: str | None
    subsidy_group: str | None
    individual: Decimal
    subsidy: Decimal
    payable: Decimal
    paid_on: str | None
    benefit_start: str | None
    benefit_end: str | None
    origin: str
    status: str
    operator_id: int | None
    operator_name: str
    created_at: str | None
    cancelled_at: str | None
    cancel_reason: str | None


def _enrolment(row: dict) -> Enrolment:
    """The typed enrolment of a stored row; `operator_name` when the row carries it (else the id as text)."""
    operator_id = row["operator_id"]
    name = row.get("operator_name") or ("" if operator_id is None else str(operator_id))
    return Enrolment(
        id=row["id"], person_id=row["person_id"], scheme=row["scheme"],
        scheme_name=SCHEME_NAMES.get(row["scheme"], row["scheme"]), year=row["year"], region_code=row["region_code"],
        pack_id=row["pack_id"], subsidy_group=row["subsidy_group"], individual=from_fen(row["individual_fen"]),
        subsidy=from_fen(row["subsidy_fen"]), payable=from_fen(row["payable_fen"]), paid_on=row["paid_on"],
        benefit_start=row["benefit_start"], benefit_end=row["benefit_end"], origin=row["origin"], status=row["status"],
        operator_id=operator_id, operator_name=name, created_at=row["created_at"], cancelled_at=row["cancelled_at"],
        cancel_reason=row["cancel_reason"],
    )


def _person_groups(person: dict) -> tuple[str, ...]:
    return tuple(item["code"] for item in json.loads(person["groups_json"]))


def quote_for_person(
    desk: Desk,
    operator: Operator,
    *,
    person_id: int,
    year: int,
    paid_on: date,
    pack_id: str | None = None,
    newborn: bool = False,
    employee_ended_on: date | None = None,
    arrears_years: int = 0,
) -> Quote:
    """What the person pays and from when benefits apply; nothing is written."""
    operator.require("person.search")
    person = _person(desk, person_id)
    return _quote(desk, person, year=year, paid_on=paid_on, pack_id=pack_id, newborn=newborn,
                  employee_ended_on=employee_ended_on, arrears_years=arrears_years)


def _person(desk: Desk, person_id) -> dict:
    person = person_store.get_person(desk.db, inputs.record_id(person_id, "person", "参保人"))
    if person is None:
        raise NotFound("没有找到这位参保人。")
    return person


def _quote(desk: Desk, person: dict, *, year, paid_on, pack_id, newborn, employee_ended_on, arrears_years,
           listed_last_year: int | None = None) -> Quote:
    """The quote for a person already read; every other input is checked here, once. `listed_last_year`
    (a 集中参保 list's 上次参保年度) counts only when desk holds no earlier enrolment of the person."""
    paid_on = inputs.day(paid_on, "paid_on", "缴费日期")
    employee_ended_on = inputs.optional_day(employee_ended_on, "employee_ended_on", "职工医保中断日期")
    newborn = inputs.flag(newborn, "newborn", "新生儿")
    if pack_id is not None:
        pack_id = inputs.text(pack_id, "pack", "政策包")
    year = check_year(year)
    pack = resident_pack(desk.packs, pack_id or desk.setting("default_pack"), year)
    request = QuoteRequest(
        year=year,
        birth_date=date.fromisoformat(person["birth_date"]),
        paid_on=paid_on,
        groups=_person_groups(person),
        last_enrolled_year=last_enrolled_year(desk, person["id"], year, listed_last_year),
        newborn=newborn,
        employee_ended_on=employee_ended_on,
        arrears_years=check_arrears(arrears_years),
    )
    return quote_enrolment(pack, request)


def last_enrolled_year(desk: Desk, person_id: int, year: int, listed: int | None = None) -> int | None:
    """The last year before `year` the person was enrolled: desk's own records; a listed year only when they have none."""
    held = store.last_enrolled_year(desk.db, person_id, year)
    return held if held is not None else listed


def _held(desk: Desk, person_id: int, year: int) -> dict | None:
    """The active enrolment of `year` that a new one would double: an employee insurance first, then a resident one."""
    return (store.active_enrolment(desk.db, person_id, "employee", year)
            or store.active_enrolment(desk.db, person_id, "resident", year))


def held_enrolment(desk: Desk, operator: Operator, *, person_id: int, year: int) -> Enrolment | None:
    """The enrolment already held for `year` that makes another one for that year a double enrolment (which
    `enrol` refuses), or None; nothing is written."""
    operator.require("person.search")
    row = _held(desk, inputs.record_id(person_id, "person", "参保人"), check_year(year))
    return _enrolment(row) if row else None


def _refuse_double_enrolment(desk: Desk, person: dict, year: int) -> None:
    held = _held(desk, person["id"], year)
    if held and held["scheme"] == "employee":
        raise Refused(
            f"{person['name']}{year}年度已参加职工基本医疗保险（参保地 {held['region_code']}），"
            "一人一年只能参加一种基本医疗保险，不能再参加居民医保（避免重复参保）。",
            field="year",
        )
    if held:
        raise Refused(
            f"{person['name']}已于{held['created_at'][:10]}办理{year}年度城乡居民医保参保登记"
            f"（登记序号 {held['id']}，待遇自{held['benefit_start']}起），不能重复登记；"
            "如原登记有误，请审核员先作废原登记。",
            field="year",
        )


def enrol(
    desk: Desk,
    operator: Operator,
    *,
    person_id: int,
    year: int,
    paid_on: date,
    pack_id: str | None = None,
    newborn: bool = False,
    employee_ended_on: date | None = None,
    arrears_years: int = 0,
    listed_last_year: int | None = None,
) -> EnrolmentResult:
    """Record the enrolment and issue its receipt, in one transaction with its audit entry. `listed_last_year`:
    the 上次参保年度 a 集中参保 list gives (services.batch_import), used only when desk knows no earlier year."""
    operator.require("enrolment.create")
    paid_on = inputs.day(paid_on, "paid_on", "缴费日期")
    if paid_on > desk.today():
        raise ValidationError.single("paid_on", "future", "缴费日期不能晚于今天，请核对。")
    with desk.transaction():
        person = _person(desk, person_id)
        _refuse_double_enrolment(desk, person, check_year(year))
        quote = _quote(desk, person, year=year, paid_on=paid_on, pack_id=pack_id, newborn=newborn,
                       employee_ended_on=employee_ended_on, arrears_years=arrears_years,
                       listed_last_year=listed_last_year)
        pack = desk.packs.get(quote.pack_id)
        row = _enrolment_row(desk, operator, person, pack, quote, paid_on)
        enrolment_id = store.insert_enrolment(desk.db, row)
        receipt = vouchers.issue(
            desk, operator, doc_type="enrolment_receipt", record_type="enrolment", record_id=enrolment_id,
            payload=receipt_payload(person, pack, quote, paid_on),
        )
        desk.audit(operator, "enrolment.create", "enrolment", enrolment_id, {"enrolment": row, "receipt": receipt.number})
    return EnrolmentResult(enrolment_id, quote, receipt)


def _enrolment_row(desk: Desk, operator: Operator, person: dict, pack: Pack, quote: Quote, paid_on: date) -> dict:
    applied = [
        {"code": g.code, "name": g.name, "applicable": g.applicable, "amount": str(g.amount), "reason": g.reason}
        for g in quote.groups
    ]
    return {
        "person_id": person["id"],
        "scheme": "resident",
        "year": quote.year,
        "region_code": pack.region_code,
        "pack_id": pack.id,
        "pack_version": pack.version,
        "groups_json": json.dumps(applied, ensure_ascii=False),
        "subsidy_group": quote.subsidy_group,
        "individual_fen": to_fen(quote.individual),
        "subsidy_fen": to_fen(quote.subsidy),
        "payable_fen": to_fen(quote.payable),
        "paid_on": paid_on.isoformat(),
        "benefit_start": quote.benefit_start.isoformat(),
        "benefit_end": date(quote.year, 12, 31).isoformat(),
        "waiting_months": quote.waiting_months,
        "start_reason": quote.reason,
        "provisional_json": json.dumps(list(quote.provisional)),
        "origin": "local",
        "status": "active",
        "operator_id": operator.id,
        "window": desk.setting("window"),
        "created_at": desk.timestamp(),
    }


def receipt_payload(person: dict, pack: Pack, quote: Quote, paid_on: date) -> dict:
    documents = {item["code"]: item["document"] for item in json.loads(person["groups_json"])}
    return {
        "person": {"name": person["name"], "id_type": person["id_type"], "id_number": person["id_number"], "sex": person["sex"]},
        "enrolment": {
            "year": quote.year,
            "scheme_name": SCHEME_NAMES["resident"],
            "region_code": pack.region_code,
            "region_name": pack.region_name,
            "pack_id": pack.id,
            "pack_version": pack.version,
            "groups_applied": [
                {"code": g.code, "name": g.name, "document": documents.get(g.code, "")}
                for g in quote.groups if g.applicable and g.code == quote.subsidy_group
            ],
            "groups_not_applicable": [{"code": g.code, "name": g.name, "reason": g.reason} for g in quote.groups if not g.applicable],
            "individual": str(quote.individual),
            "subsidy": str(quote.subsidy),
            "subsidy_group_name": quote.subsidy_group_name,
            "payable": str(quote.payable),
            "paid_on": paid_on.isoformat(),
            "benefit_start": quote.benefit_start.isoformat(),
            "waiting_months": quote.waiting_months,
            "reason": quote.reason,
            "provisional": [PROVISIONAL_LABELS[name] for name in quote.provisional],
            "standard_sources": standard_sources(pack, quote),
        },
    }


def standard_sources(pack: Pack, quote: Quote) -> dict:
    """Where the year's contribution (and the applied subsidy) come from, for the receipt."""
    sources = {"individual": contribution_provenance(pack, quote.year).source}
    if quote.subsidy_group:
        sources["subsidy"] = group_provenance(pack, quote.subsidy_group, quote.year).source
    return sources


def cancel_enrolment(desk: Desk, operator: Operator, *, enrolment_id: int, reason: str) -> Enrolment:
    """A reviewer marks a mistaken enrolment cancelled, with the reason; the record stays."""
    operator.require("enrolment.cancel")
    enrolment_id = inputs.record_id(enrolment_id, "enrolment", "参保登记")
    reason = inputs.text(reason, "reason", "作废原因")
    if len(reason) < 2:
        raise ValidationError.single("reason", "required", "请填写作废原因（至少2个字）。")
    with desk.transaction():
        row = store.get_enrolment(desk.db, enrolment_id)
        if row is None:
            raise NotFound("没有找到这条参保登记。")
        if row["status"] != "active":
            raise Refused(f"这条参保登记已于{row['cancelled_at'][:10]}作废，不能重复作废。")
        if row["origin"] != "local":
            raise Refused("职工医保等外部导入的参保记录不能在本窗口作废。")
        store.cancel_enrolment(desk.db, enrolment_id, at=desk.timestamp(), operator_id=operator.id, reason=reason)
        desk.audit(operator, "enrolment.cancel", "enrolment", enrolment_id, {"reason": reason})
        return _enrolment(store.get_enrolment(desk.db, enrolment_id))


def certificate_payload(desk: Desk, person: dict) -> dict:
    """The 参保凭证 from the enrolments held locally: active ones, oldest first; 12 months per paid year."""
    rows = [row for row in reversed(store.enrolments_of(desk.db, person["id"])) if row["status"] == "active"]
    periods = [
        {
            "year": row["year"],
            "scheme_name": SCHEME_NAMES[row["scheme"]],
            "from": row["benefit_start"],
            "to": row["benefit_end"],
            "months_paid": 12,
            "status": "正常参保" if row["origin"] == "local" else "职工医保（外部记录）",
        }
        for row in rows
    ]
    latest = rows[-1] if rows else None
    pack = desk.packs.get(desk.setting("default_pack"))
    return {
        "person": {
            "name": person["name"], "sex": person["sex"], "id_type": person["id_type"],
            "id_number": person["id_number"], "personal_number": person["personal_number"],
        },
        "scheme_name": SCHEME_NAMES[latest["scheme"]] if latest else SCHEME_NAMES["resident"],
        "region_code": latest["region_code"] if latest else pack.region_code,
        "region_name": pack.region_name,
        "issuing_office": desk.setting("office_name"),
        "periods": periods,
        "as_of": desk.today().isoformat(),
    }


def issue_certificate(desk: Desk, operator: Operator, *, person_id: int) -> vouchers.IssuedVoucher:
    operator.require("voucher.print")
    with desk.transaction():
        person = _person(desk, person_id)
        issued = vouchers.issue(
            desk, operator, doc_type="enrolment_certificate", record_type="person", record_id=person_id,
            payload=certificate_payload(desk, person),
        )
        desk.audit(operator, "certificate.issue", "person", person_id, {"voucher": issued.number})
    return issued


def record_external_enrolment(
    desk: Desk, operator: Operator, *, person_id: int, scheme: str, year: int, region_code: str
) -> int:
    """An enrolment held elsewhere (an employee insurance, a year before this desk), entered so the
    double-enrolment check and the certificate know of it. No amounts: they were not paid here."""
    operator.require("enrolment.create")
    if scheme not in SCHEME_NAMES:
        raise ValidationError.single("scheme", "unknown", "险种只能是城乡居民医保或职工医保。")
    with desk.transaction():
        person = _person(desk, person_id)
        _refuse_double_enrolment(desk, person, check_year(year))
        row = {
            "person_id": person_id, "scheme": scheme, "year": year, "region_code": region_code,
            "groups_json": "[]", "individual_fen": 0, "subsidy_fen": 0, "payable_fen": 0,
            "benefit_start": date(year, 1, 1).isoformat(), "benefit_end": date(year, 12, 31).isoformat(),
            "start_reason": "外部参保记录", "origin": "imported", "status": "active",
            "operator_id": operator.id, "window": desk.setting("window"), "created_at": desk.timestamp(),
        }
        enrolment_id = store.insert_enrolment(desk.db, row)
        desk.audit(operator, "enrolment.record_external", "enrolment", enrolment_id, {"enrolment": row})
    return enrolment_id


def enrolments_of(desk: Desk, operator: Operator, person_id: int) -> list[Enrolment]:
    """The person's enrolments (cancelled ones too), newest year first, each with its operator's name."""
    operator.require("person.search")
    return [_enrolment(row) for row in store.enrolments_with_operators(desk.db, person_id)]
