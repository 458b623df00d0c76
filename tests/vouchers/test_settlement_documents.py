"""The 医疗费用结算单 and the 结算冲正凭证: what the PDFs say (read back with pypdf)."""

from __future__ import annotations

import copy
import io
from dataclasses import replace
from datetime import datetime

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from desk.vouchers.documents import (
    DOCUMENT_TITLES,
    build_reversal_notice,
    build_settlement_statement,
    render_voucher,
)
from desk.vouchers.fonts import register_reportlab_font
from desk.vouchers.model import VoucherMeta
from desk.vouchers.samples import SAMPLES, write_samples
from desk.vouchers.settlement_documents import amount_in_words
from desk.vouchers.types import DOCUMENT_TYPES, resolve
from tests.vouchers.pdf_helpers import between, compact, pdf_pages, pdf_text

FULL_ID = "532923198506014529"
MASKED_ID = "532923********4529"
A4_POINTS = (595.3, 841.9)
A5_POINTS = (419.5, 595.3)
LABELS = {
    "act_pay_dedc": "本次起付线", "fulamt_ownpay_amt": "全自费金额", "fund_pay_sumamt": "基金支付合计",
    "hifmi_pay": "大病保险支付", "hifp_pay": "基本医疗保险统筹基金支付", "inscp_scp_amt": "政策范围内费用",
    "maf_pay": "医疗救助支付", "medfee_sumamt": "医疗费用总额", "preselfpay_amt": "乙类先行自付",
    "psn_part_amt": "个人负担",
}
AMOUNTS = {
    "act_pay_dedc": "700.00", "fulamt_ownpay_amt": "5000.00", "fund_pay_sumamt": "51460.00", "hifmi_pay": "15810.00",
    "hifp_pay": "35650.00", "inscp_scp_amt": "72000.00", "maf_pay": "0.00", "medfee_sumamt": "80000.00",
    "preselfpay_amt": "3000.00", "psn_part_amt": "28540.00",
}
STEPS = [
    "政策范围内费用 = 总费用 80000.00 − 全自费 5000.00 − 乙类先行自付 3000.00 = 72000.00",
    "住院（三级医疗机构，统筹区外，比例降低10%）：起付线 700.00，报销比例 50%",
    "统筹基金：政策范围内费用 72000.00 − 起付线 700.00 = 71300.00 × 50% = 35650.00",
    "住院与门诊特殊病共用年度限额 100000.00，本年已用 0.00，剩余 100000.00",
    "基本医疗保险统筹基金支付 35650.00",
    "大病保险：本次政策范围内个人负担 36350.00 计入年度累计，累计 0.00 → 36350.00",
    "大病保险：分段计算 10000.00–36350.00 × 60%，合计 15810.00",
    "大病保险年度限额 300000.00，本年已用 0.00，剩余 300000.00",
    "个人负担 = 总费用 80000.00 − 基金支付合计 51460.00 = 28540.00",
]
NOT_COVERED = "政策包未配置该待遇或该机构等级，不予支付"


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def meta() -> VoucherMeta:
    return VoucherMeta(
        number="JS-20260310-0001",
        code="R6WB-4MZT",
        office_name="大理州医疗保障事业管理局 祥云县经办窗口",
        window="3号窗口",
        operator_name="李娜",
        printed_at=datetime(2026, 3, 10, 9, 42),
    )


def person() -> dict:
    return {"id_number": FULL_ID, "id_type": "居民身份证", "name": "杨丽华", "sex": "女"}


def cap(name: str, cap_amount: str | None, used: str, left: str | None, provisional: bool = False) -> dict:
    return {"name": name, "cap": cap_amount, "used": used, "left": left, "provisional": provisional}


@pytest.fixture
def statement_payload() -> dict:
    """What `reimbursement.statement_payload` produced for the worked example's second claim."""
    return {
        "amounts": dict(AMOUNTS),
        "caps_left": [
            cap("普通门诊（门诊统筹）年度限额", "500.00", "0.00", "500.00"),
            cap("住院与门诊特殊病年度限额", "100000.00", "35650.00", "64350.00"),
            cap("门诊特殊病年度起付线", "1200.00", "0.00", "1200.00"),
            cap("慢性病合计年度限额", "3600.00", "0.00", "3600.00"),
            cap("大病保险年度限额", "300000.00", "15810.00", "284190.00"),
            cap("大病保险累计计算基数", None, "36350.00", None),
        ],
        "claim": {"benefit": "inpatient", "benefit_name": "住院", "date": "2026-03-01", "disease_code": None,
                  "disease_name": None, "in_region": False, "level": "level3", "level_name": "三级",
                  "procurement": False},
        "labels": dict(LABELS),
        "pack_id": "dali-resident-2025",
        "pack_version": "2025.1",
        "person": person(),
        "personal_number": "53290000000001",
        "provisional": ["大病保险分段标准"],
        "region_name": "大理白族自治州",
        "scheme_name": "城乡居民基本医疗保险",
        "settlement_id": 1,
        "status": "ok",
        "status_text": "正常结算",
        "steps": list(STEPS),
    }


@pytest.fixture
def reversal_payload() -> dict:
    return {
        "amounts_reversed": {key: (f"-{value}" if value != "0.00" else value) for key, value in AMOUNTS.items()},
        "benefit_name": "住院",
        "labels": dict(LABELS),
        "original_id": 1,
        "original_number": "JS-20260310-0001",
        "original_operator": "李娜",
        "original_recorded_at": "2026-03-10T09:30:00",
        "pack_id": "dali-resident-2025",
        "pack_version": "2025.1",
        "person": person(),
        "reason": "发票重复报销，原结算作废",
        "reversed_on": "2026-03-10",
        "service_date": "2026-03-01",
    }


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(page.mediabox.width), float(page.mediabox.height)) for page in PdfReader(io.BytesIO(pdf)).pages]


def statement_text(payload: dict, meta) -> str:
    return pdf_text(render_voucher("settlement_statement", payload, meta))


# --------------------------------------------------------------------------- 医疗费用结算单


def test_statement_shows_every_national_field_beside_its_label(meta, statement_payload):
    flat = compact(statement_text(statement_payload, meta))
    amounts = between(flat, "费用结算", "计算过程")
    for key, label in LABELS.items():
        assert f"{label}{AMOUNTS[key]}元" in amounts, label
    # the totals come last, each with its capital figures
    assert "基金支付合计51460.00元（大写：伍万壹仟肆佰陆拾元整）" in amounts
    assert "个人负担28540.00元（大写：贰万捌仟伍佰肆拾元整）" in amounts
    assert amounts.index("医疗救助支付") < amounts.index("基金支付合计") < amounts.index("个人负担")


def test_statement_follows_the_labels_the_payload_gives(meta, statement_payload):
    statement_payload["labels"]["psn_part_amt"] = "个人负担金额"
    assert "个人负担金额28540.00元" in compact(statement_text(statement_payload, meta))


def test_statement_shows_the_person_and_the_claim(meta, statement_payload):
    flat = compact(statement_text(statement_payload, meta))
    for value in ("医疗费用结算单", "杨丽华", "个人编号53290000000001", "险种城乡居民基本医疗保险", "参保地大理白族自治州",
                  "出院日期2026-03-01", "待遇类别住院", "医疗机构等级三级", "就医地统筹区外（异地就医）", "结算记录号1",
                  "JS-20260310-0001"):
        assert value in flat, value
    assert "病种" not in flat and "集采" not in flat  # neither is in this claim


def test_statement_shows_disease_and_procurement_when_present(meta, statement_payload):
    statement_payload["claim"].update(benefit="two_diseases", benefit_name="两病门诊用药", in_region=True,
                                      disease_code="M03900", disease_name="高血压病", procurement=True)
    flat = compact(statement_text(statement_payload, meta))
    assert "病种高血压病（M03900）" in flat
    assert "集采药品" in flat
    assert "就诊日期2026-03-01" in flat and "就医地统筹区内" in flat


def test_statement_masks_the_id_number(meta, statement_payload):
    flat = compact(statement_text(statement_payload, meta))
    assert MASKED_ID in flat
    assert FULL_ID not in flat
    assert "19850601" not in flat


def test_every_step_is_printed_numbered_and_in_order(meta, statement_payload):
    text = statement_text(statement_payload, meta)
    flat = compact(text)
    positions = [flat.index(f"{number}．{compact(step)}") for number, step in enumerate(STEPS, start=1)]
    assert positions == sorted(positions)
    assert f"{len(STEPS) + 1}．" not in between(flat, "计算过程", "本年度待遇使用情况")
    for literal in ("71300.00 × 50% = 35650.00", "80000.00 − 全自费 5000.00 − 乙类先行自付 3000.00 = 72000.00",
                    "累计 0.00 → 36350.00", "10000.00–36350.00 × 60%"):
        assert literal in text, literal  # the signs come out as themselves, not as boxes or gaps


def test_a_long_step_wraps_and_stays_whole(meta, statement_payload):
    long_step = "；".join(STEPS[:4])
    statement_payload["steps"] = [long_step] + STEPS[4:]
    flat = compact(statement_text(statement_payload, meta))
    assert f"1．{compact(long_step)}" in flat
    assert f"6．{compact(STEPS[-1])}" in flat


def test_caps_table_has_a_row_per_cap(meta, statement_payload):
    flat = compact(statement_text(statement_payload, meta))
    caps = between(flat, "本年度待遇使用情况", "注：")
    assert "名称年度限额/标准已用剩余" in caps
    for row in ("普通门诊（门诊统筹）年度限额500.000.00500.00",
                "住院与门诊特殊病年度限额100000.0035650.0064350.00",
                "大病保险年度限额300000.0015810.00284190.00",
                "大病保险累计计算基数不设封顶36350.00—"):
        assert row in caps, row
    assert "暂定" not in caps


def test_a_provisional_cap_is_marked_and_explained(meta, statement_payload):
    statement_payload["provisional"] = []
    statement_payload["caps_left"][3]["provisional"] = True
    flat = compact(statement_text(statement_payload, meta))
    assert "慢性病合计年度限额3600.00（暂定）0.003600.00" in flat
    notes = between(flat, "注：", "可凭编号")
    assert "其中慢性病合计年度限额是暂定标准，当地正式文件录入前暂按政策包执行；本单金额即本次实际结算的金额" in notes
    assert "标有暂定的" not in notes  # no amount is marked, so none is named


@pytest.mark.parametrize("provisional", [["大病保险分段标准"], []])
def test_provisional_word_beside_critical_illness_exactly_when_its_segments_are(meta, statement_payload, provisional):
    statement_payload["provisional"] = provisional
    text = statement_text(statement_payload, meta)
    flat = compact(text)
    assert ("大病保险支付15810.00元暂定" in flat) == bool(provisional)
    assert ("暂定" in text) == bool(provisional)
    assert "35650.00元暂定" not in flat  # the basic fund does not depend on the segments


def test_provisional_is_explained_once_in_a_note_never_beside_the_totals(meta, statement_payload):
    """Issue 13 item 8: 暂定 beside the amount the citizen pays read as "this amount is not final"."""
    flat = compact(statement_text(statement_payload, meta))
    amounts = between(flat, "费用结算", "计算过程")
    assert amounts.count("暂定") == 1 and "大病保险支付15810.00元暂定" in amounts
    assert "基金支付合计51460.00元（大写：伍万壹仟肆佰陆拾元整）个人负担28540.00元（大写：贰万捌仟伍佰肆拾元整）计算过程" in (
        amounts + "计算过程")
    notes = between(flat, "注：", "可凭编号")
    assert notes == ("1．本次结算按政策包dali-resident-2025（版本2025.1）计算，其中大病保险分段标准是暂定标准，当地正式文件"
                     "录入前暂按政策包执行，标有暂定的大病保险支付按其计算；本单金额即本次实际结算的金额，正式标准公布后"
                     "如需调整另行办理，本单不作改动。2．")
    assert "标注“暂定”的数值" not in flat  # the renderer's general legend is not added a second time


def test_a_provisional_standard_without_an_amount_is_named(meta, statement_payload):
    statement_payload["provisional"] = ["门诊统筹起付标准"]
    flat = compact(statement_text(statement_payload, meta))
    assert "其中门诊统筹起付标准是暂定标准" in flat
    assert "15810.00元暂定" not in flat


def test_statement_prints_the_institution_invoice_and_stay(meta, statement_payload):
    statement_payload["claim"].update(institution="昆明医科大学第一附属医院", invoice_number="53012600000123",
                                      admission_date="2026-02-18")
    pdf = render_voucher("settlement_statement", statement_payload, meta)
    flat = compact(pdf_text(pdf))
    person_block = between(flat, "参保人及就诊信息", "费用结算")
    for value in ("医疗机构名称昆明医科大学第一附属医院", "发票号（收据号）53012600000123", "住院日期2026-02-18至2026-03-01",
                  "医疗机构等级三级"):
        assert value in person_block, value
    assert "出院日期" not in person_block  # the stay names both dates
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1  # still one A4 page


def test_an_outpatient_statement_prints_the_visit_date_and_invoice(meta, statement_payload):
    statement_payload["claim"].update(benefit="general_outpatient", benefit_name="普通门诊", in_region=True,
                                      institution="大理市下关镇卫生院", invoice_number="ZY-0042")
    flat = compact(statement_text(statement_payload, meta))
    assert "医疗机构名称大理市下关镇卫生院" in flat and "发票号（收据号）ZY-0042" in flat
    assert "就诊日期2026-03-01" in flat and "住院日期" not in flat and "入院" not in flat


def test_a_statement_recorded_before_the_bill_was_kept_prints_none_of_it(meta, statement_payload):
    flat = compact(statement_text(statement_payload, meta))
    assert "医疗机构名称" not in flat and "发票号" not in flat and "出院日期2026-03-01" in flat


def test_refused_claim_says_so_first(meta, statement_payload):
    statement_payload.update(status="not_covered", status_text=NOT_COVERED, steps=[
        "住院：村卫生室不在住院报销范围内。", "个人负担 = 总费用 80000.00。"])
    statement_payload["amounts"].update(hifp_pay="0.00", hifmi_pay="0.00", fund_pay_sumamt="0.00",
                                        psn_part_amt="80000.00", act_pay_dedc="0.00")
    flat = compact(statement_text(statement_payload, meta))
    assert f"结算结论：不予支付{NOT_COVERED}" in flat
    assert flat.index(NOT_COVERED) < flat.index("参保人及就诊信息")
    assert "本次医疗费用80000.00元全部由个人负担" in flat
    assert "基金支付合计0.00元（大写：零元整）" in flat


def test_settled_claim_has_no_refusal(meta, statement_payload):
    flat = compact(statement_text(statement_payload, meta))
    assert "不予支付" not in flat and "结算结论" not in flat


def test_statement_notes_name_the_pack(meta, statement_payload):
    flat = compact(statement_text(statement_payload, meta))
    assert "本次结算按政策包dali-resident-2025（版本2025.1）计算" in flat


def test_a4_statement_fits_one_page(meta, statement_payload):
    pdf = render_voucher("settlement_statement", statement_payload, meta)
    assert page_sizes(pdf) == [pytest.approx(A4_POINTS, abs=1)]
    assert "第 1 页 / 共 1 页" in pdf_text(pdf)


@pytest.mark.parametrize("repeat", [1, 4])
def test_a5_statement_counts_its_pages(meta, statement_payload, repeat):
    statement_payload["steps"] = STEPS * repeat
    pdf = render_voucher("settlement_statement", statement_payload, replace(meta, paper="A5"))
    pages = pdf_pages(pdf)
    assert len(pages) >= 1 + (repeat > 1)
    assert all(size == pytest.approx(A5_POINTS, abs=1) for size in page_sizes(pdf))
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 / 共 {len(pages)} 页" in text
    assert f"{len(STEPS) * repeat}．{compact(STEPS[-1])}" in compact("\n".join(pages))
    for text in pages[1:]:
        assert "医疗费用结算单（续）" in text


def text_origins(pdf: bytes, index: int) -> list[tuple[str, float, float]]:
    """(text, x, font size) of every text run drawn straight on the page (header and footer)."""
    runs = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip() and cm[4] == 0 and cm[5] == 0:
            runs.append((text, tm[4], font_size))

    PdfReader(io.BytesIO(pdf)).pages[index].extract_text(visitor_text=visit)
    return runs


def test_a5_continuation_title_keeps_clear_of_the_office_name(meta, statement_payload):
    pdf = render_voucher("settlement_statement", statement_payload, replace(meta, paper="A5"))
    assert len(pdf_pages(pdf)) == 2
    runs = text_origins(pdf, 1)
    office_x, size = next((x, size) for text, x, size in runs if text.startswith("大理州"))
    title_x = next(x for text, x, _ in runs if text.startswith("医疗费用结算单"))
    assert title_x >= office_x + stringWidth(meta.office_name, register_reportlab_font(), size)


def test_the_statement_is_drawn_dense_and_others_are_not():
    assert {key for key, kind in DOCUMENT_TYPES.items() if kind.renderer} == {"settlement_statement", "daily_report"}  # the 日报表 is dense too


# --------------------------------------------------------------------------- 结算冲正凭证


def test_reversal_shows_the_original_and_the_amounts_reversed(meta, reversal_payload):
    text = pdf_text(render_voucher("reversal_notice", reversal_payload, replace(meta, number="CZ-20260310-0001")))
    flat = compact(text)
    for value in ("结算冲正凭证", "杨丽华", "原结算单编号JS-20260310-0001", "原结算记录号1", "原结算时间2026-03-1009:30",
                  "原结算经办人李娜", "就诊日期2026-03-01", "待遇类别住院", "冲正日期2026-03-10",
                  "冲正原因发票重复报销，原结算作废", "参保人（签字）", "审核人（签字）", "经办机构（章）",
                  "dali-resident-2025", "2025.1"):
        assert value in flat, value
    amounts = between(flat, "冲正金额", "冲正信息")
    for key, label in LABELS.items():
        assert f"{label}{reversal_payload['amounts_reversed'][key]}元" in amounts, label
    assert "基本医疗保险统筹基金支付-35650.00元" in amounts
    assert "医疗救助支付0.00元" in amounts
    assert "第 1 页 / 共 1 页" in text


def test_reversal_says_the_original_is_kept_and_cancelled(meta, reversal_payload):
    flat = compact(pdf_text(render_voucher("reversal_notice", reversal_payload, meta)))
    explanation = between(flat, "冲正说明", "注：")
    assert "原结算（结算单编号JS-20260310-0001，结算记录号1）予以保留" in explanation
    assert "本凭证冲销原结算的上列全部金额" in explanation


def test_reversal_masks_the_id_and_prints_on_a4(meta, reversal_payload):
    pdf = render_voucher("reversal_notice", reversal_payload, replace(meta, paper="A5"))
    flat = compact(pdf_text(pdf))
    assert MASKED_ID in flat and FULL_ID not in flat
    assert page_sizes(pdf) == [pytest.approx(A4_POINTS, abs=1)]


def test_reversal_without_a_statement_number(meta, reversal_payload):
    reversal_payload["original_number"] = None
    doc = build_reversal_notice(reversal_payload, meta)
    fields = {field.label: field.value for section in doc.sections for field in section.fields}
    assert fields["原结算单编号"] == "（未出具结算单）"
    assert "原结算（结算记录号 1）予以保留" in doc.sections[-1].paragraphs[0]


# --------------------------------------------------------------------------- capital figures


@pytest.mark.parametrize(("amount", "words"), [
    ("51460.00", "伍万壹仟肆佰陆拾元整"), ("28540.00", "贰万捌仟伍佰肆拾元整"), ("0.00", "零元整"),
    ("100000.00", "壹拾万元整"), ("105000.00", "壹拾万伍仟元整"), ("100500.05", "壹拾万零伍佰元零伍分"),
    ("4060.00", "肆仟零陆拾元整"), ("1200.50", "壹仟贰佰元伍角"), ("0.35", "叁角伍分"), ("10.01", "壹拾元零壹分"),
    ("100010000.00", "壹亿零壹万元整"), ("12.5", "壹拾贰元伍角"), ("-700.00", "负柒佰元整"),
    ("0.125", None), ("abc", None), ("", None),
])
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


# --------------------------------------------------------------------------- registry and samples


@pytest.mark.parametrize(("doc_type", "builder", "title"), [
    ("settlement_statement", build_settlement_statement, "医疗费用结算单"),
    ("reversal_notice", build_reversal_notice, "结算冲正凭证"),
])
def test_settlement_documents_are_registered(doc_type, builder, title):
    assert resolve(DOCUMENT_TYPES[doc_type].builder) is builder
    assert DOCUMENT_TITLES[doc_type] == title
    payload, sample_meta = SAMPLES[doc_type]
    pdf = render_voucher(doc_type, copy.deepcopy(payload), sample_meta)
    assert len(pdf_pages(pdf)) == 1  # both samples on one A4 page
    assert PdfReader(io.BytesIO(pdf)).metadata.title == title


def test_sample_statement_is_the_dali_out_of_region_inpatient_claim():
    payload, _ = SAMPLES["settlement_statement"]
    assert payload["claim"]["benefit"] == "inpatient" and payload["claim"]["level"] == "level3"
    assert payload["claim"]["in_region"] is False
    reversal, _ = SAMPLES["reversal_notice"]
    assert reversal["original_number"] == SAMPLES["settlement_statement"][1].number


def test_samples_include_the_a5_statement(tmp_path):
    names = {path.name for path in write_samples(tmp_path)}
    assert {"settlement_statement.pdf", "settlement_statement-a5.pdf", "reversal_notice.pdf"} <= names
    pdf = (tmp_path / "settlement_statement-a5.pdf").read_bytes()
    pages = pdf_pages(pdf)
    assert all(size == pytest.approx(A5_POINTS, abs=1) for size in page_sizes(pdf))
    assert f"第 {len(pages)} 页 / 共 {len(pages)} 页" in pages[-1]
