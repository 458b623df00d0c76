from datetime import date

import pytest

from desk.core.errors import PermissionDenied, ValidationError
from desk.core.idnumber import make_id_number
from desk.services import persons
from desk.store.persons import person_versions
from tests.conftest import person_form


def count(desk, table):
    return desk.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_register_derives_sex_birth_and_region(desk, clerk):
    record = persons.register_person(desk, clerk, person_form())
    assert record.sex == "女" and record.birth_date == "1985-06-01" and record.native_region == "532923"
    assert record.personal_number == f"532900{record.id:08d}"
    assert count(desk, "person_versions") == 1


def test_a_known_id_number_is_never_registered_twice(desk, clerk):
    first = persons.register_person(desk, clerk, person_form())
    with pytest.raises(persons.PersonExists) as caught:
        persons.register_person(desk, clerk, person_form(name="别人"))
    assert caught.value.person_id == first.id and "已登记为“杨丽华”" in caught.value.message
    assert count(desk, "persons") == 1


def test_fifteen_digit_number_finds_the_same_person(desk, clerk):
    eighteen = make_id_number("532901", date(1965, 4, 3), 215)
    record = persons.register_person(desk, clerk, person_form(eighteen))
    fifteen = eighteen[:6] + eighteen[8:17]
    assert [p.id for p in persons.search_persons(desk, clerk, fifteen)] == [record.id]


def test_every_problem_is_reported_at_once_and_nothing_is_written(desk, clerk):
    audit_before = count(desk, "audit_log")
    bad = person_form("532923198506014520", name="张3", phone="12345", ethnicity="火星族", groups=[{"code": "dibao", "document": ""}])
    with pytest.raises(ValidationError) as caught:
        persons.register_person(desk, clerk, bad)
    fields = {problem.field for problem in caught.value.problems}
    assert fields == {"id_number", "name", "phone", "ethnicity", "groups"}
    assert count(desk, "persons") == 0 and count(desk, "audit_log") == audit_before


@pytest.mark.parametrize("name", ["阿不都热合曼·买买提", "李", "Mary Smith"])
def test_names_with_the_middle_dot_and_letters(desk, clerk, name):
    assert persons.register_person(desk, clerk, person_form(name=name)).name == name


def test_search_by_name_prefix_phone_and_id(desk, clerk):
    a = persons.register_person(desk, clerk, person_form(make_id_number("532901", date(1970, 1, 1), 11), name="杨国华", phone="13800000001"))
    b = persons.register_person(desk, clerk, person_form(make_id_number("532901", date(1971, 1, 1), 12), name="杨丽", phone=""))
    persons.register_person(desk, clerk, person_form(make_id_number("532901", date(1972, 1, 1), 13), name="李杨", phone=""))
    assert {p.id for p in persons.search_persons(desk, clerk, "杨")} == {a.id, b.id}
    assert [p.id for p in persons.search_persons(desk, clerk, "杨国")] == [a.id]
    assert [p.id for p in persons.search_persons(desk, clerk, "13800000001")] == [a.id]
    assert [p.id for p in persons.search_persons(desk, clerk, a.id_number)] == [a.id]
    assert persons.search_persons(desk, clerk, "王") == []


def test_update_keeps_every_version(desk, clerk):
    record = persons.register_person(desk, clerk, person_form())
    updated = persons.update_person(desk, clerk, record.id, person_form(phone="13912345678", address="新地址"))
    assert updated.phone == "13912345678" and updated.version == 2
    versions = person_versions(desk.db, record.id)
    assert [v["version"] for v in versions] == [1, 2] and "13908721234" in versions[0]["data_json"]


def test_the_id_number_cannot_be_changed_by_an_update(desk, clerk):
    record = persons.register_person(desk, clerk, person_form())
    with pytest.raises(ValidationError, match="证件号码不能在此修改"):
        persons.update_person(desk, clerk, record.id, person_form(make_id_number("532901", date(1990, 1, 1), 1)))


def test_an_administrator_does_no_business(desk, staff):
    with pytest.raises(PermissionDenied):
        persons.register_person(desk, staff["admin"], person_form())


def test_birth_certificate_for_a_newborn_without_id_number(desk, clerk):
    form = person_form("O530123456", id_type="出生医学证明", name="杨小宝", sex="男", birth_date="2026-02-01")
    record = persons.register_person(desk, clerk, form)
    assert record.birth_date == "2026-02-01" and record.native_region is None
