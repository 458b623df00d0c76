"""`desk demo`: a demonstration database of a Dali office, filled through the same services
the window uses (so every record is audited and every voucher verifiable).

Deterministic: the same seed gives the same residents.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from desk.core.errors import DeskError
from desk.core.filing import REJECTION_REASONS
from desk.core.idnumber import make_id_number
from desk.services import chronic, enrolment, operators, persons, reimbursement, standards, transfer
from desk.services.context import Desk, Operator
from desk.services.settings import update_settings

DEMO_OPERATORS = (
    ("admin", "赵管理", "admin", "Admin2026"),
    ("clerk01", "李娜", "clerk", "Clerk2026"),
    ("clerk02", "段志刚", "clerk", "Clerk2026"),
    ("review01", "杨慧", "reviewer", "Review2026"),
)

DEMO_SETTINGS = {
    "office_name": "大理州医疗保障事业管理局 大理市经办大厅",
    "window": "3号窗口",
    "office_phone": "0872-2125000",
    "office_address": "云南省大理白族自治州大理市下关镇榆华路18号 市民服务中心一楼",
}

# The season: the benefit year whose concentrated period runs from 1 September 2026, and the
# standard the demo's administrator enters for it. The document is named as a demo value so that
# nobody takes it for the real notice.
SEASON_YEAR = 2027
SEASON_STANDARD = {
    "individual": "420.00",
    "subsidies": [("dibao", "150.00"), ("tuopin", "200.00"), ("tekun", "全额")],
    "document": "示例文件（演示数据，非正式文件）",
}

# Dali's counties and some of their towns (GB/T 2260 codes)
COUNTIES = {
    "532901": ("大理市", ["下关街道", "大理镇", "喜洲镇", "凤仪镇", "银桥镇", "湾桥镇"]),
    "532922": ("漾濞彝族自治县", ["苍山西镇", "平坡镇"]),
    "532923": ("祥云县", ["祥城镇", "沙龙镇", "云南驿镇", "刘厂镇"]),
    "532924": ("宾川县", ["金牛镇", "州城镇", "宾居镇"]),
    "532925": ("弥渡县", ["弥城镇", "红岩镇"]),
    "532926": ("南涧彝族自治县", ["南涧镇", "公郎镇"]),
    "532927": ("巍山彝族回族自治县", ["南诏镇", "大仓镇"]),
    "532928": ("永平县", ["博南镇", "杉阳镇"]),
    "532929": ("云龙县", ["诺邓镇", "漕涧镇"]),
    "532930": ("洱源县", ["茈碧湖镇", "邓川镇", "右所镇"]),
    "532931": ("剑川县", ["金华镇", "沙溪镇"]),
    "532932": ("鹤庆县", ["云鹤镇", "草海镇", "松桂镇"]),
}
SURNAMES = "杨李张赵段王字杜施苏董尹何罗张李杨赵陈刘周黄孙马朱胡郭高林徐"
GIVEN = "丽华建国志刚红梅秀英玉兰春花金凤文明海燕永刚家兴光明雪梅云芳德华国华学文子涵雨桐浩然思雨欣怡俊杰"
ETHNIC_WEIGHTS = (("白族", 34), ("汉族", 50), ("彝族", 10), ("回族", 3), ("傈僳族", 1), ("苗族", 1), ("纳西族", 1))
GROUP_WEIGHTS = (
    (None, 80), ("dibao", 6), ("tuopin", 6), ("disabled_severe", 2), ("tekun", 1), ("low_income_elderly", 2),
    ("fp_only_child_parent", 2), ("orphan", 1),
)


@dataclass
class DemoClock:
    moment: datetime

    def __call__(self) -> datetime:
        return self.moment


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=False)
    return rng.choices(values, weights=weights)[0]


def _name(rng: random.Random) -> str:
    given_length = rng.choice((1, 2, 2, 2))
    given = "".join(rng.choice(GIVEN) for _ in range(given_length))
    return rng.choice(SURNAMES) + given


def _birth(rng: random.Random) -> date:
    return date(1936, 1, 1) + timedelta(days=rng.randrange(0, (date(2024, 12, 31) - date(1936, 1, 1)).days))


def _person_form(rng: random.Random, index: int) -> dict:
    county = rng.choice(sorted(COUNTIES))
    county_name, towns = COUNTIES[county]
    born = _birth(rng)
    id_number = make_id_number(county, born, (index * 7 + rng.randrange(0, 7)) % 1000)
    group = _pick(rng, GROUP_WEIGHTS)
    town = rng.choice(towns)
    form = {
        "id_type": "居民身份证",
        "id_number": id_number,
        "name": _name(rng),
        "ethnicity": _pick(rng, ETHNIC_WEIGHTS),
        "phone": f"1{rng.choice('3589')}{rng.randrange(0, 10**9):09d}" if rng.random() < 0.8 else "",
        "household_type": "农村" if rng.random() < 0.7 else "城镇",
        "township": town,
        "village": f"{rng.choice('东西南北上下新中')}{rng.choice('村营庄邑')}村委会",
        "address": f"{county_name}{town}{rng.randrange(1, 200)}号",
        "groups": [{"code": group, "document": f"{county}-{rng.randrange(1000, 9999)}号认定文件"}] if group else [],
    }
    return form


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(9, 0)) + timedelta(minutes=rng.randrange(0, 7 * 60))


def _enrol_years(desk: Desk, clerk: Operator, person_id: int, rng: random.Random, clock: DemoClock) -> int:
    """History in the former system (2021-2024), then enrolments at this window for 2025 and 2026."""
    done = 0
    first_year = rng.choice((2021, 2022, 2023, 2024, 2025))
    for year in range(first_year, 2025):
        if rng.random() < 0.9:
            enrolment.record_external_enrolment(desk, clerk, person_id=person_id, scheme="resident", year=year, region_code="532900")
            done += 1
    for year in (2025, 2026):
        if rng.random() < 0.1:
            continue
        paid = date(year - 1, 9, 1) + timedelta(days=rng.randrange(0, 180 if rng.random() < 0.85 else 330))
        clock.moment = _at(paid, rng)
        try:
            enrolment.enrol(desk, clerk, person_id=person_id, year=year, paid_on=paid)
            done += 1
        except DeskError:
            pass
    return done


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _season(desk: Desk, staff: dict, person_ids: list[int], rng: random.Random, clock: DemoClock) -> int:
    """The concentrated period for SEASON_YEAR under way: the administrator enters the year's standard
    just before it opens, then the clerks enrol residents, most of them in the last working days, so
    the day's 日报表 has something to add up. Nothing is paid in the future: the period so far only."""
    period_start, today = date(SEASON_YEAR - 1, 9, 1), date.today()
    last = min(today, date(SEASON_YEAR, 2, 28))
    clock.moment = datetime(SEASON_YEAR - 1, 8, 28, 10, 0)
    standards.enter_standard(desk, staff["admin"], pack_id="dali-resident-2025", year=SEASON_YEAR, **SEASON_STANDARD)
    if last < period_start:
        return 0
    clerks = [staff["clerk01"], staff["clerk02"]]
    recent = [_weekday_on_or_before(last - timedelta(days=back)) for back in range(7)]
    done = 0
    for person_id in person_ids:
        if rng.random() >= 0.35:
            continue
        if rng.random() < 0.6:
            paid = rng.choice(recent)
        else:
            paid = _weekday_on_or_before(period_start + timedelta(days=rng.randrange(0, (last - period_start).days + 1)))
        if paid < period_start:
            paid = period_start
        clock.moment = _at(paid, rng)
        try:
            enrolment.enrol(desk, rng.choice(clerks), person_id=person_id, year=SEASON_YEAR, paid_on=paid)
            done += 1
        except DeskError:
            pass
    return done


# (days before today the application was accepted, what happens next)
FILING_PLANS = (
    (2, "accepted"), (1, "awaiting"), (5, "awaiting"), (20, "approved"), (60, "approved"), (150, "approved"),
    (345, "approved_due"), (355, "approved_due"), (400, "approved_lapsed"), (30, "rejected"), (200, "terminated"),
)
DEMO_DISEASES = (("M03900", "chronic"), ("M01600", "chronic"), ("M04600", "chronic"), ("M03900", "two_diseases"),
                 ("M01600", "two_diseases"), ("M07803", "special"), ("M02101", "special"), ("M05300", "chronic"))


def _filing_for(desk: Desk, staff: dict, person_id: int, plan: tuple[int, str], rng: random.Random, clock: DemoClock) -> bool:
    days_ago, outcome = plan
    code, kind = rng.choice(DEMO_DISEASES)
    disease = chronic.disease(desk, code, kind)
    everything = [m.key for m in disease.materials]
    materials = everything[:1] if outcome == "awaiting" else everything
    clock.moment = _at(date.today() - timedelta(days=days_ago), rng)
    clerk, reviewer = staff["clerk01"], staff["review01"]
    try:
        filing = chronic.accept_filing(desk, clerk, person_id=person_id, disease_code=code, kind=kind, materials=materials)
        filing_id = filing.filing.id
        if outcome.startswith("approved") or outcome == "terminated":
            chronic.approve_filing(desk, reviewer, filing_id=filing_id)
        if outcome == "rejected":
            chronic.reject_filing(desk, reviewer, filing_id=filing_id, reason=rng.choice(REJECTION_REASONS))
        if outcome == "terminated":
            chronic.terminate_filing(desk, reviewer, filing_id=filing_id, reason="迁出本统筹区", on=clock.moment.date() + timedelta(days=90))
    except DeskError:
        return False
    return True


def _filings(desk: Desk, staff: dict, person_ids: list[int], rng: random.Random, clock: DemoClock) -> int:
    made = 0
    for index, person_id in enumerate(rng.sample(person_ids, min(len(person_ids), 60))):
        made += _filing_for(desk, staff, person_id, FILING_PLANS[index % len(FILING_PLANS)], rng, clock)
    return made


# claims of one person over the year: (days ago, benefit, level, total, fulamt_ownpay); some reach the caps
SETTLEMENT_PLANS = (
    ((200, "general_outpatient", "township", "420.00", "0.00"), (150, "general_outpatient", "village", "380.00", "0.00"),
     (90, "general_outpatient", "township", "160.00", "0.00")),  # 210 + 190 + 80 = 480 of the 500.00 cap
    ((240, "inpatient", "level2", "18650.00", "860.00"), (60, "general_outpatient", "community", "96.00", "0.00")),
    ((300, "inpatient", "level3", "86500.00", "4200.00"), (120, "inpatient", "level3", "64000.00", "2500.00")),  # near the critical base
    ((30, "inpatient", "township", "3200.00", "150.00"),),
)


# the institution on each demo bill, by level (in the region; a level-3 stay outside it is in Kunming)
DEMO_INSTITUTIONS = {"village": "大理市太和村卫生室", "township": "大理市下关镇卫生院", "community": "大理市满江社区卫生服务中心",
                     "level2": "大理市第二人民医院", "level3": "大理州人民医院"}


def _bill(person_id: int, days_ago: int, benefit: str, level: str, in_region: bool, day: date) -> dict:
    """Which bill it is; drawn from its own generator so the demo's other data stay as they were."""
    draw = random.Random(person_id * 7919 + days_ago)
    bill = {"institution": DEMO_INSTITUTIONS[level] if in_region or level != "level3" else "昆明医科大学第一附属医院",
            "invoice_number": f"{5329 if in_region else 5301}{draw.randrange(10 ** 9, 10 ** 10)}"}
    if benefit == "inpatient":
        bill["admission_date"] = (day - timedelta(days=draw.randrange(3, 13))).isoformat()
    return bill


def _settlements(desk: Desk, staff: dict, person_ids: list[int], rng: random.Random, clock: DemoClock) -> int:
    made = 0
    today = date.today()
    for index, person_id in enumerate(person_ids[:40]):
        for days_ago, benefit, level, total, own in SETTLEMENT_PLANS[index % len(SETTLEMENT_PLANS)]:
            day = today - timedelta(days=days_ago)
            clock.moment = _at(day + timedelta(days=rng.randrange(0, 5)), rng)
            form = {"date": day.isoformat(), "benefit": benefit, "level": level, "total": total, "fulamt_ownpay": own,
                    "in_region": rng.random() < 0.85}
            form |= _bill(person_id, days_ago, benefit, level, form["in_region"], day)
            try:
                reimbursement.record_settlement(desk, staff["clerk02"], person_id=person_id, claim_form=form)
                made += 1
            except DeskError:
                pass
    return made


TRANSFER_PLACES = (("530100", "昆明市医疗保险管理局"), ("530114", "昆明市呈贡区医疗保障局"), ("532300", "楚雄州医疗保障局"),
                   ("340600", "淮北市医疗保障局"), ("440300", "深圳市医疗保障局"))
# (days ago accepted, direction, outcome)
TRANSFER_PLANS = ((1, "in", "accepted"), (3, "out", "awaiting"), (12, "in", "out_review"), (20, "out", "in_review"),
                  (29, "in", "accepted"), (33, "in", "out_review"), (45, "out", "in_review"), (60, "in", "completed"),
                  (75, "out", "completed"), (90, "in", "returned"), (5, "out", "accepted"))


def _transfer_form(desk: Desk, person_id: int, direction: str, place: tuple[str, str]) -> dict:
    person = persons.get_person(desk, _reader(desk), person_id)
    ours = {"region_code": "532900", "office": DEMO_SETTINGS["office_name"], "phone": DEMO_SETTINGS["office_phone"]}
    theirs = {"region_code": place[0], "office": place[1], "phone": ""}
    out_place, in_place = (theirs, ours) if direction == "in" else (ours, theirs)
    return {
        "id_type": "居民身份证", "id_number": person.id_number, "name": person.name,
        "phone": person.phone or "13908720000", "household_place": person.address or "", "applicant_status": "流动就业",
        "address": person.address or "", "direction": direction,
        "scope": "province" if place[0][:2] == "53" else "national",
        **{f"out_{k}": v for k, v in out_place.items()}, **{f"in_{k}": v for k, v in in_place.items()},
        "employee_medical": True, "enterprise_pension": True,
    }


def _reader(desk: Desk) -> Operator:
    return Operator(0, "demo", "演示", "clerk")


def _transfer(desk: Desk, staff: dict, person_id: int, plan, rng: random.Random, clock: DemoClock) -> bool:
    days_ago, direction, outcome = plan
    clock.moment = _at(date.today() - timedelta(days=days_ago), rng)
    form = _transfer_form(desk, person_id, direction, rng.choice(TRANSFER_PLACES))
    needed = ["id_document", "pension_letter"] + (["former_certificate"] if form["scope"] == "national" else [])
    materials = needed[:1] if outcome == "awaiting" else needed
    reviewer = staff["review01"]
    try:
        row = transfer.apply(desk, staff["clerk01"], form=form, materials=materials, person_id=person_id).transfer
        steps = {"out_review": 1, "in_review": 2, "completed": 3}.get(outcome, 0)
        for action in ("to_out_review", "to_in_review")[:steps]:
            transfer.advance(desk, reviewer, transfer_id=row.id, action=action)
        if outcome == "completed":
            transfer.complete(desk, reviewer, transfer_id=row.id, pooled_fund=f"{rng.randrange(2000, 30000)}.00",
                              personal_account=f"{rng.randrange(0, 9000)}.{rng.randrange(0, 100):02d}")
        if outcome == "returned":
            transfer.return_transfer(desk, reviewer, transfer_id=row.id, reason="转出地核实参保信息不一致，请申请人先到转出地更正")
    except DeskError:
        return False
    return True


def _transfers(desk: Desk, staff: dict, person_ids: list[int], rng: random.Random, clock: DemoClock) -> int:
    chosen = person_ids[-len(TRANSFER_PLANS):]
    return sum(_transfer(desk, staff, person_id, plan, rng, clock) for person_id, plan in zip(chosen, TRANSFER_PLANS, strict=False))


def _operators(desk: Desk) -> dict[str, Operator]:
    username, display_name, _, password = DEMO_OPERATORS[0]
    admin = operators.create_first_administrator(desk, username=username, display_name=display_name, password=password)
    update_settings(desk, admin, DEMO_SETTINGS)
    result = {"admin": admin}
    for username, display_name, role, password in DEMO_OPERATORS[1:]:
        result[username] = operators.create_operator(
            desk, admin, username=username, display_name=display_name, role=role, temporary_password=password,
            require_change=False,
        )
    return result


def create_demo_database(path: Path, *, persons: int = 300, seed: int = 2026) -> str:
    path = Path(path)
    if path.exists():
        raise DeskError(f"{path} 已存在：演示库只建在新文件上，请换一个路径或先移走旧文件。")
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    clock = DemoClock(datetime(2024, 9, 1, 9, 0))
    desk = Desk.open(path, clock=clock)
    try:
        return _fill(desk, rng, clock, persons)
    finally:
        desk.close()


def _fill(desk: Desk, rng: random.Random, clock: DemoClock, count: int) -> str:
    staff = _operators(desk)
    clerks = [staff["clerk01"], staff["clerk02"]]
    registered = enrolled = employees = 0
    person_ids = []
    for index in range(count):
        clerk = rng.choice(clerks)
        clock.moment = datetime(2024, 9, 1, 9, 0)
        try:
            record = persons.register_person(desk, clerk, _person_form(rng, index))
        except DeskError:
            continue
        registered += 1
        person_ids.append(record.id)
        if rng.random() < 0.05:
            enrolment.record_external_enrolment(desk, clerk, person_id=record.id, scheme="employee", year=2026, region_code="532901")
            employees += 1
        enrolled += _enrol_years(desk, clerk, record.id, rng, clock)
    filings = _filings(desk, staff, person_ids, rng, clock)
    settlements = _settlements(desk, staff, person_ids, rng, clock)
    transfers = _transfers(desk, staff, person_ids, rng, clock)
    enrolled += _season(desk, staff, person_ids, rng, clock)
    clock.moment = datetime.now()
    desk.clock = datetime.now
    return (f"参保人 {registered} 人，参保记录 {enrolled} 条，职工医保记录 {employees} 条，门诊慢特病申请 {filings} 件，"
            f"报销结算 {settlements} 笔，转移接续 {transfers} 件。")
