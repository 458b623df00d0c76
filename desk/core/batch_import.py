"""集中参保 lists: the template's columns, the header match and each row read into the inputs the
enrolment form gives (issue 14, item 1). Pure: the service hands over the cells' values as Python
objects (text, numbers, dates, None); the person is checked by `person.validate_person_form`, so a
row's problems are the form's own messages, prefixed with the row number (`第 12 行：…`).

The rules chosen where the issue is silent are in docs/rules.md ("集中参保名单导入").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from desk.core.canonical import fold_width, typed
from desk.core.dates import DateError, in_range
from desk.core.errors import DeskError
from desk.core.idnumber import canonical_id_number
from desk.core.person import ETHNICITIES, HOUSEHOLD_TYPES, ID_TYPES, PersonForm, validate_person_form

RESULT_ENROLLED = "已参保"
RESULT_EXISTING = "已存在"
RESULT_REFUSED = "未导入"
RESULTS = (RESULT_ENROLLED, RESULT_EXISTING, RESULT_REFUSED)
REPORT_COLUMNS = ("结果", "说明")
MAX_ROWS = 100_000  # data rows in one list; a township's list is a few thousand
HEADER_SEARCH_ROWS = 10  # a title line or two above the header is allowed
GROUP_SEPARATORS = re.compile(r"[、,，;；/／]+")
# zero-width spaces and joiners, the word joiner and the BOM: pasted from web pages and chats, seen by nobody
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


class ImportFileError(DeskError):
    """这个文件不能作为集中参保名单导入。"""

    code = "import_file"


@dataclass(frozen=True)
class Column:
    name: str  # the header text, matched exactly (surrounding spaces ignored)
    key: str
    required: bool  # the column must be in the header
    note: str  # what the template's 填写说明 says about it
    example: str = ""


COLUMNS = (
    Column("姓名", "name", True, "必填，与证件一致，最多30个字。", "杨丽华"),
    Column("证件类型", "id_type", False, f"可空，默认居民身份证；可填：{'、'.join(ID_TYPES)}。", "居民身份证"),
    Column("证件号码", "id_number", True, "必填。本列须设置为“文本”格式：数字格式会丢失末位X和后几位（变成5.329E+17）。",
           "532923198806120446"),
    Column("民族", "ethnicity", True, "可空，默认汉族；填56个民族的全称，如白族、彝族。", "白族"),
    Column("联系电话", "phone", True, "可空；11位手机号或带区号的固定电话（如0872-2123456）。", "13908720000"),
    Column("户籍性质", "household_type", True, f"可空；{'或'.join(HOUSEHOLD_TYPES)}。", "农村"),
    Column("乡镇（街道）", "township", True, "可空，最多100个字。", "喜洲镇"),
    Column("村（社区）", "village", True, "可空，最多100个字。", "周城村"),
    Column("地址", "address", True, "可空，最多100个字。", "周城村委会3组"),
    Column("资助类别", "groups", True, "可空；资助类别的名称或代码，多个用“、”分隔（见“资助类别”表）。", "城乡低保对象"),
    Column("资助证明文件", "documents", True, "有资助类别时必填：证件编号或认定文件号；多个类别时按顺序用“、”分隔，或填一个共用的。",
           "大民低保〔2026〕118号"),
    Column("待遇年度", "year", True, "必填，四位年份，如2027。", "2027"),
    Column("缴费日期", "paid_on", True, "必填，日期，如2026-11-05、2026/11/5、20261105或2026年11月5日；不能晚于今天。",
           "2026-11-05"),
    Column("上次参保年度", "last_year", False, "可空，四位年份；本系统已有的参保记录优先。", "2026"),
    Column("备注", "remark", False, "可空，不导入，原样留在结果表中。", ""),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
ID_COLUMN = "证件号码"
DATE_COLUMNS = ("缴费日期",)
TEXT_COLUMNS = ("证件号码", "联系电话", "资助证明文件")  # formatted as text (@) in the template and the report


def header_text(value) -> str:
    """A header cell as matched: full-width forms folded (a full-width space too), the ends stripped,
    spaces inside removed (`乡镇 （街道）`); brackets stay as typed: 乡镇（街道） is spelt with full-width
    brackets, and an ASCII (街道) is folded back to them."""
    if value is None:
        return ""
    text = fold_width(INVISIBLE.sub("", str(value))).strip()
    text = re.sub(r"\s+", "", text)
    return text.replace("(", "（").replace(")", "）")


@dataclass(frozen=True)
class Header:
    row: int  # the sheet's row number of the header
    positions: dict  # column name -> 0-based position in the row
    width: int  # cells to read in each row


def match_header(row_number: int, cells: tuple) -> Header:
    """The header row against COLUMNS: unknown, missing and repeated columns all named at once."""
    names = [header_text(cell) for cell in cells]
    positions: dict[str, int] = {}
    unknown, repeated = [], []
    for index, name in enumerate(names):
        if not name:
            continue
        if isinstance(cells[index], str) and cells[index].lstrip().startswith("="):
            unknown.append(f"{cells[index].strip()}（公式）")
        elif name not in COLUMN_NAMES:
            unknown.append(name)
        elif name in positions:
            repeated.append(name)
        else:
            positions[name] = index
    missing = [column.name for column in COLUMNS if column.required and column.name not in positions]
    problems = []
    if unknown:
        problems.append(f"有模板中没有的列：{'、'.join(unknown)}")
    if missing:
        problems.append(f"缺少必需的列：{'、'.join(missing)}")
    if repeated:
        problems.append(f"列重复：{'、'.join(repeated)}")
    if problems:
        raise ImportFileError(
            f"第 {row_number} 行表头不符合集中参保名单模板：{'；'.join(problems)}。表头须与模板一致（列名一字不差，"
            f"顺序不限），请用“下载模板”得到的表格重新整理后再导入。", field="header")
    return Header(row_number, positions, max(positions.values()) + 1)


def looks_like_header(cells: tuple) -> bool:
    names = {header_text(cell) for cell in cells}
    return "姓名" in names and ID_COLUMN in names


def is_empty(cells: tuple) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


# ------------------------------------------------------------------ cells


def cell_text(value) -> str:
    """A cell as text: a whole number without `.0`, a date as YYYY-MM-DD, the ends stripped."""
    if value is None or isinstance(value, bool):
        return "" if value is None else ("是" if value else "否")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and abs(value) >= 10**40:  # no list holds such a number: named, never spelt out
        digits = len(str(abs(value))) if abs(value) < 10**4000 else "4000多"  # str() refuses 4,300 digits and more
        return f"一个{digits}位的数字"
    return INVISIBLE.sub("", str(value)).strip()


def _whole(value) -> bool:
    """A cell's number is a whole number (an int, or a float without a fraction), without converting it."""
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())



_SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?E\+?[0-9]+", re.IGNORECASE)
ID_AS_NUMBER = ("证件号码是按“数字”格式存的（{shown}）：Excel 会把18位号码变成科学计数（如5.329E+17），"
                "末位的X和最后几位已经丢失，无法还原。请把“证件号码”列设置为“文本”格式，照证件重新录入该号码后再导入。")


def id_number_problem(value) -> str | None:
    """A number stored as a number (or as the text Excel shows for one) cannot be read back."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if _whole(value) and 10**14 <= value < 10**15:  # an old 15-digit number: exact as a number
            return None
        shown = f"{value:.4E}" if isinstance(value, float) or 10**11 <= value < 10**40 else cell_text(value)
        return ID_AS_NUMBER.format(shown=shown)
    if isinstance(value, str) and _SCIENTIFIC.fullmatch(typed(value)):
        return ID_AS_NUMBER.format(shown=typed(value))
    return None


EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug makes day 60 the missing 29 February)
_DATE_TEXT = (
    re.compile(r"(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?"),
    re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日?"),
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
)


def cell_date(value, field: str, label: str) -> date:
    """An Excel date, an Excel serial number, or text as 2026-11-05, 2026/11/5, 2026.11.5, 20261105 or
    2026年11月5日 (full-width digits too); else DateError naming the column."""
    hint = "请填写日期，如2026-11-05（或设置为日期格式）"
    if isinstance(value, datetime):
        return in_range(value.date(), field, label)
    if isinstance(value, date):
        return in_range(value, field, label)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000101 <= value <= 21991231 and _whole(value):  # 20261105 typed as a number
            return cell_date(str(int(value)), field, label)
        if not 1 <= value < 2958466:
            raise DateError(f"{label}“{cell_text(value)}”不是有效日期，{hint}。", field=field)
        return in_range(EXCEL_EPOCH + timedelta(days=int(value)), field, label)
    text = typed(cell_text(value))
    if not text:
        raise DateError(f"请填写{label}。", field=field)
    for pattern in _DATE_TEXT:
        match = pattern.fullmatch(text)
        if match:
            try:
                day = date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
            return in_range(day, field, label)
    shown = text if len(text) <= 20 else text[:20] + "…"
    raise DateError(f"{label}“{shown}”不是有效日期，{hint}。", field=field)


def cell_year(value, label: str, *, required: bool) -> int | None:
    """A year as a number (2027, 2027.0) or text (2027, 2027年, full-width digits)."""
    text = typed(cell_text(value)).removesuffix("年度").removesuffix("年")
    if not text:
        if required:
            raise DateError(f"请填写{label}（四位年份，如2027）。", field=label)
        return None
    if not re.fullmatch(r"[0-9]{4}", text):
        raise DateError(f"{label}应为四位年份，例如 2026。", field=label)
    if not 1990 <= int(text) <= 2100:
        raise DateError(f"{label}{text}年不在1990至2100年之间，请核对（四位年份，例如 2026）。", field=label)
    return int(text)


# ------------------------------------------------------------------ groups


def group_codes(text: str, known_groups: dict[str, str]) -> list[str]:
    """资助类别 by name or code, several separated by 、 (or , ， ; ；): the codes, an unknown one as typed."""
    by_name = {name: code for code, name in known_groups.items()}
    codes = []
    for part in GROUP_SEPARATORS.split(typed(text)):
        part = part.strip()
        if part:
            code = part if part in known_groups else part.lower() if part.lower() in known_groups else None
            codes.append(code or by_name.get(part) or _short_name(part, by_name))
    return codes


def _short_name(part: str, by_name: dict[str, str]) -> str:
    """A township's short word for a group (低保 for 城乡低保对象, 特困 for 特困供养人员): the code when the word is
    part of exactly one group's name; otherwise the word as typed (refused as unknown, 残疾 names two)."""
    if len(part) >= 2:
        matches = [code for name, code in by_name.items() if part in name]
        if len(matches) == 1:
            return matches[0]
    return part


# words a list may use for what the form offers as a choice, where the meaning is unambiguous
ID_TYPE_WORDS = {"身份证": "居民身份证", "二代身份证": "居民身份证", "居民身份证号": "居民身份证", "身份证号": "居民身份证"}
HOUSEHOLD_WORDS = {"农业": "农村", "农业户口": "农村", "农村户口": "农村", "农村户籍": "农村",
                   "非农业": "城镇", "非农业户口": "城镇", "城镇户口": "城镇", "城镇户籍": "城镇"}


def _choice(text: str, words: dict[str, str]) -> str:
    return words.get(text, text)


def _ethnicity(text: str) -> str:
    """白 for 白族 (the form offers the 56 full names)."""
    return text + "族" if text and text not in ETHNICITIES and text + "族" in ETHNICITIES else text


def _id_text(text: str) -> str:
    """Spaces inside a number (532923 19850601 4520) are the list's layout, not part of it."""
    return re.sub(r"[\s\u3000]+", "", text)


def _groups(row: dict, known_groups: dict[str, str], problems: list[str]) -> list[dict]:
    codes = group_codes(row.get("groups", ""), known_groups)
    documents = [part.strip() for part in GROUP_SEPARATORS.split(row.get("documents", "")) if part.strip()]
    if not codes:
        return []
    if len(documents) <= 1:
        documents = documents * len(codes) if documents else [""] * len(codes)
    elif len(documents) != len(codes):
        problems.append(f"资助证明文件有{len(documents)}项，资助类别有{len(codes)}项：请每个类别按顺序对应一个证明文件"
                        "（用“、”分隔），或只填一个共用的证明文件。")
        return []
    return [{"code": code, "document": document} for code, document in zip(codes, documents, strict=True)]


# ------------------------------------------------------------------ a row


@dataclass(frozen=True)
class ParsedRow:
    """One data row: the clean person form and enrolment inputs, or every problem (already prefixed)."""

    number: int  # the sheet's row number, as the clerk sees it in Excel
    person: PersonForm | None
    year: int | None
    paid_on: date | None
    last_year: int | None
    problems: tuple[str, ...]
    id_key: str | None  # the 18-character ID number (or the document number) the row names, for duplicates

    @property
    def ok(self) -> bool:
        return not self.problems


def row_message(number: int, message: str) -> str:
    return f"第 {number} 行：{message}"


def values_of(header: Header, cells: tuple) -> dict:
    """The row's cells by column name (a short row's missing cells are None)."""
    return {name: (cells[index] if index < len(cells) else None) for name, index in header.positions.items()}


EXAMPLE_ID_NUMBER = next(column.example for column in COLUMNS if column.key == "id_number")


def parse_row(number: int, cells: dict, known_groups: dict[str, str], today: date) -> ParsedRow:
    """Read one row as the form would take it; every problem of the row named at once."""
    problems: list[str] = []
    formulas = [name for name, value in cells.items() if isinstance(value, str) and value.lstrip().startswith("=")]
    if formulas:
        message = (f"“{'”“'.join(formulas)}”是公式（{cells[formulas[0]].strip()[:30]}），导入不计算公式：请选中这些单元格，"
                   "复制后“选择性粘贴 → 数值”，保存后再导入。")
        return ParsedRow(number, None, None, None, None, (row_message(number, message),), None)
    if all(is_empty((value,)) for name, value in cells.items() if name != "备注"):
        message = "本行只有备注，没有参保人的信息（姓名、证件号码等都是空的）：不是参保人的话请删除该行。"
        return ParsedRow(number, None, None, None, None, (row_message(number, message),), None)
    by_key = {column.key: cells.get(column.name) for column in COLUMNS}
    id_problem = id_number_problem(by_key["id_number"])
    text = {key: cell_text(value) for key, value in by_key.items()}
    form = {key: text[key] for key in ("id_type", "id_number", "name", "ethnicity", "phone", "household_type",
                                       "address", "township", "village")}
    form.update(id_type=_choice(typed(form["id_type"]), ID_TYPE_WORDS), id_number=_id_text(form["id_number"]),
                household_type=_choice(typed(form["household_type"]), HOUSEHOLD_WORDS),
                ethnicity=_ethnicity(typed(form["ethnicity"])))
    form["groups"] = _groups(text, known_groups, problems)
    id_type = typed(form["id_type"]) or ID_TYPES[0]
    if id_type in ID_TYPES and id_type != ID_TYPES[0]:
        problems.append(f"证件类型为{id_type}的，名单中没有性别和出生日期两项，不能批量导入：请到参保登记页逐个办理。")
        clean, person_problems = None, []
    elif id_type not in ID_TYPES:  # the form's own message would ask for 性别 and 出生日期, columns a list has not
        shown = id_type if len(id_type) <= 20 else id_type[:20] + "…"
        problems.append(f"证件类型“{shown}”不是本系统的证件类型（可空或填：{'、'.join(ID_TYPES)}），请核对。")
        clean, person_problems = None, []
    else:
        clean, person_problems = validate_person_form(form, known_groups, today)
    if id_problem:
        problems.append(id_problem)
        person_problems = [problem for problem in person_problems if problem.field != "id_number"]
    problems.extend(problem.message for problem in person_problems)
    year = paid_on = last_year = None
    try:
        year = cell_year(by_key["year"], "待遇年度", required=True)
    except DateError as error:
        problems.append(error.message)
    try:
        paid_on = cell_date(by_key["paid_on"], "paid_on", "缴费日期")
        if paid_on > today:
            problems.append("缴费日期不能晚于今天，请核对。")
    except DateError as error:
        problems.append(error.message)
    try:
        last_year = cell_year(by_key["last_year"], "上次参保年度", required=False)
    except DateError as error:
        problems.append(error.message)
    if year is not None and last_year is not None and last_year >= year:
        problems.append(f"上次参保年度应早于待遇年度{year}年，请核对。")
    id_key = None if id_problem else (canonical_id_number(form["id_number"]) or typed(form["id_number"]).upper() or None)
    if id_key is not None and id_key == EXAMPLE_ID_NUMBER:
        problems.insert(0, "这是模板的示例行（灰色），不是参保人：请删除该行或改为实际参保人后再导入。")
    prefixed = tuple(row_message(number, message) for message in problems)
    return ParsedRow(number, clean if not problems else None, year, paid_on, last_year, prefixed, id_key)


def ethnicity_note() -> str:
    return "、".join(ETHNICITIES)
