"""Printed vouchers: what the PDFs say (read back with pypdf) and how they are built."""

from __future__ import annotations

import copy
import io
import re
import subprocess
import sys
from dataclasses import replace
from datetime import datetime

import pytest
from pypdf import PdfReader
from reportlab.graphics.shapes import Group

from desk.vouchers import render
from desk.vouchers.documents import (
    DOCUMENT_TITLES,
    build_enrolment_certificate,
    build_enrolment_receipt,
    build_voucher,
    render_voucher,
    yuan,
)
from desk.vouchers.fonts import FONT_NAME, font_file, register_reportlab_font
from desk.vouchers.model import VoucherMeta
from desk.vouchers.samples import SAMPLES, write_samples
from desk.vouchers.types import DOCUMENT_TYPES, resolve
from tests.vouchers.pdf_helpers import between, compact, fields_by_label, page_size, pdf_pages, pdf_text

FULL_ID = "532901199001011234"
MASKED_ID = "532901********1234"
REASON = "集中参保期内参保缴费，按规定自次年1月1日起享受待遇，不设待遇等待期。"
A5_POINTS = (419.5, 595.3)
A4_POINTS = (595.3, 841.9)


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def meta() -> VoucherMeta:
    return VoucherMeta(
        number="CB-20260310-0007",
        code="7KQ2-M9XD",
        office_name="大理州医疗保障事业管理局 祥云县经办窗口",
        window="3号窗口",
        operator_name="李红梅",
        printed_at=datetime(2026, 3, 10, 9, 42),
    )


@pytest.fixture
def receipt_payload() -> dict:
    return {
        "person": {"name": "张三", "id_type": "居民身份证", "id_number": FULL_ID, "sex": "男"},
        "enrolment": {
            "year": 2026, "scheme_name": "城乡居民基本医疗保险",
            "region_code": "532900", "region_name": "大理白族自治州",
            "pack_id": "dali-resident-2025", "pack_version": "2025.1",
            "groups_applied": [{"code": "dibao", "name": "城乡低保对象", "document": "低保证 5329230012"}],
            "groups_not_applicable": [],
            "individual": "400.00", "subsidy": "120.00", "subsidy_group_name": "城乡低保对象",
            "payable": "280.00", "paid_on": "2026-03-10", "benefit_start": "2027-01-01",
            "waiting_months": 0, "reason": REASON,
            "provisional": ["个人缴费标准", "资助参保标准"],
        },
    }


def period(year: int, months: int = 12, status: str = "正常参保") -> dict:
    return {"year": year, "from": f"{year}-01-01", "to": f"{year}-12-31", "months_paid": months, "status": status}


@pytest.fixture
def certificate_payload() -> dict:
    return {
        "person": {"name": "张三", "sex": "男", "id_type": "居民身份证", "id_number": FULL_ID,
                   "personal_number": "53290000123456"},
        "scheme_name": "城乡居民基本医疗保险", "region_code": "532900", "region_name": "大理白族自治州",
        "issuing_office": "大理州医疗保障事业管理局",
        "periods": [period(2024), period(2025, 7, "暂停参保")],
        "as_of": "2026-03-10",
    }


# --------------------------------------------------------------------------- the receipt


def test_receipt_text_has_labels_and_values(meta, receipt_payload):
    text = pdf_text(render_voucher("enrolment_receipt", receipt_payload, meta))
    flat = compact(text)
    for label in ("姓名", "证件类型", "证件号码", "性别", "险种", "参保地", "待遇年度", "资助类别",
                  "个人缴费标准", "财政资助", "应缴金额", "缴费日期", "待遇享受开始日期", "等待期", "说明"):
        assert label in flat, label
    for value in ("城乡居民基本医疗保险参保登记回执", "张三", "居民身份证", "大理白族自治州（532900）",
                  "2026年度", "城乡低保对象", "400.00元", "120.00元", "280.00元", "2027-01-01", "无等待期",
                  "dali-resident-2025", "2025.1", "CB-20260310-0007", "7KQ2-M9XD", compact(REASON)):
        assert value in flat, value
    assert "第 1 页 / 共 1 页" in text
    assert "经办人：李红梅" in text and "打印时间：2026-03-10 09:42" in text


def test_receipt_masks_the_id_number(meta, receipt_payload):
    flat = compact(pdf_text(render_voucher("enrolment_receipt", receipt_payload, meta)))
    assert MASKED_ID in flat
    assert FULL_ID not in flat
    assert "19900101" not in flat


@pytest.mark.parametrize("provisional", [["个人缴费标准", "资助参保标准"], ["个人缴费标准"], []])
def test_provisional_word_appears_exactly_when_something_is_provisional(meta, receipt_payload, provisional):
    receipt_payload["enrolment"]["provisional"] = provisional
    text = pdf_text(render_voucher("enrolment_receipt", receipt_payload, meta))
    assert ("暂定" in text) == bool(provisional)
    flat = compact(text)
    assert ("400.00元暂定" in flat) == ("个人缴费标准" in provisional)  # the word sits beside the value
    assert ("120.00元（城乡低保对象）暂定" in flat) == ("资助参保标准" in provisional)


@pytest.mark.parametrize(("provisional", "flagged"), [
    (["资助参保标准"], {"财政资助", "应缴金额"}),
    (["个人缴费标准"], {"个人缴费标准", "应缴金额"}),
    (["待遇等待期规则"], {"待遇享受开始日期", "等待期"}),
    (["集中参保期"], {"待遇享受开始日期", "等待期"}),
    ([], set()),
])
def test_receipt_flags_what_the_provisional_standards_decide(meta, receipt_payload, provisional, flagged):
    receipt_payload["enrolment"]["provisional"] = provisional
    fields = fields_by_label(build_enrolment_receipt(receipt_payload, meta))
    assert {label for label, field in fields.items() if field.provisional} == flagged


def test_provisional_standard_without_a_field_is_still_named(meta, receipt_payload):
    receipt_payload["enrolment"]["provisional"] = ["大病保险筹资标准"]
    text = pdf_text(render_voucher("enrolment_receipt", receipt_payload, meta))
    assert "以下标准为暂定：大病保险筹资标准" in compact(text)


@pytest.mark.parametrize(("given", "printed"), [("400.00", "400.00 元"), ("400", "400.00 元"),
                                                 ("12.5", "12.50 元"), ("0.125", "0.125 元"), (None, "0.00 元")])
def test_amounts_print_with_two_decimals_without_rounding(given, printed):
    assert yuan(given) == printed


def test_receipt_without_groups_or_waiting(meta, receipt_payload):
    enrolment = receipt_payload["enrolment"]
    enrolment.update(groups_applied=[], subsidy="0.00", subsidy_group_name=None, waiting_months=3)
    enrolment["groups_not_applicable"] = [{"code": "tekun", "name": "特困供养人员", "reason": "未提供认定证明"}]
    fields = fields_by_label(build_enrolment_receipt(receipt_payload, meta))
    assert fields["资助类别"].value == "无"
    assert fields["财政资助"].value == "0.00 元"
    assert fields["等待期"].value == "3个月"
    assert "未提供认定证明" in fields["未适用资助类别"].value


def test_reprint_is_marked_in_footer_and_by_the_title(meta, receipt_payload):
    text = pdf_text(render_voucher("enrolment_receipt", receipt_payload, replace(meta, reprint=2)))
    assert text.count("补打（第2次）") == 2


def test_original_is_not_marked_as_reprint(meta, receipt_payload):
    assert "补打" not in pdf_text(render_voucher("enrolment_receipt", receipt_payload, meta))


def test_user_text_is_printed_literally(meta, receipt_payload):
    receipt_payload["person"]["name"] = "A&B <李>"
    assert "A&B <李>" in pdf_text(render_voucher("enrolment_receipt", receipt_payload, meta))


def test_a5_receipt_with_everything_fits_one_a5_page(meta, receipt_payload):
    enrolment = receipt_payload["enrolment"]
    enrolment["reason"] = REASON * 3
    enrolment["groups_not_applicable"] = [
        {"code": "low_income_minor", "name": "低收入家庭中未成年人", "reason": "缴费之日已满18周岁"},
        {"code": "tuopin", "name": "脱贫人口", "reason": "过渡期已结束，不再享受资助"},
    ]
    full_meta = replace(meta, paper="A5", reprint=1, office_phone="0872-1234567", office_hours="周一至周五 8:30—18:00")
    pdf = render_voucher("enrolment_receipt", receipt_payload, full_meta)
    assert len(pdf_pages(pdf)) == 1
    assert page_size(pdf) == pytest.approx(A5_POINTS, abs=1)
    assert "第 1 页 / 共 1 页" in pdf_text(pdf)


# --------------------------------------------------------------------------- the certificate


def test_certificate_prints_the_full_id_and_periods(meta, certificate_payload):
    text = pdf_text(render_voucher("enrolment_certificate", certificate_payload, meta))
    flat = compact(text)
    for value in ("基本医疗保险参保凭证", "张三", FULL_ID, "53290000123456", "城乡居民基本医疗保险",
                  "大理白族自治州（532900）", "暂停参保", "累计缴费月数：19个月",
                  "出具机构：大理州医疗保障事业管理局", "经办机构（章）"):
        assert value in flat, value
    for column in ("年度", "待遇享受期间", "缴费月数", "状态"):
        assert column in flat
    assert "无本地参保记录" not in flat


def test_certificate_periods_cannot_be_misread(meta, certificate_payload):
    """Full dates, the months with their unit, and what the months count (issue 13: "12-01→12-31, 缴费月数 12")."""
    late = {"year": 2026, "from": "2026-12-01", "to": "2026-12-31", "months_paid": 12, "status": "正常参保"}
    certificate_payload["periods"] = [period(2024), period(2025, 7, "暂停参保"), late]
    flat = compact(pdf_text(render_voucher("enrolment_certificate", certificate_payload, meta)))
    table = between(flat, "本地参保缴费记录", "累计缴费月数")
    assert "年度待遇享受期间缴费月数状态" in table
    assert "2024年度2024年1月1日至2024年12月31日12个月正常参保" in table
    assert "2025年度2025年1月1日至2025年12月31日7个月暂停参保" in table
    assert "2026年度2026年12月1日至2026年12月31日12个月正常参保" in table
    for ambiguous in ("12-01", "12-31", "→"):
        assert ambiguous not in table, ambiguous
    assert "累计缴费月数：31个月（共3个年度）" in flat
    assert ("缴费月数为该年度个人缴费对应的月数，城乡居民医保按年度缴费，缴纳一个年度计12个月，"
            "待遇享受期间晚于1月1日开始的（年中参保或待遇等待期）也按12个月计。") in flat


def test_certificate_without_periods_says_so(meta, certificate_payload):
    certificate_payload["periods"] = []
    text = pdf_text(render_voucher("enrolment_certificate", certificate_payload, meta))
    assert "无本地参保记录" in text
    assert "累计缴费月数" not in text


def test_certificate_with_thirty_periods_spans_two_pages(meta, certificate_payload):
    certificate_payload["periods"] = [period(year) for year in range(1996, 2026)]
    pages = pdf_pages(render_voucher("enrolment_certificate", certificate_payload, meta))
    assert len(pages) == 2
    assert "第 1 页 / 共 2 页" in pages[0]
    assert "第 2 页 / 共 2 页" in pages[1]
    assert "待遇享受期间" in pages[1]  # the column headings repeat on the continuation page
    assert "累计缴费月数：360个月" in compact(pages[1])


def test_certificate_reprint_keeps_the_issue_date(meta, certificate_payload):
    later = replace(meta, reprint=1, printed_at=datetime(2026, 4, 2, 10, 0))
    flat = compact(pdf_text(render_voucher("enrolment_certificate", certificate_payload, later)))
    assert "出具日期：2026-03-10" in flat
    assert "打印时间：2026-04-0210:00" in flat


def test_certificate_always_prints_on_a4(meta, certificate_payload):
    pdf = render_voucher("enrolment_certificate", certificate_payload, replace(meta, paper="A5"))
    assert page_size(pdf) == pytest.approx(A4_POINTS, abs=1)


# --------------------------------------------------------------------------- the PDF itself


def used_fonts(reader: PdfReader) -> list:
    """Every font dictionary a page's content actually selects with Tf."""
    fonts = []
    for page in reader.pages:
        content = page.get_contents().get_data().decode("latin-1")
        resources = page["/Resources"]["/Font"]
        for name in sorted(set(re.findall(r"(/F[\w+]+) [\d.]+ Tf", content))):
            fonts.append(resources[name].get_object())
    return fonts


def test_text_uses_only_the_embedded_font_subset(meta, receipt_payload):
    reader = PdfReader(io.BytesIO(render_voucher("enrolment_receipt", receipt_payload, meta)))
    fonts = used_fonts(reader)
    assert fonts
    for font in fonts:
        assert re.fullmatch(r"/[A-Z]{6}\+WenQuanYiMicroHei.*", font["/BaseFont"])
        program = font["/FontDescriptor"].get_object()["/FontFile2"].get_object()
        assert len(program.get_data()) < 500_000  # a subset, not the 5 MB collection
        assert "/ToUnicode" in font


def test_qr_code_carries_number_and_code(monkeypatch, meta, receipt_payload):
    seen = []

    class RecordingQrWidget(render.QrCodeWidget):
        def __init__(self, value, **options):
            seen.append(value)
            super().__init__(value, **options)

    monkeypatch.setattr(render, "QrCodeWidget", RecordingQrWidget)
    render_voucher("enrolment_receipt", receipt_payload, meta)
    assert seen == ["CB-20260310-0007|7KQ2-M9XD"]


def rectangle_count(pdf: bytes) -> int:
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()
    return len(re.findall(rb" re\b", content))


def test_qr_modules_are_drawn_on_the_page(monkeypatch, meta, receipt_payload):
    with_qr = render_voucher("enrolment_receipt", receipt_payload, meta)

    class BlankQrWidget(render.QrCodeWidget):
        def draw(self):
            return Group()

    monkeypatch.setattr(render, "QrCodeWidget", BlankQrWidget)
    without_qr = render_voucher("enrolment_receipt", receipt_payload, meta)
    assert rectangle_count(with_qr) - rectangle_count(without_qr) >= 50


def test_metadata_names_the_document_and_office(meta, receipt_payload):
    info = PdfReader(io.BytesIO(render_voucher("enrolment_receipt", receipt_payload, meta))).metadata
    assert info.title == "城乡居民基本医疗保险参保登记回执"
    assert info.author == "大理州医疗保障事业管理局 祥云县经办窗口"


def test_rendering_is_deterministic(meta, receipt_payload):
    first = render_voucher("enrolment_receipt", copy.deepcopy(receipt_payload), meta)
    assert render_voucher("enrolment_receipt", receipt_payload, meta) == first


def test_unknown_document_type_and_paper_are_refused(meta, receipt_payload):
    with pytest.raises(ValueError):
        render_voucher("no_such_document", receipt_payload, meta)
    with pytest.raises(ValueError):
        render_voucher("enrolment_receipt", receipt_payload, replace(meta, paper="Letter"))


# --------------------------------------------------------------------------- fonts, registry, samples


def test_font_is_bundled_and_registered_once():
    assert font_file().is_file()
    assert register_reportlab_font() == FONT_NAME
    assert register_reportlab_font() == FONT_NAME


def test_every_document_type_has_a_title_a_builder_and_a_sample():
    assert set(DOCUMENT_TYPES) == set(DOCUMENT_TITLES) == set(SAMPLES)
    assert resolve(DOCUMENT_TYPES["enrolment_certificate"].builder) is build_enrolment_certificate
    for kind in DOCUMENT_TYPES.values():  # every builder and renderer named in the registry exists
        assert callable(resolve(kind.builder)) and (kind.renderer is None or callable(resolve(kind.renderer)))
    prefixes = [kind.prefix for kind in DOCUMENT_TYPES.values()]
    assert len(set(prefixes)) == len(prefixes) and all(re.fullmatch(r"[A-Z]{2}", prefix) for prefix in prefixes)
    assert all(kind.papers and set(kind.papers) <= {"A4", "A5"} for kind in DOCUMENT_TYPES.values())


def test_a_document_prints_only_on_the_papers_its_type_names():
    payload, meta = SAMPLES["enrolment_certificate"]  # A4 only
    assert build_voucher("enrolment_certificate", payload, replace(meta, paper="A5")).meta.paper == "A4"
    payload, meta = SAMPLES["enrolment_receipt"]  # A4 or A5
    assert build_voucher("enrolment_receipt", payload, replace(meta, paper="A5")).meta.paper == "A5"
    with pytest.raises(ValueError, match="unknown voucher type"):
        build_voucher("no_such_paper", payload, meta)


def test_the_registry_loads_without_reportlab():
    code = ("import sys; import desk.services.vouchers, desk.vouchers.types; "
            "assert not any(m.startswith('reportlab') for m in sys.modules), 'reportlab loaded'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_write_samples(tmp_path):
    written = write_samples(tmp_path)
    names = sorted(path.name for path in written)
    assert names == ["daily_report.pdf", "enrolment_certificate.pdf", "enrolment_receipt-a5.pdf",
                     "enrolment_receipt-reprint.pdf", "enrolment_receipt.pdf",
                     "filing_approval.pdf", "filing_receipt-a5.pdf", "filing_receipt.pdf",
                     "filing_rejection.pdf", "import_list.pdf", "one_time_notice.pdf",
                     "reversal_notice.pdf", "settlement_statement-a5.pdf", "settlement_statement.pdf",
                     "transfer_form.pdf", "transfer_receipt-a5.pdf", "transfer_receipt.pdf"]
    assert set(DOCUMENT_TYPES) <= {name.removesuffix(".pdf") for name in names}  # every document type has a sample
    assert page_size((tmp_path / "enrolment_receipt-a5.pdf").read_bytes()) == pytest.approx(A5_POINTS, abs=1)
    assert "补打" in pdf_text((tmp_path / "enrolment_receipt-reprint.pdf").read_bytes())
    assert "补打" not in pdf_text((tmp_path / "enrolment_receipt.pdf").read_bytes())


def test_model_does_not_import_reportlab():
    code = "import sys, desk.vouchers.model; print(any(m.startswith('reportlab') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=True)
    assert result.stdout.strip() == "False"
