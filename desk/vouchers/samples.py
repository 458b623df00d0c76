"""Sample data for every document type, rendered by `desk print-samples DIR` for review.

The person is fictional: a 祥云县 (大理州) resident with a valid-looking ID number.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from desk.vouchers.chronic_documents import FILING_RECEIPT
from desk.vouchers.documents import (
    DAILY_REPORT,
    ENROLMENT_CERTIFICATE,
    ENROLMENT_RECEIPT,
    FILING_APPROVAL,
    FILING_REJECTION,
    ONE_TIME_NOTICE,
    REVERSAL_NOTICE,
    SETTLEMENT_STATEMENT,
    TRANSFER_FORM,
    TRANSFER_RECEIPT,
    render_voucher,
)
from desk.vouchers.import_documents import IMPORT_LIST
from desk.vouchers.model import VoucherMeta

OFFICE_NAME = "大理州医疗保障事业管理局 祥云县经办窗口"
SAMPLE_PERSON = {
    "name": "杨丽华",
    "sex": "女",
    "id_type": "居民身份证",
    "id_number": "532923198806120446",
    "personal_number": "53290000123456",
}


def sample_meta(number: str, code: str) -> VoucherMeta:
    return VoucherMeta(
        number=number,
        code=code,
        office_name=OFFICE_NAME,
        window="3号窗口",
        operator_name="李红梅",
        printed_at=datetime(2026, 3, 10, 9, 42),
        office_phone="0872-1234567",
        office_hours="周一至周五 8:30—12:00，14:30—18:00",
    )


RECEIPT_PAYLOAD = {
    "person": {key: SAMPLE_PERSON[key] for key in ("name", "id_type", "id_number", "sex")},
    "enrolment": {
        "year": 2026,
        "scheme_name": "城乡居民基本医疗保险",
        "region_code": "532900",
        "region_name": "大理白族自治州",
        "pack_id": "dali-resident-2025",
        "pack_version": "2025.1",
        "groups_applied": [{"code": "dibao", "name": "城乡低保对象", "document": "低保证 5329230012"}],
        "groups_not_applicable": [
            {"code": "low_income_minor", "name": "低收入家庭中未成年人", "reason": "缴费之日已满18周岁"},
        ],
        "individual": "400.00",
        "subsidy": "120.00",
        "subsidy_group_name": "城乡低保对象",
        "payable": "280.00",
        "paid_on": "2026-03-10",
        "benefit_start": "2026-03-10",
        "waiting_months": 0,
        "reason": "城乡低保对象在集中参保期外参保，按规定不设待遇等待期，自缴费之日起享受当年度医保待遇。",
        "provisional": ["个人缴费标准", "资助参保标准"],
    },
}

CERTIFICATE_PAYLOAD = {
    "person": dict(SAMPLE_PERSON),
    "scheme_name": "城乡居民基本医疗保险",
    "region_code": "532900",
    "region_name": "大理白族自治州",
    "issuing_office": "大理州医疗保障事业管理局",
    "periods": [
        {"year": year, "from": f"{year}-01-01", "to": f"{year}-12-31", "months_paid": 12, "status": "正常参保"}
        for year in range(2019, 2026)
    ] + [{"year": 2026, "from": "2026-01-01", "to": "2026-12-31", "months_paid": 12, "status": "参保缴费中"}],
    "as_of": "2026-03-10",
}

SAMPLE_OFFICE_PLACE = "大理州医疗保障事业管理局 祥云县经办窗口 3号窗口（祥云县祥城镇政务服务中心一楼）"
NOTICE_PERSON = {key: SAMPLE_PERSON[key] for key in ("name", "id_type", "id_number", "sex")}
HYPERTENSION = {"code": "M03900", "name": "高血压病", "kind": "chronic", "kind_name": "门诊慢性病"}
DIABETES = {"code": "M01600", "name": "糖尿病", "kind": "chronic", "kind_name": "门诊慢性病"}

NOTICE_PAYLOAD = {
    "business": "门诊慢特病待遇认定申请：M03900 高血压病（门诊慢性病）",
    "person": NOTICE_PERSON,
    "agent": {"name": "杨建国", "id_number": "532923196001010419", "phone": "13908720000", "relationship": "父亲"},
    "application_date": "2026-03-10",
    "received": ["申请人身份证件", "代办人身份证件"],
    "missing": [
        "《门诊慢特病待遇认定申请表》（二级及以上定点医院主治及以上医师填写并盖章）",
        "近6个月内出具的诊断证明",
        "相关检查检验报告及病历资料（近一年内至少3次非同日血压测量记录）",
    ],
    "where": SAMPLE_OFFICE_PLACE,
    "office_phone": "0872-1234567",
    "office_hours": "周一至周五 8:30—12:00，14:30—18:00（法定节假日除外）",
    "note": "请在材料补齐后携带本告知书到上述窗口办理，补齐后即时受理，不需重复提交已收材料。",
    "bring_by": {"date": "2026-04-08", "working_days": 20, "provisional": False},
}

FILING_RECEIPT_PAYLOAD = {
    "person": NOTICE_PERSON,
    "agent": {"name": "杨建国", "id_number": "532923196001010419", "phone": "13908720000", "relationship": "父亲"},
    "disease": HYPERTENSION,
    "filing_id": 17,
    "application_date": "2026-03-02",
    "accepted_on": "2026-03-10",
    "received": [
        "身份证件或医保电子凭证",
        "《门诊慢特病待遇认定申请表》（二级及以上定点医院主治及以上医师填写并盖章）",
        "近6个月内出具的诊断证明",
        "相关检查检验报告及病历资料",
        "近一年内至少3次非同日血压测量记录",
    ],
    "where": SAMPLE_OFFICE_PLACE,
    "office_phone": "0872-1234567",
    "office_hours": "周一至周五 8:30—12:00，14:30—18:00（法定节假日除外）",
}

APPROVAL_PAYLOAD = {
    "person": NOTICE_PERSON,
    "personal_number": SAMPLE_PERSON["personal_number"],
    "disease": HYPERTENSION,
    "filing_id": 17,
    "application_date": "2026-03-02",
    "approved_on": "2026-03-10",
    "effective_from": "2026-03-10",
    "effective_to": "2027-03-09",
    "annual_cap": "1200.00",
    "rate_note": "政策范围内费用报销60%，全部慢性病合计年度限额3600.00元",
    "review_note": "认定有效期届满前30日内请携带相关材料到窗口办理年审。",
    "provisional": ["单病种年度限额", "认定有效期"],
    "pack_id": "dali-resident-2025",
    "pack_version": "2025.1",
}

REJECTION_PAYLOAD = {
    "person": NOTICE_PERSON,
    "personal_number": SAMPLE_PERSON["personal_number"],
    "disease": DIABETES,
    "filing_id": 18,
    "application_date": "2026-03-02",
    "decided_on": "2026-03-10",
    "reason": "诊断依据不足，不符合该病种认定标准：所附检验报告未见空腹血糖或糖化血红蛋白达到诊断标准的记录。",
    "appeal": {"working_days": 5, "where": "大理州医疗保障事业管理局 祥云县经办窗口 3号窗口", "phone": "0872-1234567"},
    "pack_id": "dali-resident-2025",
    "pack_version": "2025.1",
}

# The national fields' Chinese names, as the reimbursement service sends them with every payload.
NATIONAL_LABELS = {
    "medfee_sumamt": "医疗费用总额", "fulamt_ownpay_amt": "全自费金额", "preselfpay_amt": "乙类先行自付",
    "inscp_scp_amt": "政策范围内费用", "act_pay_dedc": "本次起付线", "hifp_pay": "基本医疗保险统筹基金支付",
    "hifmi_pay": "大病保险支付", "maf_pay": "医疗救助支付", "fund_pay_sumamt": "基金支付合计",
    "psn_part_amt": "个人负担",
}
STATEMENT_AMOUNTS = {
    "medfee_sumamt": "80000.00", "fulamt_ownpay_amt": "5000.00", "preselfpay_amt": "3000.00",
    "inscp_scp_amt": "72000.00", "act_pay_dedc": "700.00", "hifp_pay": "35650.00", "hifmi_pay": "15810.00",
    "maf_pay": "0.00", "fund_pay_sumamt": "51460.00", "psn_part_amt": "28540.00",
}
STATEMENT_NUMBER = "JS-20260310-0007"

# A Dali resident discharged from a level-3 hospital outside the pooling region (the worked
# example's second claim, first of the year): 50% after the 700.00 deductible, then 大病保险.
STATEMENT_PAYLOAD = {
    "settlement_id": 41,
    "person": NOTICE_PERSON,
    "personal_number": SAMPLE_PERSON["personal_number"],
    "scheme_name": "城乡居民基本医疗保险",
    "region_name": "大理白族自治州",
    "pack_id": "dali-resident-2025",
    "pack_version": "2025.1",
    "claim": {"date": "2026-03-01", "benefit": "inpatient", "benefit_name": "住院", "level": "level3",
              "level_name": "三级", "in_region": False, "disease_code": None, "disease_name": None,
              "procurement": False, "institution": "昆明医科大学第一附属医院", "invoice_number": "53012600000123",
              "admission_date": "2026-02-18"},
    "amounts": STATEMENT_AMOUNTS,
    "labels": NATIONAL_LABELS,
    "status": "ok",
    "status_text": "正常结算",
    "steps": [
        "政策范围内费用 = 总费用 80000.00 − 全自费 5000.00 − 乙类先行自付 3000.00 = 72000.00",
        "住院（三级医疗机构，统筹区外，比例降低10%）：起付线 700.00，报销比例 50%",
        "统筹基金：政策范围内费用 72000.00 − 起付线 700.00 = 71300.00 × 50% = 35650.00",
        "住院与门诊特殊病共用年度限额 100000.00，本年已用 0.00，剩余 100000.00",
        "基本医疗保险统筹基金支付 35650.00",
        "大病保险：本次政策范围内个人负担 36350.00 计入年度累计，累计 0.00 → 36350.00",
        "大病保险：分段计算 10000.00–36350.00 × 60%，合计 15810.00",
        "大病保险年度限额 300000.00，本年已用 0.00，剩余 300000.00",
        "个人负担 = 总费用 80000.00 − 基金支付合计 51460.00 = 28540.00",
    ],
    "caps_left": [
        {"name": "普通门诊（门诊统筹）年度限额", "cap": "500.00", "used": "0.00", "left": "500.00", "provisional": False},
        {"name": "住院与门诊特殊病年度限额", "cap": "100000.00", "used": "35650.00", "left": "64350.00",
         "provisional": False},
        {"name": "门诊特殊病年度起付线", "cap": "1200.00", "used": "0.00", "left": "1200.00", "provisional": False},
        {"name": "慢性病合计年度限额", "cap": "3600.00", "used": "0.00", "left": "3600.00", "provisional": False},
        {"name": "大病保险年度限额", "cap": "300000.00", "used": "15810.00", "left": "284190.00", "provisional": False},
        {"name": "大病保险累计计算基数", "cap": None, "used": "36350.00", "left": None, "provisional": False},
    ],
    "provisional": ["大病保险分段标准"],
}

# The same settlement reversed by a reviewer: a duplicate invoice.
REVERSAL_PAYLOAD = {
    "person": NOTICE_PERSON,
    "original_number": STATEMENT_NUMBER,
    "original_id": 41,
    "original_recorded_at": "2026-03-10T09:30:00",
    "original_operator": "李红梅",
    "service_date": "2026-03-01",
    "benefit_name": "住院",
    "amounts_reversed": {key: f"-{value}" if value != "0.00" else value for key, value in STATEMENT_AMOUNTS.items()},
    "labels": NATIONAL_LABELS,
    "reason": "发票重复报销：该住院发票已于异地就医直接结算，原结算作废",
    "reversed_on": "2026-03-10",
    "pack_id": "dali-resident-2025",
    "pack_version": "2025.1",
}

# A transfer into 大理州 from 昆明 within the province, applied for by the applicant's father,
# employees' medical insurance and the enterprise pension moving (as the transfer service stores
# it). Accepted in mid-December, so the 22nd working day falls in a year whose official holiday
# schedule is not yet published: the due date is provisional (暂定).
TRANSFER_FORM_DATA = {
    "direction": "in",
    "scope": "province",
    "applicant": {
        "name": "张伟", "sex": "男", "id_type": "居民身份证", "id_number": "530102198807151239",
        "phone": "13987654321", "household_place": "云南省昆明市五华区", "status": "流动就业",
        "address": "大理市下关镇建设路8号",
    },
    "agent": {"name": "张建国", "id_number": "530102196001021110", "phone": "13800001111", "relationship": "父母"},
    "out": {"region_code": "530100", "region_name": "云南省昆明市", "office": "昆明市医疗保险管理局",
            "phone": "0871-63100000", "address": "昆明市五华区人民中路1号"},
    "in": {"region_code": "532900", "region_name": "云南省大理白族自治州", "office": "大理州医疗保障事业管理局",
           "phone": "0872-2125000", "address": "云南省大理白族自治州大理市下关镇榆华路18号"},
    "former_personal_number": "53010012345678",
    "employee_medical": True,
    "pension": "enterprise_pension",
}
TRANSFER_PAYLOAD = {
    "query_number": "ZY-20261215-0001",
    "form": TRANSFER_FORM_DATA,
    "direction_name": "转入",
    "scope_name": "省内",
    "transferred": ["职工基本医疗保险", "企业职工基本养老保险"],
    "materials_received": ["居民身份证（原件或复印件）", "《基本养老保险关系转移接续联系函》"],
    "accepted_on": "2026-12-15",
    "due_date": "2027-01-15",
    "due_provisional": True,
    "working_days": 22,
    "office_phone": "0872-1234567",
    "office_hours": "周一至周五 8:30—12:00，14:30—18:00（法定节假日除外）",
}
TRANSFER_PRINTED_AT = datetime(2026, 12, 15, 10, 18)

SETTLEMENT_KEYS = ("medfee_sumamt", "fulamt_ownpay_amt", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay",
                   "hifmi_pay", "maf_pay", "fund_pay_sumamt", "psn_part_amt")


def _signed(count: int, amounts: dict, back: int, back_amounts: dict) -> dict:
    """Sample lines as the service gives them: the reversed line negative, the net line summed."""
    net = {key: f"{amounts[key] - back_amounts[key]:.2f}" for key in amounts}
    return {"positive": {"count": count, **{key: f"{value:.2f}" for key, value in amounts.items()}},
            "negative": {"count": -back, **{key: f"{-value:.2f}" if value else "0.00" for key, value in back_amounts.items()}},
            "net": {"count": count - back, **net}}


def _daily_figures(enrolled: int, cancelled: int, settled: int, reversed_: int) -> dict:
    enrolment = _signed(enrolled, {"individual": Decimal(400 * enrolled), "subsidy": Decimal(120),
                                   "payable": Decimal(400 * enrolled - 120)},
                        cancelled, {"individual": Decimal(400 * cancelled), "subsidy": Decimal(0),
                                    "payable": Decimal(400 * cancelled)})
    amounts = dict(zip(SETTLEMENT_KEYS, (15190, 510, 1000, 13680, 200, 10065, 0, 0, 10065, 5125), strict=False))
    back = dict(zip(SETTLEMENT_KEYS, (15000, 500, 1000, 13500, 200, 9975, 0, 0, 9975, 5025), strict=False))
    settlement = _signed(settled, {k: Decimal(v * settled) for k, v in amounts.items()}, reversed_,
                         {k: Decimal(v * reversed_) for k, v in back.items()})
    line = {"accepted": 1, "awaiting": 0, "completed": 1, "returned": 0, "pooled_fund": "8650.40",
            "personal_account": "3210.00"}
    empty = {"accepted": 0, "awaiting": 1, "completed": 0, "returned": 0, "pooled_fund": "0.00",
             "personal_account": "0.00"}
    total = {"accepted": 1, "awaiting": 1, "completed": 1, "returned": 0, "pooled_fund": "8650.40",
             "personal_account": "3210.00"}
    return {"enrolment": enrolment, "filing": {"accepted": 2, "awaiting": 1, "approved": 1, "rejected": 1, "terminated": 0},
            "settlement": settlement, "transfer": {"out": empty, "in": line, "total": total}}


DAILY_PAYLOAD = {
    "day": "2026-03-10", "scope": "office", "scope_name": "全部经办人", "prepared_by": "王建华",
    "prepared_at": "2026-03-10T17:35:00", "window": "3号窗口",
    "chain_head": {"entry": 1842, "hash": "9f3c1a77d2e04b58"},
    "vouchers": {"count": 23, "first": "CB-20260310-0001", "last": "JS-20260310-0009"},
    "totals": _daily_figures(6, 1, 4, 1),
    "operators": [
        {"id": 2, "name": "李红梅", "username": "clerk01", "role_name": "窗口经办员",
         "vouchers": {"count": 14, "first": "CB-20260310-0001", "last": "JS-20260310-0009"},
         "figures": _daily_figures(4, 0, 2, 0)},
        {"id": 3, "name": "王建华", "username": "review01", "role_name": "审核员",
         "vouchers": {"count": 9, "first": "RD-20260310-0001", "last": "CZ-20260310-0001"},
         "figures": _daily_figures(2, 1, 2, 1)},
    ],
}

IMPORT_LIST_PAYLOAD = {
    "file": "喜洲镇2027年度集中参保名单.xlsx", "sheet": "参保名单", "imported_at": "2026-11-05T16:18:02",
    "operator": "李红梅", "office": OFFICE_NAME, "years": [2027], "rows": 5, "enrolled": 3, "existing": 1, "refused": 1,
    "payable": "860.00", "stopped_after": None, "stop_reason": "", "listed_per_result": 200,
    "lists": {
        "已参保": {"count": 3, "rows": [
            {"row": 2, "name": "杨丽华", "id_number": "532923********0446", "note": "应缴 280.00 元，回执 CB-20261105-0001"},
            {"row": 3, "name": "段志强", "id_number": "532901********1213", "note": "应缴 400.00 元，回执 CB-20261105-0002"},
            {"row": 5, "name": "赵金花", "id_number": "532925********3428", "note": "应缴 180.00 元，回执 CB-20261105-0003"},
        ]},
        "已存在": {"count": 1, "rows": [
            {"row": 4, "name": "李国华", "id_number": "532923********2019",
             "note": "已于2026-10-12办理2027年度参保登记（登记序号 812）"},
        ]},
        "未导入": {"count": 1, "rows": [
            {"row": 6, "name": "", "id_number": "",
             "note": "证件号码是按“数字”格式存的（5.3292E+17）：Excel 会把18位号码变成科学计数（如5.329E+17），末位的X和最后几位"
                     "已经丢失，无法还原。请把“证件号码”列设置为“文本”格式，照证件重新录入该号码后再导入。"},
        ]},
    },
}


SAMPLES: dict[str, tuple[dict, VoucherMeta]] = {
    ENROLMENT_RECEIPT: (RECEIPT_PAYLOAD, sample_meta("CB-20260310-0007", "7KQ2-M9XD")),
    ENROLMENT_CERTIFICATE: (CERTIFICATE_PAYLOAD, sample_meta("PZ-20260310-0003", "H4TN-2WQ8")),
    ONE_TIME_NOTICE: (NOTICE_PAYLOAD, sample_meta("GZ-20260310-0002", "Q8RM-3VXK")),
    FILING_RECEIPT: (FILING_RECEIPT_PAYLOAD, sample_meta("SL-20260310-0001", "M6QJ-4TRB")),
    FILING_APPROVAL: (APPROVAL_PAYLOAD, sample_meta("RD-20260310-0005", "N2FW-7HJC")),
    FILING_REJECTION: (REJECTION_PAYLOAD, sample_meta("BRD-20260310-0001", "T5KD-9PLZ")),
    SETTLEMENT_STATEMENT: (STATEMENT_PAYLOAD, sample_meta(STATEMENT_NUMBER, "R6WB-4MZT")),
    REVERSAL_NOTICE: (REVERSAL_PAYLOAD, replace(sample_meta("CZ-20260310-0001", "D3XH-8KQV"), operator_name="王建华",
                                                printed_at=datetime(2026, 3, 10, 15, 20))),
    TRANSFER_FORM: (TRANSFER_PAYLOAD, replace(sample_meta("SQ-20261215-0001", "W7PC-5NHE"),
                                              printed_at=TRANSFER_PRINTED_AT)),
    TRANSFER_RECEIPT: (TRANSFER_PAYLOAD, replace(sample_meta("HZ-20261215-0001", "K9DT-6RFA"),
                                                 printed_at=TRANSFER_PRINTED_AT)),
    DAILY_REPORT: (DAILY_PAYLOAD, replace(sample_meta("RB-20260310-0001", "P4WK7-2QZNA"), operator_name="王建华",
                                          printed_at=datetime(2026, 3, 10, 17, 35))),
    IMPORT_LIST: (IMPORT_LIST_PAYLOAD, replace(sample_meta("DR-20261105-0001", "M3QX8-7TLBE"),
                                               printed_at=datetime(2026, 11, 5, 16, 20))),
}

# Document types that also print on A5 get an extra A5 sample; some get a reprint sample.
A5_SAMPLES = (ENROLMENT_RECEIPT, SETTLEMENT_STATEMENT, TRANSFER_RECEIPT, FILING_RECEIPT)
REPRINT_SAMPLES = (ENROLMENT_RECEIPT,)


def sample_variants() -> list[tuple[str, str, dict, VoucherMeta]]:
    """(file stem, doc_type, payload, meta) for every sample file."""
    variants = [(doc_type, doc_type, payload, meta) for doc_type, (payload, meta) in SAMPLES.items()]
    for doc_type in A5_SAMPLES:
        payload, meta = SAMPLES[doc_type]
        variants.append((f"{doc_type}-a5", doc_type, payload, replace(meta, paper="A5")))
    for doc_type in REPRINT_SAMPLES:
        payload, meta = SAMPLES[doc_type]
        reprint_meta = replace(meta, reprint=2, printed_at=datetime(2026, 3, 12, 15, 5))
        variants.append((f"{doc_type}-reprint", doc_type, payload, reprint_meta))
    return variants


def write_samples(directory: Path) -> list[Path]:
    """Render every sample into `directory` (created if missing); return the files written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, doc_type, payload, meta in sample_variants():
        path = directory / f"{stem}.pdf"
        path.write_bytes(render_voucher(doc_type, payload, meta))
        written.append(path)
    return written
