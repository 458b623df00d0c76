"""Read-only helpers the screens need and the business services do not offer (yet).

Everything here is a query: no writes, no policy arithmetic beyond asking the core.
"""

from __future__ import annotations

from dataclasses import dataclass

from desk.core.enrolment import benefit_year_collected
from desk.core.money import format_amount
from desk.services import vouchers
from desk.services.context import Desk, Operator
from desk.services.enrolment import SCHEME_NAMES, enrolment_amounts
from desk.store import enrolments as enrolment_store
from desk.store import operators as operator_store
from desk.store import vouchers as voucher_store

STATUS_NAMES = {"active": "有效", "cancelled": "已作废"}


@dataclass(frozen=True)
class PackStatus:
    id: str
    version: str
    title: str
    provisional: bool


@dataclass(frozen=True)
class HistoryRow:
    enrolment_id: int
    year: int
    scheme_name: str
    payable: str
    benefit_start: str
    status: str
    status_name: str
    operator_name: str
    created_at: str
    cancel_reason: str | None
    origin: str = "local"


def default_pack_status(desk: Desk) -> PackStatus:
    """The office's default pack, and whether any of its values is still provisional (暂定)."""
    pack = desk.packs.get(desk.setting("default_pack"))
    provisional = any(section.is_provisional() for section in pack.sections.values())
    return PackStatus(pack.id, pack.version, pack.title, provisional)


def default_benefit_year(desk: Desk) -> int:
    """The benefit year being collected today under the office's default pack."""
    return benefit_year_collected(desk.packs.get(desk.setting("default_pack")), desk.today())


def _operator_name(desk: Desk, operator_id: int | None, cache: dict) -> str:
    if operator_id is None:
        return ""
    if operator_id not in cache:
        row = operator_store.operator_by_id(desk.db, operator_id)
        cache[operator_id] = row["display_name"] if row else str(operator_id)
    return cache[operator_id]


def enrolment_history(desk: Desk, operator: Operator, person_id: int) -> list[HistoryRow]:
    """The person's enrolments, newest year first, with the operator's name and amounts as text."""
    operator.require("person.search")
    names: dict = {}
    rows = []
    for row in enrolment_store.enrolments_of(desk.db, person_id):
        rows.append(
            HistoryRow(
                enrolment_id=row["id"],
                year=row["year"],
                scheme_name=SCHEME_NAMES.get(row["scheme"], row["scheme"]),
                payable=format_amount(enrolment_amounts(row)["payable"]) if row["origin"] == "local" else "—",
                benefit_start=row["benefit_start"] or "",
                status=row["status"],
                status_name=STATUS_NAMES.get(row["status"], row["status"])
                + ("" if row["origin"] == "local" else "（外部导入记录）"),
                operator_name=_operator_name(desk, row["operator_id"], names),
                created_at=(row["created_at"] or "").replace("T", " ")[:16],
                cancel_reason=row.get("cancel_reason"),
                origin=row["origin"],
            )
        )
    return rows


def person_vouchers(desk: Desk, operator: Operator, person_id: int) -> list[dict]:
    """Every voucher issued for the person: certificates and the receipts of their enrolments, newest first."""
    operator.require("person.search")
    found = list(vouchers.vouchers_of(desk, "person", person_id))
    for row in enrolment_store.enrolments_of(desk.db, person_id):
        found.extend(vouchers.vouchers_of(desk, "enrolment", row["id"]))
    return sorted(found, key=lambda item: (item["created_at"], item["number"]), reverse=True)



def next_copy_number(desk: Desk, number: str) -> int:
    """0 when the voucher has never been printed (the next print is the original), else the 补打 count to come."""
    row = voucher_store.voucher_by_number(desk.db, (number or "").strip().upper())
    return voucher_store.print_count(desk.db, row["id"]) if row else 0
