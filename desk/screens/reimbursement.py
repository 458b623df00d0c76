"""What the 报销计算 tab shows, without Qt: the choices of the claim form, the disease picker, and
`claim_screen`, the one call of each refresh, which returns everything the tab displays (the
person and their enrolment, the claim's result and steps or why it cannot be calculated, the
year's usage of each cap before and after the claim, the year's settlements and what is enabled).

Everything here is a call of the services or formatting of what they and the core computed: no
writes and no policy arithmetic (amounts are formatted, never added or compared).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desk.core.enrolment import SCHEME_NAMES
from desk.core.errors import DeskError
from desk.core.idnumber import mask_id_number
from desk.core.money import format_amount
from desk.core.packs import Pack
from desk.core.packs_schema import LEVELS
from desk.core.reimbursement import BENEFIT_NAMES, BENEFITS, DISEASE_KIND_OF, LEVEL_NAMES, STATUS_TEXT, CapLeft, Result
from desk.services import chronic, persons, reimbursement
from desk.services.context import Desk, Operator
from desk.services.reimbursement import Recorded, SettlementEntry

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
OK_TEXT = "正常结算"
NO_VALUE = "—"
NO_PERSON_HEADING = "请先查询参保人（F2）"
NO_PERSON_TEXT = "查询参保人后填写费用，结果随输入即时计算"
BLANK_TEXT = "填写总费用后即时显示计算结果"
REFUSED_TEXT = "无法计算：请按上方和左侧标红的提示修改"


@dataclass(frozen=True)
class Choice:
    code: str
    name: str


@dataclass(frozen=True)
class _PersonContext:
    heading: str
    enrolment_line: str
    employee: bool  # holds an employee enrolment: the 退休 box applies


@dataclass(frozen=True)
class _DiseaseMatch:
    code: str | None  # the national code to send, None when the text names no disease
    label: str  # what was found, for the hint under the field


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
    recorded_note: str = ""  # the settlement was just recorded: what it paid and its statement's number
    similar_note: str = ""  # settled bills this one looks like: recording it asks first


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


@dataclass(frozen=True)
class ClaimScreen:
    """Everything the 报销计算 tab shows after one refresh."""

    person_id: int | None
    heading: str  # the person, or what to do first
    enrolment_line: str  # 参保情况：… ("" without a person)
    retired_applies: bool  # the person holds an employee enrolment: 退休 shows
    form_enabled: bool
    today: date  # the service date a new claim form starts from
    year: int  # the calendar year of the lists: the claim's, once one is calculated
    lists_year: int | None  # the year named above the lists (None without a person)
    result: ResultView | None  # None: `placeholder` instead
    placeholder: str
    refusal: DeskError | None  # why the claim on screen cannot be calculated (its field is marked)
    disease_hint: str  # the disease the 病种 text names
    claim_form: dict | None  # the claim as the services take it (the disease's code found); None: nothing typed
    usage: tuple[UsageRow, ...]
    settlements: tuple[SettlementRow, ...]


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


def _match_disease(desk: Desk, text: str, benefit: str) -> _DiseaseMatch:
    """The code to send for what the clerk typed: a known code (first word), or the only match."""
    value = (text or "").strip()
    kind = DISEASE_KIND_OF.get(benefit)
    if not value or kind is None:
        return _DiseaseMatch(None, "")
    first = value.split()[0].upper()
    catalogue = chronic.catalogue(desk)
    known = catalogue.get(first, kind)
    if known is not None:
        return _DiseaseMatch(known.code, known.label)
    if catalogue.kinds_of(first):
        return _DiseaseMatch(first, "")  # a code of another kind: the service says which
    found = chronic.find_diseases(desk, value, kind)
    if len(found) == 1:
        return _DiseaseMatch(found[0].code, found[0].label)
    return _DiseaseMatch(None, "")


# ------------------------------------------------------------ the screen


def claim_screen(desk: Desk, operator: Operator, *, person_id: int | None, typed: dict | None = None,
                 retired: bool = False, year: int | None = None, recorded: Recorded | None = None) -> ClaimScreen:
    """The tab after one refresh. `typed` is the claim form as typed (病种 as text); `year` the year the
    lists showed so far (at first, this year); `recorded` the settlement just recorded, shown with
    its note until the next edit. A claim that cannot be calculated comes back as `refusal`; any
    other refusal (the person, the lists) is raised."""
    year = default_year(desk) if year is None else year
    if person_id is None:
        return ClaimScreen(None, NO_PERSON_HEADING, "", False, False, today(desk), year, None, None, NO_PERSON_TEXT,
                           None, "", None, (), ())
    claim_form, hint = _claim_form(desk, typed) if typed is not None else (None, "")
    view, refusal, after, placeholder = None, None, None, ""
    if recorded is not None:
        view = _result_view(recorded.result, recorded.pack, _recorded_note(recorded))
    elif claim_form is None or not (claim_form.get("total") or "").strip():
        placeholder = BLANK_TEXT
    else:
        try:
            seen = reimbursement.preview(desk, operator, person_id=person_id, claim_form=claim_form, retired=retired)
        except DeskError as error:
            refusal, placeholder = error, REFUSED_TEXT
        else:
            view, after = _result_view(seen.result, seen.eligibility.pack, similar_note=_similar_note(seen.similar)), seen.caps
    if view is not None:
        year = view.year
    person = _person_context(desk, operator, person_id, year)
    now = reimbursement.year_usage(desk, operator, person_id=person_id, year=year, retired=retired)
    entries = reimbursement.settlements_of(desk, operator, person_id=person_id, year=year)
    return ClaimScreen(
        person_id=person_id, heading=person.heading, enrolment_line=f"参保情况：{person.enrolment_line}",
        retired_applies=person.employee, form_enabled=True, today=today(desk), year=year, lists_year=year,
        result=view, placeholder=placeholder, refusal=refusal, disease_hint=hint, claim_form=claim_form,
        usage=tuple(_usage_rows(now, after)), settlements=tuple(_settlement_rows(entries)),
    )


def _claim_form(desk: Desk, typed: dict) -> tuple[dict, str]:
    """The claim for the services: 病种 becomes the code of the disease the text names (left out when
    it names none: the service then says a disease is needed), with what was found as the hint."""
    form = dict(typed)
    benefit = form.get("benefit")
    match = _match_disease(desk, form.pop("disease", "") or "", benefit)
    if needs_disease(benefit) and match.code:
        form["disease"] = match.code
    return form, match.label


def _person_context(desk: Desk, operator: Operator, person_id: int, year: int) -> _PersonContext:
    record = persons.get_person(desk, operator, person_id)
    heading = "{name}　{id}　个人编号 {number}".format(
        name=record.name, id=mask_id_number(record.id_number), number=record.personal_number or "—")
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
    return _PersonContext(heading, line, employee)


# ------------------------------------------------------------ results as text


def _similar_note(similar) -> str:
    if not similar:
        return ""
    return ("疑似重复报销：已有同一医疗机构、同一日期、同一总费用的结算：" + "；".join(bill.describe() for bill in similar)
            + "。记录时须确认是另一张票据。")


def _result_view(result: Result, pack: Pack, recorded_note: str = "", similar_note: str = "") -> ResultView:
    amounts = {key: format_amount(value) for key, value in result.amounts().items()}
    # 暂定 stands beside the fund a provisional standard decided, never beside the totals (the amount the
    # citizen pays reads as final: it is what this settlement pays), as on the 结算单
    marked = {key for name in result.provisional for key in PROVISIONAL_AMOUNTS.get(name, ())}
    labels = tuple(reimbursement.PROVISIONAL_LABELS.get(name, name) for name in result.provisional)
    return ResultView(
        amounts=amounts,
        provisional_amounts=frozenset(marked),
        provisional_labels=labels,
        steps=tuple(result.steps),
        status=result.status,
        status_text=STATUS_TEXT.get(result.status, OK_TEXT),
        year=result.claim.date.year,
        pack_line=f"政策包 {pack.id}（版本 {pack.version}）",
        recorded_note=recorded_note,
        similar_note=similar_note,
    )


def _recorded_note(recorded: Recorded) -> str:
    amounts = recorded.result.as_json()
    return "已记录结算：基金支付 {fund} 元，个人负担 {own} 元。结算单编号 {number}。".format(
        fund=amounts["fund_pay_sumamt"], own=amounts["psn_part_amt"], number=recorded.voucher.number)


def _money(value) -> str:
    return NO_VALUE if value is None else format_amount(value)


def _usage_rows(now: list[CapLeft], after: list[CapLeft] | None = None) -> list[UsageRow]:
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


def _reversal_note(entry: SettlementEntry, by_id: dict[int, SettlementEntry]) -> str:
    """A reversal names its reason (its reviewer is in the 经办人 column); a reversed settlement who and why."""
    if entry.entry == "reversal":
        return f"冲正原因：{entry.reason or ''}"
    if entry.reversed_by_id:
        mirror = by_id.get(entry.reversed_by_id)
        if mirror is None:
            return "已冲正"
        return f"已冲正（{mirror.operator_name} {mirror.created_at[:10]}）：{mirror.reason or ''}"
    return ""


def _settlement_rows(entries: list[SettlementEntry]) -> list[SettlementRow]:
    """The person's settlements and reversals of the year, newest first, amounts as text."""
    by_id = {entry.id: entry for entry in entries}
    shown = []
    for entry in reversed(entries):
        amounts = entry.amounts
        status = "冲正" if entry.entry == "reversal" else STATUS_TEXT.get(entry.status, OK_TEXT)
        shown.append(SettlementRow(
            settlement_id=entry.id, entry=entry.entry, service_date=entry.service_date,
            benefit_name=entry.benefit_name, total=format_amount(amounts["medfee_sumamt"]),
            hifp=format_amount(amounts["hifp_pay"]), hifmi=format_amount(amounts["hifmi_pay"]),
            psn_part=format_amount(amounts["psn_part_amt"]), status_text=status, operator_name=entry.operator_name,
            reversal_note=_reversal_note(entry, by_id), voucher_number=entry.voucher_number,
            voucher_title=entry.voucher_title,
            reversible=entry.entry == "settlement" and not entry.reversed_by_id,
        ))
    return shown


def default_year(desk: Desk) -> int:
    return desk.today().year


def today(desk: Desk) -> date:
    return desk.today()
