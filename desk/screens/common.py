"""What several tabs show: the office's default pack and benefit year (status bar, the enrolment inputs),
a person's enrolment history (参保登记, 门诊慢特病), the next copy number of a voucher (the preview) and
the person search at the top of every business tab. No Qt, no store: reads go through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desk.core import filing as filing_rules
from desk.core import transfer as transfer_rules
from desk.core.enrolment import STATUS_NAMES, benefit_year_collected
from desk.core.idnumber import age_on, mask_id_number
from desk.core.money import format_amount
from desk.services import chronic, enrolment, persons, transfer, vouchers
from desk.services.context import Desk, Operator


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


def history_row(entry: enrolment.Enrolment) -> HistoryRow:
    """One line of the history table: amounts as text (— for an imported record), the time to the minute."""
    local = entry.origin == "local"
    return HistoryRow(
        enrolment_id=entry.id,
        year=entry.year,
        scheme_name=entry.scheme_name,
        payable=format_amount(entry.payable) if local else "—",
        benefit_start=entry.benefit_start or "",
        status=entry.status,
        status_name=STATUS_NAMES.get(entry.status, entry.status) + ("" if local else "（外部导入记录）"),
        operator_name=entry.operator_name,
        created_at=(entry.created_at or "").replace("T", " ")[:16],
        cancel_reason=entry.cancel_reason,
        origin=entry.origin,
    )


def history_cells(row: HistoryRow) -> tuple[str, ...]:
    """The history table's columns 年度, 险种, 应缴（元）, 待遇开始, 状态 (with the reason it was cancelled), 经办人/时间."""
    status = row.status_name + (f"：{row.cancel_reason}" if row.cancel_reason else "")
    return (str(row.year), row.scheme_name, row.payable, row.benefit_start, status, f"{row.operator_name} {row.created_at}")


def enrolment_history(desk: Desk, operator: Operator, person_id: int) -> list[HistoryRow]:
    """The person's enrolments, newest year first, with the operator's name and amounts as text."""
    return [history_row(entry) for entry in enrolment.enrolments_of(desk, operator, person_id)]


def next_copy_number(desk: Desk, number: str) -> int:
    """0 when the voucher has never been printed (the next print is the original), else the 补打 count to come."""
    return vouchers.times_printed(desk, number)


def search_cells(person: persons.PersonSummary, full_id_number: str = "") -> tuple[str, ...]:
    """A search result's columns 姓名, 证件号码, 性别, 出生日期, 电话: the ID number in full only when it is exactly
    what was searched for, otherwise masked."""
    shown = person.id_number if person.id_number == full_id_number else mask_id_number(person.id_number)
    return (person.name, shown, person.sex, person.birth_date, person.phone or "")


def search_persons(desk: Desk, operator: Operator, text: str) -> list[persons.PersonSummary]:
    """The persons the search at the top of a business tab finds (ID number, phone or the name's beginning)."""
    return persons.search_persons(desk, operator, text)


def search_kind(text: str) -> str:
    """What the search text is read as: "id_number", "phone" or "name"."""
    return persons.search_kind(text)


# ---------------------------------------------------------------------- 当前办理人

NO_CURRENT_PERSON = "当前办理人：无。在任一页查询参保人后，各页都打开此人；办完按 F2 接待下一位。"
SHORT_SCHEME_NAMES = {"resident": "城乡居民医保", "employee": "职工医保"}


@dataclass(frozen=True)
class CurrentPerson:
    """The citizen being served, as the bar above the tabs shows them: who, how insured, what is under way."""

    person_id: int
    name: str
    masked_id_number: str
    sex_age: str  # 男 45岁
    enrolment: str  # 2026年度 城乡居民医保 已参保；2027年度 未参保
    filings: str  # 慢特病：高血压病（已认定）、糖尿病（待补正） or 慢特病：无
    transfers: str  # 转移接续：查询号 …（转出审核） or 转移接续：无在办
    tooltip: str


def _enrolment_text(entries: list[enrolment.Enrolment], years: tuple[int, ...]) -> str:
    parts = []
    for year in years:
        held = [entry for entry in entries if entry.year == year and entry.status == "active"]
        if held:
            scheme = SHORT_SCHEME_NAMES.get(held[0].scheme, held[0].scheme_name)
            parts.append(f"{year}年度 {scheme} 已参保")
        else:
            parts.append(f"{year}年度 未参保")
    return "；".join(parts)


def _filings_text(filings: list[chronic.Filing]) -> str:
    shown = [f"{item.disease_name}（{'已过期' if item.lapsed else item.state_name}）" for item in filings
             if item.state in filing_rules.OPEN_STATES or (item.state == "approved" and item.valid_today)]
    return "慢特病：" + ("、".join(shown) if shown else "无在办或有效认定")


def _transfers_text(transfers: list[transfer.Transfer]) -> str:
    running = [item for item in transfers if item.state not in transfer_rules.FINAL_STATES]
    if not running:
        return "转移接续：无在办"
    return "转移接续：" + "、".join(f"查询号 {item.query_number}（{item.state_name}）" for item in running)


def current_person(desk: Desk, operator: Operator, person_id: int) -> CurrentPerson:
    """One call for the 当前办理人 bar: the person, their enrolment in the year in force and (in the collection
    season) the year being collected, their running or valid 慢特病 filings and their running transfers."""
    person = persons.get_person(desk, operator, person_id)
    today = desk.today()
    years = tuple(sorted({today.year, default_benefit_year(desk)}))
    entries = enrolment.enrolments_of(desk, operator, person.id)
    sex_age = person.sex or ""
    if person.birth_date:
        sex_age = f"{sex_age} {age_on(date.fromisoformat(person.birth_date), today)}岁".strip()
    filings = chronic.filings_of(desk, operator, person.id)
    transfers = transfer.transfers_of(desk, operator, person.id_number)
    masked = mask_id_number(person.id_number)
    texts = (_enrolment_text(entries, years), _filings_text(filings), _transfers_text(transfers))
    tooltip = "\n".join((f"{person.name}　{masked}　{sex_age}", *texts, "F2：办完此人，接待下一位"))
    return CurrentPerson(person.id, person.name, masked, sex_age, *texts, tooltip)
