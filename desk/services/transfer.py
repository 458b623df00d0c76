"""转移接续"一件事": accept the one form, check materials (one-time notice when something is
missing; the clock starts only when complete), due date in working days, the states, tracking,
and the summary (transfer.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desk.core import inputs
from desk.core.errors import NotFound, Refused, ValidationError
from desk.core.idnumber import canonical_text
from desk.core.money import format_amount, from_fen, to_fen
from desk.core.transfer import (
    DIRECTIONS,
    OPEN_STATES,
    PENSIONS,
    SCOPES,
    STATE_NAMES,
    Material,
    completion_amounts,
    missing_materials,
    required_materials,
    target_state,
    validate_form,
)
from desk.services import vouchers
from desk.services.context import Desk, Operator
from desk.services.workdays import bring_by, work_calendar
from desk.store import persons as person_store
from desk.store import transfers as store
from desk.store import vouchers as voucher_store

DUE_SOON_WORKING_DAYS = 3


@dataclass(frozen=True)
class Transfer:
    """One 转移接续 application as stored, with its names and, while it runs, the tracking flags."""

    id: int
    query_number: str
    person_id: int | None
    applicant_name: str
    applicant_id_number: str
    direction: str
    direction_name: str
    scope: str
    scope_name: str
    out_region_code: str
    in_region_code: str
    form: dict
    materials: tuple[str, ...]
    missing_materials: tuple[Material, ...]
    state: str
    state_name: str
    accepted_on: str | None
    due_date: str | None
    due_provisional: bool
    working_days: int
    working_days_left: int | None
    overdue: bool
    due_soon: bool
    pooled_fund: Decimal | None
    personal_account: Decimal | None
    completed_on: str | None
    return_reason: str | None
    created_by: int
    created_by_name: str
    created_at: str
    window: str | None
    updated_at: str


@dataclass(frozen=True)
class TransferResult:
    transfer: Transfer
    issued: tuple[vouchers.IssuedVoucher, ...]


@dataclass(frozen=True)
class TransferEvent:
    """One step of a transfer's history (transfer_events)."""

    id: int
    transfer_id: int
    action: str
    from_state: str | None
    to_state: str
    operator_id: int
    operator_name: str
    at: str
    detail: dict


@dataclass(frozen=True)
class SummaryLine:
    """转出 or 转入 over a period: accepted and completed counts and the amounts completed."""

    direction: str
    accepted: int
    completed: int
    pooled_fund: str
    personal_account: str


@dataclass(frozen=True)
class TransferSummary:
    first: date
    last: date
    outgoing: SummaryLine
    incoming: SummaryLine


def _office_pack(desk: Desk):
    pack = desk.packs.get(desk.setting("default_pack"))
    if not pack.has("transfer"):
        raise Refused(f"政策包 {pack.id} 未配置转移接续办理时限，不能受理。")
    return pack


def _amount(fen: int | None) -> Decimal | None:
    return from_fen(fen) if fen is not None else None


def describe(desk: Desk, row: dict, today: date | None = None) -> Transfer:
    today = today or desk.today()
    form, materials = json.loads(row["form_json"]), tuple(json.loads(row["materials_json"]))
    left, overdue, due_soon = None, False, False
    if row["due_date"] and row["state"] in OPEN_STATES:
        due = date.fromisoformat(row["due_date"])
        left = work_calendar(desk).working_days_between(today, due)
        overdue = due < today
        due_soon = not overdue and left <= DUE_SOON_WORKING_DAYS
    return Transfer(
        id=row["id"], query_number=row["query_number"], person_id=row["person_id"],
        applicant_name=row["applicant_name"], applicant_id_number=row["applicant_id_number"],
        direction=row["direction"], direction_name=DIRECTIONS[row["direction"]], scope=row["scope"],
        scope_name=SCOPES[row["scope"]], out_region_code=row["out_region_code"], in_region_code=row["in_region_code"],
        form=form, materials=materials, missing_materials=missing_materials(form, materials), state=row["state"],
        state_name=STATE_NAMES[row["state"]], accepted_on=row["accepted_on"], due_date=row["due_date"],
        due_provisional=bool(row["due_provisional"]), working_days=row["working_days"], working_days_left=left,
        overdue=overdue, due_soon=due_soon, pooled_fund=_amount(row["pooled_fund_fen"]),
        personal_account=_amount(row["personal_account_fen"]), completed_on=row["completed_on"],
        return_reason=row["return_reason"], created_by=row["created_by"], created_by_name=row["created_by_name"] or "",
        created_at=row["created_at"], window=row["window"], updated_at=row["updated_at"],
    )


def time_limit(desk: Desk) -> int | None:
    """The office pack's number of working days to complete a transfer; None when it sets none."""
    pack = desk.packs.get(desk.setting("default_pack"))
    return pack.section("transfer")["working_days"] if pack.has("transfer") else None


def check_form(desk: Desk, form) -> dict:
    """The whole 申请登记表 checked as `apply` checks it (every problem at once, as ValidationError);
    nothing is written. The clean form."""
    return validate_form(inputs.mapping(form, "form", "申请表"), _office_pack(desk).region_code, desk.today())


def _known_materials(clean: dict, materials) -> list[str]:
    materials = inputs.text_list(materials, "materials", "已收材料")
    required = required_materials(clean["scope"], clean["pension"])
    known = {m.key for m in required}
    unknown = [key for key in materials if key not in known]
    if unknown:
        raise ValidationError.single("materials", "unknown", f"材料“{unknown[0]}”不在本业务的材料清单中。")
    return [m.key for m in required if m.key in set(materials)]


def _query_number(desk: Desk) -> str:
    day = desk.today().strftime("%Y%m%d")
    return f"ZY-{day}-{voucher_store.next_sequence(desk.db, 'ZY', day):04d}"


def _due(desk: Desk, start: date, working_days: int):
    return work_calendar(desk).add_working_days(start, working_days)


def apply(desk: Desk, operator: Operator, *, form: dict, materials, person_id: int | None = None) -> TransferResult:
    """Accept the 申请登记表. All materials there: 已受理 with the due date; otherwise 待补正 and the
    one-time notice (the clock has not started)."""
    operator.require("transfer.accept")
    _office_pack(desk)  # refused at once when the pack sets no time limit
    today = desk.today()
    if person_id is not None:
        person_id = inputs.record_id(person_id, "person", "参保人")
    clean = check_form(desk, form)
    received = _known_materials(clean, materials)
    missing = missing_materials(clean, received)
    with desk.transaction():
        if person_id is not None and person_store.get_person(desk.db, person_id) is None:
            raise NotFound("没有找到这位参保人。")
        row = {
            "query_number": _query_number(desk), "person_id": person_id,
            "applicant_name": clean["applicant"]["name"], "applicant_id_number": clean["applicant"]["id_number"],
            "direction": clean["direction"], "scope": clean["scope"], "out_region_code": clean["out"]["region_code"],
            "in_region_code": clean["in"]["region_code"], "form_json": json.dumps(clean, ensure_ascii=False),
            "materials_json": json.dumps(received), "state": "awaiting_materials" if missing else "accepted",
            "working_days": time_limit(desk), "due_provisional": 0, "created_by": operator.id,
            "created_at": desk.timestamp(), "window": desk.setting("window"), "updated_at": desk.timestamp(),
        }
        if not missing:
            due = _due(desk, today, row["working_days"])
            row.update(accepted_on=today.isoformat(), due_date=due.due.isoformat(), due_provisional=int(due.provisional))
        transfer_id = store.insert_transfer(desk.db, row)
        store.insert_event(desk.db, transfer_id=transfer_id, action="apply", from_state=None, to_state=row["state"],
                           operator_id=operator.id, at=desk.timestamp(), detail={"materials": received})
        issued = [_issue(desk, operator, "transfer_form", transfer_id)]
        issued.append(_issue_notice(desk, operator, transfer_id, missing) if missing else _issue(desk, operator, "transfer_receipt", transfer_id))
        desk.audit(operator, "transfer.apply", "transfer", transfer_id,
                   {"query_number": row["query_number"], "state": row["state"], "due_date": row.get("due_date"),
                    "vouchers": [v.number for v in issued]})
    return TransferResult(describe(desk, store.get_transfer(desk.db, transfer_id)), tuple(issued))


def _transfer(desk: Desk, transfer_id: int) -> dict:
    row = store.get_transfer(desk.db, inputs.record_id(transfer_id, "transfer", "转移接续申请"))
    if row is None:
        raise NotFound(f"没有编号为 {transfer_id} 的转移接续申请。")
    return row


def receive_materials(desk: Desk, operator: Operator, *, transfer_id: int, materials) -> TransferResult:
    """Materials brought later; when complete the clock starts today."""
    operator.require("transfer.accept")
    today = desk.today()
    with desk.transaction():
        row = _transfer(desk, transfer_id)
        target_state(row["state"], "receive_materials")
        clean = json.loads(row["form_json"])
        received = _known_materials(clean, sorted(set(json.loads(row["materials_json"])) | set(inputs.text_list(materials, "materials", "已收材料"))))
        missing = missing_materials(clean, received)
        fields = {"materials_json": json.dumps(received), "updated_at": desk.timestamp()}
        if not missing:
            due = _due(desk, today, row["working_days"])
            fields.update(state="accepted", accepted_on=today.isoformat(), due_date=due.due.isoformat(),
                          due_provisional=int(due.provisional))
        store.update_transfer(desk.db, transfer_id, **fields)
        store.insert_event(desk.db, transfer_id=transfer_id, action="receive_materials", from_state=row["state"],
                           to_state=fields.get("state", row["state"]), operator_id=operator.id, at=desk.timestamp(),
                           detail={"materials": received, "due_date": fields.get("due_date")})
        voucher = _issue_notice(desk, operator, transfer_id, missing) if missing else _issue(desk, operator, "transfer_receipt", transfer_id)
        desk.audit(operator, "transfer.receive_materials", "transfer", transfer_id,
                   {"materials": received, "voucher": voucher.number, "due_date": fields.get("due_date")})
    return TransferResult(describe(desk, store.get_transfer(desk.db, transfer_id)), (voucher,))


def advance(desk: Desk, reviewer: Operator, *, transfer_id: int, action: str) -> TransferResult:
    """转出审核 / 转入审核."""
    reviewer.require("transfer.review")
    if action not in ("to_out_review", "to_in_review"):
        raise ValidationError.single("action", "unknown", "只能转入转出审核或转入审核。")
    return _move(desk, reviewer, transfer_id, action, {})


def complete(desk: Desk, reviewer: Operator, *, transfer_id: int, pooled_fund, personal_account) -> TransferResult:
    reviewer.require("transfer.review")
    pooled, personal = completion_amounts(pooled_fund, personal_account)
    fields = {"pooled_fund_fen": to_fen(pooled), "personal_account_fen": to_fen(personal),
              "completed_on": desk.today().isoformat()}
    return _move(desk, reviewer, transfer_id, "complete", fields,
                 {"pooled_fund": format_amount(pooled), "personal_account": format_amount(personal)})


def return_transfer(desk: Desk, reviewer: Operator, *, transfer_id: int, reason: str) -> TransferResult:
    reviewer.require("transfer.review")
    reason = inputs.text(reason, "reason", "退回原因")
    if len(reason) < 4:
        raise ValidationError.single("reason", "required", "请填写退回原因（至少4个字），原因会告知申请人。")
    return _move(desk, reviewer, transfer_id, "return", {"return_reason": reason}, {"reason": reason})


def _move(desk: Desk, operator: Operator, transfer_id: int, action: str, fields: dict, detail: dict | None = None) -> TransferResult:
    with desk.transaction():
        row = _transfer(desk, transfer_id)
        state = target_state(row["state"], action)
        store.update_transfer(desk.db, transfer_id, state=state, updated_at=desk.timestamp(), **fields)
        store.insert_event(desk.db, transfer_id=transfer_id, action=action, from_state=row["state"], to_state=state,
                           operator_id=operator.id, at=desk.timestamp(), detail=detail or {})
        desk.audit(operator, f"transfer.{action}", "transfer", transfer_id, {"from": row["state"], "to": state, **(detail or {})})
    return TransferResult(describe(desk, store.get_transfer(desk.db, transfer_id)), ())


def recompute_provisional_due_dates(desk: Desk, admin: Operator) -> int:
    """After a newer holiday schedule is loaded: provisional due dates of open transfers are computed
    again (inside the loading transaction); each change is kept as an event."""
    changed = 0
    for row in store.provisional_open(desk.db):
        due = _due(desk, date.fromisoformat(row["accepted_on"]), row["working_days"])
        if due.due.isoformat() == row["due_date"] and bool(row["due_provisional"]) == due.provisional:
            continue
        store.update_transfer(desk.db, row["id"], due_date=due.due.isoformat(), due_provisional=int(due.provisional),
                              updated_at=desk.timestamp())
        store.insert_event(desk.db, transfer_id=row["id"], action="recompute_due", from_state=row["state"],
                           to_state=row["state"], operator_id=admin.id, at=desk.timestamp(),
                           detail={"old": row["due_date"], "new": due.due.isoformat(), "provisional": due.provisional})
        desk.audit(admin, "transfer.recompute_due", "transfer", row["id"],
                   {"old": row["due_date"], "new": due.due.isoformat(), "provisional": due.provisional})
        changed += 1
    return changed


# ------------------------------------------------------------ documents


def _payload(desk: Desk, row: dict) -> dict:
    form = json.loads(row["form_json"])
    names = {m.key: m.name for m in required_materials(form["scope"], form["pension"])}
    return {
        "query_number": row["query_number"], "form": form,
        "direction_name": DIRECTIONS[form["direction"]], "scope_name": SCOPES[form["scope"]],
        "transferred": (["职工基本医疗保险"] if form["employee_medical"] else []) + ([PENSIONS[form["pension"]]] if form["pension"] else []),
        "materials_received": [names[key] for key in json.loads(row["materials_json"])],
        "accepted_on": row["accepted_on"], "due_date": row["due_date"], "due_provisional": bool(row["due_provisional"]),
        "working_days": row["working_days"], "office_phone": desk.setting("office_phone"),
        "office_hours": desk.setting("office_hours"),
    }


def _issue(desk: Desk, operator: Operator, doc_type: str, transfer_id: int) -> vouchers.IssuedVoucher:
    payload = _payload(desk, store.get_transfer(desk.db, transfer_id))
    return vouchers.issue(desk, operator, doc_type=doc_type, record_type="transfer", record_id=transfer_id, payload=payload)


def _issue_notice(desk: Desk, operator: Operator, transfer_id: int, missing) -> vouchers.IssuedVoucher:
    row = store.get_transfer(desk.db, transfer_id)
    form = json.loads(row["form_json"])
    names = {m.key: m.name for m in required_materials(form["scope"], form["pension"])}
    address = desk.setting("office_address")
    where = f"{desk.setting('office_name')} {desk.setting('window')}" + (f"（{address}）" if address else "")
    payload = {
        "business": f"医保社保关系转移接续“一件事”（{DIRECTIONS[form['direction']]}，{SCOPES[form['scope']]}，查询号 {row['query_number']}）",
        "person": {k: form["applicant"][k] for k in ("name", "id_type", "id_number", "sex")},
        "agent": form["agent"], "application_date": row["created_at"][:10],
        "received": [names[key] for key in json.loads(row["materials_json"])],
        "missing": [m.name for m in missing], "where": where,
        "office_phone": desk.setting("office_phone"), "office_hours": desk.setting("office_hours"),
        "note": f"材料补齐之日起计算办理时限（{row['working_days']}个工作日）。请携带本告知书和查询号到上述窗口补交。",
        "bring_by": bring_by(desk, _office_pack(desk).section("transfer").get("supplement_working_days")),
    }
    return vouchers.issue(desk, operator, doc_type="one_time_notice", record_type="transfer", record_id=transfer_id, payload=payload)


# ------------------------------------------------------------ tracking and summary


def tracking(desk: Desk, operator: Operator) -> list[Transfer]:
    """Open transfers by due date (the ones waiting for materials last), with overdue and due-soon flags."""
    operator.require("person.search")
    today = desk.today()
    return [describe(desk, row, today) for row in store.open_transfers(desk.db)]


def transfers_of(desk: Desk, operator: Operator, id_number: str) -> list[Transfer]:
    operator.require("person.search")
    return [describe(desk, row) for row in store.transfers_of_applicant(desk.db, canonical_text(id_number or ""))]


def history(desk: Desk, operator: Operator, transfer_id: int) -> list[TransferEvent]:
    operator.require("person.search")
    return [
        TransferEvent(id=row["id"], transfer_id=row["transfer_id"], action=row["action"], from_state=row["from_state"],
                      to_state=row["to_state"], operator_id=row["operator_id"], operator_name=row["operator_name"] or "",
                      at=row["at"], detail=json.loads(row["detail_json"] or "{}"))
        for row in store.events_of(desk.db, transfer_id)
    ]


def summary(desk: Desk, operator: Operator, *, first: date, last: date) -> TransferSummary:
    """Counts and amounts transferred out and in over a period (accepted and completed within it)."""
    operator.require("person.search")
    first, last = inputs.day(first, "first", "统计起始日期"), inputs.day(last, "last", "统计截止日期")
    if last < first:
        raise ValidationError.single("last", "order", "统计截止日期不能早于起始日期。")
    accepted = store.accepted_between(desk.db, first.isoformat(), last.isoformat())
    completed = store.completed_between(desk.db, first.isoformat(), last.isoformat())

    def line(direction: str) -> SummaryLine:
        done = [row for row in completed if row["direction"] == direction]
        return SummaryLine(
            direction=direction, accepted=sum(1 for row in accepted if row["direction"] == direction),
            completed=len(done),
            pooled_fund=format_amount(from_fen(sum(row["pooled_fund_fen"] or 0 for row in done))),
            personal_account=format_amount(from_fen(sum(row["personal_account_fen"] or 0 for row in done))),
        )

    return TransferSummary(first=first, last=last, outgoing=line("out"), incoming=line("in"))
