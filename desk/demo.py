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
from desk.core.idnumber import make_id_number
from desk.core.filing import REJECTION_REASONS
from desk.services import chronic, enrolment, operators, persons
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
    "office_address": "大理市下关镇榆华路（示例地址）",
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
    values, weights = zip(*weighted)
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
        filing_id = filing.filing["id"]
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
    clock.moment = datetime.now()
    desk.clock = datetime.now
    return f"参保人 {registered} 人，参保记录 {enrolled} 条，职工医保记录 {employees} 条，门诊慢特病申请 {filings} 件。"
