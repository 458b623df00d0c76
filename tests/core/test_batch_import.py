"""集中参保 lists, the pure part: header match, cells (dates, years, IDs stored as numbers), a row's problems."""

import os
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk.core import batch_import as core
from desk.core.dates import DateError
from desk.core.idnumber import make_id_number

TODAY = date(2026, 3, 10)
GROUPS = {"dibao": "城乡低保对象", "tuopin": "已脱贫人口", "tekun": "特困供养人员"}
ID = make_id_number("532923", date(1985, 6, 1), 452)


def row(**overrides) -> dict:
    cells = {"姓名": "杨丽华", "证件类型": None, "证件号码": ID, "民族": "白族", "联系电话": "13908721234",
             "户籍性质": "农村", "乡镇（街道）": "喜洲镇", "村（社区）": "周城村", "地址": "3组", "资助类别": None,
             "资助证明文件": None, "待遇年度": 2026, "缴费日期": "2026-03-01", "上次参保年度": None, "备注": None}
    cells.update(overrides)
    return cells


def test_the_header_matches_with_spaces_round_it_in_any_order():
    cells = tuple(f"  {name} " for name in reversed(core.COLUMN_NAMES)) + (None,)
    header = core.match_header(1, cells)
    assert header.positions["姓名"] == len(core.COLUMN_NAMES) - 1 and header.width == len(core.COLUMN_NAMES)
    assert core.match_header(1, ("姓名", "证件号码", "民族", "联系电话", "户籍性质", "乡镇(街道)", "村（社区）", "地址", "资助类别",
                                 "资助证明文件", "待遇年度", "缴费日期")).positions["乡镇（街道）"] == 5


def test_unknown_missing_and_repeated_columns_are_all_named():
    cells = [name for name in core.COLUMN_NAMES if name not in ("证件号码", "缴费日期")] + ["身份证号", "姓名"]
    with pytest.raises(core.ImportFileError) as refused:
        core.match_header(1, tuple(cells))
    message = refused.value.message
    assert "模板中没有的列：身份证号" in message and "缺少必需的列：证件号码、缴费日期" in message
    assert "列重复：姓名" in message and message.startswith("第 1 行表头")


def test_optional_columns_may_be_left_out():
    names = [name for name in core.COLUMN_NAMES if name not in ("证件类型", "上次参保年度", "备注")]
    assert set(core.match_header(2, tuple(names)).positions) == set(names)


@pytest.mark.parametrize("value", [
    datetime(2026, 11, 5), date(2026, 11, 5), "2026-11-05", "2026/11/5", "2026.11.5", "20261105", "2026年11月5日",
    "２０２６－１１－０５", " 2026-11-05 00:00:00 ", "2026/11/05 9:30", 46331, 46331.0, 20261105,
])
def test_a_date_is_read_in_every_way_excel_and_clerks_write_it(value):
    assert core.cell_date(value, "paid_on", "缴费日期") == date(2026, 11, 5)


@pytest.mark.parametrize("value", ["2026-13-05", "2026-02-30", "明天", "", None, "11/05/2026", -3, True])
def test_a_wrong_date_is_named(value):
    with pytest.raises(DateError) as refused:
        core.cell_date(value, "paid_on", "缴费日期")
    assert "缴费日期" in refused.value.message


@pytest.mark.parametrize("value", [2027, 2027.0, "2027", "２０２７", "2027年", "2027年度"])
def test_a_year_as_number_or_text(value):
    assert core.cell_year(value, "待遇年度", required=True) == 2027


@pytest.mark.parametrize("value, named", [(9999, "待遇年度9999年不在1990至2100年之间"), (0, "待遇年度应为四位年份"),
                                          (-1, "待遇年度应为四位年份"), ("1900", "待遇年度1900年不在1990至2100年之间"),
                                          (2027.5, "待遇年度应为四位年份")])
def test_an_absurd_year_is_named_as_such(value, named):
    with pytest.raises(DateError) as refused:
        core.cell_year(value, "待遇年度", required=True)
    assert refused.value.message.startswith(named)


@pytest.mark.parametrize("value", [532923198506014520, 5.32923198506014e17, "5.32923E+17", "5.32923e17"])
def test_an_id_number_stored_as_a_number_is_refused_saying_why(value):
    parsed = core.parse_row(7, row(证件号码=value), GROUPS, TODAY)
    assert not parsed.ok and parsed.person is None
    message = parsed.problems[0]
    assert message.startswith("第 7 行：证件号码是按“数字”格式存的") and "文本" in message and "X" in message


def test_an_old_15_digit_number_stored_as_a_number_is_exact_and_read():
    parsed = core.parse_row(3, row(证件号码=532923850601452), GROUPS, TODAY)
    assert parsed.ok, parsed.problems
    assert parsed.person.id_number == make_id_number("532923", date(1985, 6, 1), 452)


def test_full_width_digits_and_a_lower_case_x_are_the_number():
    number = make_id_number("532923", date(1990, 1, 1), 123)
    parsed = core.parse_row(3, row(证件号码=number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))),
                            GROUPS, TODAY)
    assert parsed.ok and parsed.person.id_number == number and parsed.id_key == number


def test_invisible_characters_pasted_with_a_cell_are_not_part_of_it():
    """A list copied from a web page or a chat carries zero-width spaces and no-break spaces no clerk can see."""
    parsed = core.parse_row(4, row(证件号码="\u00a0" + ID + "\u200b", 姓名="\ufeff杨丽华\u200b", 联系电话="1390872\u200c1234",
                                   待遇年度="2026\u2060"), GROUPS, TODAY)
    assert parsed.ok, parsed.problems
    assert (parsed.person.id_number, parsed.person.name, parsed.person.phone, parsed.year) == (ID, "杨丽华", "13908721234", 2026)
    header = core.match_header(1, ("\ufeff姓名", "证件类型", "证件号码\u200b", *core.COLUMN_NAMES[3:]))
    assert header.positions["姓名"] == 0 and header.positions["证件号码"] == 2


def test_an_unknown_document_type_is_named_without_the_forms_sex_and_birth_date_fields():
    parsed = core.parse_row(6, row(证件类型="护照"), GROUPS, TODAY)
    assert parsed.problems == ("第 6 行：证件类型“护照”不是本系统的证件类型（可空或填：" + "、".join(core.ID_TYPES) + "），请核对。",)


def test_a_row_with_only_a_remark_is_named_as_such():
    cells = {name: None for name in core.COLUMN_NAMES} | {"备注": "以上共30人，村委会盖章"}
    assert core.parse_row(33, cells, GROUPS, TODAY).problems == (
        "第 33 行：本行只有备注，没有参保人的信息（姓名、证件号码等都是空的）：不是参保人的话请删除该行。",)


def test_a_good_row_is_the_form_the_clerk_would_have_typed():
    parsed = core.parse_row(2, row(资助类别="城乡低保对象、tuopin", 资助证明文件="低保证123、脱贫证9", 联系电话=13908721234,
                                   缴费日期=datetime(2026, 3, 1), 上次参保年度="2025"), GROUPS, TODAY)
    assert parsed.ok, parsed.problems
    assert parsed.person.groups == (("dibao", "低保证123"), ("tuopin", "脱贫证9"))
    assert (parsed.person.phone, parsed.year, parsed.paid_on, parsed.last_year) == ("13908721234", 2026, date(2026, 3, 1), 2025)
    assert (parsed.person.sex, parsed.person.birth_date) == ("女", date(1985, 6, 1))


@pytest.mark.parametrize("separator", ["、", ",", "，", ";", "；"])
def test_groups_by_any_separator_share_one_document(separator):
    parsed = core.parse_row(2, row(资助类别=f"dibao{separator}特困供养人员", 资助证明文件="民政认定2026-8"), GROUPS, TODAY)
    assert parsed.person.groups == (("dibao", "民政认定2026-8"), ("tekun", "民政认定2026-8"))


def test_a_townships_short_word_names_its_one_group_and_an_ambiguous_one_is_refused():
    parsed = core.parse_row(2, row(资助类别="低保、特困", 资助证明文件="民政认定2026-8"), GROUPS, TODAY)
    assert parsed.person.groups == (("dibao", "民政认定2026-8"), ("tekun", "民政认定2026-8"))
    parsed = core.parse_row(2, row(资助类别="DIBAO", 资助证明文件="民政认定2026-8"), GROUPS, TODAY)  # a code in capitals
    assert parsed.person.groups == (("dibao", "民政认定2026-8"),)
    parsed = core.parse_row(2, row(资助类别="残疾", 资助证明文件="残疾证1"), GROUPS, TODAY)  # two groups' names hold it
    assert any("资助类别“残疾”不存在" in problem for problem in parsed.problems)


def test_every_problem_of_a_row_is_named_with_the_forms_messages():
    parsed = core.parse_row(12, row(姓名="", 民族="火星族", 联系电话="123", 资助类别="低保户", 缴费日期="2026-04-01",
                                    待遇年度="明年"), GROUPS, TODAY)
    assert not parsed.ok
    assert all(message.startswith("第 12 行：") for message in parsed.problems)
    text = "".join(parsed.problems)
    for expected in ("请填写姓名。", "民族请从56个民族中选择。", "联系电话应为11位手机号", "资助类别“低保户”不存在",
                     "缴费日期不能晚于今天", "待遇年度应为四位年份"):
        assert expected in text


def test_a_group_without_its_document_and_documents_that_do_not_pair():
    missing = core.parse_row(4, row(资助类别="dibao"), GROUPS, TODAY)
    assert "资助类别“城乡低保对象”须填写证明文件" in missing.problems[0]
    unpaired = core.parse_row(4, row(资助类别="dibao、tuopin、tekun", 资助证明文件="a、b"), GROUPS, TODAY)
    assert "资助证明文件有2项，资助类别有3项" in unpaired.problems[0]


def test_a_formula_is_refused_naming_the_column():
    parsed = core.parse_row(5, row(缴费日期="=TODAY()"), GROUPS, TODAY)
    assert parsed.problems == (parsed.problems[0],) and "“缴费日期”是公式（=TODAY()）" in parsed.problems[0]
    assert "选择性粘贴" in parsed.problems[0]


def test_a_bad_id_number_gets_the_forms_message():
    parsed = core.parse_row(9, row(证件号码=ID[:17] + ("0" if ID[17] != "0" else "1")), GROUPS, TODAY)
    assert parsed.problems[0] == "第 9 行：公民身份号码校验位不正确（最后一位），请逐位核对后重新输入。"


def test_last_year_must_be_before_the_benefit_year_and_other_documents_go_to_the_counter():
    assert "上次参保年度应早于待遇年度2026年" in core.parse_row(2, row(上次参保年度=2026), GROUPS, TODAY).problems[0]
    other = core.parse_row(2, row(证件类型="出生医学证明", 证件号码="O530123456"), GROUPS, TODAY)
    assert "出生医学证明" in other.problems[0] and "逐个办理" in other.problems[0]


def test_empty_rows_and_titles():
    assert core.is_empty((None, "  ", "")) and not core.is_empty((None, "x"))
    assert core.looks_like_header(("  姓名", "证件号码 ")) and not core.looks_like_header(("喜洲镇名单",))


def test_unambiguous_words_of_a_list_are_read_as_the_forms_choices():
    parsed = core.parse_row(2, row(证件类型="身份证", 证件号码=f" {ID[:6]} {ID[6:14]}　{ID[14:]} ", 民族="白", 户籍性质="非农业"),
                            GROUPS, TODAY)
    assert parsed.ok, parsed.problems
    person = parsed.person
    assert (person.id_type, person.id_number, person.ethnicity, person.household_type) == ("居民身份证", ID, "白族", "城镇")
    assert "户籍性质只能是" in core.parse_row(2, row(户籍性质="外地"), GROUPS, TODAY).problems[0]


CELLS = st.one_of(st.none(), st.text(max_size=40), st.integers(-10**20, 10**20), st.booleans(),
                  st.floats(allow_nan=False, allow_infinity=False), st.dates(), st.datetimes(),
                  st.sampled_from(["=A1", "５.３E+17", "2026年2月30日", "dibao、、tekun", "  ", "\x00", "\ud800"]))


@settings(max_examples=int(os.environ.get("DESK_FUZZ_EXAMPLES", "60")) * 3, deadline=None,
          suppress_health_check=list(HealthCheck))
@given(st.dictionaries(st.sampled_from(core.COLUMN_NAMES), CELLS))
def test_any_cells_give_a_row_or_its_problems_in_chinese(cells):
    parsed = core.parse_row(8, {**row(), **cells}, GROUPS, TODAY)
    assert parsed.ok == (parsed.person is not None)
    assert all(message.startswith("第 8 行：") and len(message) > 6 for message in parsed.problems)


def test_the_templates_grey_example_row_left_in_the_list_is_refused_not_enrolled():
    example = {column.name: column.example or None for column in core.COLUMNS}
    parsed = core.parse_row(2, example, GROUPS, TODAY)
    assert not parsed.ok and parsed.problems[0] == "第 2 行：这是模板的示例行（灰色），不是参保人：请删除该行或改为实际参保人后再导入。"


def test_a_number_of_thousands_of_digits_in_any_cell_is_named_never_spelt_out_or_a_traceback():
    huge = 10**5000  # beyond what float() or str() take
    parsed = core.parse_row(3, row(证件号码=huge, 待遇年度=huge, 缴费日期=huge, 联系电话=huge), GROUPS, TODAY)
    assert not parsed.ok
    assert any("证件号码是按“数字”格式存的（一个4000多位的数字）" in problem for problem in parsed.problems)
    assert any("缴费日期“一个4000多位的数字”不是有效日期" in problem for problem in parsed.problems)
    assert core.cell_text(-10**50) == "一个51位的数字"
