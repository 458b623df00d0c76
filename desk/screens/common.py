"""What several tabs show: the office's default pack and benefit year (status bar, the enrolment inputs),
a person's enrolment history (参保登记, 门诊慢特病), the next copy number of a voucher (the preview) and
the person search at the top of every business tab. No Qt, no store: reads go through the services."""

from __future__ import annotations

from dataclasses import dataclass

from desk.core.enrolment import STATUS_NAMES, benefit_year_collected
from desk.core.idnumber import mask_id_number
from desk.core.money import format_amount
from desk.services import enrolment, persons, vouchers
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
