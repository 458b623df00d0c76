"""The 转移接续"一件事" 申请登记表 and 受理回执: what the PDFs say (read back with pypdf)."""

from __future__ import annotations

import copy
import io
import re
from dataclasses import replace
from datetime import datetime

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from desk.vouchers.documents import DOCUMENT_TITLES, build_transfer_form, render_voucher
from desk.vouchers.fonts import register_reportlab_font
from desk.vouchers.model import VoucherMeta
from desk.vouchers.samples import SAMPLES
from desk.vouchers.transfer_documents import TICKED, UNTICKED
from desk.vouchers.types import DOCUMENT_TYPES
from tests.vouchers.pdf_helpers import between, pdf_pages, pdf_text

FULL_ID = "530102198807151239"
MASKED_ID = "530102********1239"
AGENT_ID = "530102196001021110"
MASKED_AGENT_ID = "530102********1110"
A4_POINTS = (595.3, 841.9)
A5_POINTS = (419.5, 595.3)
PROVINCE_TITLE = "省内医保社保关系转移接续“一件事”申请登记表"
GENERIC_TITLE = "医保社保关系转移接续“一件事”申请登记表"
KINDS = ("职工基本医疗保险", "城乡居民基本养老保险", "企业职工基本养老保险")


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def meta() -> VoucherMeta:
    return VoucherMeta(
        number="SQ-20261215-0001",
        code="W7PC-5NHE",
        office_name="大理州医疗保障事业管理局 大理市经办大厅",
        window="5号窗口",
        operator_name="李娜",
        printed_at=datetime(2026, 12, 15, 10, 18),
    )


@pytest.fixture
def payload() -> dict:
    """What `transfer._payload` produced for a transfer accepted in mid-December (provisional due date)."""
    return {
        "accepted_on": "2026-12-15",
        "direction_name": "转入",
        "due_date": "2027-01-15",
        "due_provisional": True,
        "form": {
            "agent": {"id_number": AGENT_ID, "name": "张建国", "phone": "13800001111", "relationship": "父母"},
            "applicant": {"address": "大理市下关镇建设路8号", "household_place": "云南省昆明市五华区",
                          "id_number": FULL_ID, "id_type": "居民身份证", "name": "张伟", "phone": "13987654321",
                          "sex": "男", "status": "流动就业"},
            "direction": "in",
            "employee_medical": True,
            "former_personal_number": "53010012345678",
            "in": {"address": "大理市下关镇榆华路", "office": "大理州医疗保障事业管理局", "phone": "0872-2125000",
                   "region_code": "532900", "region_name": "云南省大理白族自治州"},
            "out": {"address": "昆明市五华区人民中路1号", "office": "昆明市医疗保险管理局", "phone": "0871-63100000",
                    "region_code": "530100", "region_name": "云南省昆明市"},
            "pension": "enterprise_pension",
            "scope": "province",
        },
        "materials_received": ["居民身份证（原件或复印件）", "《基本养老保险关系转移接续联系函》"],
        "office_hours": "周一至周五 9:00-12:00，14:30-17:30（法定节假日除外）",
        "office_phone": "0872-0000000",
        "query_number": "ZY-20261215-0001",
        "scope_name": "省内",
        "transferred": ["职工基本医疗保险", "企业职工基本养老保险"],
        "working_days": 22,
    }


def without_agent(payload: dict) -> dict:
    payload = copy.deepcopy(payload)
    payload["form"]["agent"] = None
    return payload


def cross_province(payload: dict) -> dict:
    """跨省, the former place's 参保凭证 among the materials (three of them)."""
    payload = copy.deepcopy(payload)
    payload["form"]["scope"], payload["scope_name"] = "national", "跨省"
    payload["form"]["out"] = {"address": "成都市青羊区东城根上街95号", "office": "成都市医疗保障事务中心",
                              "phone": "028-12345678", "region_code": "510100", "region_name": "四川省成都市"}
    payload["materials_received"].insert(1, "转出地出具的《基本医疗保险参保凭证》")
    return payload


def compact(text: str) -> str:
    """Without whitespace (the no-break spaces of an empty box too), so a wrapped value still matches."""
    return re.sub(r"\s+", "", text)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(page.mediabox.width), float(page.mediabox.height)) for page in PdfReader(io.BytesIO(pdf)).pages]


def form_text(payload: dict, meta) -> str:
    return compact(pdf_text(render_voucher("transfer_form", payload, meta)))


def receipt_text(payload: dict, meta) -> str:
    return compact(pdf_text(render_voucher("transfer_receipt", payload, meta)))


# --------------------------------------------------------------------------- 申请登记表


def test_form_prints_both_id_numbers_in_full(meta, payload):
    flat = form_text(payload, meta)
    assert FULL_ID in flat and AGENT_ID in flat
    assert MASKED_ID not in flat and MASKED_AGENT_ID not in flat
    assert f"证件号码{FULL_ID}" in between(flat, "申请人信息", "转移信息")
    assert f"证件号码{AGENT_ID}" in between(flat, "代办人信息", "本人承诺")


def test_form_carries_every_filled_value(meta, payload):
    flat = form_text(payload, meta)
    form = payload["form"]
    applicant = between(flat, "申请人信息", "转移信息")
    for label, key in (("姓名", "name"), ("证件类型", "id_type"), ("性别", "sex"), ("联系电话", "phone"),
                       ("户籍地", "household_place"), ("人员状态", "status"), ("联系地址", "address")):
        assert f"{label}{form['applicant'][key]}" in applicant, label
    transfer = between(flat, "转移信息", "转出地")
    for value in ("转移方向转入", "转移范围省内", "查询号ZY-20261215-0001", "原参保地个人编号53010012345678"):
        assert value in transfer, value
    materials = transfer[transfer.index("已收材料"):]
    for number, material in enumerate(payload["materials_received"], start=1):
        assert f"{number}．{material}" in materials, material
    for heading, end, place in (("转出地", "转入地", form["out"]), ("转入地", "代办人信息", form["in"])):
        block = between(flat, heading, end)
        assert f"行政区划{place['region_name']}（{place['region_code']}）" in block, heading
        for label, key in (("经办机构", "office"), ("经办机构电话", "phone"), ("经办机构地址", "address")):
            assert f"{label}{place[key]}" in block, (heading, label)
    agent = between(flat, "代办人信息", "本人承诺")
    for value in ("代办人姓名张建国", "联系电话13800001111", "与申请人关系父母"):
        assert value in agent, value
    assert PROVINCE_TITLE in flat and "SQ-20261215-0001" in flat and "W7PC-5NHE" in flat


@pytest.mark.parametrize(("employee_medical", "pension", "ticked"), [
    (True, "企业职工基本养老保险", {"职工基本医疗保险", "企业职工基本养老保险"}),
    (True, None, {"职工基本医疗保险"}),
    (False, "城乡居民基本养老保险", {"城乡居民基本养老保险"}),
])
def test_form_ticks_exactly_the_kinds_transferred(meta, payload, employee_medical, pension, ticked):
    payload["transferred"] = (["职工基本医疗保险"] if employee_medical else []) + ([pension] if pension else [])
    kinds = between(form_text(payload, meta), "转移险种", "已收材料")
    for kind in KINDS:  # all three options stand on the form, each with its box
        box = compact(TICKED if kind in ticked else UNTICKED)
        assert f"{box}{kind}" in kinds, kind
    assert kinds.count("√") == len(ticked)


def test_the_tick_marks_are_in_the_bundled_font():
    face = pdfmetrics.getFont(register_reportlab_font()).face
    for mark in (TICKED, UNTICKED):
        assert all(ord(char) in face.charToGlyph for char in mark if not char.isspace()), mark
    assert compact(TICKED) != compact(UNTICKED)


def test_agent_signature_line_only_when_an_agent_applied(meta, payload):
    with_agent = form_text(payload, meta)
    assert "代办人（签字）" in with_agent
    assert with_agent.index("申请人（签字）") < with_agent.index("代办人（签字）") < with_agent.index("受理人（签字）")
    alone = form_text(without_agent(payload), meta)
    assert "申请人（签字）" in alone and "受理人（签字）" in alone
    assert "代办人" not in alone and AGENT_ID not in alone
    assert alone.count("日期：") == 2 and with_agent.count("日期：") == 3  # a date line under each signature


@pytest.mark.parametrize("agent", [True, False])
def test_form_declaration_stands_right_above_the_signatures(meta, payload, agent):
    flat = form_text(payload if agent else without_agent(payload), meta)
    last_filled = "与申请人关系父母" if agent else "经办机构地址大理市下关镇榆华路"
    declaration = flat.index("本人承诺所填信息及提供材料真实有效，如有虚假，愿承担相应法律责任。")
    assert flat.index(last_filled) < declaration < flat.index("申请人（签字）")


@pytest.mark.parametrize(("scope", "title"), [("province", PROVINCE_TITLE), ("national", GENERIC_TITLE)])
def test_form_title_follows_the_scope(meta, payload, scope, title):
    payload["form"]["scope"] = scope
    assert build_transfer_form(payload, meta).title == title
    pdf = render_voucher("transfer_form", payload, meta)
    assert PdfReader(io.BytesIO(pdf)).metadata.title == title
    assert ("省内医保社保" in compact(pdf_text(pdf))) == (scope == "province")


@pytest.mark.parametrize("variant", [lambda p: p, cross_province])
def test_form_with_an_agent_fits_one_a4_page_even_when_the_office_prints_a5(meta, payload, variant):
    pdf = render_voucher("transfer_form", variant(payload), replace(meta, paper="A5"))
    assert page_sizes(pdf) == [pytest.approx(A4_POINTS, abs=1)]
    assert "第 1 页 / 共 1 页" in pdf_text(pdf)


# --------------------------------------------------------------------------- 受理回执


def test_receipt_shows_query_number_dates_and_the_transfer(meta, payload):
    flat = receipt_text(payload, replace(meta, number="HZ-20261215-0001"))
    for value in ("转移接续受理回执", "查询号：ZY-20261215-0001", "张伟", "转移方向转入", "转移范围省内",
                  "转出地云南省昆明市（530100）", "转入地云南省大理白族自治州（532900）",
                  "转移险种职工基本医疗保险、企业职工基本养老保险", "受理日期2026-12-15", "承诺办结日期2027-01-15",
                  "1．居民身份证（原件或复印件）", "2．《基本养老保险关系转移接续联系函》", "HZ-20261215-0001"):
        assert value in flat, value
    assert flat.index("查询号：ZY-20261215-0001") < flat.index("申请人")  # first, under the title


def test_receipt_masks_the_id_number(meta, payload):
    flat = receipt_text(payload, meta)
    assert MASKED_ID in flat
    assert FULL_ID not in flat and AGENT_ID not in flat
    assert "19880715" not in flat


@pytest.mark.parametrize("provisional", [True, False])
def test_provisional_word_exactly_when_the_due_date_is_provisional(meta, payload, provisional):
    payload["due_provisional"] = provisional
    flat = receipt_text(payload, meta)
    assert ("2027-01-15暂定" in flat) == provisional
    assert ("暂定" in flat) == provisional
    assert ("2027年国家法定节假日安排尚未公布" in flat) == provisional
    assert ("安排公布后将重新计算，日期如有变化，经办机构将告知您" in flat) == provisional


@pytest.mark.parametrize("working_days", [22, 40])
def test_receipt_states_the_rule_with_the_payload_working_days(meta, payload, working_days):
    payload["working_days"] = working_days
    assert f"自受理之日起{working_days}个工作日内办结，节假日顺延。" in receipt_text(payload, meta)


def test_receipt_says_how_to_ask_about_progress(meta, payload):
    flat = receipt_text(payload, meta)
    progress = between(flat, "进度查询", "注：")
    for value in ("咨询电话：0872-0000000", compact(f"办公时间：{payload['office_hours']}"), "拨打上列咨询电话并报查询号",
                  "携带本回执（查询号ZY-20261215-0001）到大理州医疗保障事业管理局大理市经办大厅5号窗口查询"):
        assert value in progress, value


def test_receipt_takes_phone_and_hours_from_the_office_when_the_payload_has_none(meta, payload):
    payload["office_phone"] = payload["office_hours"] = None
    office = replace(meta, office_phone="0872-7654321", office_hours="周一至周五 8:30—17:30")
    progress = between(receipt_text(payload, office), "进度查询", "注：")
    assert "咨询电话：0872-7654321" in progress and "办公时间：周一至周五8:30—17:30" in progress


@pytest.mark.parametrize(("paper", "points"), [("A4", A4_POINTS), ("A5", A5_POINTS)])
def test_receipt_fits_one_page_of_either_paper(meta, payload, paper, points):
    pdf = render_voucher("transfer_receipt", cross_province(payload), replace(meta, paper=paper))
    assert page_sizes(pdf) == [pytest.approx(points, abs=1)]
    assert "第 1 页 / 共 1 页" in pdf_text(pdf)


# --------------------------------------------------------------------------- registry and samples


@pytest.mark.parametrize("doc_type", ["transfer_form", "transfer_receipt"])
def test_transfer_documents_are_registered_and_sampled(doc_type):
    assert doc_type in DOCUMENT_TYPES and doc_type in DOCUMENT_TITLES and doc_type in SAMPLES
    sample_payload, sample_meta = SAMPLES[doc_type]
    pdf = render_voucher(doc_type, sample_payload, sample_meta)
    assert len(pdf_pages(pdf)) == 1
    assert compact(DOCUMENT_TITLES[doc_type]) in compact(pdf_text(pdf))


def test_samples_show_an_agent_and_a_provisional_due_date():
    assert SAMPLES["transfer_form"][0]["form"]["agent"]
    assert SAMPLES["transfer_receipt"][0]["due_provisional"] is True
    payload, sample_meta = SAMPLES["transfer_receipt"]
    pdf = render_voucher("transfer_receipt", payload, replace(sample_meta, paper="A5"))
    assert page_sizes(pdf) == [pytest.approx(A5_POINTS, abs=1)]
