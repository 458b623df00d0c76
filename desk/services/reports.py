"""The 日报表 (vouchers.md): a day's counts and amounts per business and per operator, the first
and last voucher number of the day and the audit chain's head, issued as a numbered, verifiable
voucher and written as an Excel workbook with the same figures.

Roles: a clerk prints only their own day; a reviewer or an administrator the office's (every
operator) or one operator's. Amounts are summed in fen by SQLite and become `Decimal` here;
the payload carries them as two-decimal strings, so the PDF, a reprint and the workbook all
print the very same figures.

Lines, all for the day asked (the timestamps of the records and their events):
- 参保登记: local enrolments recorded; 作废 as its own negative line (the day of the cancellation,
  by whoever cancelled), whatever day the enrolment was recorded.
- 门诊慢特病: 受理 (the filing reached 已受理: at once, or when the missing materials came),
  待补正 (an application with materials missing, one-time notice given), 认定, 不予认定, 终止.
- 报销结算: settlements and, as their own negative line, reversals, every amount column summed.
- 转移接续: the same 受理 / 待补正 and 办结 (with the amounts the transfer records), 退回, per direction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from desk.core import inputs
from desk.core.dates import DateError, parse_date
from desk.core.errors import NotFound, PermissionDenied, ValidationError
from desk.core.money import format_amount, from_fen
from desk.core.roles import ROLE_NAMES
from desk.services import vouchers
from desk.services.context import Desk, Operator
from desk.store import operators as operator_store
from desk.store import reports as store
from desk.store.settlements import AMOUNT_COLUMNS

DAILY_REPORT = store.DAILY_REPORT
ENROLMENT_AMOUNTS = ("individual", "subsidy", "payable")
FILING_COUNTS = ("accepted", "awaiting", "approved", "rejected", "terminated")
TRANSFER_COUNTS = ("accepted", "awaiting", "completed", "returned")
TRANSFER_AMOUNTS = ("pooled_fund", "personal_account")
DIRECTIONS = ("out", "in")
FILING_ACTIONS = {"approve": "approved", "reject": "rejected", "terminate": "terminated"}
TRANSFER_ACTIONS = {"complete": "completed", "return": "returned"}
ZERO = Decimal("0.00")


# ------------------------------------------------------------ the figures of one operator (or of all)


def _amounts(keys) -> dict[str, Decimal]:
    return {key: ZERO for key in keys}


@dataclass
class Figures:
    """Counts (int) and amounts (Decimal) of one operator's day, or of several added up."""

    enrolments: dict
    cancellations: dict
    filings: dict
    settlements: dict
    reversals: dict
    transfers: dict

    @classmethod
    def empty(cls) -> Figures:
        return cls(
            enrolments={"count": 0, **_amounts(ENROLMENT_AMOUNTS)},
            cancellations={"count": 0, **_amounts(ENROLMENT_AMOUNTS)},
            filings={key: 0 for key in FILING_COUNTS},
            settlements={"count": 0, **_amounts(AMOUNT_COLUMNS)},
            reversals={"count": 0, **_amounts(AMOUNT_COLUMNS)},
            transfers={d: {**{key: 0 for key in TRANSFER_COUNTS}, **_amounts(TRANSFER_AMOUNTS)} for d in DIRECTIONS},
        )

    def add(self, other: Figures) -> None:
        for name in ("enrolments", "cancellations", "filings", "settlements", "reversals"):
            mine, theirs = getattr(self, name), getattr(other, name)
            for key in mine:
                mine[key] += theirs[key]
        for direction in DIRECTIONS:
            for key in self.transfers[direction]:
                self.transfers[direction][key] += other.transfers[direction][key]

    def as_payload(self) -> dict:
        """JSON-able: counts as integers, amounts as two-decimal strings; the net lines added."""
        return {
            "enrolment": _signed_lines(self.enrolments, self.cancellations, ENROLMENT_AMOUNTS),
            "filing": dict(self.filings),
            "settlement": _signed_lines(self.settlements, self.reversals, AMOUNT_COLUMNS),
            "transfer": _transfer_lines(self.transfers),
        }


def _text(values: dict, keys) -> dict:
    return {"count": values["count"], **{key: format_amount(values[key]) for key in keys}}


def _signed_lines(positive: dict, negative: dict, keys) -> dict:
    net = {key: positive[key] + negative[key] for key in ("count", *keys)}
    return {"positive": _text(positive, keys), "negative": _text(negative, keys), "net": _text(net, keys)}


def _transfer_lines(transfers: dict) -> dict:
    lines = {}
    for direction in DIRECTIONS:
        values = transfers[direction]
        lines[direction] = {**{key: values[key] for key in TRANSFER_COUNTS},
                            **{key: format_amount(values[key]) for key in TRANSFER_AMOUNTS}}
    total = {key: transfers["out"][key] + transfers["in"][key] for key in (*TRANSFER_COUNTS, *TRANSFER_AMOUNTS)}
    lines["total"] = {**{key: total[key] for key in TRANSFER_COUNTS},
                      **{key: format_amount(total[key]) for key in TRANSFER_AMOUNTS}}
    return lines


# ------------------------------------------------------------ reading the day


def _bounds(day: date) -> tuple[str, str]:
    return day.isoformat(), (day + timedelta(days=1)).isoformat()


def _figures_of(by_operator: dict[int, Figures], operator_id) -> Figures:
    return by_operator.setdefault(operator_id, Figures.empty())


def _read_enrolments(desk: Desk, bounds, operator_id, by_operator) -> None:
    for rows, target, sign in ((store.enrolments_created(desk.db, *bounds, operator_id), "enrolments", 1),
                               (store.enrolments_cancelled(desk.db, *bounds, operator_id), "cancellations", -1)):
        for row in rows:
            line = getattr(_figures_of(by_operator, row["operator_id"]), target)
            line["count"] += sign * row["count"]
            for key in ENROLMENT_AMOUNTS:
                line[key] += sign * from_fen(row[f"{key}_fen"] or 0)


def _intake(row: dict) -> str | None:
    """受理 when an application reaches 已受理; 待补正 when one is registered with materials missing."""
    if row["to_state"] == "accepted" and row["from_state"] in (None, "awaiting_materials"):
        return "accepted"
    if row["from_state"] is None and row["to_state"] == "awaiting_materials":
        return "awaiting"
    return None


def _read_filings(desk: Desk, bounds, operator_id, by_operator) -> None:
    for row in store.filing_events(desk.db, *bounds, operator_id):
        key = _intake(row) or FILING_ACTIONS.get(row["action"])
        if key:
            _figures_of(by_operator, row["operator_id"]).filings[key] += row["count"]


def _read_settlements(desk: Desk, bounds, operator_id, by_operator) -> None:
    for row in store.settlements(desk.db, *bounds, operator_id):
        figures = _figures_of(by_operator, row["operator_id"])
        reversal = row["entry"] == "reversal"
        line = figures.reversals if reversal else figures.settlements
        line["count"] += -row["count"] if reversal else row["count"]
        for key in AMOUNT_COLUMNS:  # a reversal's amounts are stored negative already
            line[key] += from_fen(row[f"{key}_fen"] or 0)


def _read_transfers(desk: Desk, bounds, operator_id, by_operator) -> None:
    for row in store.transfer_directions(desk.db, *bounds, operator_id):
        key = _intake(row) or TRANSFER_ACTIONS.get(row["action"])
        if key:
            _figures_of(by_operator, row["operator_id"]).transfers[row["direction"]][key] += row["count"]
    for row in store.transfers_completed(desk.db, *bounds, operator_id):
        line = _figures_of(by_operator, row["operator_id"]).transfers[row["direction"]]
        line["pooled_fund"] += from_fen(row["pooled_fund_fen"] or 0)
        line["personal_account"] += from_fen(row["personal_account_fen"] or 0)


def _read_vouchers(desk: Desk, bounds, operator_id, by_operator) -> dict[int, dict]:
    issued = {row["operator_id"]: row for row in store.vouchers_issued(desk.db, *bounds, operator_id)}
    for operator in issued:
        _figures_of(by_operator, operator)
    return issued


def _voucher_range(rows: list[dict]) -> dict:
    if not rows:
        return {"count": 0, "first": None, "last": None}
    first = min(rows, key=lambda row: row["first_id"])
    last = max(rows, key=lambda row: row["last_id"])
    return {"count": sum(row["count"] for row in rows), "first": first["first_number"], "last": last["last_number"]}


@dataclass(frozen=True)
class DayFigures:
    day: date
    operator_id: int | None  # None: the whole office
    by_operator: dict  # operator id -> Figures
    vouchers_by_operator: dict  # operator id -> {"count", "first", "last"}
    totals: Figures
    vouchers: dict


def _collect(desk: Desk, day: date, operator_id: int | None) -> DayFigures:
    bounds = _bounds(day)
    by_operator: dict[int, Figures] = {}
    for read in (_read_enrolments, _read_filings, _read_settlements, _read_transfers):
        read(desk, bounds, operator_id, by_operator)
    issued = _read_vouchers(desk, bounds, operator_id, by_operator)
    if operator_id is not None:
        _figures_of(by_operator, operator_id)
    totals = Figures.empty()
    for figures in by_operator.values():
        totals.add(figures)
    ranges = {key: _voucher_range([row]) for key, row in issued.items()}
    return DayFigures(day, operator_id, by_operator, ranges, totals, _voucher_range(list(issued.values())))


# ------------------------------------------------------------ who may print what


def report_day(desk: Desk, value) -> date:
    """The report's date: a date or 'YYYY-MM-DD', not after today."""
    try:
        day = parse_date(value, "date", "报表日期")
    except DateError as error:
        raise ValidationError.single("date", "format", error.message) from None
    if day > desk.today():
        raise ValidationError.single("date", "future", f"报表日期 {day.isoformat()} 晚于今天，请选择今天或以前的日期。")
    return day


def _allowed_scope(desk: Desk, operator: Operator, operator_id) -> int | None:
    """A clerk: only their own day. A reviewer or administrator: the office (None) or anyone's."""
    if operator.can("report.office"):
        if operator_id is not None:
            _known_operator(desk, operator_id)
        return operator_id
    operator.require("report.own")
    if operator_id is None:
        raise PermissionDenied(f"{operator.role_name}{operator.display_name}只能打印本人的日报表；"
                               "全部经办人的日报表请由审核员或管理员打印。")
    if inputs.record_id(operator_id, "operator", "经办人") != operator.id:
        raise PermissionDenied(f"{operator.role_name}{operator.display_name}只能打印本人的日报表，"
                               "不能打印其他经办人的；请选择本人，或请审核员打印。")
    return operator.id


def _known_operator(desk: Desk, operator_id) -> dict:
    row = operator_store.operator_by_id(desk.db, inputs.record_id(operator_id, "operator", "经办人"))
    if row is None:
        raise NotFound("没有这个经办人，请从列表中选择。", field="operator")
    return row


@dataclass(frozen=True)
class ReportOperator:
    """An operator whose day the report may cover."""

    id: int
    username: str
    display_name: str
    role_name: str


def report_operators(desk: Desk, operator: Operator) -> list[ReportOperator]:
    """Whom the operator may choose: themselves (a clerk) or every non-administrator account."""
    rows = [row for row in operator_store.list_operators(desk.db) if row["role"] != "admin"]
    if not operator.can("report.office"):
        operator.require("report.own")
        rows = [row for row in rows if row["id"] == operator.id]
    return [ReportOperator(row["id"], row["username"], row["display_name"], ROLE_NAMES.get(row["role"], row["role"]))
            for row in rows]


def operator_named(desk: Desk, name: str) -> int:
    """The operator a command line names, by username or by display name."""
    name = inputs.text(name, "operator", "经办人").strip()
    row = operator_store.operator_by_username(desk.db, name)
    if row is None:
        matches = [r for r in operator_store.list_operators(desk.db) if r["display_name"] == name]
        row = matches[0] if len(matches) == 1 else None
    if row is None:
        raise NotFound(f"没有用户名或姓名为“{name}”的经办人，请核对后重试。", field="operator")
    return row["id"]


# ------------------------------------------------------------ issuing the report


@dataclass(frozen=True)
class DailyReport:
    voucher: vouchers.IssuedVoucher
    payload: dict

    @property
    def number(self) -> str:
        return self.voucher.number

    @property
    def day(self) -> str:
        return self.payload["day"]

    @property
    def scope_name(self) -> str:
        return self.payload["scope_name"]

    def summary(self) -> dict:
        """The JSON `desk report daily` prints: the number and the office's (or operator's) totals."""
        payload = self.payload
        return {"number": self.voucher.number, "code": self.voucher.code, "date": payload["day"],
                "scope": payload["scope_name"], "operators": len(payload["operators"]),
                "vouchers": payload["vouchers"], "chain_head": payload["chain_head"], "totals": payload["totals"]}


def _name_of(desk: Desk, operator_id) -> dict:
    row = operator_store.operator_by_id(desk.db, operator_id) if operator_id is not None else None
    if row is None:
        return {"id": operator_id, "name": "（未记录经办人）", "username": "", "role_name": ""}
    return {"id": row["id"], "name": row["display_name"], "username": row["username"],
            "role_name": ROLE_NAMES.get(row["role"], row["role"])}


def _payload(desk: Desk, operator: Operator, figures: DayFigures, head: tuple[int, str] | None) -> dict:
    scope = _name_of(desk, figures.operator_id) if figures.operator_id is not None else None
    people = sorted((_name_of(desk, key) for key in figures.by_operator), key=lambda person: (person["id"] is None, person["id"] or 0))
    return {
        "day": figures.day.isoformat(),
        "scope": "office" if scope is None else "operator",
        "scope_name": "全部经办人" if scope is None else f"{scope['name']}（{scope['username']}）",
        "prepared_by": operator.display_name,
        "prepared_at": desk.timestamp(),
        "window": desk.setting("window"),
        "chain_head": {"entry": head[0], "hash": head[1][:16]} if head else {"entry": 0, "hash": "0" * 16},
        "vouchers": figures.vouchers,
        "totals": figures.totals.as_payload(),
        "operators": [{**person, "vouchers": figures.vouchers_by_operator.get(person["id"], _voucher_range([])),
                       "figures": figures.by_operator[person["id"]].as_payload()} for person in people],
    }


def issue_daily_report(desk: Desk, operator: Operator, *, day, operator_id: int | None = None) -> DailyReport:
    """Number the report in the same transaction as its audit entry; the chain head it prints is the
    entry before its own (which then carries that head's hash as its prev_hash)."""
    day = report_day(desk, day)
    operator_id = _allowed_scope(desk, operator, operator_id)
    with desk.transaction():
        figures = _collect(desk, day, operator_id)
        payload = _payload(desk, operator, figures, store.chain_head(desk.db))
        issued = vouchers.issue(desk, operator, doc_type=DAILY_REPORT, record_type=DAILY_REPORT,
                                record_id=int(day.strftime("%Y%m%d")), payload=payload)
        desk.audit(operator, "report.daily", DAILY_REPORT, issued.number,
                   {"day": payload["day"], "scope": payload["scope_name"], "chain_head": payload["chain_head"],
                    "vouchers": payload["vouchers"]})
    return DailyReport(issued, payload)


def write_workbook(payload: dict, path: Path | str, *, number: str = "", code: str = "") -> Path:
    """The same figures as the PDF, as an Excel workbook (openpyxl): 汇总 and 按经办人."""
    from desk.services.report_workbook import write_daily_workbook

    return write_daily_workbook(payload, Path(path), number=number, code=code)
