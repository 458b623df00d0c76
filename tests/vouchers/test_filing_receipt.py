"""The 门诊慢特病申请受理回执 read back from its PDF, and the stamp area on every official paper."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from desk.vouchers.documents import render_voucher
from desk.vouchers.fonts import register_reportlab_font
from desk.vouchers.samples import FILING_RECEIPT_PAYLOAD, SAMPLES
from desk.vouchers.types import DOCUMENT_TYPES
from tests.vouchers.pdf_helpers import between, compact, page_size, pdf_pages, pdf_text, text_runs

A4_POINTS = (595.3, 841.9)
A5_POINTS = (419.5, 595.3)
FULL_ID = "532923198806120446"


@pytest.fixture
def payload() -> dict:
    return copy.deepcopy(FILING_RECEIPT_PAYLOAD)


@pytest.fixture
def meta():
    return SAMPLES["filing_receipt"][1]


def flat_receipt(payload: dict, meta) -> str:
    return compact(pdf_text(render_voucher("filing_receipt", payload, meta)))


def test_the_type_is_registered_with_its_own_prefix():
    kind = DOCUMENT_TYPES["filing_receipt"]
    assert (kind.prefix, kind.title, kind.papers) == ("SL", "门诊慢特病申请受理回执", ("A4", "A5"))
    assert [k.key for k in DOCUMENT_TYPES.values() if k.prefix == "SL"] == ["filing_receipt"]


def test_receipt_lists_every_material_received_numbered(payload, meta):
    flat = flat_receipt(payload, meta)
    received = between(flat, "已收材料（共5项）", "下一步")
    for number, item in enumerate(payload["received"], start=1):
        assert f"{number}．{compact(item)}" in received, item
    assert "6．" not in received


def test_receipt_says_what_happens_next_and_that_no_review_limit_is_set(payload, meta):
    next_step = between(flat_receipt(payload, meta), "下一步", "进度查询")
    for words in ("由审核人员审核材料后作出认定决定", "《门诊慢特病待遇认定通知书》", "自认定之日起享受待遇",
                  "《门诊慢特病待遇不予认定通知书》", "写明理由及复核途径",
                  "审核时限：现行政策未规定统一的审核时限，审核完成即出具结果，其间可凭受理号查询进度。"):
        assert words in next_step, words


def test_receipt_carries_the_filing_number_the_person_and_where_to_ask(payload, meta):
    flat = flat_receipt(payload, meta)
    assert "门诊慢特病申请受理回执" in flat and "SL-20260310-0001" in flat
    assert "受理号：17" in flat
    opening = between(flat, "受理号：17", "申请人")
    assert opening == ("杨丽华：您于2026年3月2日提出的高血压病（M03900）门诊慢性病待遇认定申请（由代办人杨建国代为申请），"
            "所缺材料已于2026年3月10日补齐，申请材料齐全，予以受理。")
    assert "532923********0446" in flat and FULL_ID not in flat  # masked (vouchers.md)
    assert "532923********0419" in flat and "532923196001010419" not in flat  # the agent's too
    progress = between(flat, "进度查询", "注：")
    for words in ("拨打咨询电话0872-1234567报受理号", "在办公时间（周一至周五8:30—12:00，14:30—18:00（法定节假日除外））",
                  "携带本回执到大理州医疗保障事业管理局祥云县经办窗口3号窗口（祥云县祥城镇政务服务中心一楼）查询办理进度"):
        assert words in progress, words
    assert "受理日期：2026年3月10日" in flat


def test_accepted_the_day_it_was_filed_says_nothing_of_materials_brought_later(payload, meta):
    payload.update(application_date="2026-03-10", accepted_on="2026-03-10", agent=None)
    flat = flat_receipt(payload, meta)
    assert "补齐" not in flat
    assert "杨丽华：您于2026年3月10日提出的高血压病（M03900）门诊慢性病待遇认定申请，申请材料齐全，予以受理。" in flat
    assert "代办人" not in flat


def test_phone_and_hours_come_from_the_office_when_the_payload_has_none(payload, meta):
    payload["office_phone"] = payload["office_hours"] = None
    flat = flat_receipt(payload, replace(meta, office_phone="0872-7654321", office_hours="周一至周五 8:30—17:30"))
    assert "拨打咨询电话0872-7654321报受理号，或在办公时间（周一至周五8:30—17:30）" in between(flat, "进度查询", "注：")


@pytest.mark.parametrize(("paper", "points"), [("A4", A4_POINTS), ("A5", A5_POINTS)])
def test_receipt_with_an_agent_and_five_materials_fits_one_page_of_either_paper(payload, meta, paper, points):
    pdf = render_voucher("filing_receipt", payload, replace(meta, paper=paper))
    assert len(pdf_pages(pdf)) == 1
    assert page_size(pdf) == pytest.approx(points, abs=1)


# --------------------------------------------------------------------------- the stamp area

# The papers the office hands over as its own act; the 申请登记表 is the citizen's (signed, not
# stamped), the 结算单 has its own renderer (settlement_documents) and the 日报表 is internal.
OFFICIAL = ("enrolment_receipt", "enrolment_certificate", "one_time_notice", "filing_receipt", "filing_approval",
            "filing_rejection", "transfer_receipt", "reversal_notice")
STAMP = "经办机构（章）"
RADIUS = 20 * mm  # a 40 mm round stamp


def official_papers():
    for doc_type in OFFICIAL:
        for paper in DOCUMENT_TYPES[doc_type].papers:
            yield pytest.param(doc_type, paper, id=f"{doc_type}-{paper}")


@pytest.mark.parametrize(("doc_type", "paper"), list(official_papers()))
def test_every_official_paper_leaves_room_for_a_40mm_stamp(doc_type, paper):
    payload, meta = SAMPLES[doc_type]
    pdf = render_voucher(doc_type, payload, replace(meta, paper=paper))
    assert compact(pdf_text(pdf)).count("在经办窗口核验本凭证真伪") == 1  # the notes once, beside the stamp or above it
    last = len(pdf_pages(pdf)) - 1
    runs = text_runs(pdf, last)
    stamps = [run for run in runs if run[0] == STAMP]
    assert len(stamps) == 1, f"{doc_type} on {paper}: {STAMP} printed {len(stamps)} times"
    font = register_reportlab_font()
    _, x, y, size = stamps[0]
    centre_x, centre_y = x + stringWidth(STAMP, font, size) / 2, y + size * 0.35
    width, _height = page_size(pdf, last)
    footer_top = max(run[2] + run[3] for run in runs if "打印时间" in run[0])
    assert centre_y - RADIUS > footer_top and centre_x + RADIUS < width, f"{doc_type} on {paper}: the stamp is off the body"
    for text, left, baseline, text_size in runs:
        if text == STAMP:
            continue
        right = left + stringWidth(text, font, text_size)
        overlaps = (left < centre_x + RADIUS and right > centre_x - RADIUS
                    and baseline - 0.2 * text_size < centre_y + RADIUS and baseline + 0.8 * text_size > centre_y - RADIUS)
        assert not overlaps, f"{doc_type} on {paper}: “{text}” lies where the stamp goes"
