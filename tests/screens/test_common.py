"""What several tabs show (desk/screens/common.py), without Qt, on a fresh database built through the services."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from desk.core.errors import PermissionDenied
from desk.core.idnumber import make_id_number
from desk.screens import common
from desk.services import enrolment, persons, vouchers
from tests.conftest import person_form

SCREENS = Path(common.__file__).parent


def test_the_default_pack_is_the_offices_and_says_it_holds_provisional_values(desk):
    assert common.default_pack_status(desk) == common.PackStatus(
        "dali-resident-2025", "2025.1", "大理州城乡居民基本医疗保险（2025）", True)


@pytest.mark.parametrize(("today", "year"), [(date(2026, 3, 10), 2026), (date(2026, 9, 1), 2027)])
def test_the_default_benefit_year_is_the_one_being_collected(desk, clock, today, year):
    clock.moment = datetime(today.year, today.month, today.day, 10, 0)
    assert common.default_benefit_year(desk) == year


def test_the_history_names_the_operator_and_writes_amounts_as_text(desk, clerk, reviewer):
    person = persons.register_person(desk, clerk, person_form())
    enrolment.record_external_enrolment(desk, clerk, person_id=person.id, scheme="resident", year=2024, region_code="532900")
    first = enrolment.enrol(desk, clerk, person_id=person.id, year=2026, paid_on=date(2026, 3, 10))
    enrolment.cancel_enrolment(desk, reviewer, enrolment_id=first.enrolment_id, reason="重复缴费退费")
    again = enrolment.enrol(desk, clerk, person_id=person.id, year=2026, paid_on=date(2026, 3, 10))
    rows = common.enrolment_history(desk, reviewer, person.id)
    assert [(row.enrolment_id, row.year, row.payable, row.benefit_start, row.status_name, row.cancel_reason) for row in rows] == [
        (again.enrolment_id, 2026, "400.00", "2026-06-10", "有效", None),
        (first.enrolment_id, 2026, "400.00", "2026-06-10", "已作废", "重复缴费退费"),
        (rows[2].enrolment_id, 2024, "—", "2024-01-01", "有效（外部导入记录）", None),
    ]
    assert {row.operator_name for row in rows} == {"李娜"} and rows[0].created_at == "2026-03-10 09:30"
    assert [row.status for row in rows] == ["active", "cancelled", "active"]
    assert [row.origin for row in rows] == ["local", "local", "imported"]
    assert common.enrolment_history(desk, clerk, person.id + 1) == []
    assert [common.history_cells(row) for row in rows[1:]] == [
        ("2026", "城乡居民基本医疗保险", "400.00", "2026-06-10", "已作废：重复缴费退费", "李娜 2026-03-10 09:30"),
        ("2024", "城乡居民基本医疗保险", "—", "2024-01-01", "有效（外部导入记录）", "李娜 2026-03-10 09:30"),
    ]


def test_the_history_needs_the_right_to_search_persons(desk, staff):
    with pytest.raises(PermissionDenied):
        common.enrolment_history(desk, staff["admin"], 1)


def test_the_next_copy_number_counts_the_prints(desk, clerk):
    person = persons.register_person(desk, clerk, person_form())
    number = enrolment.enrol(desk, clerk, person_id=person.id, year=2026, paid_on=date(2026, 3, 10)).receipt.number
    assert common.next_copy_number(desk, number) == 0  # the next print is the original
    vouchers.record_print(desk, clerk, number)
    assert common.next_copy_number(desk, number) == 1
    vouchers.record_print(desk, clerk, number)
    assert common.next_copy_number(desk, f" {number.lower()} ") == 2
    assert common.next_copy_number(desk, "CB-20990101-0001") == 0  # not held here
    assert common.next_copy_number(desk, "") == 0


def test_the_search_finds_by_name_phone_and_number(desk, clerk):
    first = persons.register_person(desk, clerk, person_form())
    persons.register_person(desk, clerk, person_form(make_id_number("532901", date(1970, 1, 1), 11), name="杨国华", phone=""))
    assert [p.name for p in common.search_persons(desk, clerk, "杨")] == ["杨丽华", "杨国华"]  # by code point
    assert [p.id for p in common.search_persons(desk, clerk, "13908721234")] == [first.id]
    assert [p.id for p in common.search_persons(desk, clerk, first.id_number)] == [first.id]
    [found] = common.search_persons(desk, clerk, "杨丽")
    assert common.search_cells(found) == ("杨丽华", "532923********4529", "女", "1985-06-01", "13908721234")
    assert common.search_cells(found, "532923198506014529")[1] == "532923198506014529"  # exactly what was searched for
    assert [common.search_kind(text) for text in ("13908721234", "5329231985", "杨")] == ["phone", "id_number", "name"]


@pytest.mark.parametrize("module", ["common", "enrolment"])
def test_a_screen_imports_neither_qt_nor_the_store(module):
    code = f"import desk.screens.{module}, sys; assert not any(m.startswith('PySide6') for m in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    tree = ast.parse((SCREENS / f"{module}.py").read_text(encoding="utf-8"))
    imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not [name for name in imported if name.startswith(("desk.store", "sqlite", "PySide6"))]


# ---------------------------------------------------------------------- 当前办理人


def test_the_current_person_bar_names_who_is_served_and_what_is_under_way(desk, clerk, clock):
    from desk.services import chronic, transfer
    from tests.services.test_transfer import form as transfer_form

    clock.moment = datetime(2026, 1, 10, 9, 0)
    person = persons.register_person(desk, clerk, person_form())  # born 1985-06-01
    shown = common.current_person(desk, clerk, person.id)
    assert (shown.name, shown.masked_id_number, shown.sex_age) == ("杨丽华", person.id_number[:6] + "********"
                                                                   + person.id_number[-4:], "女 40岁")
    assert shown.enrolment == "2026年度 未参保"
    assert shown.filings == "慢特病：无在办或有效认定" and shown.transfers == "转移接续：无在办"
    enrolment.enrol(desk, clerk, person_id=person.id, year=2026, paid_on=date(2026, 1, 10))
    clock.moment = datetime(2026, 11, 20, 9, 0)  # the 2027 benefit year is being collected
    chronic.accept_filing(desk, clerk, person_id=person.id, disease_code="M03900", kind="chronic",
                          materials=["id_document"])  # materials missing: 待补正
    applied = transfer.apply(desk, clerk, form=transfer_form(id_number=person.id_number, name=person.name),
                             materials=["id_document", "pension_letter"], person_id=person.id)
    shown = common.current_person(desk, clerk, person.id)
    assert shown.enrolment == "2026年度 城乡居民医保 已参保；2027年度 未参保"
    assert shown.filings == "慢特病：高血压病（待补正）"
    assert shown.transfers == f"转移接续：查询号 {applied.transfer.query_number}（已受理）"
    assert shown.tooltip.splitlines()[-1] == "F2：办完此人，接待下一位"
    assert common.current_person(desk, clerk, person.id).sex_age == "女 41岁"
    clock.moment = datetime(2027, 3, 1, 9, 0)  # outside the season: only the year in force
    assert common.current_person(desk, clerk, person.id).enrolment == "2027年度 未参保"


def test_the_current_person_needs_the_right_to_search_persons(desk, staff, clerk):
    person = persons.register_person(desk, clerk, person_form())
    with pytest.raises(PermissionDenied):
        common.current_person(desk, staff["admin"], person.id)
