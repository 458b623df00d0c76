"""Read-only helpers the 门诊慢特病 tab needs beyond the business functions of `chronic`.

Everything here is a query or a check that raises the same refusal the service would: no
writes, and no policy arithmetic beyond asking the core.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from desk.core.diseases import KIND_NAMES, Disease
from desk.core.errors import DeskError, ValidationError
from desk.core.filing import ACTION_NAMES, MOVES, STATE_NAMES, target_state
from desk.core.idnumber import mask_id_number
from desk.services import chronic, vouchers
from desk.services.context import Desk, Operator

STATUS_NAMES = {"due": "即将到期", "lapsed": "已过期"}


@dataclass(frozen=True)
class FilingRow:
    """One line of the person's filings table."""

    id: int
    person_id: int
    disease_code: str
    disease_name: str
    kind: str
    kind_name: str
    state: str
    state_name: str
    validity: str
    valid_today: bool
    accepted: str
    decided: str
    reason: str


@dataclass(frozen=True)
class EventRow:
    at: str
    action: str
    states: str
    operator_name: str
    detail: str


@dataclass(frozen=True)
class FilingDetail:
    row: FilingRow
    received: tuple[str, ...]
    missing: tuple[tuple[str, str], ...]  # (key, name) of every required material not yet received
    agent: dict | None
    events: tuple[EventRow, ...]
    documents: tuple[dict, ...]
    allowed: frozenset[str]  # the moves the workflow allows from the current state


@dataclass(frozen=True)
class ReminderRow:
    filing_id: int
    person_id: int
    status: str
    status_name: str
    effective_to: str
    days_left: int
    person_name: str
    id_number: str  # masked
    phone: str
    disease: str
    kind_name: str


def _short(timestamp: str | None) -> str:
    return (timestamp or "").replace("T", " ")[:16]


def validity_text(view: dict) -> str:
    """认定有效期 as the tab shows it; '—' before an approval."""
    start, end = view.get("effective_from"), view.get("effective_to")
    if not start:
        return "—"
    text = f"{start} 至 {end}" if end else f"{start} 起长期有效"
    if view["state"] == "terminated" and view.get("terminated_on"):
        text += f"（终止于 {view['terminated_on']}）"
    return text


def filing_row(view: dict) -> FilingRow:
    decided = f"{view['decided_by_name']} {(view['decided_at'] or '')[:10]}" if view.get("decided_by_name") else ""
    return FilingRow(
        id=view["id"], person_id=view["person_id"], disease_code=view["disease_code"], disease_name=view["disease_name"],
        kind=view["kind"], kind_name=KIND_NAMES.get(view["kind"], view["kind"]), state=view["state"],
        state_name=view["state_name"], validity=validity_text(view), valid_today=bool(view["valid_today"]),
        accepted=f"{view['accepted_by_name']} {view['accepted_at'][:10]}", decided=decided,
        reason=view.get("reason") or "",
    )


def person_filings(desk: Desk, operator: Operator, person_id: int) -> list[FilingRow]:
    """The person's filings, newest first."""
    return [filing_row(view) for view in chronic.filings_of(desk, operator, person_id)]


def _materials(desk: Desk, view: dict) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    try:
        disease_ = chronic.disease(desk, view["disease_code"], view["kind"])
    except DeskError:  # no longer in the office's catalogue: show the keys as recorded
        return tuple(view["materials"]), ()
    received = set(view["materials"])
    names = tuple(m.name for m in disease_.materials if m.key in received)
    missing = tuple((m.key, m.name) for m in disease_.materials if m.key not in received)
    return names, missing


def _event_detail(event: dict) -> str:
    detail = json.loads(event.get("detail_json") or "{}")
    if detail.get("reason"):
        text = f"理由：{detail['reason']}"
        return text + (f"；最后享受待遇日 {detail['on']}" if detail.get("on") else "")
    if detail.get("effective_from"):
        end = detail.get("effective_to")
        return f"有效期 {detail['effective_from']} 至 {end}" if end else f"自 {detail['effective_from']} 起长期有效"
    if "materials" in detail:
        agent = detail.get("agent")
        text = f"已收材料 {len(detail['materials'])} 项"
        return text + (f"；代办人 {agent['name']}（{agent['relationship']}）" if agent else "")
    return ""


def _event_row(event: dict) -> EventRow:
    before = STATE_NAMES.get(event["from_state"], "") if event["from_state"] else ""
    after = STATE_NAMES.get(event["to_state"], event["to_state"])
    return EventRow(
        at=_short(event["at"]), action=ACTION_NAMES.get(event["action"], event["action"]),
        states=f"{before} → {after}" if before else after, operator_name=event["operator_name"],
        detail=_event_detail(event),
    )


def allowed_moves(state: str) -> frozenset[str]:
    return frozenset(action for action, (sources, _, _) in MOVES.items() if state in sources)


def check_move(state: str, action: str) -> None:
    """Raise the workflow's own refusal when `action` is not allowed from `state`."""
    target_state(state, action)


def filing_detail(desk: Desk, operator: Operator, person_id: int, filing_id: int) -> FilingDetail:
    views = {view["id"]: view for view in chronic.filings_of(desk, operator, person_id)}
    view = views.get(filing_id)
    if view is None:
        raise ValidationError.single("filing", "not_found", f"没有受理号为 {filing_id} 的申请，请刷新后重试。")
    received, missing = _materials(desk, view)
    documents = list(reversed(vouchers.vouchers_of(desk, "filing", filing_id)))  # newest first (issued in id order)
    return FilingDetail(
        row=filing_row(view), received=received, missing=missing, agent=view["agent"],
        events=tuple(_event_row(event) for event in chronic.filing_history(desk, operator, filing_id)),
        documents=tuple(documents), allowed=allowed_moves(view["state"]),
    )


def pick_disease(desk: Desk, text: str) -> Disease:
    """The one disease that what the clerk typed names; otherwise a refusal for the 病种 field."""
    value = (text or "").strip()
    if not value:
        raise ValidationError.single("disease", "required", "请输入病种代码、名称或拼音首字母（如 gxy）查找病种，并从列表中选择。")
    matches = chronic.find_diseases(desk, value)
    if not matches:
        raise ValidationError.single(
            "disease", "unknown", f"本统筹区门诊慢特病目录中没有与“{value}”相符的病种，请换用病种代码、名称或拼音首字母查找。")
    if len(matches) > 1:
        raise ValidationError.single(
            "disease", "ambiguous", f"“{value}”对应{len(matches)}个病种：请用 ↑↓ 在列表中选择一个，按 Enter 确定。")
    return matches[0]


def reminder_rows(desk: Desk, operator: Operator, within_days: int) -> list[ReminderRow]:
    """Approvals ending within the next N days, then those lapsed; each with its person's contact."""
    found = chronic.reminders(desk, operator, within_days=within_days)
    rows = []
    for status in ("due", "lapsed"):
        for view in found[status]:
            rows.append(ReminderRow(
                filing_id=view["id"], person_id=view["person_id"], status=status, status_name=STATUS_NAMES[status],
                effective_to=view["effective_to"], days_left=view["days_left"], person_name=view["person_name"],
                id_number=mask_id_number(view["person_id_number"]), phone=view["person_phone"] or "",
                disease=f"{view['disease_code']} {view['disease_name']}", kind_name=KIND_NAMES.get(view["kind"], view["kind"]),
            ))
    return rows
