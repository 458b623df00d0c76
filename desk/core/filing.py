"""The 慢特病 filing workflow (chronic.md): states, allowed moves, validity and reminders. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from desk.core.dates import add_months
from desk.core.diseases import Disease, Material
from desk.core.errors import Refused

STATE_NAMES = {
    "accepted": "已受理",
    "awaiting_materials": "待补正",
    "approved": "已认定",
    "rejected": "不予认定",
    "terminated": "已终止",
}
OPEN_STATES = ("accepted", "awaiting_materials")

# action → (states it may start from, the state it leads to, the permission it needs)
MOVES = {
    "request_materials": (("accepted",), "awaiting_materials", "filing.accept"),
    "receive_materials": (("awaiting_materials",), "accepted", "filing.accept"),
    "approve": (("accepted",), "approved", "filing.review"),
    "reject": (("accepted", "awaiting_materials"), "rejected", "filing.review"),
    "terminate": (("approved",), "terminated", "filing.review"),
}
# what each move (and the first step, 受理) is called on screen and in refusals
MOVE_NAMES = {
    "accept": "受理",
    "request_materials": "转待补正",
    "receive_materials": "补正材料",
    "approve": "认定",
    "reject": "不予认定",
    "terminate": "终止",
}
REJECTION_REASONS = (
    "诊断依据不足，不符合该病种认定标准",
    "检查检验结果不符合认定标准",
    "所患疾病不在本统筹区门诊慢特病病种范围内",
    "申请材料不真实或不完整，经告知后未补正",
    "未参加本统筹区基本医疗保险或参保中断",
)
TERMINATION_REASONS = ("参保人死亡", "迁出本统筹区", "病情变化不再符合认定条件", "参保关系终止", "其他")


def target_state(state: str, action: str) -> str:
    """The state an action leads to, or a refusal naming what is allowed from here."""
    sources, target, _ = MOVES[action]
    if state not in sources:
        allowed = "、".join(MOVE_NAMES[a] for a, (s, _, _) in MOVES.items() if state in s) or "无"
        raise Refused(
            f"当前状态为“{STATE_NAMES[state]}”，不能{MOVE_NAMES[action]}（此状态下可办理：{allowed}）。", field="state"
        )
    return target


def missing_materials(disease: Disease, received: set[str] | frozenset[str]) -> tuple[Material, ...]:
    return tuple(material for material in disease.materials if material.key not in received)


def validity_end(disease: Disease, effective_from: date) -> date | None:
    """The last day an approval pays: the day before the same date `validity_months` later
    (approved 2026-03-10 for 12 months → 2027-03-09; 2024-02-29 → 2025-02-28); None: until terminated."""
    if not disease.validity_months:
        return None
    return add_months(effective_from - timedelta(days=1), disease.validity_months)


@dataclass(frozen=True)
class FilingFacts:
    """What the rules need of a stored filing."""

    disease_code: str
    kind: str
    state: str
    effective_from: date | None
    effective_to: date | None


def valid_on(filing: FilingFacts, day: date) -> bool:
    """An approval pays from its approval date to its end date, both included. A terminated one
    keeps paying for dates up to its termination date (a bill entered late still counts)."""
    if filing.state not in ("approved", "terminated") or filing.effective_from is None or day < filing.effective_from:
        return False
    return filing.effective_to is None or day <= filing.effective_to


def blocks_new_filing(filing: FilingFacts, today: date) -> bool:
    """Open applications and approvals not yet lapsed count as active."""
    if filing.state in OPEN_STATES:
        return True
    return filing.state == "approved" and (filing.effective_to is None or filing.effective_to >= today)


def reminder_status(filing: FilingFacts, today: date, within_days: int) -> str | None:
    """'due' when an approval ends within the next N days (today and day N included), 'lapsed' once
    its end date has passed; None otherwise."""
    if filing.state != "approved" or filing.effective_to is None:
        return None
    if filing.effective_to < today:
        return "lapsed"
    if (filing.effective_to - today).days <= within_days:
        return "due"
    return None
