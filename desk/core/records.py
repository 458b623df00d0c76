"""The one registry of business record types: what the audit log and the vouchers call a record
(`record_type`), the table that holds it, its name in a check report, and the columns its row seal
leaves out (desk.store.seals). A new business adds its record type here, once.

Pure data: the store reads the tables from it, `desk check` the names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordType:
    key: str  # record_type in audit_log and vouchers
    table: str
    name: str  # as a check report names it
    unsealed: tuple[str, ...] = ()  # columns that change without being business facts
    papers: bool = True  # vouchers may be issued for it (desk.store.vouchers.business_record)
    # columns a later migration added: left out of the seal while NULL, so a row sealed before keeps its seal
    added_later: tuple[str, ...] = ()


RECORD_TYPES: dict[str, RecordType] = {
    kind.key: kind
    for kind in (
        RecordType("person", "persons", "参保人"),
        RecordType("enrolment", "enrolments", "参保登记"),
        RecordType("filing", "filings", "慢特病申请"),
        RecordType("settlement", "settlements", "结算", added_later=("institution_name", "invoice_number", "admission_date")),
        RecordType("transfer", "transfers", "转移接续"),
        # an operator's failed-login counter and lock change at every wrong password: not sealed
        RecordType("operator", "operators", "操作员", unsealed=("failed_attempts", "locked_until"), papers=False),
        RecordType("annual_standard", "annual_standards", "年度缴费标准", papers=False),
        RecordType("export_batch", "export_batches", "上报批次", papers=False),
    )
}
