"""Hand-made 集中参保 lists for the import tests (openpyxl, built in the test, never a stored file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

from desk.core.batch_import import COLUMN_NAMES
from desk.core.idnumber import make_id_number


def resident(index: int, **overrides) -> dict:
    """A row of a valid resident (born 1980 + index % 40), by column name."""
    row = {
        "姓名": "杨丽华" if index == 0 else f"段{'志强国华金花建平'[index % 8]}{'明' * (index % 2)}",
        "证件类型": "居民身份证",
        "证件号码": make_id_number("532923", date(1980 + index % 40, 1 + index % 12, 1 + index % 28), 100 + index % 800),
        "民族": "白族",
        "联系电话": "13908721234",
        "户籍性质": "农村",
        "乡镇（街道）": "喜洲镇",
        "村（社区）": "周城村",
        "地址": "周城村委会3组",
        "资助类别": "",
        "资助证明文件": "",
        "待遇年度": 2026,
        "缴费日期": "2026-03-01",
        "上次参保年度": None,
        "备注": None,
    }
    row.update(overrides)
    return row


def write_list(path: Path, rows: list, *, header=COLUMN_NAMES, title: str | None = None) -> Path:
    """Rows as dicts by column name (a None row is an empty row); a value's type is the cell's (a number stays
    a number, as Excel would store an ID number typed into a General column)."""
    book = Workbook(write_only=True)  # streamed: a 50,000-row list is written in seconds
    sheet = book.create_sheet("参保名单")
    if title:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        if row is None:
            sheet.append([])
            continue
        sheet.append([row.get(name.strip()) if isinstance(row, dict) else None for name in header])
    book.save(path)
    return path
