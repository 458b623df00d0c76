"""Annual standards: an administrator enters a benefit year's individual contribution and subsidy
amounts for a pack, with the document that set them (policy-packs.md), without a release.

Every entry is a new version (append-only table, audited); for a pack and year the latest is in
force (desk/core/standards.py). Two administrators entering the same year at once: both are kept,
the later one (committed second) in force.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from desk.core.errors import Problem, ValidationError
from desk.core.money import AmountError, format_amount, parse_amount, to_fen
from desk.core.packs import Pack, PackNotConfigured
from desk.core.standards import FULL, AnnualStandard, contribution_provenance, group_amount, group_provenance
from desk.services.context import Desk, Operator
from desk.store import standards as store

MAX_DOCUMENT = 100
YEARS_AHEAD = 5  # a standard is entered for a year at most this far after today's year
FULL_WORDS = {"full", "全额"}


@dataclass(frozen=True)
class ValueInForce:
    """One value of a year as it stands: amount, where it comes from, confirmed or provisional."""

    name: str
    code: str  # "individual" or a group code
    amount: str  # "420.00" or "full"
    source: str
    status: str

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "amount": self.amount, "source": self.source,
                "status": self.status}


@dataclass(frozen=True)
class YearInForce:
    pack_id: str
    year: int
    individual: ValueInForce
    subsidies: tuple[ValueInForce, ...]
    entered: bool  # an administrator's entry is in force for this year

    def as_json(self) -> dict:
        return {"pack": self.pack_id, "year": self.year, "individual": self.individual.as_json(),
                "subsidies": [value.as_json() for value in self.subsidies], "entered": self.entered}


def _text(value: object) -> str:
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else ""


def _pack(desk: Desk, pack_id: object) -> Pack:
    try:
        return desk.packs.get(_text(pack_id))
    except PackNotConfigured as error:
        raise ValidationError([Problem("pack", "pack", error.message)]) from None


def _year(pack: Pack, value: object, today_year: int, problems: list[Problem]) -> int | None:
    text = _text(value) if not isinstance(value, int) or isinstance(value, bool) else str(value)
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        problems.append(Problem("year", "year", f"待遇年度“{text[:20]}”格式不正确：请填写四位年份，例如 2027。"))
        return None
    year = int(text)
    first = pack.effective_from.year
    if year < first:
        problems.append(Problem("year", "year", f"{year}年早于政策包 {pack.id} 的生效年度{first}年，请核对年度。"))
    elif year > today_year + YEARS_AHEAD:
        problems.append(Problem("year", "year", f"{year}年太远：最多录入{today_year + YEARS_AHEAD}年及以前的标准，请核对年度。"))
    else:
        return year
    return None


def _amount(value: object, field: str, label: str, problems: list[Problem]) -> Decimal | None:
    try:
        amount = parse_amount(_text(value) if isinstance(value, str) else value, field, label)
    except AmountError as error:
        problems.append(Problem(field, "amount", error.message))
        return None
    return amount


def _groups(pack: Pack) -> list[dict]:
    return list(pack.section("subsidies")["groups"]) if pack.has("subsidies") else []


def _subsidies(pack: Pack, given: object, individual: Decimal | None, problems: list[Problem]):
    """{code: Decimal or FULL}, in the order given; a group by its code or its Chinese name."""
    if given is None:
        return {}
    if not isinstance(given, (list, tuple)):
        problems.append(Problem("subsidy", "subsidy", "资助金额应逐项填写：资助类别=金额。"))
        return {}
    by_name = {}
    for group in _groups(pack):
        by_name[group["code"]] = group
        by_name[group["name"]] = group
    chosen: dict[str, Decimal | str] = {}
    for item in given[:100]:
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            problems.append(Problem("subsidy", "subsidy", "资助金额应写作 资助类别=金额，例如 dibao=150.00。"))
            continue
        name, amount_text = _text(item[0]), _text(item[1])
        group = by_name.get(name)
        if group is None:
            known = "、".join(g["code"] for g in _groups(pack)) or "（该政策包未配置资助类别）"
            problems.append(Problem("subsidy", "subsidy", f"政策包 {pack.id} 没有资助类别“{name[:30]}”，可选：{known}。"))
            continue
        if group["code"] in chosen:
            problems.append(Problem("subsidy", "subsidy", f"资助类别“{group['name']}”填了两次，请只保留一项。"))
            continue
        if amount_text.lower() in FULL_WORDS:
            chosen[group["code"]] = FULL
            continue
        amount = _amount(amount_text, "subsidy", f"“{group['name']}”的资助金额", problems)
        if amount is None:
            continue
        if individual is not None and amount > individual:
            problems.append(Problem("subsidy", "subsidy", f"“{group['name']}”的资助金额{format_amount(amount)}元超过个人缴费标准"
                                                 f"{format_amount(individual)}元；全额资助请写 全额。"))
            continue
        chosen[group["code"]] = amount
    if len(given) > 100:
        problems.append(Problem("subsidy", "subsidy", "资助金额最多填写100项。"))
    return chosen


def _document(value: object, problems: list[Problem]) -> str:
    if value is None:
        return ""
    text = _text(value)
    if len(text) > MAX_DOCUMENT:
        problems.append(Problem("document", "document", f"文件号太长（最多{MAX_DOCUMENT}个字），请只填文件号，例如 云医保〔2026〕88号。"))
    elif any(unicodedata.category(ch).startswith("C") for ch in text):
        problems.append(Problem("document", "document", "文件号含有控制字符，请重新填写。"))
    return text


def enter_standard(desk: Desk, operator: Operator, *, pack_id: object, year: object, individual: object,
                   subsidies: object = None, document: object = None) -> YearInForce:
    """Enter (a new version of) a benefit year's standard; returns what is now in force for the year.

    Every problem is named at once, by field (pack, year, individual, subsidy, document); nothing
    is written when there is one. `subsidies`: [(group code or name, amount or "full"/"全额"), ...]."""
    operator.require("admin.packs")
    pack = _pack(desk, pack_id)
    problems: list[Problem] = []
    the_year = _year(pack, year, desk.today().year, problems)
    amount = _amount(individual, "individual", "个人缴费标准", problems)
    if amount is not None and amount <= 0:
        problems.append(Problem("individual", "individual", "个人缴费标准应大于0元，请核对文件。"))
        amount = None
    if not pack.has("contribution"):
        problems.append(Problem("pack", "pack", f"政策包 {pack.id} 不收个人缴费（未配置缴费标准），不能录入年度标准。"))
    chosen = _subsidies(pack, subsidies, amount, problems)
    text = _document(document, problems)
    if problems:
        raise ValidationError(problems)
    with desk.transaction():
        entry_id = store.insert_standard(
            desk.db, pack_id=pack.id, year=the_year, individual_fen=to_fen(amount),
            subsidies={code: (FULL if value == FULL else to_fen(value)) for code, value in chosen.items()},
            document=text, status="confirmed" if text else "provisional", entered_by=operator.id,
            entered_at=desk.timestamp())
        desk.audit(operator, "standard.enter", "annual_standard", entry_id, {
            "pack": pack.id, "year": the_year, "individual": format_amount(amount),
            "subsidies": {code: (value if value == FULL else format_amount(value)) for code, value in chosen.items()},
            "document": text})
    return year_in_force(desk, pack.id, the_year)


def year_in_force(desk: Desk, pack_id: str, year: int) -> YearInForce:
    """The year's individual contribution and every group's amount as they stand, with source and status."""
    entered = any(entry.year == year for entry in desk.packs.entries(pack_id))
    return values_of_year(desk.packs.get(pack_id), year, entered=entered)


def values_of_year(pack: Pack, year: int, *, entered: bool = False) -> YearInForce:
    table = pack.section("contribution")["individual"] if pack.has("contribution") else {}
    if str(year) in table:
        provenance = contribution_provenance(pack, year)
        individual = ValueInForce("个人缴费标准", "individual", format_amount(table[str(year)]), provenance.source,
                                  provenance.status)
    else:
        individual = ValueInForce("个人缴费标准", "individual", "", "尚未录入", "missing")
    subsidies = []
    for group in _groups(pack):
        value = group_amount(pack, group, year)
        provenance = group_provenance(pack, group["code"], year)
        subsidies.append(ValueInForce(group["name"], group["code"], value if value == FULL else format_amount(value),
                                      provenance.source, provenance.status))
    return YearInForce(pack.id, year, individual, tuple(subsidies), entered)


def years_of(pack: Pack) -> list[int]:
    """Every benefit year the pack (as entered) gives a contribution for, in order."""
    table = pack.section("contribution")["individual"] if pack.has("contribution") else {}
    return sorted(int(year) for year in table)


def standards_history(desk: Desk, pack_id: str) -> list[AnnualStandard]:
    """Every entry of the pack, oldest first: the versions, never overwritten."""
    desk.packs.get(pack_id)
    return desk.packs.entries(pack_id)


def entry_json(entry: AnnualStandard) -> dict:
    return {"id": entry.id, "year": entry.year, "individual": format_amount(entry.individual),
            "subsidies": {code: (amount if amount == FULL else format_amount(amount)) for code, amount in entry.subsidies},
            "document": entry.document, "status": entry.status, "entered_by": entry.entered_by,
            "entered_at": entry.entered_at.isoformat(timespec="seconds")}


def missing_years(desk: Desk, pack_id: str) -> list[int]:
    """The benefit years being collected now or soon (the concentrated period is under way or begins
    within 90 days) that have no individual contribution yet: what an administrator must enter."""
    from datetime import timedelta

    from desk.core.enrolment import concentrated_period

    pack = desk.packs.get(pack_id)
    if not pack.has("contribution") or not pack.has("collection"):
        return []
    table = pack.section("contribution")["individual"]
    today = desk.today()
    missing = []
    for year in range(today.year, today.year + 3):
        start, end = concentrated_period(pack, year)
        if start - timedelta(days=90) <= today <= end and str(year) not in table:
            missing.append(year)
    return missing


def packs_in_use(desk: Desk) -> list[str]:
    """The office's default pack, then every pack with an enrolment of last year or later (still loadable)."""
    from desk.store import enrolments as enrolment_store

    chosen = [desk.setting("default_pack")]
    for pack_id in enrolment_store.packs_enrolled_since(desk.db, desk.today().year - 1):
        if pack_id not in chosen:
            chosen.append(pack_id)
    return [pack_id for pack_id in chosen if pack_id in desk.packs.packs]
