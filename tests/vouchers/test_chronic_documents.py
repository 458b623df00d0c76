"""The one-time notice and the 门诊慢特病 filing decisions: what the PDFs say (read back with pypdf)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime

import pytest
from pypdf import PdfReader

from desk.vouchers.documents import (
    DOCUMENT_TITLES,
    build_filing_approval,
    build_filing_rejection,
    build_one_time_notice,
    render_voucher,
)
from desk.vouchers.model import VoucherMeta
from desk.vouchers.samples import SAMPLES
from desk.vouchers.types import DOCUMENT_TYPES
from tests.vouchers.pdf_helpers import compact, fields_by_label, page_size, pdf_pages, pdf_text

FULL_ID = "532923198506014529"
MASKED_ID = "532923********4529"
AGENT_ID = "532923196001010419"
MASKED_AGENT_ID = "532923********0419"
A4_POINTS = (595.3, 841.9)
MISSING = [
    "《门诊慢特病待遇认定申请表》（二级及以上定点医院主治及以上医师填写并盖章）",
    "相关检查检验报告及病历资料",
    "近一年内至少3次非同日血压测量记录",
]
RECEIVED = ["身份证件或医保电子凭证", "近6个月内出具的诊断证明"]
HYPERTENSION = {"code": "M03900", "name": "高血压病", "kind": "chronic", "kind_name": "门诊慢性病"}


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def meta() -> VoucherMeta:
    return VoucherMeta(
        number="GZ-20260310-0002",
        code="Q8RM-3VXK",
        office_name="大理州医疗保障事业管理局 大理市经办大厅",
        window="3号窗口",
        operator_name="李红梅",
        printed_at=datetime(2026, 3, 10, 9, 42),
    )


def person() -> dict:
    return {"name": "杨丽华", "id_type": "居民身份证", "id_number": FULL_ID, "sex": "女"}


@pytest.fixture
def notice_payload() -> dict:
    return {
        "business": "门诊慢特病待遇认定申请：M03900 高血压病（门诊慢性病）",
        "person": person(),
        "agent": {"name": "杨建国", "id_number": AGENT_ID, "phone": "13908720000", "relationship": "子女"},
        "application_date": "2026-03-10",
        "received": list(RECEIVED),
        "missing": list(MISSING),
        "where": "大理州医疗保障事业管理局 大理市经办大厅 3号窗口（大理市下关镇榆华路）",
        "office_phone": "0872-2125000",
        "office_hours": "周一至周五 9:00-12:00，14:30-17:30（法定节假日除外）",
        "note": "请在材料补齐后携带本告知书到上述窗口办理，补齐后即时受理，不需重复提交已收材料。",
    }


@pytest.fixture
def approval_payload() -> dict:
    return {
        "person": person(), "personal_number": "53290000000001", "disease": dict(HYPERTENSION),
        "filing_id": 17, "application_date": "2026-03-02", "approved_on": "2026-03-10",
        "effective_from": "2026-03-10", "effective_to": "2027-03-09",
        "annual_cap": "1200.00",
        "rate_note": "政策范围内费用报销60%，全部慢性病合计年度限额3600.00元",
        "review_note": "认定有效期届满前30日内请携带相关材料到窗口办理年审。",
        "provisional": ["单病种年度限额", "认定有效期"],
        "pack_id": "dali-resident-2025", "pack_version": "2025.1",
    }


@pytest.fixture
def rejection_payload() -> dict:
    return {
        "person": person(), "disease": dict(HYPERTENSION), "filing_id": 18,
        "application_date": "2026-03-02", "decided_on": "2026-03-10",
        "reason": "诊断依据不足，不符合该病种认定标准",
        "appeal": {"working_days": 5, "where": "大理州医疗保障事业管理局 大理市经办大厅 3号窗口",
                   "phone": "0872-2125000"},
        "pack_id": "dali-resident-2025", "pack_version": "2025.1",
    }


def between(text: str, start: str, end: str) -> str:
    """The part of `text` after `start` and before the next `end` (both must be there)."""
    head = text.index(start) + len(start)
    return text[head:text.index(end, head)]


# --------------------------------------------------------------------------- 一次性告知书


def test_notice_lists_every_missing_item_numbered_in_its_own_section(meta, notice_payload):
    flat = compact(pdf_text(render_voucher("one_time_notice", notice_payload, meta)))
    missing_section = between(flat, "需补齐的材料（共3项）", "办理须知")
    for number, item in enumerate(MISSING, start=1):
        assert f"{number}．{compact(item)}" in missing_section, item
    assert "4．" not in missing_section
    for item in RECEIVED:  # received materials are listed, but not among the missing ones
        assert item not in missing_section, item
        assert item in between(flat, "已收材料", "办理地点"), item
    assert "补齐时无需重复提交" in flat


def test_notice_gives_the_deadline_for_the_materials(meta, notice_payload):
    notice_payload["bring_by"] = {"date": "2026-04-08", "working_days": 20, "provisional": False}
    flat = compact(pdf_text(render_voucher("one_time_notice", notice_payload, meta)))
    assert "请于2026年4月8日前一次补齐后到本告知书所列地点办理：" in flat
    assert "补齐期限2026年4月8日前（自告知之日起20个工作日内，节假日顺延）" in between(flat, "办理须知", "已收材料")
    assert "暂定" not in flat
    notice_payload["bring_by"]["provisional"] = True
    flat = compact(pdf_text(render_voucher("one_time_notice", notice_payload, meta)))
    assert "节假日顺延）暂定" in flat and "标注“暂定”的数值依据暂定标准确定" in flat


def test_notice_without_a_deadline_gives_no_date(meta, notice_payload):
    """A transfer's notice (and one stored before the deadline was printed) carries no `bring_by`."""
    flat = compact(pdf_text(render_voucher("one_time_notice", notice_payload, meta)))
    assert "补齐期限" not in flat and "请一次补齐后到本告知书所列地点办理：" in flat


def test_notice_says_what_where_and_when(meta, notice_payload):
    text = pdf_text(render_voucher("one_time_notice", notice_payload, meta))
    flat = compact(text)
    for value in ("一次性告知书", "杨丽华", compact(notice_payload["business"]), "一次性告知",
                  compact(notice_payload["where"]), "0872-2125000", compact(notice_payload["office_hours"]),
                  compact(notice_payload["note"]), "代办人（签字）", "经办人（签字）", "GZ-20260310-0002",
                  "告知日期：2026-03-10", "经办机构（章）"):
        assert value in flat, value
    # the opening sentence speaks to the applicant, by name and masked ID, before the list
    assert flat.index(f"杨丽华（居民身份证{MASKED_ID}）：您于2026-03-10") < flat.index("1．")
    assert "第 1 页 / 共 1 页" in text


def test_notice_with_an_agent_records_the_agent_masked(meta, notice_payload):
    flat = compact(pdf_text(render_voucher("one_time_notice", notice_payload, meta)))
    for value in ("代办人", "杨建国", "13908720000", "子女", MASKED_AGENT_ID, "由代办人杨建国代为申请"):
        assert value in flat, value
    assert AGENT_ID not in flat


def test_notice_without_an_agent(meta, notice_payload):
    notice_payload["agent"] = None
    doc = build_one_time_notice(notice_payload, meta)
    assert "代办人" not in fields_by_label(doc)
    assert fields_by_label(doc)["申请方式"].value == "本人申请"
    assert doc.signature_lines == ("申请人（签字）", "经办人（签字）")
    assert "代办" not in compact(pdf_text(render_voucher("one_time_notice", notice_payload, meta)))


def test_notice_takes_phone_and_hours_from_the_office_when_the_payload_has_none(meta, notice_payload):
    del notice_payload["office_phone"], notice_payload["office_hours"]
    office = replace(meta, office_phone="0872-7654321", office_hours="周一至周五 8:30—17:30")
    fields = fields_by_label(build_one_time_notice(notice_payload, office))
    assert fields["咨询电话"].value == "0872-7654321"
    assert fields["办公时间"].value == "周一至周五 8:30—17:30"


def test_notice_with_seven_long_missing_items_still_fits_one_a4_page(meta, notice_payload):
    notice_payload["missing"] = [f"{item}（第{n}份）" for n in range(1, 3) for item in MISSING] + MISSING[:1]
    pdf = render_voucher("one_time_notice", notice_payload, replace(meta, paper="A5", reprint=1))
    assert len(pdf_pages(pdf)) == 1
    assert page_size(pdf) == pytest.approx(A4_POINTS, abs=1)  # notices always print on A4
    flat = compact(pdf_text(pdf))
    assert "需补齐的材料（共7项）" in flat and "7．" in flat
    assert "补打（第1次）" in flat


# --------------------------------------------------------------------------- 认定通知书


def test_approval_shows_the_disease_dates_and_cap(meta, approval_payload):
    text = pdf_text(render_voucher("filing_approval", approval_payload, meta))
    flat = compact(text)
    for value in ("门诊慢特病待遇认定通知书", "杨丽华", "53290000000001", "M03900", "高血压病", "门诊慢性病",
                  "申请日期2026-03-02", "认定日期2026-03-10", "有效期自2026-03-10", "有效期至2027-03-09",
                  "1200.00元", compact(approval_payload["rate_note"]), compact(approval_payload["review_note"]),
                  "dali-resident-2025", "2025.1", "经办机构（章）", "准予认定"):
        assert value in flat, value
    assert "长期有效" not in flat
    assert "第 1 页 / 共 1 页" in text


def test_approval_marks_provisional_values_beside_them(meta, approval_payload):
    flat = compact(pdf_text(render_voucher("filing_approval", approval_payload, meta)))
    assert "2027-03-09暂定" in flat
    assert "1200.00元暂定" in flat
    assert "2026-03-10暂定" not in flat  # the start date is the approval date: never provisional


@pytest.mark.parametrize(("provisional", "flagged"), [
    (["单病种年度限额", "认定有效期"], {"单病种年度限额", "有效期至"}),
    (["单病种年度限额"], {"单病种年度限额"}),
    ([], set()),
])
def test_approval_flags_exactly_the_provisional_fields(meta, approval_payload, provisional, flagged):
    approval_payload["provisional"] = provisional
    fields = fields_by_label(build_filing_approval(approval_payload, meta))
    assert {label for label, field in fields.items() if field.provisional} == flagged
    assert ("暂定" in pdf_text(render_voucher("filing_approval", approval_payload, meta))) == bool(provisional)


def test_approval_without_end_date_or_cap(meta, approval_payload):
    approval_payload.update(effective_to=None, annual_cap=None, provisional=["认定有效期"])
    flat = compact(pdf_text(render_voucher("filing_approval", approval_payload, meta)))
    assert "有效期至长期有效（至终止之日）暂定" in flat
    assert "按政策规定（无单病种限额）" in flat
    assert "1200.00" not in flat


def test_approval_names_a_provisional_standard_without_a_field(meta, approval_payload):
    approval_payload["provisional"] = ["慢性病合计年度限额"]
    assert "以下标准为暂定：慢性病合计年度限额" in compact(pdf_text(render_voucher("filing_approval", approval_payload, meta)))


# --------------------------------------------------------------------------- 不予认定通知书


def test_rejection_shows_reason_and_appeal_route(meta, rejection_payload):
    text = pdf_text(render_voucher("filing_rejection", rejection_payload, meta))
    flat = compact(text)
    for value in ("门诊慢特病待遇不予认定通知书", "高血压病（M03900）", "门诊慢性病", "不予认定",
                  "诊断依据不足，不符合该病种认定标准", "决定日期：2026-03-10", "经办机构（章）"):
        assert value in flat, value
    assert ("如对本决定有异议，可自收到本通知书之日起，携带本通知书及相关材料向"
            "大理州医疗保障事业管理局大理市经办大厅3号窗口申请复核（咨询电话：0872-2125000），"
            "经办机构在收到复核申请之日起5个工作日内答复。") in flat
    assert flat.index("不予认定理由") < flat.index("诊断依据不足") < flat.index("复核途径")
    assert "第 1 页 / 共 1 页" in text


def test_rejection_appeal_uses_the_payload_working_days(meta, rejection_payload):
    rejection_payload["appeal"]["working_days"] = 10
    flat = compact(pdf_text(render_voucher("filing_rejection", rejection_payload, meta)))
    assert "10个工作日内答复" in flat
    assert "5个工作日" not in flat


def test_rejection_is_not_provisional(meta, rejection_payload):
    doc = build_filing_rejection(rejection_payload, meta)
    assert not doc.has_provisional


# --------------------------------------------------------------------------- all three


@pytest.mark.parametrize("doc_type", ["one_time_notice", "filing_approval", "filing_rejection"])
def test_masked_id_on_every_chronic_document(meta, notice_payload, approval_payload, rejection_payload, doc_type):
    payload = {"one_time_notice": notice_payload, "filing_approval": approval_payload,
               "filing_rejection": rejection_payload}[doc_type]
    flat = compact(pdf_text(render_voucher(doc_type, payload, meta)))
    assert MASKED_ID in flat
    assert FULL_ID not in flat
    assert "19850601" not in flat


@pytest.mark.parametrize("doc_type", ["one_time_notice", "filing_approval", "filing_rejection"])
def test_chronic_documents_are_registered_and_sampled(doc_type):
    assert doc_type in DOCUMENT_TYPES and doc_type in DOCUMENT_TITLES and doc_type in SAMPLES
    payload, sample_meta = SAMPLES[doc_type]
    pdf = render_voucher(doc_type, payload, sample_meta)
    assert len(pdf_pages(pdf)) == 1
    assert DOCUMENT_TITLES[doc_type] in pdf_text(pdf)
    assert PdfReader(io.BytesIO(pdf)).metadata.title == DOCUMENT_TITLES[doc_type]


def test_sample_notice_has_an_agent_and_three_missing_items():
    payload, _ = SAMPLES["one_time_notice"]
    assert payload["agent"] and len(payload["missing"]) == 3
    assert SAMPLES["filing_approval"][0]["effective_to"]


@pytest.mark.parametrize("doc_type", ["one_time_notice", "filing_approval", "filing_rejection"])
def test_reprint_is_marked(doc_type):
    payload, sample_meta = SAMPLES[doc_type]
    text = pdf_text(render_voucher(doc_type, payload, replace(sample_meta, reprint=3)))
    assert text.count("补打（第3次）") == 2
