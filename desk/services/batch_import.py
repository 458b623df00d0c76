"""集中参保: a township's list (Excel) read, previewed and imported row by row (issue 14, item 1).

`read_list(path)` reads the workbook streamed (openpyxl read-only, formulas as written) into an
`ImportList`: the file refused as a whole (`ImportFileError`) when it is not an .xlsx workbook,
its header does not match the template or is merged; each row parsed by `core.batch_import`.
`preview(listing)` says, writing nothing, what an import would do. `import_list(listing)` imports
row by row, each row its own transaction (the person registered as the form registers, enrolled by
`enrolment.enrol`, the same audit entries), then issues the 导入清单 and audits the import.
`write_report(listing, result, path)` writes the input with 结果 and 说明 added.
"""

from __future__ import annotations

import json
import logging
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from desk.core import batch_import as core
from desk.core.batch_import import RESULT_ENROLLED, RESULT_EXISTING, RESULT_REFUSED, ImportFileError
from desk.core.enrolment import QuoteRequest, quote_enrolment
from desk.core.errors import DeskError, os_reason
from desk.core.idnumber import mask_id_number
from desk.core.money import ZERO, format_amount
from desk.services import enrolment, persons, vouchers
from desk.services.context import Desk, Operator
from desk.services.faults import DatabaseFault
from desk.services.quoting import resident_pack
from desk.store import enrolments as enrolment_store
from desk.store import persons as person_store

IMPORT_LIST = "import_list"  # the 导入清单's document type, and its record type (a paper about one import)
Progress = Callable[[int, int], bool]
FIRST_PROBLEMS = 20  # problems a preview lists
LISTED_PER_RESULT = 200  # rows the 导入清单 names per result; every row is in the Excel report
MAX_UNPACKED_BYTES = 500_000_000  # a workbook's parts unpacked: a 100,000-row list is far below; a zip bomb far above
_MERGE = re.compile(rb'<(?:[A-Za-z0-9]+:)?mergeCell\s+ref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')
# what a person's record says and the list may say otherwise (the record wins: docs/rules.md)
COMPARED = (("ethnicity", "民族"), ("phone", "联系电话"), ("household_type", "户籍性质"), ("township", "乡镇（街道）"),
            ("village", "村（社区）"), ("address", "地址"))


@dataclass(frozen=True)
class ImportList:
    """A list as read: its rows in sheet order, each with its cells and its parsed form."""

    file_name: str
    sheet: str
    header: core.Header
    header_cells: tuple
    leading: tuple[tuple, ...]  # rows above the header (a title), kept for the report
    rows: tuple[tuple[int, tuple, core.ParsedRow | None], ...]  # (row number, cells, parsed; None: nothing in the columns)
    path: str = ""  # the list's own file, which the report must never be written over

    @property
    def data_rows(self) -> int:
        return sum(1 for _n, _c, parsed in self.rows if parsed is not None)


@dataclass(frozen=True)
class RowOutcome:
    number: int
    result: str  # 已参保 / 已存在 / 未导入
    note: str
    name: str = ""
    id_number: str = ""
    year: int | None = None
    payable: Decimal | None = None
    receipt: str | None = None


@dataclass(frozen=True)
class ImportPreview:
    listing: ImportList
    rows: int
    to_enrol: int
    existing: int
    refused: int
    problems: tuple[str, ...]  # the first FIRST_PROBLEMS, each `第 N 行：…`


@dataclass(frozen=True)
class ImportResult:
    rows: int
    enrolled: int
    existing: int
    refused: int
    outcomes: tuple[RowOutcome, ...]
    stopped_after: int | None  # the last row handled when the import stopped early (取消, a fault), else None
    stop_reason: str
    voucher: vouchers.IssuedVoucher | None
    payable: Decimal

    def summary(self) -> dict:
        return {"rows": self.rows, "enrolled": self.enrolled, "existing": self.existing, "refused": self.refused}


# ------------------------------------------------------------------ reading


def _refuse(path: Path, message: str) -> ImportFileError:
    return ImportFileError(f"文件“{path.name}”{message}", field="file")


def _check_file(path: Path) -> None:
    try:
        with open(path, "rb") as handle:
            magic = handle.read(8)
    except FileNotFoundError:
        raise _refuse(path, "不存在，请重新选择。") from None
    except IsADirectoryError:
        raise _refuse(path, "是一个文件夹，请选择名单的 .xlsx 文件。") from None
    except OSError as error:
        raise _refuse(path, f"无法读取（{os_reason(error)}），请复制到本机后再导入。") from None
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(path, "是旧版 Excel 97-2003（.xls）或加密的工作簿：请在 Excel 中“另存为 → Excel 工作簿（*.xlsx）”"
                            "（不设密码）后再导入。")
    if not magic.startswith(b"PK\x03\x04"):
        raise _refuse(path, "不是 Excel 工作簿（.xlsx）：请用“下载模板”得到的表格填写，保存为 .xlsx 后再导入"
                            "（CSV、WPS 的 .et 等请先另存为 .xlsx）。")


def _check_unpacked_size(path: Path) -> None:
    """The parts' sizes as the zip declares them (openpyxl reads the shared strings whole into memory)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # judged by load_workbook, which refuses it
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        biggest = max(parts, key=lambda part: part.file_size)
        raise _refuse(path, f"解压后超过 {MAX_UNPACKED_BYTES // 1_000_000} MB（{biggest.filename}），不像一份名单，可能已损坏："
                            "请在 Excel 中打开后重新保存为 .xlsx，或按乡镇分成几个文件再导入。")


def _sheet_facts(path: Path, sheet_path: str) -> tuple[list[tuple[str, int, int]], int]:
    """Every merged range of the sheet as (ref, first row, last row), read from the sheet's XML, which a
    read-only workbook does not parse (the ranges stand after the rows); and how many rows the sheet
    holds (the progress bar's total), counted on the way."""
    found, tail, rows = [], b"", 0
    with zipfile.ZipFile(path) as archive, archive.open(sheet_path) as sheet:
        while True:
            chunk = sheet.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            rows += chunk.count(b"<row ") + chunk.count(b"<x:row ")
            for match in _MERGE.finditer(data):
                first, last = int(match[2]), int(match[4] or match[2])
                ref = match[1].decode() + match[2].decode() + (f":{match[3].decode()}{match[4].decode()}" if match[3] else "")
                found.append((ref, first, last))
            tail = data[-200:]
    return list(dict.fromkeys(found)), rows


def read_list(desk: Desk, operator: Operator, path: Path | str, *, progress: Progress | None = None) -> ImportList:
    """The list read and every row parsed; nothing is written. ImportFileError when the file cannot be used."""
    operator.require("enrolment.create")
    path = Path(path)
    _check_file(path)
    _check_unpacked_size(path)
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # a damaged or foreign zip: openpyxl raises what its parts raise
        logging.getLogger("desk").info("import: %s unreadable: %r", path, error)
        raise _refuse(path, "无法作为 Excel 工作簿打开（文件已损坏或不是 .xlsx），请在 Excel 中打开后重新保存为 .xlsx 再导入。") from None
    try:
        return _read_book(desk, path, book, progress)
    finally:
        book.close()


def _read_book(desk: Desk, path: Path, book, progress: Progress | None) -> ImportList:
    sheets = book.worksheets
    if not sheets:
        raise _refuse(path, "里没有工作表。")
    sheet = next((candidate for candidate in sheets if _has_header(candidate)), sheets[0])
    try:
        merged, total = _sheet_facts(path, getattr(sheet, "_worksheet_path", "xl/worksheets/sheet1.xml"))
    except (KeyError, zipfile.BadZipFile, OSError):
        merged, total = [], 0
    sheet.reset_dimensions()  # a file's stored size may be wrong (some programs write A1): every cell is read
    header_row = _header_row(sheet)
    known = persons.known_groups(desk)
    today = desk.today()
    header: core.Header | None = None
    leading: list[tuple] = []
    rows: list[tuple[int, tuple, core.ParsedRow | None]] = []
    merged_rows: dict[int, str] = {}
    data = 0
    try:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = tuple(cells)
            if header is None:
                if number == header_row:
                    header = _header(path, number, cells, merged)
                    merged_rows = _merged_data_rows(merged, number)
                    header_cells = cells[:header.width]
                else:
                    leading.append(cells)
                continue
            cells = _trimmed(cells)  # cells beside the header (a township's own column) stay for the report
            if core.is_empty(cells[:header.width]):
                rows.append((number, cells, None))
                continue
            data += 1
            if data > core.MAX_ROWS:
                raise _refuse(path, f"超过{core.MAX_ROWS:,}行，请按乡镇或村分成几个文件分别导入。")
            parsed = core.parse_row(number, core.values_of(header, cells), known, today)
            if number in merged_rows:
                parsed = replace(parsed, person=None, problems=(core.row_message(
                    number, f"有合并单元格（{merged_rows[number]}）：请取消合并，每行填写完整后再导入。"), *parsed.problems))
            rows.append((number, cells, parsed))
            if progress is not None and number % 500 == 0 and progress(number, total) is False:
                raise ImportCancelled("已取消读取名单，没有导入任何一行。")
    except (ImportFileError, ImportCancelled):
        raise
    except Exception as error:  # a sheet part openpyxl cannot parse half-way
        logging.getLogger("desk").info("import: %s unreadable part-way: %r", path, error)
        raise _refuse(path, "读取中途出错（文件已损坏），请在 Excel 中打开后重新保存为 .xlsx 再导入。") from None
    if header is None:
        raise _refuse(path, "是空的：第一个工作表中没有表头和数据。请用“下载模板”得到的表格填写。")
    while rows and rows[-1][2] is None and not rows[-1][1]:
        rows.pop()
    if not rows:
        raise _refuse(path, "只有表头，没有参保人的数据行。")
    return ImportList(path.name, sheet.title, header, header_cells, tuple(leading), tuple(rows), str(path.resolve()))


def _trimmed(cells: tuple) -> tuple:
    """A row without its trailing empty cells (a styled empty cell is read as None)."""
    end = len(cells)
    while end and (cells[end - 1] is None or (isinstance(cells[end - 1], str) and not cells[end - 1].strip())):
        end -= 1
    return cells[:end]


def _header_row(sheet) -> int:
    """The header's row among the first rows: the first with 姓名 and 证件号码; else the first filled row that is
    not a title line (its columns are then named in the refusal)."""
    first = fallback = None
    for number, cells in enumerate(sheet.iter_rows(max_row=core.HEADER_SEARCH_ROWS, values_only=True), start=1):
        cells = tuple(cells)
        if core.looks_like_header(cells):
            return number
        if not core.is_empty(cells):
            first = first or number
            if fallback is None and not _is_title(cells):
                fallback = number
    return fallback or first or 1


def _has_header(sheet) -> bool:
    """The list's sheet: the first with 姓名 and 证件号码 in a row of its first rows (the template's 填写说明 has
    them as values of one column, never in one row)."""
    try:
        return any(core.looks_like_header(tuple(cells))
                   for cells in sheet.iter_rows(max_row=core.HEADER_SEARCH_ROWS, values_only=True))
    except Exception:  # a sheet part openpyxl cannot parse: judged when read
        return False


def _is_title(cells: tuple) -> bool:
    """A title line above the header: one text cell (e.g. “喜洲镇2027年度集中参保名单”)."""
    filled = [cell for cell in cells if not (cell is None or (isinstance(cell, str) and not cell.strip()))]
    return len(filled) == 1 and isinstance(filled[0], str) and core.header_text(filled[0]) not in core.COLUMN_NAMES


def _header(path: Path, number: int, cells: tuple, merged: list[tuple[str, int, int]]) -> core.Header:
    touching = [ref for ref, first, last in merged if first <= number <= last]
    if touching:
        raise _refuse(path, f"第 {number} 行表头有合并单元格（{'、'.join(touching)}）：表头每列一个单元格，"
                            "请取消合并（或用“下载模板”得到的表格）后再导入。")
    return core.match_header(number, cells)


def _merged_data_rows(merged: list[tuple[str, int, int]], header_row: int) -> dict[int, str]:
    rows: dict[int, str] = {}
    for ref, first, last in merged:
        for number in range(max(first, header_row + 1), last + 1):
            rows.setdefault(number, ref)
    return rows


class ImportCancelled(DeskError):
    """已取消。"""

    code = "cancelled"
    marks_field = False


# ------------------------------------------------------------------ judging a row (no writes)


@dataclass(frozen=True)
class _Judgement:
    result: str | None  # None: to enrol
    note: str
    person: dict | None = None


def _differences(parsed: core.ParsedRow, person: dict) -> list[str]:
    listed = parsed.person.as_row()
    shown = []
    for key, label in COMPARED:
        if listed[key] not in (None, "") and listed[key] != person[key]:
            shown.append(f"{label}（名单“{listed[key]}”，系统“{person[key] or '空'}”）")
    listed_groups = {code for code, _document in parsed.person.groups}
    held_groups = {item["code"] for item in json.loads(person["groups_json"])}
    if listed_groups != held_groups:
        shown.append("资助类别")
    return shown


def _joined(problems: tuple[str, ...]) -> str:
    """A row's problems (each `第 N 行：…。`) as one sentence for 说明: `A；B。`, not `A。；B。`."""
    return "；".join(problem.split("：", 1)[1].rstrip("。") for problem in problems) + "。"


def _judge(desk: Desk, operator: Operator, parsed: core.ParsedRow, seen: dict[str, int]) -> _Judgement:
    """What importing the row would do, writing nothing."""
    if not parsed.ok:
        return _Judgement(RESULT_REFUSED, _joined(parsed.problems))
    if parsed.id_key in seen:
        return _Judgement(RESULT_REFUSED, f"与第 {seen[parsed.id_key]} 行是同一人（证件号码相同），同一人只导入一次，本行未导入。")
    person = person_store.person_by_id_number(desk.db, parsed.person.id_number)
    if person is None:
        return _Judgement(None, "")
    if person["name"] != parsed.person.name:
        return _Judgement(RESULT_REFUSED, f"证件号码 {person['id_number']} 在系统中登记为“{person['name']}”，与名单姓名"
                                          f"“{parsed.person.name}”不同：请核对证件后到参保登记页办理。")
    held = enrolment.held_enrolment(desk, operator, person_id=person["id"], year=parsed.year)
    if held is not None and held.scheme == "resident":
        return _Judgement(RESULT_EXISTING, f"已于{(held.created_at or '')[:10]}办理{parsed.year}年度城乡居民医保参保登记"
                                           f"（登记序号 {held.id}，待遇自{held.benefit_start}起），未重复登记。", person)
    if held is not None:
        return _Judgement(RESULT_REFUSED, f"{parsed.year}年度已参加职工基本医疗保险（参保地 {held.region_code}），"
                                          "一人一年只能参加一种基本医疗保险，未登记居民医保。", person)
    return _Judgement(None, "", person)


def _quote_problem(desk: Desk, parsed: core.ParsedRow, person: dict | None) -> str | None:
    """The quote's refusal of the row (a year without a standard, a payment date outside the year), as enrol would."""
    try:
        pack = resident_pack(desk.packs, desk.setting("default_pack"), parsed.year)
        groups = (tuple(item["code"] for item in json.loads(person["groups_json"])) if person
                  else tuple(code for code, _document in parsed.person.groups))
        last = (enrolment.last_enrolled_year(desk, person["id"], parsed.year, parsed.last_year) if person
                else parsed.last_year)
        birth = date.fromisoformat(person["birth_date"]) if person else parsed.person.birth_date
        quote_enrolment(pack, QuoteRequest(year=parsed.year, birth_date=birth, paid_on=parsed.paid_on, groups=groups,
                                           last_enrolled_year=last))
    except DeskError as error:
        return error.message
    return None


def preview(desk: Desk, operator: Operator, listing: ImportList, *, progress: Progress | None = None) -> ImportPreview:
    """What importing the list would do: counts of rows to enrol, already enrolled and refused, and the first
    problems; nothing is written."""
    operator.require("enrolment.create")
    seen: dict[str, int] = {}
    counts = {None: 0, RESULT_EXISTING: 0, RESULT_REFUSED: 0}
    problems: list[str] = []
    total = listing.data_rows
    done = 0
    for number, _cells, parsed in listing.rows:
        if parsed is None:
            continue
        judged = _judge(desk, operator, parsed, seen)
        if judged.result is None:
            problem = _quote_problem(desk, parsed, judged.person)
            if problem:
                judged = _Judgement(RESULT_REFUSED, problem)
        if parsed.id_key and parsed.id_key not in seen:
            seen[parsed.id_key] = number
        counts[judged.result] += 1
        if judged.result == RESULT_REFUSED and len(problems) < FIRST_PROBLEMS:
            problems.append(core.row_message(number, judged.note))
        done += 1
        if progress is not None and done % 200 == 0 and progress(done, total) is False:
            raise ImportCancelled("已取消预览，没有导入任何一行。")
    return ImportPreview(listing, total, counts[None], counts[RESULT_EXISTING], counts[RESULT_REFUSED], tuple(problems))


# ------------------------------------------------------------------ importing


def _import_row(desk: Desk, operator: Operator, parsed: core.ParsedRow, seen: dict[str, int]) -> RowOutcome:
    """One row in its own transaction: registered (when new) and enrolled, or nothing written."""
    name, masked = (parsed.person.name, parsed.person.id_number) if parsed.person else ("", "")
    try:
        with desk.transaction():
            judged = _judge(desk, operator, parsed, seen)
            if judged.result is not None:
                return RowOutcome(parsed.number, judged.result, judged.note, name, masked, parsed.year)
            notes = []
            person = judged.person
            if person is None:
                record = persons.register_person(desk, operator, _form(parsed))
                person_id = record.id
                notes.append("新登记参保人")
            else:
                person_id = person["id"]
                different = _differences(parsed, person)
                if different:
                    notes.append(f"参保人已登记，名单中{'、'.join(different)}与系统不同，以系统记录为准，未修改"
                                 "（如需修改请到参保登记页办理）")
            desk_last = enrolment_store.last_enrolled_year(desk.db, person_id, parsed.year) if person else None
            if parsed.last_year is not None and desk_last is not None and desk_last != parsed.last_year:
                notes.append(f"名单上次参保年度{parsed.last_year}年，本系统记录为{desk_last}年，按本系统记录计算")
            done = enrolment.enrol(desk, operator, person_id=person_id, year=parsed.year, paid_on=parsed.paid_on,
                                   listed_last_year=parsed.last_year)
    except DatabaseFault:
        raise
    except DeskError as error:
        return RowOutcome(parsed.number, RESULT_REFUSED, error.message, name, masked, parsed.year)
    quote = done.quote
    notes.append(f"应缴{format_amount(quote.payable)}元，待遇自{quote.benefit_start.isoformat()}起，回执 {done.receipt.number}")
    return RowOutcome(parsed.number, RESULT_ENROLLED, "；".join(notes) + "。", name, masked, parsed.year, quote.payable,
                      done.receipt.number)


def _form(parsed: core.ParsedRow) -> dict:
    """The clean person as the person form hands it to `register_person`."""
    person = parsed.person
    return {"id_type": person.id_type, "id_number": person.id_number, "name": person.name,
            "ethnicity": person.ethnicity, "phone": person.phone or "", "household_type": person.household_type or "",
            "address": person.address or "", "township": person.township or "", "village": person.village or "",
            "groups": [{"code": code, "document": document} for code, document in person.groups]}


def import_list(desk: Desk, operator: Operator, listing: ImportList, *, progress: Progress | None = None) -> ImportResult:
    """Import row by row (each its own transaction); `progress(done, total)` after each row stops the import by
    answering False (the rows done stay done). Then the 导入清单 is issued and the import audited."""
    operator.require("enrolment.create")
    operator.require("person.write")
    seen: dict[str, int] = {}
    outcomes: list[RowOutcome] = []
    total = listing.data_rows
    stopped_after, stop_reason = None, ""
    parsed_rows = [parsed for _number, _cells, parsed in listing.rows if parsed is not None]
    for index, parsed in enumerate(parsed_rows):
        if not parsed.ok:
            outcome = RowOutcome(parsed.number, RESULT_REFUSED, _joined(parsed.problems))
        else:
            try:
                outcome = _import_row(desk, operator, parsed, seen)
            except DatabaseFault as fault:
                stopped_after, stop_reason = _stop(parsed_rows, index, fault.message)
                break
        if parsed.id_key and parsed.id_key not in seen:
            seen[parsed.id_key] = parsed.number
        outcomes.append(outcome)
        done = index + 1
        if progress is not None and progress(done, total) is False and done < total:
            stopped_after, stop_reason = parsed.number, f"导入已取消：在第 {parsed.number} 行之后停止"
            break
    handled = {outcome.number for outcome in outcomes}
    for parsed in parsed_rows:
        if parsed.number not in handled:
            outcomes.append(RowOutcome(parsed.number, RESULT_REFUSED, f"{stop_reason}，本行未处理，可重新导入同一文件继续"
                                                                      "（已导入的行会显示为已存在）。"))
    result = _result(outcomes, stopped_after, stop_reason, None)
    try:
        voucher = _issue_list(desk, operator, listing, result)
    except DatabaseFault:
        logging.getLogger("desk").exception("import: the 导入清单 could not be issued")
        voucher = None
    return replace(result, voucher=voucher)


def _stop(parsed_rows: list[core.ParsedRow], index: int, message: str) -> tuple[int | None, str]:
    before = parsed_rows[index - 1].number if index else None
    where = f"在第 {parsed_rows[index].number} 行中止" if before is None else f"在第 {before} 行之后中止"
    return before if before is not None else parsed_rows[index].number - 1, f"导入{where}（{message}）"


def _result(outcomes: list[RowOutcome], stopped_after, stop_reason: str, voucher) -> ImportResult:
    ordered = tuple(sorted(outcomes, key=lambda outcome: outcome.number))
    count = {result: sum(1 for outcome in ordered if outcome.result == result) for result in core.RESULTS}
    payable = sum((outcome.payable for outcome in ordered if outcome.payable is not None), ZERO)
    return ImportResult(len(ordered), count[RESULT_ENROLLED], count[RESULT_EXISTING], count[RESULT_REFUSED], ordered,
                        stopped_after, stop_reason, voucher, payable)


def list_payload(desk: Desk, operator: Operator, listing: ImportList, result: ImportResult) -> dict:
    years = sorted({outcome.year for outcome in result.outcomes if outcome.year})
    lists = {}
    for name in core.RESULTS:
        chosen = [outcome for outcome in result.outcomes if outcome.result == name]
        lists[name] = {
            "count": len(chosen),
            "rows": [{"row": outcome.number, "name": outcome.name, "id_number": mask_id_number(outcome.id_number),
                      "note": _short(outcome) } for outcome in chosen[:LISTED_PER_RESULT]],
        }
    return {
        "file": listing.file_name, "sheet": listing.sheet, "imported_at": desk.timestamp(),
        "operator": operator.display_name, "office": desk.setting("office_name"), "years": years,
        "rows": result.rows, "enrolled": result.enrolled, "existing": result.existing, "refused": result.refused,
        "payable": format_amount(result.payable), "stopped_after": result.stopped_after,
        "stop_reason": result.stop_reason, "lists": lists, "listed_per_result": LISTED_PER_RESULT,
    }


def _short(outcome: RowOutcome) -> str:
    if outcome.result == RESULT_ENROLLED:
        return f"应缴 {format_amount(outcome.payable)} 元，回执 {outcome.receipt}"
    if outcome.result == RESULT_EXISTING:
        return outcome.note.split("，待遇", 1)[0].replace("城乡居民医保参保登记", "参保登记") + "）"
    return outcome.note


def _issue_list(desk: Desk, operator: Operator, listing: ImportList, result: ImportResult) -> vouchers.IssuedVoucher:
    payload = list_payload(desk, operator, listing, result)
    with desk.transaction():
        issued = vouchers.issue(desk, operator, doc_type=IMPORT_LIST, record_type=IMPORT_LIST,
                                record_id=int(desk.today().strftime("%Y%m%d")), payload=payload)
        desk.audit(operator, "enrolment.import", IMPORT_LIST, issued.number,
                   {"file": listing.file_name, **result.summary(), "stopped_after": result.stopped_after,
                    "voucher": issued.number})
    return issued


# ------------------------------------------------------------------ the report


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".part")


def _save_whole(book, path: Path) -> Path:
    """The workbook written beside `path` and renamed over it: a stopped or failed save leaves no half file."""
    partial = _partial(path)
    try:
        book.save(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def same_file(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve() or (one.exists() and other.exists() and os.path.samefile(one, other))
    except OSError:
        return False


def report_over_list(path: Path) -> ImportFileError:
    return ImportFileError(f"导入结果表不能保存为名单文件本身（{path.name}），否则乡镇交来的原名单会被覆盖：请另取一个文件名。",
                           field="report")


def write_report(listing: ImportList, result: ImportResult, path: Path | str) -> Path:
    """The input rows with 结果 and 说明 added, streamed (openpyxl write-only), written beside `path` and renamed
    when whole; the ID and phone columns stay text. A row's number is the input's."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    path = Path(path)
    if listing.path and same_file(path, Path(listing.path)):
        raise report_over_list(path)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("导入结果")
    width = max([listing.header.width, *(len(values) for _number, values, _parsed in listing.rows)])
    text_positions = {listing.header.positions[name] for name in core.TEXT_COLUMNS if name in listing.header.positions}
    bold = Font(bold=True)
    fills = {RESULT_ENROLLED: PatternFill("solid", fgColor="E2EFDA"), RESULT_EXISTING: PatternFill("solid", fgColor="DDEBF7"),
             RESULT_REFUSED: PatternFill("solid", fgColor="FCE4D6")}
    by_number = {outcome.number: outcome for outcome in result.outcomes}

    def cells(values: tuple) -> list:
        out = list(values[:width]) + [None] * (width - len(values))
        for index, value in enumerate(out):
            if index in text_positions or hasattr(value, "year"):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "@" if index in text_positions else "yyyy-mm-dd"
                out[index] = cell
        return out

    for values in listing.leading:
        sheet.append(list(values[:width]))
    header_cells = tuple(listing.header_cells[:width]) + (None,) * (width - len(listing.header_cells[:width]))
    header = [WriteOnlyCell(sheet, value=value) for value in (*header_cells, *core.REPORT_COLUMNS)]
    for cell in header:
        cell.font = bold
    sheet.append(header)
    for number, values, parsed in listing.rows:
        if parsed is None:
            sheet.append(cells(values) if values else [])
            continue
        outcome = by_number.get(number)
        row = cells(values)
        verdict = WriteOnlyCell(sheet, value=outcome.result if outcome else RESULT_REFUSED)
        verdict.fill = fills[verdict.value]
        row += [verdict, WriteOnlyCell(sheet, value=outcome.note if outcome else "")]
        sheet.append(row)
    if result.stop_reason:
        sheet.append([])
        sheet.append([result.stop_reason])
    return _save_whole(book, path)


# ------------------------------------------------------------------ the template


def write_template(path: Path | str, known_groups: dict[str, str]) -> Path:
    """The list the office hands out: 参保名单 (the header, the ID, phone and document columns formatted as text,
    one example row in grey to be overwritten), 填写说明 (each column and what it takes) and 资助类别 (names and codes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    path = Path(path)
    book = Workbook()
    sheet = book.active
    sheet.title = "参保名单"
    sheet.append(list(core.COLUMN_NAMES))
    grey = Font(color="808080")
    for index, column in enumerate(core.COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        header.fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.column_dimensions[letter].width = max(12, len(column.name) * 2 + 4, min(len(column.example) + 4, 24))
        if column.name in core.TEXT_COLUMNS:
            for row in range(1, 5002):
                sheet.cell(row=row, column=index).number_format = "@"
        example = sheet.cell(row=2, column=index, value=column.example or None)
        example.font = grey
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必须有此列", "填写说明"])
    for column in core.COLUMNS:
        notes.append([column.name, "是" if column.required else "否（可不设此列）", column.note])
    notes.append([])
    for line in (
        "1．第一个工作表“参保名单”的第1行是表头，请勿修改列名；列的顺序可以调整，表头上方可以有一行标题。",
        "2．第2行是示例（灰色），请改为实际参保人或删除该行。每人一行，空行会被跳过；同一人只填一行。",
        "3．证件号码列已设置为“文本”格式，请勿改为数字格式，否则末位X和后几位会丢失；全角数字也可识别。",
        "4．不要合并单元格，不要使用公式（请“选择性粘贴 → 数值”）；日期可填2026-11-05、2026/11/5、20261105或2026年11月5日。",
        "5．已在本系统登记的参保人按系统记录办理，名单中不同的信息不会覆盖系统记录（结果表“说明”列会注明）。",
        "6．导入后每行的结果（已参保 / 已存在 / 未导入）及原因见导入结果表，未导入的行改正后可重新导入同一文件。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 18
    notes.column_dimensions["C"].width = 90
    for row in notes.iter_rows(min_row=2):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")
    groups = book.create_sheet("资助类别")
    groups.append(["资助类别名称", "代码"])
    for code, name in known_groups.items():
        groups.append([name, code])
    groups.column_dimensions["A"].width = 40
    groups.column_dimensions["B"].width = 22
    return _save_whole(book, path)


def template_groups(desk: Desk) -> dict[str, str]:
    """The subsidy groups the template lists: the office's policy pack's, code → name."""
    return persons.known_groups(desk)


def template(desk: Desk, path: Path | str) -> Path:
    """The template for the office's policy pack (its subsidy groups)."""
    return write_template(path, template_groups(desk))
