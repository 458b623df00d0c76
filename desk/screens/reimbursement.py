"""Read-only helpers for the 报销计算 tab: choices for the claim form, the disease picker, the
person's enrolment line, and the service results turned into text for the screen.

Everything here is a query or formatting of what the services and the core computed: no
writes and no policy arithmetic (amounts are formatted, never added or compared).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desk.core.idnumber import mask_id_number
from desk.core.money import format_amount
from desk.core.packs_schema import LEVELS
from desk.core.reimbursement import BENEFIT_NAMES, BENEFITS, DISEASE_KIND_OF, LEVEL_NAMES, STATUS_TEXT, CapLeft
from desk.services import chronic, persons, reimbursement
from desk.services.context import Desk, Operator
from desk.services.enrolment import SCHEME_NAMES

# The fields the tab shows large, in the order of the statement (national setlinfo names).
RESULT_FIELDS = (
    ("inscp_scp_amt", "政策范围内费用"),
    ("act_pay_dedc", "起付线"),
    ("hifp_pay", "统筹基金"),
    ("hifmi_pay", "大病保险"),
    ("maf_pay", "医疗救助"),
    ("fund_pay_sumamt", "基金支付合计"),
    ("psn_part_amt", "个人负担"),
)
# Which amounts a provisional pack value decides (as on the printed statement); the totals follow the funds.
PROVISIONAL_AMOUNTS = {"segments": ("hifmi_pay",), "disease_annual_cap": ("hifp_pay",)}
TOTALS = ("fund_pay_sumamt", "psn_part_amt")
OK_TEXT = "正常结算"
NO_VALUE = "—"


@dataclass(frozen=True)
class Choice:
    code: str
    name: str


@dataclass(frozen=True)
class PersonContext:
    """What the tab shows about the person above the claim form."""

    heading: str
    enrolment_line: str
    employee: bool  # holds an employee enrolment: the 退休 box applies


@dataclass(frozen=True)
class DiseaseMatch:
    code: str | None  # the national code to send, None when the text names no disease
    label: str  # what was found, for the hint under the field
    found: bool


@dataclass(frozen=True)
class ResultView:
    amounts: dict[str, str]
    provisional_amounts: frozenset[str]
    provisional_labels: tuple[str, ...]
    steps: tuple[str, ...]
    status: str
    status_text: str
    year: int
    pack_line: str


@dataclass(frozen=True)
class UsageRow:
    name: str
    cap: str
    used: str
    left: str
    after: str
    provisional: bool


@dataclass(frozen=True)
class SettlementRow:
    settlement_id: int
    entry: str  # settlement | reversal
    service_date: str
    benefit_name: str
    total: str
    hifp: str
    hifmi: str
    psn_part: str
    status_text: str
    operator_name: str
    reversal_note: str
    voucher_number: str | None
    voucher_title: str
    reversible: bool


# ------------------------------------------------------------ choices


def benefit_choices() -> list[Choice]:
    return [Choice(code, BENEFIT_NAMES[code]) for code in BENEFITS]


def level_choices() -> list[Choice]:
    return [Choice(code, LEVEL_NAMES[code]) for code in LEVELS]


def needs_disease(benefit: str) -> bool:
    return benefit in DISEASE_KIND_OF


def takes_procurement(benefit: str) -> bool:
    return benefit == "two_diseases"


def find_diseases(desk: Desk, text: str, benefit: str) -> list[Choice]:
    """Diseases of the benefit's kind matching a code, a name or the pinyin initials, best first."""
    kind = DISEASE_KIND_OF.get(benefit)
    if kind is None:
        return []
    return [Choice(d.code, f"{d.code} {d.name}") for d in chronic.find_diseases(desk, text, kind)]


def match_disease(desk: Desk, text: str, benefit: str) -> DiseaseMatch:
    """The code to send for what the clerk typed: a known code (first word), or the only match."""
    value = (text or "").strip()
    kind = DISEASE_KIND_OF.get(benefit)
    if not value or kind is None:
        return DiseaseMatch(None, "", False)
    first = value.split()[0].upper()
    catalogue = chronic.catalogue(desk)
    known = catalogue.get(first, kind)
    if known is not None:
        return DiseaseMatch(known.code, known.label, True)
    if catalogue.kinds_of(first):
        return DiseaseMatch(first, "", False)  # a code of another kind: the service says which
    found = chronic.find_diseases(desk, value, kind)
    if len(found) == 1:
        return DiseaseMatch(found[0].code, found[0].label, True)
    return DiseaseMatch(None, "", False)


# ------------------------------------------------------------ the person


def person_context(desk: Desk, operator: Operator, person_id: int, year: int) -> PersonContext:
    record = persons.get_person(desk, operator, person_id)
    heading = "{name}　{id}　个人编号 {number}".format(
        name=record["name"], id=mask_id_number(record["id_number"]), number=record["personal_number"] or "—")
    active = [row for row in record.enrolments if row["status"] == "active"]
    this_year = [row for row in active if row["year"] == year]
    if this_year:
        line = "；".join("{year}年度{scheme}，待遇 {start} 至 {end}".format(
            year=row["year"], scheme=SCHEME_NAMES.get(row["scheme"], row["scheme"]), start=row["benefit_start"],
            end=row["benefit_end"]) for row in this_year)
    elif active:
        latest = active[0]
        line = "{year}年度无参保记录（最近一次：{last}年度{scheme}）".format(
            year=year, last=latest["year"], scheme=SCHEME_NAMES.get(latest["scheme"], latest["scheme"]))
    else:
        line = "没有参保记录"
    employee = any(row["scheme"] == "employee" for row in active)
    return PersonContext(heading, line, employee)


# ------------------------------------------------------------ results as text


def result_view(preview: reimbursement.Preview) -> ResultView:
    result = preview.result
    amounts = {key: format_amount(value) for key, value in result.amounts().items()}
    marked = {key for name in result.provisional for key in PROVISIONAL_AMOUNTS.get(name, ())}
    if marked:
        marked |= set(TOTALS)
    labels = tuple(reimbursement.PROVISIONAL_LABELS.get(name, name) for name in result.provisional)
    pack = preview.eligibility.pack
    return ResultView(
        amounts=amounts,
        provisional_amounts=frozenset(marked),
        provisional_labels=labels,
        steps=tuple(result.steps),
        status=result.status,
        status_text=STATUS_TEXT.get(result.status, OK_TEXT),
        year=result.claim.date.year,
        pack_line=f"政策包 {pack.id}（版本 {pack.version}）",
    )


def _money(value) -> str:
    return NO_VALUE if value is None else format_amount(value)


def usage_rows(now: list[CapLeft], after: list[CapLeft] | None = None) -> list[UsageRow]:
    """Each cap: the limit, used this year, left now and (with a calculated claim) left after it.
    A row without a cap (a running total such as the critical-illness base) shows its total."""
    later = {cap.name: cap for cap in after or ()}
    rows = []
    for cap in now:
        then = later.get(cap.name)
        if then is None:
            after_text = ""
        elif cap.cap is None:
            after_text = "累计 " + format_amount(then.used)
        else:
            after_text = _money(then.left)
        rows.append(UsageRow(cap.name, "不设封顶" if cap.cap is None and "限额" in cap.name else _money(cap.cap),
                             format_amount(cap.used), _money(cap.left), after_text, cap.provisional))
    return rows


def year_usage(desk: Desk, operator: Operator, person_id: int, year: int, retired: bool = False) -> list[CapLeft]:
    return reimbursement.year_usage(desk, operator, person_id=person_id, year=year, retired=retired)


def _reversal_note(row: dict, by_id: dict[int, dict]) -> str:
    """A reversal names its reason (its reviewer is in the 经办人 column); a reversed settlement who and why."""
    if row["entry"] == "reversal":
        return f"冲正原因：{row['reason'] or ''}"
    if row["reversed_by_id"]:
        mirror = by_id.get(row["reversed_by_id"])
        if mirror is None:
            return "已冲正"
        return f"已冲正（{mirror['operator_name']} {mirror['created_at'][:10]}）：{mirror['reason'] or ''}"
    return ""


def settlement_rows(desk: Desk, operator: Operator, person_id: int, year: int) -> list[SettlementRow]:
    """The person's settlements and reversals of the year, newest first, amounts as text."""
    rows = reimbursement.settlements_of(desk, operator, person_id=person_id, year=year)
    by_id = {row["id"]: row for row in rows}
    shown = []
    for row in reversed(rows):
        amounts = row["amounts"]
        voucher = row["vouchers"][0] if row["vouchers"] else None
        status = "冲正" if row["entry"] == "reversal" else STATUS_TEXT.get(row["status"], OK_TEXT)
        shown.append(SettlementRow(
            settlement_id=row["id"], entry=row["entry"], service_date=row["service_date"],
            benefit_name=row["benefit_name"], total=format_amount(amounts["medfee_sumamt"]),
            hifp=format_amount(amounts["hifp_pay"]), hifmi=format_amount(amounts["hifmi_pay"]),
            psn_part=format_amount(amounts["psn_part_amt"]), status_text=status, operator_name=row["operator_name"],
            reversal_note=_reversal_note(row, by_id), voucher_number=voucher["number"] if voucher else None,
            voucher_title=voucher["title"] if voucher else "",
            reversible=row["entry"] == "settlement" and not row["reversed_by_id"],
        ))
    return shown


def default_year(desk: Desk) -> int:
    return desk.today().year


def today(desk: Desk) -> date:
    return desk.today()
