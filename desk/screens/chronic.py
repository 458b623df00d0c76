"""What the 门诊慢特病 tab shows, without Qt: the person's filings, the selected filing's materials,
history and documents, the disease search and the 年审提醒 list.

One call per refresh: `filings_screen` (the list and its selected filing), `filing_detail` (another
filing chosen), `reminders_screen` (the reminder page), `find_diseases` / `pick_disease` (the disease
search). Everything here is a query, or a check that raises the same refusal the service would: no
writes, and no policy arithmetic beyond asking the core and the services.
"""

from __future__ import annotations

from dataclasses import dataclass

from desk.core.diseases import KIND_NAMES, Disease
from desk.core.errors import DeskError, ValidationError
from desk.core.filing import MOVE_NAMES, MOVES, STATE_NAMES, target_state
from desk.core.idnumber import mask_id_number
from desk.screens.common import enrolment_history
from desk.services import chronic, persons, vouchers
from desk.services.chronic import Agent, Filing, FilingEvent
from desk.services.context import Desk, Operator

AGENT_RELATIONS = chronic.AGENT_RELATIONS
DEFAULT_REMINDER_DAYS = chronic.DEFAULT_REMINDER_DAYS
STATUS_NAMES = {"due": "即将到期", "lapsed": "已过期"}
# The paper handed over when a filing is accepted or its materials are brought, by document type:
# the preview's title (all materials in: the 受理回执; some missing: the 一次性告知书).
ACCEPTANCE_PAPERS = {"filing_receipt": "受理回执", "one_time_notice": "一次性告知书"}


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
class DocumentRow:
    """One paper issued for the filing (newest first in the detail)."""

    number: str
    title: str
    issued: str  # 'YYYY-MM-DD HH:MM'
    prints: int


@dataclass(frozen=True)
class FilingDetail:
    row: FilingRow
    received: tuple[str, ...]  # the names of the materials received
    missing: tuple[tuple[str, str], ...]  # (key, name) of every required material not yet received
    agent: Agent | None
    events: tuple[EventRow, ...]
    documents: tuple[DocumentRow, ...]
    allowed: frozenset[str]  # the moves the workflow allows from the current state


@dataclass(frozen=True)
class FilingsScreen:
    """The filings panel: every filing of the person, newest first, and the one selected."""

    rows: tuple[FilingRow, ...]
    selected: FilingDetail | None  # the filing asked for, else the newest; None without filings
    awaiting_id: int | None  # the newest filing waiting for materials (待补正), if any


@dataclass(frozen=True)
class ReminderRow:
    filing_id: int
    person_id: int
    status: str
    status_name: str
    effective_to: str
    days_left: int
    left: str  # 今天到期, 'N 天' or '已过 N 天'
    person_name: str
    id_number: str  # masked
    phone: str
    disease: str
    kind_name: str


@dataclass(frozen=True)
class RemindersScreen:
    rows: tuple[ReminderRow, ...]  # due (soonest first), then lapsed
    due: int
    lapsed: int


def _short(timestamp: str | None) -> str:
    return (timestamp or "").replace("T", " ")[:16]


def validity_text(filing: Filing) -> str:
    """认定有效期 as the tab shows it; '—' before an approval."""
    start, end = filing.effective_from, filing.effective_to
    if not start:
        return "—"
    text = f"{start} 至 {end}" if end else f"{start} 起长期有效"
    if filing.state == "terminated" and filing.terminated_on:
        text += f"（终止于 {filing.terminated_on}）"
    return text


def filing_row(filing: Filing) -> FilingRow:
    decided = f"{filing.decided_by_name} {(filing.decided_at or '')[:10]}" if filing.decided_by_name else ""
    return FilingRow(
        id=filing.id, person_id=filing.person_id, disease_code=filing.disease_code, disease_name=filing.disease_name,
        kind=filing.kind, kind_name=KIND_NAMES.get(filing.kind, filing.kind), state=filing.state,
        state_name=filing.state_name, validity=validity_text(filing), valid_today=filing.valid_today,
        accepted=f"{filing.accepted_by_name} {filing.accepted_at[:10]}", decided=decided,
        reason=filing.reason or "",
    )


def filings_screen(desk: Desk, operator: Operator, person_id: int, select: int | None = None) -> FilingsScreen:
    """The person's filings, newest first, with the detail of `select` (or of the newest)."""
    filings = chronic.filings_of(desk, operator, person_id)
    if not filings:
        return FilingsScreen(rows=(), selected=None, awaiting_id=None)
    chosen = next((filing for filing in filings if filing.id == select), filings[0])
    awaiting = next((filing.id for filing in filings if filing.state == "awaiting_materials"), None)
    return FilingsScreen(rows=tuple(filing_row(filing) for filing in filings), selected=_detail(desk, operator, chosen),
                         awaiting_id=awaiting)


def _materials(desk: Desk, filing: Filing) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    try:
        disease_ = chronic.disease(desk, filing.disease_code, filing.kind)
    except DeskError:  # no longer in the office's catalogue: show the keys as recorded
        return filing.materials, ()
    received = set(filing.materials)
    names = tuple(m.name for m in disease_.materials if m.key in received)
    missing = tuple((m.key, m.name) for m in disease_.materials if m.key not in received)
    return names, missing


def _event_detail(event: FilingEvent) -> str:
    detail = event.detail
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


def _event_row(event: FilingEvent) -> EventRow:
    before = STATE_NAMES.get(event.from_state, "") if event.from_state else ""
    after = STATE_NAMES.get(event.to_state, event.to_state)
    return EventRow(
        at=_short(event.at), action=MOVE_NAMES.get(event.action, event.action),
        states=f"{before} → {after}" if before else after, operator_name=event.operator_name,
        detail=_event_detail(event),
    )


def allowed_moves(state: str) -> frozenset[str]:
    return frozenset(action for action, (sources, _, _) in MOVES.items() if state in sources)


def check_move(state: str, action: str) -> None:
    """Raise the workflow's own refusal when `action` is not allowed from `state`."""
    target_state(state, action)


def _detail(desk: Desk, operator: Operator, filing: Filing) -> FilingDetail:
    received, missing = _materials(desk, filing)
    issued = reversed(vouchers.vouchers_of(desk, "filing", filing.id))  # newest first (issued in id order)
    documents = tuple(DocumentRow(number=document.number, title=document.title,
                                  issued=_short(document.created_at), prints=document.prints)
                      for document in issued)
    return FilingDetail(
        row=filing_row(filing), received=received, missing=missing, agent=filing.agent,
        events=tuple(_event_row(event) for event in chronic.filing_history(desk, operator, filing.id)),
        documents=documents, allowed=allowed_moves(filing.state),
    )


def filing_detail(desk: Desk, operator: Operator, person_id: int, filing_id: int) -> FilingDetail:
    """The detail of one of the person's filings (another row chosen in the list)."""
    filing = chronic.find_filing(desk, operator, filing_id)
    if filing is None or filing.person_id != person_id:
        raise ValidationError.single("filing", "not_found", f"没有受理号为 {filing_id} 的申请，请刷新后重试。")
    return _detail(desk, operator, filing)


def find_diseases(desk: Desk, text: str) -> list[Disease]:
    """The diseases of the office's catalogue that match a code, name or pinyin initials."""
    return chronic.find_diseases(desk, text)


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


def _left(days_left: int) -> str:
    if days_left < 0:
        return f"已过 {-days_left} 天"
    return "今天到期" if days_left == 0 else f"{days_left} 天"


def _reminder_row(reminder: chronic.Reminder) -> ReminderRow:
    filing = reminder.filing
    return ReminderRow(
        filing_id=filing.id, person_id=filing.person_id, status=reminder.status,
        status_name=STATUS_NAMES[reminder.status], effective_to=filing.effective_to or "", days_left=reminder.days_left,
        left=_left(reminder.days_left), person_name=filing.person_name, id_number=mask_id_number(filing.person_id_number),
        phone=filing.person_phone or "", disease=f"{filing.disease_code} {filing.disease_name}",
        kind_name=KIND_NAMES.get(filing.kind, filing.kind),
    )


def reminders_screen(desk: Desk, operator: Operator, within_days: int) -> RemindersScreen:
    """Approvals ending within the next N days, then those lapsed; each with its person's contact."""
    found = chronic.reminders(desk, operator, within_days=within_days)
    rows = tuple(_reminder_row(reminder) for reminder in (*found.due, *found.lapsed))
    return RemindersScreen(rows=rows, due=len(found.due), lapsed=len(found.lapsed))


@dataclass(frozen=True)
class PersonPanel:
    """The top of the tab once a person is opened: who, and the enrolment a filing needs."""

    person: persons.PersonRecord
    heading: str  # name, masked ID, personal number and phone
    coverage: str  # the active enrolment, or why no filing can be accepted yet


NO_PERSON_HEADING = "尚未打开参保人"
NO_PERSON_COVERAGE = "先查询参保人（F2）；年审提醒见 F4。"


def person_panel(desk: Desk, operator: Operator, person_id: int) -> PersonPanel:
    record = persons.get_person(desk, operator, person_id)
    phone = f"　电话 {record.phone}" if record.phone else ""
    heading = f"{record.name}　{mask_id_number(record.id_number)}　个人编号 {record.personal_number or ''}{phone}"
    active = [row for row in enrolment_history(desk, operator, person_id) if row.status == "active"]
    if not active:
        coverage = "没有有效的参保登记：须先参保，待遇开始后才能申请门诊慢特病。"
    else:
        coverage = f"参保：{active[0].year}年度 {active[0].scheme_name}，待遇自 {active[0].benefit_start or '—'} 起"
    return PersonPanel(record, heading, coverage)
