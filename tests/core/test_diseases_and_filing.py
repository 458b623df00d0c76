from datetime import date

import pytest

from desk.core.diseases import Catalogue, pinyin_initials
from desk.core.errors import Refused
from desk.core.filing import FilingFacts, blocks_new_filing, reminder_status, target_state, valid_on, validity_end
from desk.core.packs import PackRegistry
from desk.resources import resource_path

CATALOGUE = Catalogue.from_pack(PackRegistry.load_directory(resource_path("policies")).get("dali-resident-2025"))


@pytest.mark.parametrize(
    "query, first",
    [
        ("gxy", ("M03900", "chronic")),
        ("GXY", ("M03900", "chronic")),
        ("tnb", ("M01600", "chronic")),
        ("jsfl", ("M02101", "special")),
        ("xtxhblc", ("M07101", "special")),
        ("M07803", ("M07803", "special")),
        ("m078", ("M07800", "chronic")),
        ("07804", ("M07804", "special")),
        ("帕金森", ("M02300", "chronic")),
        ("肾功能", ("M07800", "chronic")),
    ],
)
def test_find_by_code_name_or_pinyin_initials(query, first):
    found = CATALOGUE.find(query)
    assert found and (found[0].code, found[0].kind) == first


def test_find_within_a_kind_and_nothing_found():
    assert [d.kind for d in CATALOGUE.find("gxy", "two_diseases")] == ["two_diseases"]
    assert CATALOGUE.find("zzzz") == []


def test_polyphonic_characters_follow_the_phrase():
    assert pinyin_initials("高血压病") == "gxyb"  # 血 read xue in 血压
    assert pinyin_initials("双相（情感）障碍") == "sxqgza"


def test_catalogue_values_come_from_the_pack():
    hypertension = CATALOGUE.get("M03900", "chronic")
    assert str(hypertension.annual_cap) == "1200.00" and hypertension.validity_months == 12
    assert [m.key for m in hypertension.materials] == ["id_document", "application_form", "diagnosis", "examinations"]
    two = CATALOGUE.get("M03900", "two_diseases")
    assert [m.key for m in two.materials] == ["id_document", "diagnosis", "drug_record"]
    assert str(CATALOGUE.get("M07803", "special").rate) == "0.90" and CATALOGUE.get("M00504", "special").rate is None
    assert CATALOGUE.kinds_of("m03900") == ("chronic", "two_diseases")


@pytest.mark.parametrize(
    "state, action, allowed",
    [
        ("accepted", "approve", True), ("accepted", "reject", True), ("accepted", "request_materials", True),
        ("accepted", "terminate", False), ("accepted", "receive_materials", False),
        ("awaiting_materials", "receive_materials", True), ("awaiting_materials", "reject", True),
        ("awaiting_materials", "approve", False),
        ("approved", "terminate", True), ("approved", "approve", False), ("approved", "reject", False),
        ("rejected", "approve", False), ("rejected", "terminate", False), ("terminated", "approve", False),
        ("terminated", "terminate", False),
    ],
)
def test_moves(state, action, allowed):
    if allowed:
        target_state(state, action)
    else:
        with pytest.raises(Refused, match="不能"):
            target_state(state, action)


def test_validity_end_is_the_day_before_the_anniversary():
    disease = CATALOGUE.get("M03900", "chronic")
    assert validity_end(disease, date(2026, 3, 10)) == date(2027, 3, 9)
    assert validity_end(disease, date(2024, 2, 29)) == date(2025, 2, 28)  # the day before 2025-03-01
    assert validity_end(disease, date(2026, 3, 1)) == date(2027, 2, 28)


def facts(state="approved", start=date(2026, 1, 1), end=date(2026, 12, 31)):
    return FilingFacts("M03900", "chronic", state, start, end)


@pytest.mark.parametrize(
    "day, valid", [(date(2025, 12, 31), False), (date(2026, 1, 1), True), (date(2026, 12, 31), True), (date(2027, 1, 1), False)]
)
def test_an_approval_pays_from_start_to_end_inclusive(day, valid):
    assert valid_on(facts(), day) is valid


@pytest.mark.parametrize(
    "today, status",
    [
        (date(2026, 11, 30), None),  # 31 days left
        (date(2026, 12, 1), "due"),  # 30 days left: day N included
        (date(2026, 12, 31), "due"),  # last valid day
        (date(2027, 1, 1), "lapsed"),  # the day after the end
    ],
)
def test_reminder_boundaries(today, status):
    assert reminder_status(facts(), today, 30) == status


def test_what_blocks_a_new_filing():
    assert blocks_new_filing(facts("accepted", None, None), date(2026, 5, 1))
    assert blocks_new_filing(facts(), date(2026, 12, 31))
    assert not blocks_new_filing(facts(), date(2027, 1, 1))  # lapsed: a new application is the review
    assert not blocks_new_filing(facts("rejected", None, None), date(2026, 5, 1))


def test_a_terminated_approval_pays_up_to_its_termination_date():
    terminated = FilingFacts("M03900", "chronic", "terminated", date(2026, 1, 1), date(2026, 6, 30))
    assert valid_on(terminated, date(2026, 6, 30)) and not valid_on(terminated, date(2026, 7, 1))
    assert not blocks_new_filing(terminated, date(2026, 5, 1))
