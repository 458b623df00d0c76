"""报销计算 services: the headless calculation (`desk calc`), and for the tab: eligibility, the
ledger (record, reverse), the year's usage and the statement."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desk.core import inputs
from desk.core.claims import institution_key, parse_claim
from desk.core.errors import NotFound, Refused, ValidationError
from desk.core.money import format_amount, from_fen, to_fen
from desk.core.packs import Pack
from desk.core.reimbursement import (
    BENEFIT_NAMES,
    DISEASE_KIND_OF,
    LEVEL_NAMES,
    RESULT_KEYS,
    STATUS_TEXT,
    Accumulators,
    CapLeft,
    Claim,
    PersonFacts,
    Result,
    calculate,
    caps_left,
)
from desk.services import chronic, vouchers
from desk.services.calculation import calculate_json  # noqa: F401 - the headless contract, also reached from here
from desk.services.catalogues import catalogue_of
from desk.services.context import Desk, Operator
from desk.store import enrolments as enrolment_store
from desk.store import persons as person_store
from desk.store import settlements as store
from desk.store.settlements import AMOUNT_COLUMNS

# ------------------------------------------------------------ the tab: eligibility, ledger, statement

RESULT_LABELS = {
    "medfee_sumamt": "医疗费用总额", "fulamt_ownpay_amt": "全自费金额", "preselfpay_amt": "乙类先行自付",
    "inscp_scp_amt": "政策范围内费用", "act_pay_dedc": "本次起付线", "hifp_pay": "基本医疗保险统筹基金支付",
    "hifmi_pay": "大病保险支付", "maf_pay": "医疗救助支付", "fund_pay_sumamt": "基金支付合计", "psn_part_amt": "个人负担",
}
PROVISIONAL_LABELS = {"disease_annual_cap": "单病种年度限额", "segments": "大病保险分段标准"}


@dataclass(frozen=True)
class EarlierBill:
    """A settlement already recorded for the person that the claim may repeat."""

    settlement_id: int
    statement_number: str | None  # 结算单编号 (None: recorded without a statement, before vouchers existed)
    recorded_on: str  # the day it was recorded, YYYY-MM-DD
    institution: str | None
    invoice_number: str | None
    service_date: str
    admission_date: str | None
    total: Decimal

    def describe(self) -> str:
        number = f"结算单 {self.statement_number}" if self.statement_number else f"结算记录 {self.settlement_id}"
        invoice = f"发票号 {self.invoice_number}" if self.invoice_number else "未填发票号"
        dates = (f"{self.admission_date} 至 {self.service_date}" if self.admission_date else self.service_date)
        return f"{self.recorded_on} {number}（{self.institution or '未填医疗机构'}，{dates}，总费用 {format_amount(self.total)} 元，{invoice}）"


class SimilarBill(Refused):
    """A bill of the same institution, dates and total is already settled for the person: recorded only
    after the clerk confirms it is another bill (`record_settlement(..., confirm_similar=True)`)."""

    code = "similar_bill"

    def __init__(self, earlier: tuple[EarlierBill, ...]):
        self.earlier = earlier
        lines = "；".join(bill.describe() for bill in earlier)
        super().__init__(f"这位参保人已有同一医疗机构、同一日期、同一总费用的结算：{lines}。"
                         "请核对是否为同一张票据重复报销；确认是另一张票据后才能记录。", field="invoice_number")


@dataclass(frozen=True)
class Eligibility:
    """What entitles the person to this claim: the pack in force, the enrolment covering the date and
    (a chronic, special or two-diseases claim) the approved filing of the disease."""

    pack: Pack
    enrolment_id: int
    filing_id: int | None
    person: PersonFacts


@dataclass(frozen=True)
class Preview:
    """What recording the claim now would pay, and each cap of the year after it."""

    result: Result
    eligibility: Eligibility
    caps: list[CapLeft]
    similar: tuple[EarlierBill, ...] = ()  # settled bills this one looks like: recording it needs confirming


@dataclass(frozen=True)
class Recorded:
    """A settlement just recorded: what it paid, by which pack, and its 结算单."""

    settlement_id: int
    result: Result
    pack: Pack
    voucher: vouchers.IssuedVoucher


@dataclass(frozen=True)
class Reversed:
    """A reversal just recorded: the mirror entry, the settlement it reverses and its 冲正凭证."""

    settlement_id: int
    reverses_id: int
    voucher: vouchers.IssuedVoucher


@dataclass(frozen=True)
class SettlementEntry:
    """One entry of a person's ledger: a settlement or a reversal (amounts negative), with who recorded it,
    the reversal that undid it if any, and its paper (结算单 or 冲正凭证)."""

    id: int
    entry: str  # settlement | reversal
    reverses_id: int | None
    reversed_by_id: int | None
    service_date: str
    benefit: str
    benefit_name: str
    status: str
    amounts: dict[str, Decimal]  # each of AMOUNT_COLUMNS, in yuan
    reason: str | None
    operator_name: str
    created_at: str
    voucher_number: str | None
    voucher_title: str


def _enrolment_on(desk: Desk, person_id: int, day: date) -> dict:
    enrolments = [row for row in enrolment_store.enrolments_of(desk.db, person_id) if row["status"] == "active"]
    for row in enrolments:
        if row["benefit_start"] <= day.isoformat() <= row["benefit_end"]:
            return row
    same_year = [row for row in enrolments if row["year"] == day.year]
    if same_year:
        raise Refused(f"就诊日期 {day.isoformat()} 尚在待遇等待期：{day.year}年度的待遇自 {same_year[0]['benefit_start']} 起享受。",
                      field="date")
    latest = f"最近一次参保为{enrolments[0]['year']}年度（待遇至 {enrolments[0]['benefit_end']}）" if enrolments else "没有任何参保记录"
    raise Refused(f"就诊日期 {day.isoformat()} 没有有效的参保登记：{latest}，不能报销。", field="date")


def _groups(person: dict) -> tuple[str, ...]:
    return tuple(item["code"] for item in json.loads(person["groups_json"]))


def check_eligibility(desk: Desk, person: dict, claim: Claim, retired: bool = False) -> Eligibility:
    """Refused before calculation when no enrolment covers the date, or (chronic, special, two diseases)
    no approved filing of that disease is valid on that date. The refusal says which and since when."""
    enrolment = _enrolment_on(desk, person["id"], claim.date)
    pack = desk.packs.for_region(enrolment["region_code"], enrolment["scheme"], claim.date)
    if pack is None:
        raise Refused(f"没有适用于 {enrolment['region_code']} {enrolment['scheme']} 在 {claim.date.isoformat()} 的政策包。", field="date")
    filing = None
    kind = DISEASE_KIND_OF.get(claim.benefit)
    if kind and claim.disease:
        filing = chronic.approved_filing(desk, person_id=person["id"], disease_code=claim.disease, kind=kind, on=claim.date)
        if filing is None:
            raise Refused(_no_filing_reason(desk, person["id"], claim, kind), field="disease")
    facts = PersonFacts(enrolment["scheme"], retired, _groups(person))
    return Eligibility(pack, enrolment["id"], filing.id if filing else None, facts)


def _no_filing_reason(desk: Desk, person_id: int, claim: Claim, kind: str) -> str:
    rows = [r for r in chronic.person_filings(desk, person_id) if r.disease_code == claim.disease and r.kind == kind]
    base = f"病种 {claim.disease} 在 {claim.date.isoformat()} 没有有效的门诊慢特病认定"
    if not rows:
        return base + "：该参保人未申请此病种，请先办理认定。"
    latest = rows[0]
    if latest.effective_from and claim.date.isoformat() < latest.effective_from:
        return base + f"：认定自 {latest.effective_from} 起生效。"
    if latest.effective_to and claim.date.isoformat() > latest.effective_to:
        return base + f"：认定已于 {latest.effective_to} 到期，请办理年审。"
    return base + f"：申请状态为“{latest.state_name}”。"


def accumulators(desk: Desk, person_id: int, year: int) -> Accumulators:
    """The year's accumulators, summed from the ledger every time (never from a cache)."""
    total = Accumulators()
    for delta in store.deltas_of_year(desk.db, person_id, year):
        total = total.plus(Accumulators.from_json(json.loads(delta)))
    return total


def _person(desk: Desk, person_id: int) -> dict:
    person = person_store.get_person(desk.db, person_id)
    if person is None:
        raise NotFound("没有找到这位参保人。")
    return person


def _chronic_codes(desk: Desk, person_id: int, day: date) -> list[str]:
    return [c.disease_code for c in chronic.filing_caps(desk, person_id=person_id, on=day) if c.kind == "chronic"]


def preview(desk: Desk, operator: Operator, *, person_id: int, claim_form: dict, retired: bool = False) -> Preview:
    """What recording this claim now would pay; nothing is written. Used as the clerk types, so an invoice
    already settled for the person is refused here already, and a bill like a settled one is named."""
    operator.require("settlement.record")
    person = _person(desk, inputs.record_id(person_id, "person", "参保人"))
    retired = inputs.flag(retired, "retired", "退休")
    claim_form = inputs.mapping(claim_form, "claim", "费用信息")
    pack_guess = desk.packs.get(desk.setting("default_pack"))
    claim = parse_claim(claim_form, pack_guess)
    eligibility = check_eligibility(desk, person, claim, retired)
    if eligibility.pack.id != pack_guess.id:
        claim = parse_claim(claim_form, eligibility.pack)
    before = accumulators(desk, person_id, claim.date.year)
    catalogue = catalogue_of(eligibility.pack)
    result = calculate(eligibility.pack, catalogue, eligibility.person, claim, before)
    caps = caps_left(eligibility.pack, catalogue, eligibility.person, before.plus(result.delta),
                     _chronic_codes(desk, person_id, claim.date))
    _refuse_settled_invoice(desk, person_id, claim)
    return Preview(result, eligibility, caps, similar_bills(desk, person_id, claim))


def year_usage(desk: Desk, operator: Operator, *, person_id: int, year: int, retired: bool = False) -> list[CapLeft]:
    operator.require("person.search")
    person = _person(desk, person_id)
    day = date(year, 12, 31) if year < desk.today().year else desk.today()
    try:
        enrolment = _enrolment_on(desk, person_id, day)
        pack = desk.packs.for_region(enrolment["region_code"], enrolment["scheme"], day) or desk.packs.get(desk.setting("default_pack"))
        scheme = enrolment["scheme"]
    except Refused:
        pack, scheme = desk.packs.get(desk.setting("default_pack")), "resident"
    facts = PersonFacts(scheme, retired, _groups(person))
    return caps_left(pack, catalogue_of(pack), facts, accumulators(desk, person_id, year), _chronic_codes(desk, person_id, day))


def _amount_fen(result: Result, sign: int = 1) -> dict:
    return {f"{key}_fen": sign * to_fen(value) for key, value in result.amounts().items()}


def _inputs(claim: Claim, retired: bool) -> dict:
    return {"date": claim.date.isoformat(), "benefit": claim.benefit, "level": claim.level, "in_region": claim.in_region,
            "disease": claim.disease, "procurement": claim.procurement, "total": format_amount(claim.total),
            "fulamt_ownpay": format_amount(claim.fulamt_ownpay), "preselfpay": format_amount(claim.preselfpay),
            "retired": retired, "institution": claim.institution, "invoice_number": claim.invoice_number,
            "admission_date": claim.admission_date.isoformat() if claim.admission_date else None}


def _earlier(desk: Desk, row: dict) -> EarlierBill:
    return EarlierBill(
        settlement_id=row["id"], statement_number=_original_number(desk, row["id"]), recorded_on=row["created_at"][:10],
        institution=row["institution_name"], invoice_number=row["invoice_number"], service_date=row["service_date"],
        admission_date=row["admission_date"], total=from_fen(row["medfee_sumamt_fen"]))


def same_invoice(desk: Desk, person_id: int, claim: Claim) -> EarlierBill | None:
    """The person's settlement, not reversed, that already paid this claim's invoice (a reversal frees it)."""
    if claim.invoice_number is None:
        return None
    row = store.settled_invoice(desk.db, person_id, claim.invoice_number)
    return _earlier(desk, row) if row else None


def similar_bills(desk: Desk, person_id: int, claim: Claim) -> tuple[EarlierBill, ...]:
    """The person's settlements, not reversed, of a bill with the same institution (compared with full-width
    forms and spaces folded), the same dates (an admission date missing on either side does not tell
    them apart) and the same total, whatever their invoice numbers. Without an institution: none."""
    if claim.institution is None:
        return ()
    key = institution_key(claim.institution)
    admission = claim.admission_date.isoformat() if claim.admission_date else None
    return tuple(
        _earlier(desk, row)
        for row in store.settled_bills_on(desk.db, person_id, claim.date.isoformat(), to_fen(claim.total))
        if row["institution_name"] and institution_key(row["institution_name"]) == key
        and (admission is None or row["admission_date"] is None or row["admission_date"] == admission)
    )


def _refuse_settled_invoice(desk: Desk, person_id: int, claim: Claim) -> None:
    settled = same_invoice(desk, person_id, claim)
    if settled is not None:
        number = f"结算单编号 {settled.statement_number}" if settled.statement_number else f"结算记录 {settled.settlement_id}"
        raise Refused(f"发票号 {claim.invoice_number} 已于 {settled.recorded_on} 结算（{number}，"
                      f"总费用 {format_amount(settled.total)} 元），同一张票据不能重复报销。"
                      "如那笔结算有误，须先由审核员冲正，再重新记录。", field="invoice_number")


def record_settlement(desk: Desk, operator: Operator, *, person_id: int, claim_form: dict, retired: bool = False,
                      confirm_similar: bool = False) -> Recorded:
    """Record the settlement and issue its statement in one transaction. The accumulators are read
    inside the write transaction, so two windows can never count the same cap twice. The same invoice
    of the person is refused (naming the earlier statement); a bill like an earlier one (institution,
    dates, total) raises SimilarBill unless `confirm_similar` is true."""
    operator.require("settlement.record")
    confirm_similar = inputs.flag(confirm_similar, "confirm_similar", "确认不是重复票据")
    with desk.transaction():
        seen = preview(desk, operator, person_id=person_id, claim_form=claim_form, retired=retired)
        result, eligibility = seen.result, seen.eligibility
        if result.claim.date > desk.today():
            raise ValidationError.single("date", "future", "就诊日期不能晚于今天，请核对。")
        confirmed = seen.similar  # the same invoice was refused by the preview, inside this transaction
        if confirmed and not confirm_similar:
            raise SimilarBill(confirmed)
        row = {
            "entry": "settlement", "person_id": person_id, "enrolment_id": eligibility.enrolment_id,
            "filing_id": eligibility.filing_id, "year": result.claim.date.year,
            "service_date": result.claim.date.isoformat(), "benefit": result.claim.benefit, "level": result.claim.level,
            "disease_code": result.claim.disease, "status": result.status, "pack_id": eligibility.pack.id,
            "pack_version": eligibility.pack.version, **_amount_fen(result),
            "inputs_json": json.dumps(_inputs(result.claim, retired), ensure_ascii=False),
            "steps_json": json.dumps(list(result.steps), ensure_ascii=False),
            "delta_json": json.dumps(result.delta.as_json()), "provisional_json": json.dumps(list(result.provisional)),
            "operator_id": operator.id, "window": desk.setting("window"), "created_at": desk.timestamp(),
            "institution_name": result.claim.institution, "invoice_number": result.claim.invoice_number,
            "admission_date": result.claim.admission_date.isoformat() if result.claim.admission_date else None,
        }
        settlement_id = store.insert_settlement(desk.db, row)
        payload = statement_payload(desk, _person(desk, person_id), eligibility, result, seen.caps, settlement_id)
        voucher = vouchers.issue(desk, operator, doc_type="settlement_statement", record_type="settlement",
                                 record_id=settlement_id, payload=payload)
        detail = {"amounts": result.as_json() | {"steps": len(result.steps)}, "statement": voucher.number}
        if confirmed:
            detail["confirmed_similar"] = [bill.settlement_id for bill in confirmed]
        desk.audit(operator, "settlement.record", "settlement", settlement_id, detail)
    return Recorded(settlement_id, result, eligibility.pack, voucher)


def statement_payload(desk: Desk, person: dict, eligibility: Eligibility, result: Result, caps, settlement_id: int) -> dict:
    claim = result.claim
    disease = (catalogue_of(eligibility.pack).get(claim.disease, DISEASE_KIND_OF[claim.benefit])
               if claim.disease and claim.benefit in DISEASE_KIND_OF else None)
    return {
        "settlement_id": settlement_id,
        "person": {"name": person["name"], "id_type": person["id_type"], "id_number": person["id_number"], "sex": person["sex"]},
        "personal_number": person["personal_number"],
        "scheme_name": "职工基本医疗保险" if eligibility.pack.scheme == "employee" else "城乡居民基本医疗保险",
        "region_name": eligibility.pack.region_name,
        "pack_id": eligibility.pack.id, "pack_version": eligibility.pack.version,
        "claim": {"date": claim.date.isoformat(), "benefit": claim.benefit, "benefit_name": BENEFIT_NAMES[claim.benefit],
                  "level": claim.level, "level_name": LEVEL_NAMES[claim.level], "in_region": claim.in_region,
                  "disease_code": claim.disease, "disease_name": disease.name if disease else None,
                  "procurement": claim.procurement, "institution": claim.institution,
                  "invoice_number": claim.invoice_number,
                  "admission_date": claim.admission_date.isoformat() if claim.admission_date else None},
        "amounts": {key: format_amount(value) for key, value in result.amounts().items()},
        "labels": RESULT_LABELS,
        "status": result.status, "status_text": STATUS_TEXT.get(result.status, "正常结算"),
        "steps": list(result.steps),
        "caps_left": [{"name": c.name, "cap": format_amount(c.cap) if c.cap is not None else None, "used": format_amount(c.used),
                       "left": format_amount(c.left) if c.left is not None else None, "provisional": c.provisional} for c in caps],
        "provisional": [PROVISIONAL_LABELS.get(p, p) for p in result.provisional],
    }


def reverse_settlement(desk: Desk, reviewer: Operator, *, settlement_id: int, reason: str) -> Reversed:
    """A reviewer (never the one who recorded it) reverses a wrong settlement: a mirror entry with
    negative amounts and the reason. The original stays; later settlements keep their amounts."""
    reviewer.require("settlement.reverse")
    settlement_id = inputs.record_id(settlement_id, "settlement", "结算记录")
    reason = inputs.text(reason, "reason", "冲正原因")
    if len(reason) < 4:
        raise ValidationError.single("reason", "required", "请填写冲正原因（至少4个字），原因会印在冲正凭证上。")
    with desk.transaction():
        original = store.get_settlement(desk.db, settlement_id)
        if original is None:
            raise NotFound(f"没有编号为 {settlement_id} 的结算记录。")
        if original["entry"] != "settlement":
            raise Refused("冲正记录本身不能再冲正。")
        if original["reversed_by_id"]:
            raise Refused(f"这笔结算已被冲正（冲正记录 {original['reversed_by_id']}），不能重复冲正。")
        if original["operator_id"] == reviewer.id:
            raise Refused(f"这笔结算由您（{reviewer.display_name}）记录，按规定须由另一位审核员冲正。", field="operator")
        mirror = _mirror(original, reviewer, reason, desk)
        reversal_id = store.insert_settlement(desk.db, mirror)
        voucher = vouchers.issue(desk, reviewer, doc_type="reversal_notice", record_type="settlement", record_id=reversal_id,
                                 payload=_reversal_payload(desk, original, mirror, reason))
        desk.audit(reviewer, "settlement.reverse", "settlement", reversal_id, {"reverses": settlement_id, "reason": reason,
                                                                            "notice": voucher.number})
    return Reversed(reversal_id, settlement_id, voucher)


def _mirror(original: dict, reviewer: Operator, reason: str, desk: Desk) -> dict:
    delta = Accumulators().plus(Accumulators.from_json(json.loads(original["delta_json"])), sign=-1)
    row = {key: original[key] for key in store.COLUMNS if key in original}
    row.update({f"{name}_fen": -original[f"{name}_fen"] for name in AMOUNT_COLUMNS})
    row.update(entry="reversal", reverses_id=original["id"], delta_json=json.dumps(delta.as_json()), reason=reason,
               operator_id=reviewer.id, window=desk.setting("window"), created_at=desk.timestamp())
    return row


def _original_number(desk: Desk, settlement_id: int) -> str | None:
    found = vouchers.vouchers_of(desk, "settlement", settlement_id)
    return found[0].number if found else None


def _reversal_payload(desk: Desk, original: dict, mirror: dict, reason: str) -> dict:
    person = _person(desk, original["person_id"])
    return {
        "person": {"name": person["name"], "id_type": person["id_type"], "id_number": person["id_number"], "sex": person["sex"]},
        "original_number": _original_number(desk, original["id"]), "original_id": original["id"],
        "original_recorded_at": original["created_at"], "original_operator": original["operator_name"],
        "service_date": original["service_date"], "benefit_name": BENEFIT_NAMES[original["benefit"]],
        "amounts_reversed": {name: format_amount(from_fen(mirror[f"{name}_fen"])) for name in AMOUNT_COLUMNS},
        "labels": RESULT_LABELS, "reason": reason, "reversed_on": desk.today().isoformat(),
        "pack_id": original["pack_id"], "pack_version": original["pack_version"],
    }


def settlements_of(desk: Desk, operator: Operator, *, person_id: int, year: int) -> list[SettlementEntry]:
    """The person's ledger of the year, oldest first."""
    operator.require("person.search")
    entries = []
    for row in store.settlements_of_year(desk.db, person_id, year):
        papers = vouchers.vouchers_of(desk, "settlement", row["id"])
        entries.append(SettlementEntry(
            id=row["id"], entry=row["entry"], reverses_id=row["reverses_id"], reversed_by_id=row["reversed_by_id"],
            service_date=row["service_date"], benefit=row["benefit"], benefit_name=BENEFIT_NAMES[row["benefit"]],
            status=row["status"], amounts={name: from_fen(row[f"{name}_fen"]) for name in AMOUNT_COLUMNS},
            reason=row["reason"], operator_name=row["operator_name"], created_at=row["created_at"],
            voucher_number=papers[0].number if papers else None, voucher_title=papers[0].title if papers else "",
        ))
    return entries


assert set(RESULT_KEYS) == set(AMOUNT_COLUMNS)
