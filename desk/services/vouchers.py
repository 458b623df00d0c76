"""Vouchers: numbers assigned inside the business transaction, HMAC verification codes,
rendering and reprinting (补打), and verification of a paper a citizen brings back."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from desk.core import inputs
from desk.core.errors import NotFound, ValidationError
from desk.core.money import to_fen
from desk.services.context import Desk, Operator
from desk.store import vouchers as store
from desk.store.audit import canonical_json
from desk.vouchers import types as document_types


@dataclass(frozen=True)
class IssuedVoucher:
    number: str
    code: str
    doc_type: str


@dataclass(frozen=True)
class Paper:
    """A voucher issued for a record, as the tabs list it."""

    number: str
    doc_type: str
    title: str  # the type's short name
    created_at: str  # ISO timestamp
    prints: int  # times printed so far (the original and every 补打)


@dataclass(frozen=True)
class Verification:
    genuine: bool
    number: str
    message: str
    doc_type: str | None = None
    title: str | None = None
    created_at: str | None = None
    operator_name: str | None = None
    payload: dict | None = None
    prints: int = 0

    def as_json(self) -> dict:
        return {
            "genuine": self.genuine,
            "number": self.number,
            "message": self.message,
            "document": self.title,
            "issued_at": self.created_at,
            "operator": self.operator_name,
            "prints": self.prints,
            "content": self.payload,
        }


def verification_code(secret: str, number: str, doc_type: str, payload: dict) -> str:
    """10 characters of base32 from HMAC-SHA256 over the number, type and essential fields, as XXXXX-XXXXX."""
    material = canonical_json({"number": number, "doc_type": doc_type, "payload": payload}).encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), material, hashlib.sha256).digest()
    text = base64.b32encode(digest).decode("ascii")[:10]
    return f"{text[:5]}-{text[5:]}"


def _secret(desk: Desk) -> str:
    """The key of new vouchers' codes: kept outside the database (desk/services/keys.py)."""
    return desk.keys.voucher_key


def _secret_of(desk: Desk, row: dict) -> str:
    """The key a voucher was issued with: an older desk's stored secret for papers issued before the
    key file existed, else the key file's."""
    keys = desk.keys
    if keys.legacy_voucher_secret and row["created_at"] < keys.created_at:
        return keys.legacy_voucher_secret
    return keys.voucher_key


def issue(desk: Desk, operator: Operator, *, doc_type: str, record_type: str, record_id: int, payload: dict) -> IssuedVoucher:
    """Assign the number and code and keep the payload; call inside the business transaction."""
    day = desk.today().strftime("%Y%m%d")
    prefix = document_types.document_type(doc_type).prefix
    sequence = store.next_sequence(desk.db, prefix, day)
    number = f"{prefix}-{day}-{sequence:04d}"
    code = verification_code(_secret(desk), number, doc_type, payload)
    store.insert_voucher(
        desk.db,
        {
            "number": number,
            "doc_type": doc_type,
            "record_type": record_type,
            "record_id": record_id,
            "payload_json": canonical_json(payload),
            "code": code,
            "operator_id": operator.id,
            "operator_name": operator.display_name,
            "window": desk.setting("window"),
            "created_at": desk.timestamp(),
        },
    )
    return IssuedVoucher(number, code, doc_type)


def _voucher(desk: Desk, number: str) -> dict:
    row = store.voucher_by_number(desk.db, inputs.text(number, "number", "凭证编号").upper())
    if row is None:
        raise NotFound(f"没有编号为 {number} 的凭证，请核对编号。", field="number")
    return row


def _meta(desk: Desk, row: dict, reprint: int, printed_at: datetime):
    from desk.vouchers.model import VoucherMeta

    return VoucherMeta(
        number=row["number"],
        code=row["code"],
        office_name=desk.setting("office_name"),
        window=row["window"] or desk.setting("window"),
        operator_name=row["operator_name"],
        printed_at=printed_at,
        reprint=reprint,
        paper=desk.setting("paper"),
        office_phone=desk.setting("office_phone"),
        office_hours=desk.setting("office_hours"),
    )


def prepare() -> None:
    """Load the paper renderers and register the CJK font before the first paper is opened (about
    0.25 s the first time, about 30 ms later): the GUI calls it in a thread after the login, so
    the first preview does not hold the UI thread that long."""
    from desk.vouchers.documents import render_voucher
    from desk.vouchers.samples import SAMPLES

    payload, meta = SAMPLES["enrolment_receipt"]  # one paper drawn: the font, the QR code, the layout loaded
    render_voucher("enrolment_receipt", payload, meta)


def render(desk: Desk, number: str, *, copy_no: int | None = None) -> bytes:
    """The PDF of a voucher. copy_no 0 is the original; n > 0 prints as the n-th 补打.
    Without copy_no, the copy the next print will be (preview before printing)."""
    from desk.vouchers.documents import render_voucher

    row = _voucher(desk, number)
    if copy_no is None:
        copy_no = store.print_count(desk.db, row["id"])
    return render_voucher(row["doc_type"], json.loads(row["payload_json"]), _meta(desk, row, copy_no, desk.now()))


def _require_print(operator: Operator, doc_type: str) -> None:
    permissions = document_types.print_permissions(doc_type)
    if not any(operator.can(permission) for permission in permissions):
        operator.require(permissions[0])


def may_print(desk: Desk, operator: Operator, number: str) -> bool:
    """Whether the operator may print this voucher (the preview shows its 打印 button then)."""
    row = store.voucher_by_number(desk.db, (number or "").upper())
    permissions = document_types.print_permissions(row["doc_type"] if row else "")
    return any(operator.can(permission) for permission in permissions)


def record_print(desk: Desk, operator: Operator, number: str) -> int:
    """Count one print (the first is the original, every later one a reprint); returns its copy number."""
    with desk.transaction():
        row = _voucher(desk, number)
        _require_print(operator, row["doc_type"])
        copy_no = store.record_print(desk.db, row["id"], at=desk.timestamp(), operator_id=operator.id)
        action = "voucher.print" if copy_no == 0 else "voucher.reprint"
        desk.audit(operator, action, "voucher", row["number"], {"copy_no": copy_no})
    return copy_no


def print_copy(desk: Desk, operator: Operator, number: str) -> tuple[int, bytes]:
    """Record a print and render exactly that copy."""
    copy_no = record_print(desk, operator, number)
    return copy_no, render(desk, number, copy_no=copy_no)


def times_printed(desk: Desk, number: str) -> int:
    """How often the voucher was printed: the copy number its next print gets (0 for a number not held here)."""
    row = store.voucher_by_number(desk.db, (number or "").strip().upper())
    return store.print_count(desk.db, row["id"]) if row else 0


def vouchers_of(desk: Desk, record_type: str, record_id: int) -> list[Paper]:
    """The papers issued for one business record, in the order they were issued."""
    return [
        Paper(row["number"], row["doc_type"], document_types.name(row["doc_type"]), row["created_at"],
              store.print_count(desk.db, row["id"]))
        for row in store.vouchers_for(desk.db, record_type, record_id)
    ]


def parse_scan(text: str) -> tuple[str, str]:
    """What a QR scanner types: 'NUMBER|CODE'."""
    value = inputs.text(text, "scan", "扫描内容")
    if "|" not in value:
        raise ValidationError.single("scan", "format", "扫描内容应为“凭证编号|核验码”，请重新扫描或手工输入。")
    number, code = value.split("|", 1)
    return number.strip(), code.strip()


def _normal_code(code: str) -> str:
    """A code as typed: lower case, without the hyphen, with spaces or full-width letters, is the same code."""
    text = unicodedata.normalize("NFKC", code).upper()
    text = "".join(ch for ch in text if ch.isascii() and ch.isalnum())
    return f"{text[:5]}-{text[5:]}" if len(text) == 10 else text


def verify(desk: Desk, number: str, code: str) -> Verification:
    """Is the paper genuine: the number is ours, the code matches its contents, and the business record
    it speaks of exists and still says the same; the answer says when it was since reversed, cancelled
    or terminated."""
    number = unicodedata.normalize("NFKC", inputs.text(number, "number", "凭证编号")).upper().replace(" ", "")
    code = inputs.text(code, "code", "核验码")
    row = store.voucher_by_number(desk.db, number)
    if row is None:
        return Verification(False, number, _missing_message(desk, number))
    payload = json.loads(row["payload_json"])
    expected = verification_code(_secret_of(desk, row), row["number"], row["doc_type"], payload)
    given = _normal_code(code)
    if not hmac.compare_digest(given, expected) or row["code"] != expected:
        return Verification(False, number, "核验码不符：此凭证可能被涂改或伪造，请以系统记录为准。", row["doc_type"])
    title = document_types.name(row["doc_type"])
    ledger = ledger_check(desk, row, payload)
    if ledger.mismatch:
        return Verification(False, number, f"{title}与系统业务记录不符：{ledger.mismatch}请以系统记录为准。", row["doc_type"],
                            title)
    message = f"真实有效：{title}，{row['created_at'][:10]} 由{row['operator_name']}出具。"
    if ledger.since:
        message += ledger.since
    return Verification(
        True,
        number,
        message,
        row["doc_type"],
        title,
        row["created_at"],
        row["operator_name"],
        payload,
        store.print_count(desk.db, row["id"]),
    )


def _missing_message(desk: Desk, number: str) -> str:
    """No voucher of this number here. If the number was issued all the same, the paper predates a
    restore from a backup: it is in the file kept aside, and the citizen's paper is not a forgery."""
    restore = store.latest_restore(desk.db) if store.number_was_issued(desk.db, number) else None
    if restore is not None:
        aside = json.loads(restore["detail_json"]).get("previous_file_kept_at") or "恢复前另存的文件"
        return (f"编号 {number} 已由本窗口出具，但本数据库已于 {restore['at'][:10]} 从备份恢复，恢复后的数据库中没有这张凭证："
                f"它记载的业务在恢复前另存的文件（{aside}）中。请不要当作伪造处理，请管理员在该文件中核对并补办。")
    return f"本系统没有编号为 {number} 的凭证：此凭证不是本窗口出具的，或编号有误。"


@dataclass(frozen=True)
class LedgerCheck:
    mismatch: str = ""  # the paper and the record disagree (or the record does not exist)
    since: str = ""  # what happened to the record after the paper was issued


def ledger_check(desk: Desk, voucher: dict, payload: dict) -> LedgerCheck:
    """The paper against the business record it was issued for."""
    record_type, record_id = voucher["record_type"], voucher["record_id"]
    if record_type not in store.RECORD_TABLES:
        return LedgerCheck()
    record = store.business_record(desk.db, record_type, record_id)
    if record is None:
        return LedgerCheck(mismatch=f"凭证所记的业务记录（{record_type} {record_id}）在系统中不存在。")
    if record_type == "enrolment":
        enrolment = payload.get("enrolment") or {}
        if "payable" in enrolment and (_fen(enrolment["payable"]) != record["payable_fen"]
                                       or enrolment.get("year") != record["year"]):
            return LedgerCheck(mismatch="参保登记的年度或应缴金额与凭证不同。")
        if record["status"] == "cancelled":
            return LedgerCheck(since=f"但该参保登记已于 {str(record['cancelled_at'])[:10]} 作废"
                                     f"（原因：{record['cancel_reason']}），不再有效。")
    elif record_type == "settlement":
        for name, text in (payload.get("amounts") or {}).items():
            if f"{name}_fen" in record and _fen(text) != record[f"{name}_fen"]:
                return LedgerCheck(mismatch="结算金额与凭证不同。")
        reversal = store.reversal_of(desk.db, record["id"])
        if record["entry"] == "settlement" and reversal is not None:
            return LedgerCheck(since=f"但该笔结算已于 {str(reversal['created_at'])[:10]} 冲正（冲正记录 {reversal['id']}），"
                                     "不再有效。")
    elif record_type == "filing" and record["state"] == "terminated" and voucher["doc_type"] == "filing_approval":
        return LedgerCheck(since=f"但该认定已终止（{record['terminated_on'] or ''}起，原因：{record['reason'] or ''}），"
                                 "不再有效。")
    elif record_type == "transfer" and record["state"] == "returned":
        return LedgerCheck(since="但该转移接续申请已被退回。")
    return LedgerCheck()


def _fen(text) -> int | None:
    try:
        return to_fen(Decimal(str(text)))
    except (InvalidOperation, ValueError):
        return None


def code_problems(desk: Desk) -> list[str]:
    """`desk check`: vouchers whose code no longer matches their contents, or that no audit entry names."""
    named = store.voucher_numbers_in_audit(desk.db)
    problems = []
    for row in store.all_vouchers(desk.db):
        payload = json.loads(row["payload_json"])
        if verification_code(_secret_of(desk, row), row["number"], row["doc_type"], payload) != row["code"]:
            problems.append(f"凭证 {row['number']} 的内容与其核验码不符：凭证记录被改动过。")
        elif row["number"] not in named:
            problems.append(f"凭证 {row['number']} 没有任何审计记录提到：可能是绕过程序直接写入的。")
    return problems
