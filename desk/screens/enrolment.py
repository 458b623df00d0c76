"""What the 参保登记 tab shows, without Qt: the person panel with their enrolment history and vouchers
(`person_screen`), the live summary of the quote with the double-enrolment warning (`quote_screen`), and
the messages the tab says after an action. Reads go through the services; no store, no Qt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desk.core.enrolment import Quote
from desk.core.idnumber import mask_id_number
from desk.core.money import format_amount
from desk.screens.common import HistoryRow, default_benefit_year, history_row
from desk.services import enrolment, persons, vouchers
from desk.services.context import Desk, Operator
from desk.services.enrolment import PROVISIONAL_LABELS

NEW_PERSON_TITLE = "参保人信息 — 新登记"


@dataclass(frozen=True)
class EnrolmentSetup:
    """What the tab is built with: the pack's subsidy groups (code → name) for the person form, the benefit
    year the inputs start at, today, and whether the operator may cancel enrolments (作废所选登记…)."""

    groups: dict[str, str]
    benefit_year: int
    today: date
    can_cancel: bool


@dataclass(frozen=True)
class VoucherRow:
    number: str
    title: str
    created_at: str  # YYYY-MM-DD HH:MM
    prints: str  # "2 次"


@dataclass(frozen=True)
class PersonScreen:
    """An opened person: the record the form shows, the box's title, the history and voucher tables."""

    person: persons.PersonRecord
    title: str
    history: tuple[HistoryRow, ...]
    vouchers: tuple[VoucherRow, ...]
    can_cancel: bool


@dataclass(frozen=True)
class SummaryView:
    """The 缴费与待遇 panel as text; the three flags put 暂定 beside their value."""

    individual: str
    subsidy: str
    payable: str
    benefit_start: str
    waiting: str
    reason: str
    individual_provisional: bool
    subsidy_provisional: bool
    start_provisional: bool
    not_applicable: str  # "" when every group applies
    provisional_note: str  # "" when nothing used is provisional
    pack: str
    stale: bool  # the person form has unsaved changes: the summary is of the saved details


@dataclass(frozen=True)
class QuoteScreen:
    quote: Quote
    summary: SummaryView
    warning: str | None  # the year is already held: the enrolment would be refused


def enrolment_setup(desk: Desk, operator: Operator) -> EnrolmentSetup:
    return EnrolmentSetup(persons.known_groups(desk), default_benefit_year(desk), desk.today(),
                          operator.can("enrolment.cancel"))


def person_title(record: persons.PersonRecord) -> str:
    return "参保人信息 — {name}　{id}　个人编号 {number}".format(
        name=record.name, id=mask_id_number(record.id_number), number=record.personal_number or "")


def voucher_row(item: vouchers.Paper) -> VoucherRow:
    return VoucherRow(item.number, item.title, item.created_at.replace("T", " ")[:16], f"{item.prints} 次")


def person_screen(desk: Desk, operator: Operator, person_id: int) -> PersonScreen:
    """The person, their enrolments (newest year first) and every voucher issued for them: certificates and
    the receipts of their enrolments, newest first."""
    record = persons.get_person(desk, operator, person_id)
    entries = enrolment.enrolments_of(desk, operator, person_id)
    found = list(vouchers.vouchers_of(desk, "person", person_id))
    for entry in entries:
        found.extend(vouchers.vouchers_of(desk, "enrolment", entry.id))
    found.sort(key=lambda item: (item.created_at, item.number), reverse=True)
    return PersonScreen(record, person_title(record), tuple(history_row(entry) for entry in entries),
                        tuple(voucher_row(item) for item in found), operator.can("enrolment.cancel"))


def summary_view(quote: Quote, *, stale: bool = False) -> SummaryView:
    provisional = set(quote.provisional)
    group = f"（{quote.subsidy_group_name}）" if quote.subsidy_group_name else "（无资助）"
    lines = [f"· {g.name}：{g.reason}" for g in quote.groups if not g.applicable]
    labels = [PROVISIONAL_LABELS.get(name, name) for name in quote.provisional]
    return SummaryView(
        individual=f"{format_amount(quote.individual)} 元",
        subsidy=f"{format_amount(quote.subsidy)} 元" + group,
        payable=f"{format_amount(quote.payable)} 元",
        benefit_start=quote.benefit_start.isoformat(),
        waiting="无等待期" if quote.waiting_months == 0 else f"{quote.waiting_months}个月",
        reason=quote.reason,
        individual_provisional="contribution" in provisional,
        subsidy_provisional="subsidies" in provisional and quote.subsidy_group is not None,
        start_provisional=bool(provisional & {"collection", "waiting_period"}),
        not_applicable="不适用的资助类别：\n" + "\n".join(lines) if lines else "",
        provisional_note="标“暂定”的数值所依据的政策尚待确认：{items}。".format(items="、".join(labels)) if labels else "",
        pack=f"政策包 {quote.pack_id}（版本 {quote.pack_version}）",
        stale=stale,
    )


def held_warning(held: enrolment.Enrolment | None, year: int) -> str | None:
    if held is None:
        return None
    return f"该参保人{year}年度已有{held.scheme_name}参保记录（待遇自 {held.benefit_start or ''} 起），不能重复登记。"


def quote_screen(
    desk: Desk,
    operator: Operator,
    *,
    person_id: int,
    year: int,
    paid_on: date,
    newborn: bool = False,
    employee_ended_on: date | None = None,
    arrears_years: int = 0,
    stale: bool = False,
) -> QuoteScreen:
    """The live summary for the enrolment inputs, and the warning when the year is already held (the
    enrolment service refuses that enrolment; the clerk is told before pressing the button)."""
    quote = enrolment.quote_for_person(desk, operator, person_id=person_id, year=year, paid_on=paid_on,
                                       newborn=newborn, employee_ended_on=employee_ended_on,
                                       arrears_years=arrears_years)
    held = enrolment.held_enrolment(desk, operator, person_id=person_id, year=quote.year)
    return QuoteScreen(quote, summary_view(quote, stale=stale), held_warning(held, quote.year))


# ------------------------------------------------------------ what the tab says after an action


def saved_message(record: persons.PersonRecord, *, was_new: bool) -> str:
    if was_new:
        return f"已登记参保人 {record.name}，个人编号 {record.personal_number}。"
    return f"已保存 {record.name} 的信息（第 {record.version} 版）。"


def enrolled_message(result: enrolment.EnrolmentResult) -> str:
    quote = result.quote
    return (f"已办理{quote.year}年度参保登记：应缴 {quote.payable} 元，待遇自 {quote.benefit_start.isoformat()} 起。"
            f"回执编号 {result.receipt.number}。")


def cancel_description(person_name: str, row: HistoryRow) -> str:
    return (f"作废 {person_name} 的 {row.year} 年度{row.scheme_name}参保登记"
            f"（应缴 {row.payable} 元，经办人 {row.operator_name}）。")


def cancelled_message(row: HistoryRow) -> str:
    return f"已作废 {row.year} 年度参保登记。"


def id_number_not_found_message(id_number: str) -> str:
    return f"没有找到证件号码为 {id_number} 的参保人，已开始新登记：请填写姓名等信息。"


def not_found_message(text: str) -> str:
    return f"没有找到“{text}”：可换用身份证号码、姓名开头或手机号查询。"
