import re
from datetime import date

import pytest

from desk.core.idnumber import IdNumberError, age_on, check_character, make_id_number, mask_id_number, parse_id_number

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    "number, birth, sex, region",
    [
        ("11010519491231002X", "1949-12-31", "女", "110105"),  # the GB 11643 example, check character X
        ("11010519491231002x", "1949-12-31", "女", "110105"),  # lower-case x accepted
        ("532901199001011230", "1990-01-01", "男", "532901"),
        (" 532901199001011230 ", "1990-01-01", "男", "532901"),
        # 下关市 532901 before 1983, 大理县 532921 retired in 1982: old codes stay valid for any birth date
        (make_id_number("532921", date(1975, 5, 5), 11), "1975-05-05", "男", "532921"),
        # 漾濞县 532922 existed long before this person was born; still valid for a 2020 birth
        (make_id_number("532922", date(2020, 2, 29), 2), "2020-02-29", "女", "532922"),
        # a code created in 2015 (北京 密云区 110118) is valid for someone born in 1950
        (make_id_number("110118", date(1950, 7, 1), 31), "1950-07-01", "男", "110118"),
    ],
)
def test_valid_numbers(number, birth, sex, region):
    info = parse_id_number(number, TODAY)
    assert info.birth_date.isoformat() == birth
    assert info.sex == sex
    assert info.region_code == region
    assert info.id_number == number.strip().upper()
    assert info.region_name


def test_fifteen_digit_number_is_converted_with_the_check_character():
    info = parse_id_number("110105491231002", TODAY)
    assert info.id_number == "11010519491231002X"
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "女"


@pytest.mark.parametrize(
    "number, reason",
    [
        ("", "empty"),
        ("53290119900101123", "length"),
        ("5329011990010112300", "length"),
        ("53290119900101123Y", "characters"),
        ("5329011990O101123X", "characters"),
        ("11010519491231002", "length"),
        ("110105491231002A", "length"),
        ("11010549123100A", "characters"),
        ("532901199001011231", "check"),  # correct is 0
        (make_id_number("532901", date(1990, 1, 1), 123)[:-1] + "X", "check"),
        ("532901" + "19900230" + "123" + check_character("53290119900230123"), "date"),
        ("532901" + "19901301" + "123" + check_character("53290119901301123"), "date"),
        (make_id_number("532901", date(2026, 3, 11), 1), "future"),
        (make_id_number("532901", date(1896, 3, 9), 1), "too_old"),
        (make_id_number("999999", date(1990, 1, 1), 1), "region"),
        (make_id_number("532999", date(1990, 1, 1), 1), "region"),
    ],
)
def test_each_rejection_names_its_reason(number, reason):
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(number, TODAY)
    assert caught.value.reason_code == reason
    assert re.search("[\u4e00-\u9fff]", caught.value.message)  # a Chinese sentence


def test_exactly_130_years_is_accepted_one_day_more_is_not():
    parse_id_number(make_id_number("532901", date(1896, 3, 10), 1), TODAY)
    with pytest.raises(IdNumberError):
        parse_id_number(make_id_number("532901", date(1896, 3, 9), 1), TODAY)


def test_masking_shows_first_six_and_last_four():
    assert mask_id_number("532901199001011230") == "532901********1230"


@pytest.mark.parametrize(
    "birth, on, age",
    [(date(2000, 3, 10), date(2018, 3, 10), 18), (date(2000, 3, 11), date(2018, 3, 10), 17), (date(2004, 2, 29), date(2022, 2, 28), 17)],
)
def test_age_on(birth, on, age):
    assert age_on(birth, on) == age
