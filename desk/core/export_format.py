"""The export outbox's format for the provincial platform (issue 14, item 2; docs/export.md): how a
stored row becomes one JSON line with the national interface's field names, the manifest and its
HMAC, the acknowledgement file's shape. Pure: the store hands rows in as dicts.

Amounts are strings with two decimals (from integer fen, never a float); dates ISO `YYYY-MM-DD`,
times ISO `YYYY-MM-DDTHH:MM:SS`. Every record carries `rec_id` (`kind:source id`, unique for ever)
and `kind`; a cancellation or reversal is its own record naming the original (`orig_rec_id`,
`orig_setl_id`), never an edit of one already exported.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from decimal import Decimal

from desk.core.person import ETHNICITIES

FORMAT = "desk-export-1"
ACK_FORMAT = "desk-export-ack-1"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Kind:
    key: str  # `kind` of every line, the file name without .jsonl, the prefix of rec_id
    name: str  # as the administration page names it


# the files of a batch, in the order a reader applies them: a record refers only to records of an
# earlier file or an earlier batch (a cancellation to its enrolment, a reversal to its settlement)
KINDS: tuple[Kind, ...] = (
    Kind("person_version", "参保人信息（登记及变更）"),
    Kind("enrolment", "参保登记"),
    Kind("enrolment_cancel", "参保登记作废"),
    Kind("filing_event", "慢特病申请及审核"),
    Kind("settlement", "报销结算"),
    Kind("settlement_reversal", "结算冲正"),
    Kind("transfer_event", "转移接续及其环节"),
)
KIND_NAMES = {kind.key: kind.name for kind in KINDS}

# national dictionary codes (as we read them; docs/export.md says which the platform should confirm)
CERT_TYPES = {"居民身份证": "01", "外国人永久居留身份证": "07", "出生医学证明": "26", "港澳台居民居住证": "90"}
GENDERS = {"男": "1", "女": "2"}
INSUTYPES = {"resident": "390", "employee": "310"}
MED_TYPES = {"general_outpatient": "11", "chronic_outpatient": "14", "special_outpatient": "14",
             "two_diseases": "14", "inpatient": "21"}
AMOUNTS = ("medfee_sumamt", "fulamt_ownpay_amt", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay",
           "hifmi_pay", "maf_pay", "fund_pay_sumamt", "psn_part_amt")


def amount(fen: int | None) -> str | None:
    """Integer fen as the platform's amount text: `1234.50`, `-80.00`."""
    if fen is None:
        return None
    return f"{Decimal(int(fen)).scaleb(-2):.2f}"


def rec_id(kind: str, source_id: int) -> str:
    return f"{kind}:{int(source_id)}"


def naty(ethnicity: str | None) -> str | None:
    """GB 3304 code of an ethnicity name (`白族` -> `14`)."""
    return f"{ETHNICITIES.index(ethnicity) + 1:02d}" if ethnicity in ETHNICITIES else None


def _loads(text: str | None, default):
    try:
        return json.loads(text) if text else default
    except (TypeError, ValueError):
        return default


def _common(kind: str, source_id: int, row: dict) -> dict:
    return {"rec_id": rec_id(kind, source_id), "kind": kind, "opter_name": row.get("operator_name"),
            "opt_time": row.get("at"), "window": row.get("window")}


def person_version(row: dict) -> dict:
    """A person's registration (version 1) or a change of details (a later version): the whole record
    as that version left it."""
    data = _loads(row["data_json"], {})
    return {**_common("person_version", row["id"], row), "psn_no": row["personal_number"], "version": row["version"],
            "psn_cert_type": CERT_TYPES.get(data.get("id_type"), "90"), "psn_cert_type_name": data.get("id_type"),
            "certno": data.get("id_number") or row["id_number"], "psn_name": data.get("name"),
            "gend": GENDERS.get(data.get("sex")), "brdy": data.get("birth_date"), "naty": naty(data.get("ethnicity")),
            "naty_name": data.get("ethnicity"), "tel": data.get("phone"), "hsreg_type": data.get("household_type"),
            "addr": data.get("address"), "township": data.get("township"), "village": data.get("village"),
            "psn_groups": _loads(data.get("groups_json"), data.get("groups") or [])}


def enrolment(row: dict) -> dict:
    return {**_common("enrolment", row["id"], row), "enrol_id": str(row["id"]), "psn_no": row["personal_number"],
            "certno": row["id_number"], "insutype": INSUTYPES.get(row["scheme"]), "insu_admdvs": row["region_code"],
            "insu_year": row["year"], "begndate": row["benefit_start"], "enddate": row["benefit_end"],
            "waiting_months": row["waiting_months"], "individual_amt": amount(row["individual_fen"]),
            "subsidy_amt": amount(row["subsidy_fen"]), "payable_amt": amount(row["payable_fen"]),
            "paid_on": row["paid_on"], "subsidy_group": row["subsidy_group"], "psn_groups": _loads(row["groups_json"], []),
            "origin": row["origin"], "pack_id": row["pack_id"], "pack_version": row["pack_version"]}


def enrolment_cancel(row: dict) -> dict:
    return {**_common("enrolment_cancel", row["id"], {**row, "at": row["cancelled_at"]}),
            "orig_rec_id": rec_id("enrolment", row["id"]), "enrol_id": str(row["id"]), "psn_no": row["personal_number"],
            "certno": row["id_number"], "insutype": INSUTYPES.get(row["scheme"]), "insu_admdvs": row["region_code"],
            "insu_year": row["year"], "cancel_date": str(row["cancelled_at"])[:10], "cancel_reason": row["cancel_reason"]}


def filing_event(row: dict) -> dict:
    detail = _loads(row["detail_json"], {})
    record = {**_common("filing_event", row["id"], row), "filing_id": str(row["filing_id"]),
              "psn_no": row["personal_number"], "certno": row["id_number"], "psn_name": row["person_name"],
              "opsp_dise_code": row["disease_code"], "opsp_dise_name": row["disease_name"], "dise_kind": row["kind"],
              "appy_date": row["application_date"], "event": row["action"], "from_state": row["from_state"],
              "to_state": row["to_state"]}
    if row["action"] == "approve":
        record.update(begndate=detail.get("effective_from"), enddate=detail.get("effective_to"))
    if row["action"] == "terminate":
        record["enddate"] = detail.get("on")
    if "reason" in detail:
        record["reason"] = detail["reason"]
    if "materials" in detail:
        record["materials"] = detail["materials"]
    return record


def settlement(row: dict) -> dict:
    """A settlement (`settlement`) or its reversal (`settlement_reversal`: negative amounts, `orig_setl_id`)."""
    kind = "settlement_reversal" if row["entry"] == "reversal" else "settlement"
    record = {**_common(kind, row["id"], {**row, "at": row["created_at"]}), "setl_id": str(row["id"]),
              "psn_no": row["personal_number"], "certno": row["id_number"],
              "insutype": INSUTYPES.get(row["scheme"]) if row["scheme"] else None, "insu_admdvs": row["region_code"],
              "enrol_id": str(row["enrolment_id"]) if row["enrolment_id"] is not None else None,
              "filing_id": str(row["filing_id"]) if row["filing_id"] is not None else None,
              "med_type": MED_TYPES.get(row["benefit"]), "benefit": row["benefit"], "level": row["level"],
              "opsp_dise_code": row["disease_code"], "setl_time": row["created_at"],
              "begndate": row["admission_date"] or row["service_date"], "enddate": row["service_date"],
              "fixmedins_name": row["institution_name"], "invoice_no": row["invoice_number"], "setl_status": row["status"],
              "pack_id": row["pack_id"], "pack_version": row["pack_version"]}
    record.update({name: amount(row[f"{name}_fen"]) for name in AMOUNTS})
    if kind == "settlement_reversal":
        record.update(orig_setl_id=str(row["reverses_id"]), orig_rec_id=rec_id("settlement", row["reverses_id"]),
                      reason=row["reason"])
    return record


def transfer_event(row: dict) -> dict:
    detail = _loads(row["detail_json"], {})
    record = {**_common("transfer_event", row["id"], row), "transfer_id": str(row["transfer_id"]),
              "query_no": row["query_number"], "psn_no": row["personal_number"], "certno": row["applicant_id_number"],
              "psn_name": row["applicant_name"], "direction": row["direction"], "scope": row["scope"],
              "out_admdvs": row["out_region_code"], "in_admdvs": row["in_region_code"], "event": row["action"],
              "from_state": row["from_state"], "to_state": row["to_state"]}
    if row["action"] == "apply":
        record["form"] = _loads(row["form_json"], {})
    for key in ("due_date", "reason", "materials", "pooled_fund", "personal_account", "old", "new"):
        if key in detail:
            record[key] = detail[key]
    return record


BUILDERS = {"person_version": person_version, "enrolment": enrolment, "enrolment_cancel": enrolment_cancel,
            "filing_event": filing_event, "settlement": settlement, "settlement_reversal": settlement,
            "transfer_event": transfer_event}


def line(record: dict) -> bytes:
    """One JSON Lines line: UTF-8, keys sorted, no spaces, ending in a newline."""
    return (json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def canonical_manifest(manifest: dict) -> bytes:
    """What the HMAC covers: the manifest without `hmac`, as UTF-8 JSON with sorted keys and no spaces."""
    body = {key: value for key, value in manifest.items() if key != "hmac"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def export_key(audit_key: bytes, installation_id: str) -> bytes:
    """The office's export key, derived from its audit key (the audit key itself never leaves desk)."""
    return hmac.new(audit_key, f"desk-export-key-1|{installation_id}".encode(), hashlib.sha256).digest()


def manifest_mac(key: bytes, manifest: dict) -> str:
    return hmac.new(key, canonical_manifest(manifest), hashlib.sha256).hexdigest()


def directory_name(installation_id: str, seq: int) -> str:
    return f"desk-{installation_id}-{seq:06d}"
