"""The audit log for the administrator: browse with filters, and export (Excel and PDF).
Nobody can edit it from the app."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desk.core import filing as filing_rules
from desk.core import transfer as transfer_rules
from desk.core.actions import action_name
from desk.core.diseases import KIND_NAMES
from desk.core.enrolment import ORIGIN_NAMES, SCHEME_NAMES
from desk.core.enrolment import STATUS_NAMES as ENROLMENT_STATUS_NAMES
from desk.core.errors import DeskError, ValidationError
from desk.core.export_format import KIND_NAMES as EXPORT_KIND_NAMES
from desk.core.records import RECORD_TYPES
from desk.core.reimbursement import BENEFIT_NAMES, LEVEL_NAMES, STATUS_TEXT
from desk.core.roles import ROLE_NAMES
from desk.core.standards import FULL
from desk.services.context import Desk, Operator
from desk.services.enrolment import PROVISIONAL_LABELS as PROVISIONAL_SECTION_NAMES
from desk.services.settings import SETTING_NAMES
from desk.store import audit as audit_store
from desk.store import audit_queries
from desk.vouchers.types import DOCUMENT_TYPES

PAGE = 200
HEADERS = ("序号", "时间", "操作员", "窗口", "操作", "操作代码", "记录类型", "记录编号", "变更内容")
EXCEL_ROWS = 1_048_576  # rows of one Excel sheet, its header included: the export goes on in a new sheet
CHUNK = 2000  # entries read from the store at a time by an export
PDF_ENTRIES = 20_000  # at most in one PDF (about 700 pages): reportlab keeps a document's pages until it is saved


@dataclass(frozen=True)
class AuditFilter:
    first: date | None = None
    last: date | None = None
    operator_name: str | None = None
    action_prefix: str | None = None
    record_id: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the log as the administrator browses it."""

    id: int
    at: str
    operator_name: str | None  # None: the system (a backup at start, a migration)
    window: str | None
    action: str
    record_type: str | None
    record_id: str | None
    detail_json: str


def _criteria(filters: AuditFilter) -> dict:
    if filters.first and filters.last and filters.last < filters.first:
        raise ValidationError.single("last", "order", "截止日期不能早于起始日期。")
    return {"since": filters.first.isoformat() if filters.first else None,
            "before": date.fromordinal(filters.last.toordinal() + 1).isoformat() if filters.last else None,
            "operator_name": filters.operator_name, "action_prefix": filters.action_prefix,
            "record_id": filters.record_id}


def _where(filters: AuditFilter) -> tuple[str, list]:
    """The WHERE clause and parameters of the filters (for counting the same entries)."""
    return audit_store.log_where(**_criteria(filters))


# what the entries' details and records are called on the page and in the exports
KEY_NAMES = {
    "username": "用户名", "role": "角色", "reason": "原因", "why": "原因", "failures": "连续失败次数",
    "locked_until": "锁定至", "rehashed": "密码哈希已升级", "file": "文件", "entries": "条数", "filters": "查询条件",
    "first": "起始日期", "last": "截止日期", "operator_name": "操作员", "action_prefix": "操作类别", "record_id": "记录编号",
    "copy_no": "份次", "voucher": "凭证", "vouchers": "凭证", "receipt": "收据", "notice": "告知书", "statement": "结算单",
    "new": "新内容", "old": "原值", "changed": "变更", "version": "版本", "from": "原", "to": "新", "on": "日期",
    "effective_to": "有效期至", "reverses": "冲正的结算", "enrolment": "参保登记", "filing": "申请", "missing": "缺少材料",
    "materials": "材料", "agent": "代办人", "amounts": "金额", "steps": "计算步骤数", "query_number": "查询号",
    "state": "状态", "due_date": "办结期限", "chain_head": "审计链头", "entry": "条目", "hash": "哈希", "bytes": "字节数",
    "previous_file_kept_at": "原数据库另存为", "sequences_raised": "凭证编号续接", "ids_continue_after": "记录编号续接",
    "by": "操作人", "years": "年度", "source": "来源", "pack": "政策包", "year": "年度", "individual": "个人缴费",
    "subsidies": "补助", "document": "文件依据", "day": "日期", "scope": "范围", "at": "位置",
    "id": "编号", "id_type": "证件类型", "id_number": "证件号码", "personal_number": "个人编号", "name": "姓名",
    "sex": "性别", "birth_date": "出生日期", "native_region": "籍贯", "ethnicity": "民族", "phone": "电话",
    "household_type": "户籍类型", "address": "地址", "township": "乡镇", "village": "村（社区）", "groups_json": "人员类别",
    "created_at": "创建时间", "updated_at": "修改时间", "person_id": "人员", "scheme": "险种", "region_code": "地区代码",
    "pack_id": "政策包", "pack_version": "政策包版本", "subsidy_group": "补助类别", "individual_fen": "个人缴费（分）",
    "subsidy_fen": "补助（分）", "payable_fen": "应缴（分）", "paid_on": "缴费日期", "benefit_start": "待遇起始",
    "benefit_end": "待遇截止", "waiting_months": "等待期（月）", "start_reason": "起始原因", "provisional_json": "暂定项",
    "origin": "来源", "status": "状态", "operator_id": "操作员", "window": "窗口", "cancelled_at": "作废时间",
    "cancelled_by": "作废人", "cancel_reason": "作废原因", "disease_code": "病种代码", "disease_name": "病种",
    "kind": "类别", "application_date": "申请日期", "materials_json": "材料", "agent_json": "代办人",
    "accepted_by": "受理人", "accepted_at": "受理时间", "decided_by": "审核人", "decided_at": "审核时间",
    "effective_from": "有效期起", "terminated_on": "终止日期",
    "medfee_sumamt": "医疗费用总额", "fulamt_ownpay_amt": "全自费金额", "preselfpay_amt": "乙类先行自付",
    "inscp_scp_amt": "政策范围内费用", "act_pay_dedc": "本次起付线", "hifp_pay": "基本医疗保险统筹基金支付",
    "hifmi_pay": "大病保险支付", "maf_pay": "医疗救助支付", "fund_pay_sumamt": "基金支付合计", "psn_part_amt": "个人负担",
}
VALUE_NAMES = {"unknown user": "用户名不存在", "wrong password": "密码错误", "locked": "账户已锁定",
               "disabled": "账户已停用", "screen lock": "锁屏界面", "clerk": "窗口经办员", "reviewer": "审核员",
               "admin": "管理员", FULL: "全额"}
# a coded value is named by the key it stands under (a row's scheme, status, state, ...), from the
# registries the tabs and papers use; a code no table knows is shown as it is
VALUES_BY_KEY: dict[str, dict[str, str]] = {
    "scheme": SCHEME_NAMES, "origin": ORIGIN_NAMES,
    "status": {**ENROLMENT_STATUS_NAMES, **STATUS_TEXT, "ok": "正常结算", "confirmed": "已确认", "provisional": "暂定"},
    "state": {**filing_rules.STATE_NAMES, **transfer_rules.STATE_NAMES}, "from": {**filing_rules.STATE_NAMES, **transfer_rules.STATE_NAMES},
    "to": {**filing_rules.STATE_NAMES, **transfer_rules.STATE_NAMES}, "kind": KIND_NAMES, "benefit": BENEFIT_NAMES,
    "level": LEVEL_NAMES, "entry": {"settlement": "结算", "reversal": "冲正"}, "direction": transfer_rules.DIRECTIONS,
    "scope": transfer_rules.SCOPES, "role": ROLE_NAMES, "doc_type": {key: kind.name for key, kind in DOCUMENT_TYPES.items()},
    "provisional_json": PROVISIONAL_SECTION_NAMES, "provisional": PROVISIONAL_SECTION_NAMES,
    "materials": {item.key: item.name for item in transfer_rules.required_materials("national", "resident_pension")},
}
KEY_NAMES.update(SETTING_NAMES)
KEY_NAMES.update({"personal_account": "个人账户", "pooled_fund": "统筹基金", "materials_received": "已收材料"})
KEY_NAMES.update({"directory": "文件夹", "records": "记录数", "counts": "各类记录数", "audit_first": "起始审计条目",
                  "audit_last": "截止审计条目", "manifest_sha256": "清单校验值", "sha256": "文件校验值", "accepted": "接收",
                  "refused": "退回", "already": "此前已登记", "installation": "安装编号", **EXPORT_KIND_NAMES})


def pack_value_names(desk: Desk) -> dict[str, dict[str, str]]:
    """The names the office's packs give their codes: a filing's materials, the subsidy groups (an
    entered standard's amounts stand under the group codes)."""
    materials: dict[str, str] = {}
    groups: dict[str, str] = {}
    for pack in desk.packs.packs.values():
        if pack.has("materials"):
            materials.update({item["key"]: item["name"] for item in pack.section("materials")["items"]})
        if pack.has("subsidies"):
            groups.update({group["code"]: group["name"] for group in pack.section("subsidies")["groups"]})
    return {"materials": materials, "groups": groups}
RECORD_NAMES = {kind.key: kind.name for kind in RECORD_TYPES.values()} | {
    "voucher": "凭证", "backup": "备份", "settings": "设置", "keys": "密钥", "audit_log": "审计日志",
    "holiday_schedule": "节假日安排"}
DETAIL_CHARACTERS = 2000  # the longest detail text on the page or in an export


class ExportCancelled(DeskError):
    """The administrator pressed 取消: no file is left and nothing is audited."""


def _pairs(detail: dict) -> list[tuple[str, object]]:
    """The keys to show, single values before nested ones (a receipt's number before the row it wrote)."""
    shown = [(k, v) for k, v in detail.items() if not str(k).startswith("_")]  # _seal: for desk check
    return sorted(shown, key=lambda pair: isinstance(pair[1], dict | list))


def _key_name(key: str, within: str, names: dict) -> str:
    if within == "subsidies":  # an entered standard's amount per subsidy group
        return names.get("groups", {}).get(key, KEY_NAMES.get(key, key))
    return KEY_NAMES.get(key, key)


def _value_text(value, key: str = "", names: dict | None = None) -> str:
    names = names or {}
    if isinstance(value, dict):
        return "（" + "，".join(f"{_key_name(k, key, names)}：{_value_text(v, k, names)}" for k, v in _pairs(value)) + "）" \
            if value else "无"
    if isinstance(value, list):
        return "、".join(_value_text(v, key, names) for v in value) if value else "无"
    if value is None or value == "":
        return "无"
    if value is True or value is False:
        return "是" if value else "否"
    if isinstance(value, str) and value[:1] in "[{":  # a JSON column of a row (groups_json, materials_json)
        try:
            return _value_text(json.loads(value), key, names)
        except ValueError:
            return value
    if isinstance(value, str):
        if key in ("materials", "materials_json", "missing", "materials_received"):
            return names.get("materials", {}).get(value) or VALUES_BY_KEY["materials"].get(value, value)
        return VALUES_BY_KEY.get(key, {}).get(value) or VALUE_NAMES.get(value, value)
    return str(value)


def detail_text(detail_json: str, names: dict | None = None) -> str:
    """An entry's detail as a clerk reads it: 连续失败次数：3；原因：账户已锁定 (not JSON; "" when empty)."""
    try:
        detail = json.loads(detail_json)
    except (TypeError, ValueError):
        return str(detail_json or "")[:DETAIL_CHARACTERS]
    if isinstance(detail, dict):
        text = "；".join(f"{KEY_NAMES.get(k, k)}：{_value_text(v, k, names)}" for k, v in _pairs(detail))
    else:
        text = "" if detail in (None, "", [], {}) else _value_text(detail, "", names)
    return text if len(text) <= DETAIL_CHARACTERS else text[:DETAIL_CHARACTERS - 1] + "…"


def record_type_name(record_type: str | None) -> str:
    return "" if not record_type else RECORD_NAMES.get(record_type, record_type)


def entries(desk: Desk, admin: Operator, filters: AuditFilter = AuditFilter(), *, limit: int = PAGE,
            offset: int = 0, below: int | None = None) -> list[AuditEntry]:
    """One page of the filtered log, newest first: `offset` entries skipped, or (keyset, as fast for
    any page) the entries numbered below `below`."""
    admin.require("admin.audit")
    rows = audit_store.log_entries(desk.db, newest_first=True, limit=limit, offset=offset, below=below,
                                   **_criteria(filters))
    return [AuditEntry(**row) for row in rows]


Progress = Callable[[int, int], bool]  # (exported so far, total) -> False to stop


def _selected(desk: Desk, admin: Operator, filters: AuditFilter) -> tuple[int, int, dict]:
    """(the newest entry an export takes, how many it selects, the store's criteria): entries
    written while the export runs (its own included) are left out."""
    admin.require("admin.audit")
    criteria = _criteria(filters)
    up_to = audit_store.last_entry_id(desk.db)
    where, params = audit_store.log_where(**criteria)
    where += (" AND" if where else " WHERE") + " id <= ?"
    return up_to, audit_queries.count_entries(desk.db, where, [*params, up_to]), criteria


def _rows(desk: Desk, up_to: int, criteria: dict, total: int, progress: Progress | None) -> Iterator[tuple]:
    """The selected entries as export rows, oldest first, read a chunk at a time; `progress` is
    told after every chunk and stops the export by answering False."""
    done = 0
    names = pack_value_names(desk)
    if progress is not None and progress(0, total) is False:
        raise ExportCancelled("已取消导出，没有生成文件。")
    for chunk in audit_store.log_chunks(desk.db, up_to=up_to, chunk=CHUNK, **criteria):
        for row in chunk:
            yield (row["id"], str(row["at"]).replace("T", " "), row["operator_name"] or "（系统）", row["window"] or "",
                   action_name(row["action"]), row["action"], record_type_name(row["record_type"]),
                   row["record_id"] or "", detail_text(row["detail_json"], names))
        done += len(chunk)
        if progress is not None and progress(done, total) is False:
            raise ExportCancelled("已取消导出，没有生成文件。")


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".part")


def _finish(partial: Path, path: Path) -> None:
    os.replace(partial, path)


def _discard(book) -> None:
    """A write-only workbook given up half-way: its sheets' temporary files closed and removed."""
    for sheet in book.worksheets:
        try:
            sheet.close()
            os.remove(sheet._writer.out)  # openpyxl keeps each sheet in a temporary file
        except (AttributeError, OSError, ValueError, TypeError):
            pass


def export_xlsx(desk: Desk, admin: Operator, filters: AuditFilter, path: Path, *, progress: Progress | None = None,
                sheet_rows: int = EXCEL_ROWS) -> int:
    """The filtered log into an Excel workbook, oldest first, streamed (openpyxl's write-only
    workbook, the store read a chunk at a time): a sheet holds `sheet_rows` rows with its header,
    the next entries go on in 审计日志 (2), (3), ... Written beside `path` and renamed when whole."""
    from openpyxl import Workbook

    path = Path(path)
    up_to, total, criteria = _selected(desk, admin, filters)
    book = Workbook(write_only=True)
    sheet, used, sheets = None, sheet_rows, 0
    try:
        for row in _rows(desk, up_to, criteria, total, progress):
            if used >= sheet_rows:
                sheets += 1
                sheet = book.create_sheet("审计日志" if sheets == 1 else f"审计日志 ({sheets})")
                sheet.append(list(HEADERS))
                used = 1
            sheet.append(list(row))
            used += 1
    except BaseException:
        _discard(book)
        raise
    if sheet is None:
        book.create_sheet("审计日志").append(list(HEADERS))
    partial = _partial(path)
    try:
        book.save(partial)
        _finish(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    _record_export(desk, admin, filters, path, total)
    return total


def export_pdf(desk: Desk, admin: Operator, filters: AuditFilter, path: Path, *, progress: Progress | None = None) -> int:
    """The filtered log as a PDF report, oldest first, drawn a chunk of rows at a time into the file;
    more than PDF_ENTRIES entries are refused (the document's pages stay in memory until it is
    saved: about 1.4 KB an entry), naming the date fields."""
    from desk.vouchers.audit_report import write_audit_report

    path = Path(path)
    up_to, total, criteria = _selected(desk, admin, filters)
    if total > PDF_ENTRIES:
        raise ValidationError.single("first", "too_many", (
            f"PDF 最多导出 {PDF_ENTRIES} 条，这些条件选中了 {total} 条：请缩小起始日期到截止日期的范围（或选定操作员、"
            "操作类别），或者导出 Excel（不限条数）。"))
    partial = _partial(path)
    try:
        with open(partial, "wb") as out:
            write_audit_report(out, desk.setting("office_name"), admin.display_name, desk.now(), total,
                               _rows(desk, up_to, criteria, total, progress))
        _finish(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    _record_export(desk, admin, filters, path, total)
    return total


def _record_export(desk: Desk, admin: Operator, filters: AuditFilter, path: Path, count: int) -> None:
    with desk.transaction():
        desk.audit(admin, "audit.export", "audit_log", None, {"file": Path(path).name, "entries": count,
                                                              "filters": {k: str(v) for k, v in filters.__dict__.items() if v}})
