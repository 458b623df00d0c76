"""What the 转移接续 tab shows, without Qt: the applicant taken from a registered person, the
form's helpers (region names, scope, materials), the tracking list, the selected transfer's
history and papers, and the summary.

Everything here is a read or a plain wording of what the transfer service and the core already
decided: no writes, no dates computed (the tracking flags come from the service). One call per
refresh: `applicant_screen`, `tracking_screen`, `transfer_details`, `summary_screen`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desk.core.errors import NotFound
from desk.core.idnumber import canonical_text
from desk.core.money import format_amount
from desk.core.regions import region_table
from desk.core.transfer import FINAL_STATES, MOVES, PENSIONS, STATE_NAMES, required_materials, scope_between
from desk.services import persons, transfer, vouchers
from desk.services.context import Desk, Operator


@dataclass(frozen=True)
class Applicant:
    """The applicant part of the form, filled from a registered person."""

    id_type: str
    id_number: str
    name: str
    sex: str
    phone: str
    household_place: str
    address: str
    personal_number: str


@dataclass(frozen=True)
class ApplicantScreen:
    """A registered person chosen as the applicant: what fills the form, and the newest transfer of
    theirs still being handled (None when there is none), which the tab warns about."""

    applicant: Applicant
    open_query_number: str | None
    open_state_name: str | None


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


@dataclass(frozen=True)
class TrackingScreen:
    """The tracking list and its counts."""

    rows: tuple[TrackingRow, ...]
    overdue: int
    due_soon: int
    awaiting_materials: int


@dataclass(frozen=True)
class EventLine:
    """One step of a transfer's history worded for a list: when, who, from which state to which."""

    at: str
    operator_name: str
    from_name: str
    to_name: str
    detail: str


@dataclass(frozen=True)
class PaperLine:
    """One paper of a transfer (form, receipt, notice)."""

    number: str
    title: str
    issued_at: str
    prints: int


@dataclass(frozen=True)
class TransferDetails:
    """The selected transfer's papers (newest first) and history (oldest first)."""

    events: tuple[EventLine, ...]
    papers: tuple[PaperLine, ...]


@dataclass(frozen=True)
class SummaryRow:
    """转出 or 转入 over the period, with the two amounts and their total."""

    direction: str
    name: str
    accepted: int
    completed: int
    pooled_fund: str
    personal_account: str
    total: str


@dataclass(frozen=True)
class SummaryScreen:
    first: date
    last: date
    rows: tuple[SummaryRow, ...]
    out_total: str
    in_total: str


NO_DETAILS = TransferDetails((), ())


# ------------------------------------------------------------ the form


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
    return scope_between(canonical_text(out_code), canonical_text(in_code))


def office_place(desk: Desk) -> dict:
    """This office as a transfer place: the default pack's region and the office settings."""
    pack = desk.packs.get(desk.setting("default_pack"))
    return {"region_code": pack.region_code, "office": desk.setting("office_name") or "",
            "phone": desk.setting("office_phone") or "", "address": desk.setting("office_address") or ""}


def working_days(desk: Desk) -> int | None:
    """The working days a complete application takes (the materials hint names them)."""
    return transfer.time_limit(desk)


def applicant_screen(desk: Desk, operator: Operator, person_id: int) -> ApplicantScreen:
    """The applicant filled from a registered person, and their newest transfer still open."""
    record = persons.get_person(desk, operator, person_id)
    household = "".join(part for part in (record.township, record.village) if part)
    applicant = Applicant(
        id_type=record.id_type or "居民身份证", id_number=record.id_number or "",
        name=record.name or "", sex=record.sex or "", phone=record.phone or "",
        household_place=household or record.address or "", address=record.address or "",
        personal_number=record.personal_number or "",
    )
    running = [row for row in transfer.transfers_of(desk, operator, applicant.id_number)
               if row.state not in FINAL_STATES]
    first = running[0] if running else None
    return ApplicantScreen(applicant, first.query_number if first else None, first.state_name if first else None)


def check_form(desk: Desk, form: dict) -> dict:
    """The service's own check of the whole form, as `transfer.apply` will run it (every problem at
    once, as ValidationError); nothing is written. Lets the tab show problems before it asks
    about missing materials."""
    return transfer.check_form(desk, form)


def materials_for(scope: str, pension: str | None) -> list[tuple[str, str]]:
    """(key, name) of every material the window needs for this scope and pension."""
    return [(item.key, item.name) for item in required_materials(scope, pension)]


def pension_names() -> dict[str, str]:
    return dict(PENSIONS)


# ------------------------------------------------------------ tracking


def missing_materials(desk: Desk, operator: Operator, transfer_id: int) -> list[tuple[str, str]]:
    """What a 待补正 transfer still lacks."""
    return [(item.key, item.name) for item in _find(desk, operator, transfer_id).missing_materials]


def allowed_actions(state: str) -> frozenset[str]:
    """The moves the core allows from this state (buttons are enabled by it; the service stays the judge)."""
    return frozenset(action for action, (sources, _) in MOVES.items() if state in sources)


def step_name(action: str) -> str:
    """The state a reviewer's move leads to, as the question names it (转出审核, 转入审核)."""
    return STATE_NAMES[MOVES[action][1]]


def _find(desk: Desk, operator: Operator, transfer_id: int) -> transfer.Transfer:
    for row in transfer.tracking(desk, operator):
        if row.id == transfer_id:
            return row
    raise NotFound(f"没有编号为 {transfer_id} 的在办转移接续申请。")


def _route(row: transfer.Transfer) -> str:
    """昆明市 → 大理白族自治州: the short names of the two places."""
    table = region_table()
    return " → ".join(table.name(code) or code for code in (row.out_region_code, row.in_region_code))


def _note(row: transfer.Transfer) -> str:
    left = row.working_days_left
    if row.state == "awaiting_materials":
        return "待补正材料，未开始计时"
    if row.overdue:
        return f"已超期 {-left} 个工作日" if left and left < 0 else "已超期"
    if left == 0:
        return "今天到期"
    return f"剩余 {left} 个工作日"


def tracking_screen(desk: Desk, operator: Operator) -> TrackingScreen:
    """Open transfers by due date (those waiting for materials last), worded for the list, with the counts."""
    rows = tuple(
        TrackingRow(
            id=row.id, query_number=row.query_number, applicant_name=row.applicant_name,
            direction_name=row.direction_name, route=_route(row), state=row.state, state_name=row.state_name,
            accepted_on=row.accepted_on or "", due_date=row.due_date or "", provisional=row.due_provisional,
            overdue=row.overdue, due_soon=row.due_soon, note=_note(row), operator_name=row.created_by_name,
            actions=allowed_actions(row.state),
        )
        for row in transfer.tracking(desk, operator)
    )
    return TrackingScreen(rows, overdue=sum(row.overdue for row in rows), due_soon=sum(row.due_soon for row in rows),
                          awaiting_materials=sum(row.state == "awaiting_materials" for row in rows))


def _minute(stamp: str | None) -> str:
    """2026-03-10T09:30:12 as 2026-03-10 09:30."""
    return (stamp or "").replace("T", " ")[:16]


def transfer_details(desk: Desk, operator: Operator, transfer_id: int) -> TransferDetails:
    """The papers of one transfer (newest first) and its history worded for the two lists."""
    operator.require("person.search")
    found = vouchers.vouchers_of(desk, "transfer", transfer_id)
    papers = tuple(
        PaperLine(number=item.number, title=item.title, issued_at=_minute(item.created_at), prints=item.prints)
        for item in sorted(found, key=lambda item: (item.created_at, item.number), reverse=True)
    )
    events = tuple(
        EventLine(at=_minute(event.at), operator_name=event.operator_name,
                  from_name=STATE_NAMES.get(event.from_state, "") if event.from_state else "",
                  to_name=STATE_NAMES.get(event.to_state, event.to_state), detail=_detail_text(event.detail))
        for event in transfer.history(desk, operator, transfer_id)
    )
    return TransferDetails(events, papers)


def _detail_text(detail: dict) -> str:
    parts = []
    if detail.get("reason"):
        parts.append(f"原因：{detail['reason']}")
    if detail.get("pooled_fund") is not None:
        parts.append(f"统筹基金 {detail['pooled_fund']} 元，个人账户 {detail.get('personal_account')} 元")
    if detail.get("new"):
        parts.append(f"办结日期重算为 {detail['new']}")
    return "；".join(parts)


# ------------------------------------------------------------ summary


def default_summary_period(desk: Desk) -> tuple[date, date]:
    """From 1 January of this year to today."""
    today = desk.today()
    return date(today.year, 1, 1), today


def summary_screen(desk: Desk, operator: Operator, *, first: date, last: date) -> SummaryScreen:
    """转出 and 转入 lines of the service's summary, each with the two amounts and their total."""
    result = transfer.summary(desk, operator, first=first, last=last)
    rows = []
    for line, name in ((result.outgoing, "转出"), (result.incoming, "转入")):
        total = Decimal(line.pooled_fund) + Decimal(line.personal_account)
        rows.append(SummaryRow(direction=line.direction, name=name, accepted=line.accepted, completed=line.completed,
                               pooled_fund=line.pooled_fund, personal_account=line.personal_account,
                               total=format_amount(total)))
    return SummaryScreen(result.first, result.last, tuple(rows), out_total=rows[0].total, in_total=rows[1].total)


# the papers of the tab as the preview titles them
PAPER_TITLES = {"transfer_receipt": "受理回执", "one_time_notice": "一次性告知书", "transfer_form": "转移接续申请登记表"}


def papers_to_hand_over(result: transfer.TransferResult) -> list[tuple[str, str]]:
    """(number, title) of the papers an action issued, in the order the clerk prints them: after an
    application the 受理回执 (or, materials missing, the 一次性告知书) first, then the 申请登记表 to sign."""
    order = ("transfer_receipt", "one_time_notice", "transfer_form")
    issued = sorted(result.issued, key=lambda voucher: order.index(voucher.doc_type) if voucher.doc_type in order else len(order))
    return [(voucher.number, PAPER_TITLES.get(voucher.doc_type, "")) for voucher in issued]
