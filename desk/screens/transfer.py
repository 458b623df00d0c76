"""Read-only helpers the 转移接续 tab needs and `desk.services.transfer` does not offer.

Everything here is a query or a plain wording of what the transfer service and the core
already decided: no writes, no dates computed (the tracking flags come from the service).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desk.core.errors import NotFound
from desk.core.idnumber import canonical_text
from desk.core.money import format_amount
from desk.core.regions import region_table
from desk.core.transfer import MOVES, PENSIONS, STATE_NAMES, required_materials, validate_form
from desk.services import persons, transfer, vouchers
from desk.services.context import Desk, Operator

REVIEW_ACTIONS = ("to_out_review", "to_in_review", "complete", "return")


@dataclass(frozen=True)
class TrackingRow:
    """One open transfer as the tracking list shows it."""

    id: int
    query_number: str
    applicant_name: str
    direction_name: str
    route: str
    state: str
    state_name: str
    accepted_on: str
    due_date: str
    provisional: bool
    overdue: bool
    due_soon: bool
    note: str
    operator_name: str
    actions: frozenset[str]


def region_name(code: str) -> str | None:
    """The full name of an existing 6-digit code (云南省昆明市); None otherwise."""
    code = canonical_text(code or "")
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    return region_table().full_name(code)


def scope_of(out_code: str, in_code: str) -> str | None:
    """省内 when both existing codes are in one province, else 跨省; None until both are known."""
    if region_name(out_code) is None or region_name(in_code) is None:
        return None
    return "province" if canonical_text(out_code)[:2] == canonical_text(in_code)[:2] else "national"


def office_place(desk: Desk) -> dict:
    """This office as a transfer place: the default pack's region and the office settings."""
    pack = desk.packs.get(desk.setting("default_pack"))
    return {"region_code": pack.region_code, "office": desk.setting("office_name") or "",
            "phone": desk.setting("office_phone") or "", "address": desk.setting("office_address") or ""}


def working_days(desk: Desk) -> int | None:
    pack = desk.packs.get(desk.setting("default_pack"))
    return pack.section("transfer")["working_days"] if pack.has("transfer") else None


def applicant_from_person(desk: Desk, operator: Operator, person_id: int) -> dict:
    """The applicant part of the form, filled from a registered person."""
    data = persons.get_person(desk, operator, person_id).data
    household = "".join(part for part in (data.get("township"), data.get("village")) if part)
    return {
        "id_type": data.get("id_type") or "居民身份证", "id_number": data.get("id_number") or "",
        "name": data.get("name") or "", "sex": data.get("sex") or "", "phone": data.get("phone") or "",
        "household_place": household or data.get("address") or "", "address": data.get("address") or "",
        "personal_number": data.get("personal_number") or "",
    }


def check_form(desk: Desk, form: dict) -> dict:
    """The core's own check of the whole form, as `transfer.apply` will run it (every problem at
    once, as ValidationError); nothing is written. Lets the tab show problems before it asks
    about missing materials."""
    pack = desk.packs.get(desk.setting("default_pack"))
    return validate_form(form, pack.region_code, desk.today())


def materials_for(scope: str, pension: str | None) -> list[tuple[str, str]]:
    """(key, name) of every material the window needs for this scope and pension."""
    return [(item.key, item.name) for item in required_materials(scope, pension)]


def missing_materials(desk: Desk, operator: Operator, transfer_id: int) -> list[tuple[str, str]]:
    """What a 待补正 transfer still lacks."""
    row = _find(desk, operator, transfer_id)
    form = row["form"]
    received = set(row["materials"])
    return [(key, name) for key, name in materials_for(form["scope"], form["pension"]) if key not in received]


def allowed_actions(state: str) -> frozenset[str]:
    """The moves the core allows from this state (buttons are enabled by it; the service stays the judge)."""
    return frozenset(action for action, (sources, _) in MOVES.items() if state in sources)


def _find(desk: Desk, operator: Operator, transfer_id: int) -> dict:
    for row in transfer.tracking(desk, operator):
        if row["id"] == transfer_id:
            return row
    raise NotFound(f"没有编号为 {transfer_id} 的在办转移接续申请。")


def _route(row: dict) -> str:
    """昆明市 → 大理白族自治州: the short names of the two places."""
    table = region_table()
    return " → ".join(table.name(row[f"{side}_region_code"]) or row[f"{side}_region_code"] for side in ("out", "in"))


def _note(row: dict) -> str:
    left = row["working_days_left"]
    if row["state"] == "awaiting_materials":
        return "待补正材料，未开始计时"
    if row["overdue"]:
        return f"已超期 {-left} 个工作日" if left and left < 0 else "已超期"
    if left == 0:
        return "今天到期"
    return f"剩余 {left} 个工作日"


def tracking_rows(desk: Desk, operator: Operator) -> list[TrackingRow]:
    """Open transfers by due date (those waiting for materials last), worded for the list."""
    return [
        TrackingRow(
            id=row["id"], query_number=row["query_number"], applicant_name=row["applicant_name"],
            direction_name=row["direction_name"], route=_route(row), state=row["state"],
            state_name=STATE_NAMES[row["state"]], accepted_on=row["accepted_on"] or "",
            due_date=row["due_date"] or "", provisional=bool(row["due_provisional"]), overdue=row["overdue"],
            due_soon=row["due_soon"], note=_note(row), operator_name=row.get("created_by_name") or "",
            actions=allowed_actions(row["state"]),
        )
        for row in transfer.tracking(desk, operator)
    ]


def transfer_vouchers(desk: Desk, operator: Operator, transfer_id: int) -> list[dict]:
    """The papers of one transfer (form, receipt, notices), newest first."""
    operator.require("person.search")
    found = vouchers.vouchers_of(desk, "transfer", transfer_id)
    return sorted(found, key=lambda item: (item["created_at"], item["number"]), reverse=True)


def transfer_events(desk: Desk, operator: Operator, transfer_id: int) -> list[dict]:
    """The transfer's history worded for a list: when, who, from which state to which."""
    rows = []
    for event in transfer.history(desk, operator, transfer_id):
        detail = json.loads(event.get("detail_json") or "{}")
        rows.append({
            "at": (event["at"] or "").replace("T", " ")[:16], "operator_name": event.get("operator_name") or "",
            "from": STATE_NAMES.get(event["from_state"], "") if event["from_state"] else "",
            "to": STATE_NAMES.get(event["to_state"], event["to_state"]), "detail": _detail_text(detail),
        })
    return rows


def _detail_text(detail: dict) -> str:
    parts = []
    if detail.get("reason"):
        parts.append(f"原因：{detail['reason']}")
    if detail.get("pooled_fund") is not None:
        parts.append(f"统筹基金 {detail['pooled_fund']} 元，个人账户 {detail.get('personal_account')} 元")
    if detail.get("new"):
        parts.append(f"办结日期重算为 {detail['new']}")
    return "；".join(parts)


def pension_names() -> dict[str, str]:
    return dict(PENSIONS)


def default_summary_period(desk: Desk) -> tuple[date, date]:
    """From 1 January of this year to today."""
    today = desk.today()
    return date(today.year, 1, 1), today


def summary_rows(desk: Desk, operator: Operator, *, first: date, last: date) -> list[dict]:
    """转出 and 转入 lines of the service's summary, each with the two amounts and their total."""
    result = transfer.summary(desk, operator, first=first, last=last)
    rows = []
    for direction, name in (("out", "转出"), ("in", "转入")):
        line = result[direction]
        total = Decimal(line["pooled_fund"]) + Decimal(line["personal_account"])
        rows.append({"direction": direction, "name": name, "accepted": line["accepted"],
                     "completed": line["completed"], "pooled_fund": line["pooled_fund"],
                     "personal_account": line["personal_account"], "total": format_amount(total)})
    return rows
