"""The 日报表 as an Excel workbook: the same payload as the PDF, so the same figures.

Sheets: 汇总 (the report's details and the office's, or the operator's, tables) and 按经办人
(one row per operator, every count and amount in its own column, a 合计 row last). Amounts are
written as `Decimal` (exact in the file) with the format 0.00; counts as integers.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from desk.vouchers.daily_report import (
    ENROLMENT_COLUMNS,
    ENROLMENT_KEYS,
    FILING_COLUMNS,
    FILING_KEYS,
    SETTLEMENT_LABELS,
    TRANSFER_ROWS,
    chain_head_text,
)

AMOUNT_FORMAT = "0.00"
LINES = (("参保登记", "positive"), ("作废参保登记（冲减）", "negative"), ("合计", "net"))
SETTLEMENT_LINES = (("结算", "positive"), ("冲正", "negative"), ("合计", "net"))


def _cell(value):
    """Counts stay integers; amounts ("1234.50") become Decimal, never float."""
    if isinstance(value, str) and value.replace("-", "", 1).replace(".", "", 1).isdigit() and "." in value:
        return Decimal(value)
    return value


def _append(sheet, values) -> None:
    sheet.append([_cell(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, Decimal):
            cell.number_format = AMOUNT_FORMAT


def _summary_sheet(book, payload: dict, number: str, code: str) -> None:
    sheet = book.active
    sheet.title = "汇总"
    issued = payload["vouchers"]
    for label, value in (("报表", "医保经办窗口业务日报表"), ("编号", number), ("校验码", code), ("报表日期", payload["day"]),
                         ("统计范围", payload["scope_name"]), ("制表人", payload["prepared_by"]),
                         ("制表时间", payload["prepared_at"]), ("经办人数", len(payload["operators"])),
                         ("出具凭证（张）", issued["count"]), ("首张凭证编号", issued["first"] or ""),
                         ("末张凭证编号", issued["last"] or ""), ("审计链头", chain_head_text(payload["chain_head"]))):
        sheet.append([label, value])
    _figure_rows(sheet, payload["totals"])
    sheet.column_dimensions["A"].width = 24
    for column in "BCDEF":
        sheet.column_dimensions[column].width = 18


def _figure_rows(sheet, figures: dict) -> None:
    sheet.append([])
    sheet.append(["参保登记"])
    sheet.append(list(ENROLMENT_COLUMNS))
    for label, key in LINES:
        line = figures["enrolment"][key]
        _append(sheet, [label, line["count"], *(line[amount] for amount in ENROLMENT_KEYS)])
    sheet.append([])
    sheet.append(["门诊慢特病（笔）"])
    sheet.append(list(FILING_COLUMNS))
    sheet.append([figures["filing"][key] for key in FILING_KEYS])
    sheet.append([])
    sheet.append(["报销结算"])
    sheet.append(["项目", *(label for label, _ in SETTLEMENT_LINES)])
    settlement = figures["settlement"]
    sheet.append(["笔数", *(settlement[key]["count"] for _, key in SETTLEMENT_LINES)])
    for field, label in SETTLEMENT_LABELS.items():
        _append(sheet, [f"{label}（元）", *(settlement[key][field] for _, key in SETTLEMENT_LINES)])
    sheet.append([])
    sheet.append(["转移接续"])
    sheet.append(["项目", "转出", "转入", "合计"])
    for label, key in TRANSFER_ROWS:
        _append(sheet, [label, *(figures["transfer"][direction][key] for direction in ("out", "in", "total"))])


def operator_columns() -> list[str]:
    columns = ["经办人", "用户名", "角色", "出具凭证（张）", "首张凭证编号", "末张凭证编号"]
    for label, _ in LINES:
        columns += [f"{label}笔数", f"{label}个人缴费", f"{label}财政资助", f"{label}应缴金额"]
    columns += [f"慢特病{name}" for name in FILING_COLUMNS]
    for line, _ in SETTLEMENT_LINES:
        columns += [f"{line}笔数"] + [f"{line}{label}" for label in SETTLEMENT_LABELS.values()]
    for direction in ("转出", "转入"):
        columns += [f"{direction}{label}" for label, _ in TRANSFER_ROWS]
    return columns


def operator_values(name: str, username: str, role: str, vouchers: dict, figures: dict) -> list:
    values = [name, username, role, vouchers["count"], vouchers["first"] or "", vouchers["last"] or ""]
    for _, key in LINES:
        line = figures["enrolment"][key]
        values += [line["count"], *(line[amount] for amount in ENROLMENT_KEYS)]
    values += [figures["filing"][key] for key in FILING_KEYS]
    for _, key in SETTLEMENT_LINES:
        line = figures["settlement"][key]
        values += [line["count"], *(line[field] for field in SETTLEMENT_LABELS)]
    for direction in ("out", "in"):
        values += [figures["transfer"][direction][key] for _, key in TRANSFER_ROWS]
    return values


def _operators_sheet(book, payload: dict) -> None:
    sheet = book.create_sheet("按经办人")
    sheet.append(operator_columns())
    for person in payload["operators"]:
        _append(sheet, operator_values(person["name"], person["username"], person["role_name"], person["vouchers"],
                                       person["figures"]))
    _append(sheet, operator_values("合计", "", "", payload["vouchers"], payload["totals"]))
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 14


def write_daily_workbook(payload: dict, path: Path, *, number: str = "", code: str = "") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    _summary_sheet(book, payload, number, code)
    _operators_sheet(book, payload)
    book.properties.title = f"日报表 {payload['day']} {payload['scope_name']}"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
