"""The 日报表: figures against sums of what the services returned, the PDF and the workbook read
back, numbering and verification, the chain head, and who may print whose day."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from desk.core.errors import PermissionDenied, ValidationError
from desk.services import reports, vouchers
from desk.store.settlements import AMOUNT_COLUMNS
from tests.services.report_scenario import DAY, build_day
from tests.vouchers.pdf_helpers import compact, pdf_text


@pytest.fixture
def day(desk, staff, clock):
    return build_day(desk, staff, clock)


def money(text) -> Decimal:
    return Decimal(str(text))


def total_of(lines: dict) -> list:
    """The expected line summed over every operator: [count, amounts...]."""
    summed = None
    for line in lines.values():
        values = [line[0], *(line[1].values() if isinstance(line[1], dict) else line[1:])]
        summed = values if summed is None else [a + b for a, b in zip(summed, values, strict=False)]
    return summed


def enrolment_line(line: dict) -> list:
    return [line["count"], money(line["individual"]), money(line["subsidy"]), money(line["payable"])]


def settlement_line(line: dict) -> list:
    return [line["count"], *(money(line[key]) for key in AMOUNT_COLUMNS)]


def test_office_totals_are_the_sums_of_the_day_only(desk, reviewer, day):
    expected, _ = day
    totals = reports.issue_daily_report(desk, reviewer, day=DAY).payload["totals"]
    assert enrolment_line(totals["enrolment"]["positive"]) == total_of(expected.enrolled) == [4, 1600, 120, 1480]
    assert enrolment_line(totals["enrolment"]["negative"]) == total_of(expected.cancelled)
    net = [a + b for a, b in zip(total_of(expected.enrolled), total_of(expected.cancelled), strict=False)]
    assert enrolment_line(totals["enrolment"]["net"]) == net
    assert totals["filing"] == {"accepted": 2, "awaiting": 1, "approved": 1, "rejected": 1, "terminated": 0}
    assert settlement_line(totals["settlement"]["positive"]) == total_of(expected.settled)
    assert settlement_line(totals["settlement"]["negative"]) == total_of(expected.reversed)
    assert totals["settlement"]["negative"]["count"] == -1
    net = [a + b for a, b in zip(total_of(expected.settled), total_of(expected.reversed), strict=False)]
    assert settlement_line(totals["settlement"]["net"]) == net
    moved = totals["transfer"]["total"]
    assert (moved["accepted"], moved["awaiting"], moved["completed"]) == (1, 1, 2)
    pooled = sum(line["pooled"] for line in expected.transfers.values())
    personal = sum(line["personal"] for line in expected.transfers.values())
    assert (money(moved["pooled_fund"]), money(moved["personal_account"])) == (pooled, personal) == (Decimal("9850.95"), Decimal("3210.00"))


def test_each_operator_has_their_own_figures(desk, reviewer, day):
    expected, people = day
    payload = reports.issue_daily_report(desk, reviewer, day=DAY).payload
    by_id = {person["id"]: person for person in payload["operators"]}
    assert set(by_id) == {people["clerk"].id, people["clerk2"].id, people["reviewer"].id}
    for operator_id, person in by_id.items():
        figures = person["figures"]
        assert enrolment_line(figures["enrolment"]["positive"]) == (expected.enrolled.get(operator_id) or [0, 0, 0, 0])
        assert enrolment_line(figures["enrolment"]["negative"]) == (expected.cancelled.get(operator_id) or [0, 0, 0, 0])
        filings = expected.filings.get(operator_id, {})
        assert {k: v for k, v in figures["filing"].items() if v} == {k: v for k, v in filings.items() if v}
        settled = expected.settled.get(operator_id)
        assert settlement_line(figures["settlement"]["positive"]) == (
            [settled[0], *settled[1].values()] if settled else [0] * 11)
        numbers = [number for owner, number in expected.vouchers if owner == operator_id]
        assert person["vouchers"] == {"count": len(numbers), "first": numbers[0], "last": numbers[-1]}
    clerk_transfers = by_id[people["clerk"].id]["figures"]["transfer"]["in"]
    assert (clerk_transfers["accepted"], clerk_transfers["completed"]) == (1, 0)
    reviewer_transfers = by_id[people["reviewer"].id]["figures"]["transfer"]["in"]
    assert (reviewer_transfers["completed"], reviewer_transfers["pooled_fund"]) == (2, "9850.95")


def test_voucher_range_chain_head_numbering_and_verification(desk, reviewer, day):
    expected, _ = day
    head = desk.db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    report = reports.issue_daily_report(desk, reviewer, day=DAY)
    payload = report.payload
    assert payload["vouchers"] == {"count": len(expected.vouchers), "first": expected.vouchers[0][1],
                                   "last": expected.vouchers[-1][1]}
    assert payload["chain_head"] == {"entry": head[0], "hash": head[1][:16]}
    entry = desk.db.execute("SELECT id, action, record_id, prev_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert entry == (head[0] + 1, "report.daily", report.number, head[1])  # its own entry follows the head it printed
    assert report.number == "RB-20260311-0001"  # numbered on the day it is issued
    assert vouchers.verify(desk, report.number, report.voucher.code).genuine
    assert not vouchers.verify(desk, report.number, "AAAAA-AAAAA").genuine
    again = reports.issue_daily_report(desk, reviewer, day=DAY)
    assert again.number == "RB-20260311-0002" and again.payload["vouchers"] == payload["vouchers"]  # reports not counted


def test_the_pdf_shows_totals_range_and_chain_head(desk, reviewer, day):
    report = reports.issue_daily_report(desk, reviewer, day=DAY)
    payload = report.payload
    text = compact(pdf_text(vouchers.render(desk, report.number)))
    head = f"第{payload['chain_head']['entry']}条{payload['chain_head']['hash']}"
    for expected in ("医保经办窗口业务日报表", report.number, report.voucher.code, payload["vouchers"]["first"],
                     payload["vouchers"]["last"], head, "1600.00", "-800.00", "9850.95", "经办人（签字）", "复核人（签字）",
                     payload["totals"]["settlement"]["net"]["hifp_pay"], payload["totals"]["settlement"]["negative"]["psn_part_amt"],
                     "李娜", "段志刚", "杨慧"):
        assert compact(expected) in text, expected
    assert text.count(head) >= 3  # the info block and every page's footer


def test_the_workbook_has_the_same_figures(desk, reviewer, day, tmp_path):
    expected, people = day
    report = reports.issue_daily_report(desk, reviewer, day=DAY)
    path = reports.write_workbook(report.payload, tmp_path / "day.xlsx", number=report.number, code=report.voucher.code)
    book = load_workbook(path)
    summary = {row[0].value: [cell.value for cell in row[1:]] for row in book["汇总"].iter_rows() if row[0].value}
    assert summary["编号"][0] == report.number
    assert summary["首张凭证编号"][0] == expected.vouchers[0][1] and summary["末张凭证编号"][0] == expected.vouchers[-1][1]
    assert [summary["参保登记"][0], *map(money, summary["参保登记"][1:4])] == total_of(expected.enrolled)
    assert [summary["作废参保登记（冲减）"][0], *map(money, summary["作废参保登记（冲减）"][1:4])] == total_of(expected.cancelled)
    assert money(summary["统筹基金支付（元）"][2]) == money(report.payload["totals"]["settlement"]["net"]["hifp_pay"])
    sheet = book["按经办人"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[0]: dict(zip(header, row, strict=False)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    clerk = rows["李娜"]
    assert clerk["参保登记笔数"] == expected.enrolled[people["clerk"].id][0]
    assert money(clerk["参保登记应缴金额"]) == expected.enrolled[people["clerk"].id][3]
    assert money(clerk["结算统筹基金支付"]) == expected.settled[people["clerk"].id][1]["hifp_pay"]
    assert money(rows["杨慧"]["冲正个人负担"]) == expected.reversed[people["reviewer"].id][1]["psn_part_amt"]
    assert rows["合计"]["出具凭证（张）"] == len(expected.vouchers)


def test_a_clerk_prints_only_their_own_day(desk, staff, clerk, day):
    _, people = day
    own = reports.issue_daily_report(desk, clerk, day=DAY, operator_id=clerk.id)
    assert own.payload["scope"] == "operator" and [p["id"] for p in own.payload["operators"]] == [clerk.id]
    assert enrolment_line(own.payload["totals"]["enrolment"]["positive"])[0] == 3
    with pytest.raises(PermissionDenied, match="只能打印本人的日报表"):
        reports.issue_daily_report(desk, clerk, day=DAY)
    with pytest.raises(PermissionDenied, match="不能打印其他经办人"):
        reports.issue_daily_report(desk, clerk, day=DAY, operator_id=people["clerk2"].id)
    assert [row.id for row in reports.report_operators(desk, clerk)] == [clerk.id]
    assert vouchers.print_copy(desk, clerk, own.number)[0] == 0


def test_reviewer_and_administrator_print_the_office_or_one_operator(desk, staff, day):
    _, people = day
    admin = staff["admin"]
    office = reports.issue_daily_report(desk, admin, day=DAY)
    assert office.payload["scope_name"] == "全部经办人" and len(office.payload["operators"]) == 3
    one = reports.issue_daily_report(desk, staff["reviewer"], day=DAY, operator_id=people["clerk2"].id)
    assert one.payload["scope_name"] == "段志刚（clerk02）"
    assert one.payload["totals"]["enrolment"]["positive"]["count"] == 1
    assert vouchers.print_copy(desk, admin, office.number)[0] == 0  # the administrator prints it too
    assert vouchers.may_print(desk, admin, office.number)
    assert not vouchers.may_print(desk, admin, office.payload["vouchers"]["first"])  # but no citizen's paper
    assert {row.username for row in reports.report_operators(desk, admin)} == {"clerk01", "clerk02", "review01"}


@pytest.mark.parametrize("value, words", [("2026-02-30", "不是有效日期"), ("20260310", "不是有效日期"),
                                          ("2026-03-12", "晚于今天"), (None, "YYYY-MM-DD")])
def test_a_bad_date_is_refused_naming_the_field(desk, reviewer, value, words):
    with pytest.raises(ValidationError, match=words) as raised:
        reports.issue_daily_report(desk, reviewer, day=value)
    assert raised.value.field == "date"


def test_an_empty_day_prints_zeros(desk, reviewer):
    report = reports.issue_daily_report(desk, reviewer, day="2026-03-01")
    assert report.payload["vouchers"] == {"count": 0, "first": None, "last": None}
    assert report.payload["totals"]["settlement"]["net"]["hifp_pay"] == "0.00"
    assert "当日未出具凭证" in pdf_text(vouchers.render(desk, report.number))
