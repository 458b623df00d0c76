import json
from datetime import date, datetime

import pytest

from desk.core.errors import PermissionDenied, Refused, ValidationError
from desk.core.idnumber import make_id_number
from desk.services import calendar, transfer
from desk.services.transfer import SummaryLine

APPLICANT = make_id_number("530102", date(1988, 7, 15), 123)  # 昆明市五华区


def form(**overrides) -> dict:
    base = {
        "id_type": "居民身份证", "id_number": APPLICANT, "name": "张伟", "phone": "13987654321",
        "household_place": "云南省昆明市五华区", "applicant_status": "流动就业", "address": "大理市下关镇建设路8号",
        "direction": "in", "scope": "province",
        "out_region_code": "530100", "out_office": "昆明市医疗保险管理局", "out_phone": "0871-63100000",
        "in_region_code": "532900", "in_office": "大理州医疗保障事业管理局",
        "former_personal_number": "53010012345678", "employee_medical": True, "enterprise_pension": True,
    }
    base.update(overrides)
    return base


def count(desk, table):
    return desk.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_complete_application_is_accepted_with_the_due_date(desk, clerk):
    # 2026-03-10 + 22 working days: 18 up to 4-3, 清明 4-4..4-6, then 4-7..4-10
    result = transfer.apply(desk, clerk, form=form(), materials=["id_document", "pension_letter"])
    row = result.transfer
    assert (row.state, row.accepted_on, row.due_date, row.due_provisional) == ("accepted", "2026-03-10", "2026-04-10", False)
    assert row.query_number == "ZY-20260310-0001"
    assert [v.doc_type for v in result.issued] == ["transfer_form", "transfer_receipt"]


def test_due_date_across_qingming_and_labour_day(desk, clerk, clock):
    clock.moment = datetime(2026, 4, 1, 10)
    # 4-2, 4-3, 4-7..4-10 (4-4..4-6 off), 4-13..4-17, 4-20..4-24, 4-27..4-30 = 20, then 5-6, 5-7 (5-1..5-5 off)
    row = transfer.apply(desk, clerk, form=form(), materials=["id_document", "pension_letter"]).transfer
    assert row.due_date == "2026-05-07"


def test_missing_material_waits_and_the_clock_starts_when_complete(desk, clerk, clock):
    result = transfer.apply(desk, clerk, form=form(scope="national", out_region_code="340600", out_office="淮北市医疗保障局"),
                            materials=["id_document"])
    row = result.transfer
    assert row.state == "awaiting_materials" and row.due_date is None
    assert [m.key for m in row.missing_materials] == ["former_certificate", "pension_letter"]
    notice = json.loads(desk.db.execute("SELECT payload_json FROM vouchers WHERE number = ?", [result.issued[1].number]).fetchone()[0])
    assert notice["missing"] == ["转出地出具的《基本医疗保险参保凭证》", "《基本养老保险关系转移接续联系函》"]
    clock.moment = datetime(2026, 3, 16, 9)
    done = transfer.receive_materials(desk, clerk, transfer_id=row.id, materials=["former_certificate", "pension_letter"])
    assert (done.transfer.state, done.transfer.accepted_on, done.transfer.due_date) == ("accepted", "2026-03-16", "2026-04-16")
    assert done.transfer.missing_materials == () and done.transfer.materials == ("id_document", "former_certificate", "pension_letter")


def test_the_notice_says_by_when_to_bring_the_materials(desk, clerk, clock):
    """The pack's transfer.supplement_working_days (20) from the day of each notice: from Tuesday 2026-03-10,
    18 working days by Friday 3 April, 4-6 April off (清明, the shipped schedule), the 20th is 8 April; a
    second notice from Monday 16 March: 14 by 3 April, then 7-10 April and 13, 14 April."""
    from desk.services import vouchers
    from tests.vouchers.pdf_helpers import compact, pdf_text

    national = form(scope="national", out_region_code="340600", out_office="淮北市医疗保障局")
    result = transfer.apply(desk, clerk, form=national, materials=["id_document"])
    first = result.issued[1]
    assert first.doc_type == "one_time_notice"
    payload = json.loads(desk.db.execute("SELECT payload_json FROM vouchers WHERE number = ?", [first.number]).fetchone()[0])
    assert payload["bring_by"] == {"date": "2026-04-08", "working_days": 20, "provisional": False}
    flat = compact(pdf_text(vouchers.render(desk, first.number)))
    assert "请于2026年4月8日前一次补齐后到本告知书所列地点办理" in flat
    assert "补齐期限2026年4月8日前（自告知之日起20个工作日内，节假日顺延）" in flat and "暂定" not in flat
    clock.moment = datetime(2026, 3, 16, 9)
    again = transfer.receive_materials(desk, clerk, transfer_id=result.transfer.id, materials=["former_certificate"])
    [second] = [paper for paper in again.issued if paper.doc_type == "one_time_notice"]
    flat = compact(pdf_text(vouchers.render(desk, second.number)))
    assert "补齐期限2026年4月14日前（自告知之日起20个工作日内，节假日顺延）" in flat


def test_a_transfer_deadline_in_an_unpublished_year_is_provisional(desk, clerk, clock):
    """From Sunday 2026-12-20: 9 working days to 31 December, 1 January 2027 off by law (no 2027 schedule
    shipped), then 5 + 5: Monday 18 January 2027, marked 暂定."""
    from desk.services import vouchers
    from tests.vouchers.pdf_helpers import compact, pdf_text

    clock.moment = datetime(2026, 12, 20, 9, 0)
    result = transfer.apply(desk, clerk, form=form(), materials=["id_document"])
    [notice] = [paper for paper in result.issued if paper.doc_type == "one_time_notice"]
    flat = compact(pdf_text(vouchers.render(desk, notice.number)))
    assert "补齐期限2027年1月18日前（自告知之日起20个工作日内，节假日顺延）暂定" in flat


@pytest.mark.parametrize(
    "change, fields",
    [
        ({"id_number": APPLICANT[:-1] + ("0" if APPLICANT[-1] != "0" else "1")}, {"id_number"}),
        ({"out_region_code": "999999"}, {"out_region_code"}),
        ({"in_region_code": "530100", "out_region_code": "532900"}, {"in_region_code"}),  # "in" must be into our region
        ({"resident_pension": True}, {"pension"}),  # both pension kinds ticked
        ({"employee_medical": False, "enterprise_pension": False}, {"employee_medical"}),
        ({"scope": "national"}, {"scope"}),  # 530100 → 532900 is within the province
        ({"agent": {"name": "张三", "id_number": "123", "phone": "", "relationship": ""}},
         {"agent_id_number", "agent_phone", "agent_relationship"}),
    ],
)
def test_bad_forms_are_refused_with_every_problem_and_nothing_written(desk, clerk, change, fields):
    before = [count(desk, t) for t in ("transfers", "vouchers", "audit_log")]
    with pytest.raises(ValidationError) as caught:
        transfer.apply(desk, clerk, form=form(**change), materials=["id_document"])
    assert {p.field for p in caught.value.problems} == fields
    assert [count(desk, t) for t in ("transfers", "vouchers", "audit_log")] == before


def test_the_workflow_and_its_refusals(desk, clerk, reviewer):
    row = transfer.apply(desk, clerk, form=form(), materials=["id_document", "pension_letter"]).transfer
    with pytest.raises(PermissionDenied):
        transfer.advance(desk, clerk, transfer_id=row.id, action="to_out_review")
    with pytest.raises(Refused, match="不能办结"):
        transfer.complete(desk, reviewer, transfer_id=row.id, pooled_fund="0.00", personal_account="0.00")
    transfer.advance(desk, reviewer, transfer_id=row.id, action="to_out_review")
    transfer.advance(desk, reviewer, transfer_id=row.id, action="to_in_review")
    with pytest.raises(ValidationError) as caught:
        transfer.complete(desk, reviewer, transfer_id=row.id, pooled_fund="", personal_account="12.345")
    assert {p.field for p in caught.value.problems} == {"pooled_fund", "personal_account"}
    done = transfer.complete(desk, reviewer, transfer_id=row.id, pooled_fund="8650.40", personal_account="3210.00").transfer
    assert done.state == "completed" and str(done.pooled_fund) == "8650.40"
    with pytest.raises(Refused):
        transfer.return_transfer(desk, reviewer, transfer_id=row.id, reason="材料不全无法办理")
    assert [e.action for e in transfer.history(desk, clerk, row.id)] == [
        "apply", "to_out_review", "to_in_review", "complete"]


def test_return_with_reason(desk, clerk, reviewer):
    row = transfer.apply(desk, clerk, form=form(), materials=["id_document"]).transfer
    with pytest.raises(ValidationError):
        transfer.return_transfer(desk, reviewer, transfer_id=row.id, reason="")
    returned = transfer.return_transfer(desk, reviewer, transfer_id=row.id, reason="申请人要求撤回申请").transfer
    assert (returned.state, returned.return_reason) == ("returned", "申请人要求撤回申请")


def test_tracking_flags_due_soon_and_overdue(desk, clerk, clock):
    first = transfer.apply(desk, clerk, form=form(), materials=["id_document", "pension_letter"]).transfer  # due 2026-04-10
    clock.moment = datetime(2026, 4, 7, 9)  # 4-8, 4-9, 4-10 left: 3 working days
    [row] = transfer.tracking(desk, clerk)
    assert (row.due_soon, row.overdue, row.working_days_left) == (True, False, 3)
    clock.moment = datetime(2026, 4, 6, 9)  # a holiday: 4-7..4-10 are 4 working days
    assert not transfer.tracking(desk, clerk)[0].due_soon
    clock.moment = datetime(2026, 4, 10, 17)
    assert transfer.tracking(desk, clerk)[0].due_soon and not transfer.tracking(desk, clerk)[0].overdue  # the due day itself
    clock.moment = datetime(2026, 4, 11, 9)
    [row] = transfer.tracking(desk, clerk)
    assert row.overdue and row.id == first.id


def test_provisional_due_dates_are_recomputed_when_a_schedule_is_loaded(desk, clerk, staff, clock):
    clock.moment = datetime(2026, 12, 15, 9)
    row = transfer.apply(desk, clerk, form=form(), materials=["id_document", "pension_letter"]).transfer
    # 12-16..12-31: 12 working days; 2027 by law: 1-1 off, then 1-4.. → 22nd is 2027-01-15
    assert (row.due_date, row.due_provisional) == ("2027-01-15", True)
    text = json.dumps({"format": "desk-holiday-schedule/1", "source": "2027年节假日安排（测试）",
                       "years": {"2027": {"days_off": ["2027-01-01", "2027-01-04", "2027-01-05"], "workdays": []}}})
    calendar.load_schedule(desk, staff["admin"], text)
    updated = transfer.tracking(desk, clerk)[0]
    assert (updated.due_date, updated.due_provisional) == ("2027-01-19", False)
    assert transfer.history(desk, clerk, row.id)[-1].action == "recompute_due"


def test_summary_counts_and_amounts(desk, clerk, reviewer):
    a = transfer.apply(desk, clerk, form=form(), materials=["id_document", "pension_letter"]).transfer
    out_form = form(direction="out", out_region_code="532900", out_office="大理州医疗保障事业管理局",
                    in_region_code="530100", in_office="昆明市医疗保险管理局")
    b = transfer.apply(desk, clerk, form=out_form, materials=["id_document", "pension_letter"]).transfer
    for row, amounts in ((a, ("100.00", "20.50")), (b, ("300.00", "0.00"))):
        transfer.advance(desk, reviewer, transfer_id=row.id, action="to_out_review")
        transfer.advance(desk, reviewer, transfer_id=row.id, action="to_in_review")
        transfer.complete(desk, reviewer, transfer_id=row.id, pooled_fund=amounts[0], personal_account=amounts[1])
    result = transfer.summary(desk, clerk, first=date(2026, 3, 1), last=date(2026, 3, 31))
    assert result.incoming == SummaryLine("in", accepted=1, completed=1, pooled_fund="100.00", personal_account="20.50")
    assert result.outgoing == SummaryLine("out", accepted=1, completed=1, pooled_fund="300.00", personal_account="0.00")
    assert (result.first, result.last) == (date(2026, 3, 1), date(2026, 3, 31))
