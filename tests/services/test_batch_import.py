"""集中参保 import, the service: read, preview, import row by row, the report, the 导入清单, the audit."""

import collections
import json
import zipfile
from datetime import date, datetime, timedelta

import pytest
from openpyxl import Workbook, load_workbook

from desk.core.batch_import import ImportFileError
from desk.core.idnumber import make_id_number
from desk.services import batch_import, enrolment, persons, vouchers
from desk.services.integrity import check_database
from tests.conftest import person_form
from tests.import_files import resident, write_list
from tests.vouchers.pdf_helpers import compact, pdf_text


def counts(desk) -> dict:
    return {table: desk.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("persons", "enrolments", "vouchers", "audit_log")}


def actions(desk) -> list[str]:
    return [row[0] for row in desk.db.execute("SELECT action FROM audit_log ORDER BY id")]


def test_a_list_is_previewed_then_imported_row_by_row(desk, clerk, tmp_path):
    known = persons.register_person(desk, clerk, person_form(make_id_number("532923", date(1983, 4, 4), 103), name="段华明",
                                                             township="喜洲镇", village="周城村", address="周城村委会3组"))
    rows = [resident(0), resident(1, 资助类别="城乡低保对象、tuopin", 资助证明文件="低保证123"), None,
            resident(3, 证件号码=known.id_number, 姓名="段华明", 联系电话="13800000000"), resident(4, 缴费日期="2026-13-01")]
    path = write_list(tmp_path / "名单.xlsx", rows)
    before = counts(desk)
    listing = batch_import.read_list(desk, clerk, path)
    shown = batch_import.preview(desk, clerk, listing)
    assert (shown.rows, shown.to_enrol, shown.existing, shown.refused) == (4, 3, 0, 1)
    assert shown.problems == ("第 6 行：缴费日期“2026-13-01”不是有效日期，请填写日期，如2026-11-05（或设置为日期格式）。",)
    assert counts(desk) == before  # the preview wrote nothing
    result = batch_import.import_list(desk, clerk, listing)
    assert result.summary() == {"rows": 4, "enrolled": 3, "existing": 0, "refused": 1}
    by_row = {outcome.number: outcome for outcome in result.outcomes}
    assert by_row[2].note.startswith("新登记参保人；应缴400.00元")
    assert "应缴220.00元" in by_row[3].note  # 就高: 已脱贫人口 180.00 over 低保 120.00
    assert by_row[5].note.startswith("参保人已登记，名单中联系电话（名单“13800000000”，系统“13908721234”）与系统不同，"
                                     "以系统记录为准，未修改")
    assert persons.get_person(desk, clerk, known.id).phone == "13908721234"
    assert result.payable == 400 + 220 + 400
    after = counts(desk)
    assert after["persons"] - before["persons"] == 2 and after["enrolments"] - before["enrolments"] == 3
    assert after["vouchers"] - before["vouchers"] == 4  # three 回执 and the 导入清单
    tail = actions(desk)[len(actions(desk)) - 6:]
    assert tail == ["person.register", "enrolment.create", "person.register", "enrolment.create", "enrolment.create",
                    "enrolment.import"]
    detail = json.loads(desk.db.execute("SELECT detail_json FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert (detail["voucher"], detail["enrolled"], detail["refused"]) == (result.voucher.number, 3, 1)


def test_importing_the_same_file_twice_enrols_nobody_twice(desk, clerk, tmp_path):
    path = write_list(tmp_path / "名单.xlsx", [resident(index) for index in range(3)])
    first = batch_import.import_list(desk, clerk, batch_import.read_list(desk, clerk, path))
    assert first.enrolled == 3
    enrolments = counts(desk)["enrolments"]
    again = batch_import.read_list(desk, clerk, path)
    assert batch_import.preview(desk, clerk, again).existing == 3
    second = batch_import.import_list(desk, clerk, again)
    assert second.summary() == {"rows": 3, "enrolled": 0, "existing": 3, "refused": 0}
    assert counts(desk)["enrolments"] == enrolments
    assert all(outcome.note.startswith("已于2026-03-10办理2026年度城乡居民医保参保登记（登记序号")
               for outcome in second.outcomes)


def test_a_person_listed_twice_is_refused_the_second_time(desk, clerk, tmp_path):
    twice = resident(1)
    path = write_list(tmp_path / "名单.xlsx", [resident(0), twice, dict(twice, 证件号码=twice["证件号码"].lower())])
    result = batch_import.import_list(desk, clerk, batch_import.read_list(desk, clerk, path))
    assert [outcome.result for outcome in result.outcomes] == ["已参保", "已参保", "未导入"]
    assert result.outcomes[2].note == "与第 3 行是同一人（证件号码相同），同一人只导入一次，本行未导入。"


def test_a_failing_row_leaves_nothing_behind(desk, clerk, tmp_path, monkeypatch):
    path = write_list(tmp_path / "名单.xlsx", [resident(0), resident(1), resident(2)])
    listing = batch_import.read_list(desk, clerk, path)
    real, calls = enrolment.enrol, []

    def failing(desk_, operator, **kwargs):
        calls.append(kwargs["person_id"])
        if len(calls) == 2:  # the second row: its person is registered already, in the row's transaction
            from desk.core.errors import Refused
            raise Refused("测试：第二行在登记参保时被拒绝。")
        return real(desk_, operator, **kwargs)

    monkeypatch.setattr(enrolment, "enrol", failing)
    before = counts(desk)
    result = batch_import.import_list(desk, clerk, listing)
    assert [outcome.result for outcome in result.outcomes] == ["已参保", "未导入", "已参保"]
    assert result.outcomes[1].note == "测试：第二行在登记参保时被拒绝。"
    after = counts(desk)
    assert after["persons"] - before["persons"] == 2  # the second row's person was not registered either
    assert persons.find_by_id_number(desk, clerk, resident(1)["证件号码"]) is None


def test_cancel_midway_keeps_the_rows_done_and_says_where_it_stopped(desk, clerk, tmp_path):
    path = write_list(tmp_path / "名单.xlsx", [resident(index) for index in range(6)])
    listing = batch_import.read_list(desk, clerk, path)
    calls = []
    result = batch_import.import_list(desk, clerk, listing, progress=lambda done, total: calls.append(done) or done < 2)
    assert result.summary() == {"rows": 6, "enrolled": 2, "existing": 0, "refused": 4}
    assert result.stopped_after == 3 and result.stop_reason == "导入已取消：在第 3 行之后停止"
    assert result.outcomes[2].note.startswith("导入已取消：在第 3 行之后停止，本行未处理")
    assert counts(desk)["enrolments"] == 2
    rest = batch_import.import_list(desk, clerk, listing)
    assert (rest.enrolled, rest.existing) == (4, 2)


def test_the_report_is_the_input_with_result_and_reason(desk, clerk, tmp_path):
    path = write_list(tmp_path / "名单.xlsx", [resident(0), None, resident(1, 证件号码=5.32923198e17)],
                      title="喜洲镇2026年度集中参保名单")
    listing = batch_import.read_list(desk, clerk, path)
    result = batch_import.import_list(desk, clerk, listing)
    out = batch_import.write_report(listing, result, tmp_path / "结果.xlsx")
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "喜洲镇2026年度集中参保名单"
    assert rows[1][-2:] == ("结果", "说明") and rows[1][:3] == ("姓名", "证件类型", "证件号码")
    assert rows[2][0] == "杨丽华" and rows[2][-2] == "已参保" and "回执 CB-20260310-0001" in rows[2][-1]
    assert all(value is None for value in rows[3])  # the empty row stays where it was
    assert rows[4][-2] == "未导入" and "文本" in rows[4][-1]
    assert sheet.cell(row=3, column=3).number_format == "@"


def test_cells_beside_the_header_stay_in_the_report_and_its_result_columns_come_after_them(desk, clerk, tmp_path):
    """A township's own column without a header (a tick, a note) is not imported but not lost either."""
    book = Workbook()
    sheet = book.active
    names = list(batch_import.core.COLUMN_NAMES)
    sheet.append(names)
    row = resident(0)
    sheet.append([row.get(name) for name in names] + [None, "已核对"])
    sheet.append([None] * len(names) + ["只在表头外"])
    sheet.append([row.get(name) for name in names])
    book.save(tmp_path / "名单.xlsx")
    listing = batch_import.read_list(desk, clerk, tmp_path / "名单.xlsx")
    result = batch_import.import_list(desk, clerk, listing)
    assert (result.rows, result.enrolled, result.refused) == (2, 1, 1)
    rows = list(load_workbook(batch_import.write_report(listing, result, tmp_path / "结果.xlsx")).active.iter_rows(
        values_only=True))
    width = len(names)
    assert rows[0][width:] == (None, None, "结果", "说明")
    assert rows[1][width:width + 3] == (None, "已核对", "已参保")
    assert rows[2][width] == "只在表头外" and rows[2][width + 2:] == (None, None)
    assert rows[3][width + 2] == "未导入" and "第 2 行" in rows[3][width + 3]


def test_a_rows_several_problems_read_as_one_sentence(desk, clerk, tmp_path):
    path = write_list(tmp_path / "名单.xlsx", [resident(0, 民族="火星族", 联系电话="123")])
    listing = batch_import.read_list(desk, clerk, path)
    note = batch_import.import_list(desk, clerk, listing).outcomes[0].note
    assert note == ("民族请从56个民族中选择；联系电话应为11位手机号（1开头）或带区号的固定电话（如 0872-2123456）。")
    assert batch_import.preview(desk, clerk, listing).problems == (f"第 2 行：{note}",)


def test_the_report_is_never_written_over_the_list_itself(desk, clerk, tmp_path):
    path = write_list(tmp_path / "名单.xlsx", [resident(0)])
    before = path.read_bytes()
    listing = batch_import.read_list(desk, clerk, path)
    result = batch_import.import_list(desk, clerk, listing)
    with pytest.raises(ImportFileError) as refused:
        batch_import.write_report(listing, result, tmp_path / "." / "名单.xlsx")
    assert refused.value.message == "导入结果表不能保存为名单文件本身（名单.xlsx），否则乡镇交来的原名单会被覆盖：请另取一个文件名。"
    assert path.read_bytes() == before


def test_the_import_list_voucher_reads_back(desk, clerk, tmp_path):
    path = write_list(tmp_path / "喜洲镇名单.xlsx", [resident(0), resident(1, 民族="火星族")])
    result = batch_import.import_list(desk, clerk, batch_import.read_list(desk, clerk, path))
    assert result.voucher.number == "DR-20260310-0001"
    text = compact(pdf_text(vouchers.render(desk, result.voucher.number)))
    for expected in ("集中参保导入清单", "喜洲镇名单.xlsx", "名单行数2行", "已参保（1行）", "未导入（1行）", "已存在（0行）",
                     "民族请从56个民族中选择", "532923********", "本次应缴合计400.00元", "经办机构（章）", "复核人（签字）",
                     "DR-20260310-0001"):
        assert expected in text, expected
    assert vouchers.verify(desk, result.voucher.number, result.voucher.code).genuine
    assert check_database(desk).sound  # every row's seal and the chain, the 导入清单 named by its audit entry


@pytest.mark.parametrize("content, expected", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel 97-2003（.xls）"),
    ("姓名,证件号码\n杨丽华,532923198506014520\n".encode(), "不是 Excel 工作簿（.xlsx）"),
    (b"PK\x03\x04garbage", "无法作为 Excel 工作簿打开"),
    (b"", "不是 Excel 工作簿"),
])
def test_a_file_that_is_not_a_workbook_is_refused(desk, clerk, tmp_path, content, expected):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as refused:
        batch_import.read_list(desk, clerk, path)
    assert expected in refused.value.message and "名单.xlsx" in refused.value.message


def test_a_workbook_whose_parts_unpack_to_too_much_is_refused_before_reading(desk, clerk, tmp_path, monkeypatch):
    """A zip bomb (a shared-strings part of gigabytes in a file of a few kB) is refused, not read into memory."""
    monkeypatch.setattr(batch_import, "MAX_UNPACKED_BYTES", 2_000_000)
    plain = write_list(tmp_path / "plain.xlsx", [resident(0)])
    path = tmp_path / "名单.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/sharedStrings.xml":
                target.writestr(item, source.read(item.filename))
        target.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>" + b"A" * 3_000_000 + b"</t></si></sst>")
    assert path.stat().st_size < 100_000
    with pytest.raises(ImportFileError) as refused:
        batch_import.read_list(desk, clerk, path)
    assert refused.value.message == ("文件“名单.xlsx”解压后超过 2 MB（xl/sharedStrings.xml），不像一份名单，可能已损坏：请在 Excel 中"
                                     "打开后重新保存为 .xlsx，或按乡镇分成几个文件再导入。")
    assert batch_import.read_list(desk, clerk, plain).data_rows == 1


def test_a_missing_file_and_wrong_columns(desk, clerk, tmp_path):
    with pytest.raises(ImportFileError, match="不存在"):
        batch_import.read_list(desk, clerk, tmp_path / "没有.xlsx")
    path = write_list(tmp_path / "名单.xlsx", [resident(0)],
                      header=tuple("身份证号" if name == "证件号码" else name for name in batch_import.core.COLUMN_NAMES))
    with pytest.raises(ImportFileError) as refused:
        batch_import.read_list(desk, clerk, path)
    assert "模板中没有的列：身份证号" in refused.value.message and "缺少必需的列：证件号码" in refused.value.message


def test_merged_header_cells_refuse_the_file_and_merged_data_cells_their_rows(desk, clerk, tmp_path):
    path = write_list(tmp_path / "名单.xlsx", [resident(0), resident(1)])
    book = load_workbook(path)
    book.active.merge_cells("G1:H1")
    book.save(path)
    with pytest.raises(ImportFileError) as refused:
        batch_import.read_list(desk, clerk, path)
    assert "第 1 行表头有合并单元格（G1:H1）" in refused.value.message
    path = write_list(tmp_path / "名单2.xlsx", [resident(0), resident(1), resident(2)])
    book = load_workbook(path)
    book.active.merge_cells("G2:G3")
    book.save(path)
    listing = batch_import.read_list(desk, clerk, path)
    problems = batch_import.preview(desk, clerk, listing).problems
    assert problems[0].startswith("第 2 行：有合并单元格（G2:G3）") and problems[1].startswith("第 3 行：有合并单元格")


def test_formulas_are_refused_naming_the_column(desk, clerk, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(list(batch_import.core.COLUMN_NAMES))
    values = resident(0)
    sheet.append([values[name] for name in batch_import.core.COLUMN_NAMES])
    sheet["M2"] = "=DATE(2026,3,1)"
    book.save(tmp_path / "公式.xlsx")
    listing = batch_import.read_list(desk, clerk, tmp_path / "公式.xlsx")
    assert "“缴费日期”是公式（=DATE(2026,3,1)）" in batch_import.preview(desk, clerk, listing).problems[0]


def test_a_row_with_the_ids_as_real_excel_numbers(desk, clerk, tmp_path):
    path = write_list(tmp_path / "名单.xlsx", [resident(0, 证件号码=532923198506014520)])
    book = load_workbook(path)
    book.active["C2"].number_format = "0.00E+00"
    book.save(path)
    result = batch_import.import_list(desk, clerk, batch_import.read_list(desk, clerk, path))
    assert result.refused == 1 and "5.3292E+17" in result.outcomes[0].note


def test_fifty_thousand_rows_are_read_previewed_imported_and_reported(desk, clerk, tmp_path):
    rows = [resident(index, 证件号码=make_id_number("532923", date(1950, 1, 1) + timedelta(days=index % 25_000),
                                                    index // 25_000 + 1),
                     缴费日期="2026-03-01" if index % 2500 == 1 else "2026-02-30") for index in range(50_000)]
    rows[10] = None
    path = write_list(tmp_path / "大名单.xlsx", rows)
    seen = []
    listing = batch_import.read_list(desk, clerk, path, progress=lambda done, total: seen.append(done) or True)
    assert listing.data_rows == 49_999 and seen
    shown = batch_import.preview(desk, clerk, listing)
    assert (shown.rows, shown.to_enrol, shown.refused) == (49_999, 20, 49_979) and len(shown.problems) == 20
    result = batch_import.import_list(desk, clerk, listing)
    assert result.summary() == {"rows": 49_999, "enrolled": 20, "existing": 0, "refused": 49_979}
    report = batch_import.write_report(listing, result, tmp_path / "结果.xlsx")
    last = collections.deque(load_workbook(report, read_only=True).active.iter_rows(values_only=True), maxlen=1)[0]
    assert last[0] == rows[-1]["姓名"] and last[-2:] == ("未导入", "缴费日期“2026-02-30”不是有效日期，请填写日期，如2026-11-05（或设置为日期格式）。")
    assert len(pdf_text(vouchers.render(desk, result.voucher.number))) > 1000


def test_the_template_has_its_columns_notes_and_groups(desk, tmp_path):
    path = batch_import.template(desk, tmp_path / "模板.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["参保名单", "填写说明", "资助类别"]
    sheet = book["参保名单"]
    assert tuple(cell.value for cell in sheet[1]) == batch_import.core.COLUMN_NAMES
    assert sheet["C2"].number_format == "@" and sheet["C500"].number_format == "@"
    assert ("城乡低保对象", "dibao") in set(book["资助类别"].iter_rows(values_only=True))
    assert any("文本" in (row[2] or "") for row in book["填写说明"].iter_rows(values_only=True) if len(row) > 2)
    with zipfile.ZipFile(path) as archive:
        assert "xl/worksheets/sheet1.xml" in archive.namelist()


def test_a_full_disk_stops_the_import_naming_where_and_why(desk, clerk, tmp_path, monkeypatch):
    import sqlite3

    from desk.services.faults import DatabaseFault

    path = write_list(tmp_path / "名单.xlsx", [resident(index) for index in range(4)])
    listing = batch_import.read_list(desk, clerk, path)
    real, calls = enrolment.enrol, []

    def disk_full(desk_, operator, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise DatabaseFault.of(sqlite3.OperationalError("database or disk is full"))
        return real(desk_, operator, **kwargs)

    monkeypatch.setattr(enrolment, "enrol", disk_full)
    result = batch_import.import_list(desk, clerk, listing)
    assert (result.enrolled, result.refused, result.stopped_after) == (2, 2, 3)
    assert result.stop_reason.startswith("导入在第 3 行之后中止（") and "磁盘" in result.stop_reason
    assert result.outcomes[2].note.startswith(result.stop_reason + "，本行未处理")
    assert counts(desk)["enrolments"] == 2 and counts(desk)["persons"] == 2


def test_the_list_is_found_on_a_later_sheet(desk, clerk, tmp_path):
    path = write_list(tmp_path / "名单.xlsx", [resident(0)])
    book = load_workbook(path)
    notes = book.create_sheet("说明", 0)
    notes.append(["本表由喜洲镇社保所填报"])
    book.save(path)
    listing = batch_import.read_list(desk, clerk, path)
    assert listing.sheet == "参保名单" and listing.data_rows == 1


def test_dates_as_real_excel_dates_serial_numbers_and_text(desk, clerk, tmp_path):
    serial = (date(2026, 3, 1) - date(1899, 12, 30)).days
    paid = [datetime(2026, 3, 1), serial, "2026/3/1", "20260301", 20260301, "2026年3月1日", "２０２６-０３-０１"]
    path = write_list(tmp_path / "名单.xlsx", [resident(index, 缴费日期=value, 待遇年度=str(2026) if index % 2 else 2026.0)
                                              for index, value in enumerate(paid)])
    result = batch_import.import_list(desk, clerk, batch_import.read_list(desk, clerk, path))
    assert result.enrolled == len(paid), [outcome.note for outcome in result.outcomes]
    assert {row[0] for row in desk.db.execute("SELECT paid_on FROM enrolments")} == {"2026-03-01"}


def test_the_header_is_found_under_title_lines(desk, clerk, tmp_path):
    path = write_list(tmp_path / "名单.xlsx", [resident(0)], title="喜洲镇2026年度集中参保名单")
    book = load_workbook(path)
    book.active.insert_rows(2)
    book.active["A2"], book.active["D2"] = "填报单位：喜洲镇社保所", "填报日期：2026-03-01"
    book.save(path)
    listing = batch_import.read_list(desk, clerk, path)
    assert (listing.header.row, listing.data_rows, len(listing.leading)) == (3, 1, 2)
