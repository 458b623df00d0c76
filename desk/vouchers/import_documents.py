"""导入清单: the summary paper of one 集中参保 import, for the office's file (issue 14, item 1).

The counts, then the rows per result (已参保, 已存在, 未导入) with their row numbers in the list; a
big import names the first rows of each result and points to the Excel report, which has every row.
Signed by the clerk and the reviewer and stamped by the office.
"""

from __future__ import annotations

from desk.vouchers.common import SEAL_PLACEHOLDER, chinese_date, verification_note, yuan
from desk.vouchers.model import Field, Section, Table, VoucherDoc, VoucherMeta
from desk.vouchers.types import title

IMPORT_LIST = "import_list"
RESULT_ORDER = ("已参保", "已存在", "未导入")
ROW_COLUMNS = ("行号", "姓名", "证件号码", "说明")
NOTE_CHARACTERS = 32  # a reason on the paper: its first sentence, at most this long (the Excel report has it whole)


def build_import_list(payload: dict, meta: VoucherMeta) -> VoucherDoc:
    day = payload["imported_at"][:10]
    return VoucherDoc(
        doc_type=IMPORT_LIST,
        title=title(IMPORT_LIST),
        meta=meta,
        sections=(Section("导入情况", summary_fields(payload)), *result_sections(payload)),
        notes=(f"每一行的结果和原因见导入结果表（Excel，与名单“{payload['file']}”逐行对应）。",
               "未导入的行改正后可重新导入同一文件：已参保的人会显示为“已存在”，不会重复登记。",
               verification_note(meta)),
        signature_lines=("经办人（签字）", "复核人（签字）"),
        closing=(f"导入日期：{chinese_date(day)}", SEAL_PLACEHOLDER),
    )


def summary_fields(payload: dict) -> tuple[Field, ...]:
    years = "、".join(f"{year}年度" for year in payload.get("years") or ()) or "—"
    state = payload.get("stop_reason") or "全部行已处理"
    return (
        Field("名单文件", payload["file"]),
        Field("工作表", payload.get("sheet") or ""),
        Field("导入时间", payload["imported_at"].replace("T", " ")),
        Field("经办人", payload["operator"]),
        Field("待遇年度", years),
        Field("名单行数", f"{payload['rows']} 行"),
        Field("已参保（本次登记）", f"{payload['enrolled']} 人"),
        Field("已存在（此前已登记）", f"{payload['existing']} 人"),
        Field("未导入", f"{payload['refused']} 行"),
        Field("本次应缴合计", yuan(payload["payable"])),
        Field("导入状态", state),
    )


def result_sections(payload: dict) -> tuple[Section, ...]:
    sections = []
    for name in RESULT_ORDER:
        part = payload["lists"][name]
        heading = f"{name}（{part['count']} 行）"
        if not part["count"]:
            sections.append(Section(heading, paragraphs=("无。",)))
            continue
        rows = tuple((f"{row['row']}", row["name"] or "—", row["id_number"] or "—", short_note(row["note"])) for row in part["rows"])
        more = part["count"] - len(part["rows"])
        paragraphs = (f"以上为前 {len(part['rows'])} 行，其余 {more} 行见导入结果表（Excel）。",) if more > 0 else ()
        sections.append(Section(heading, table=Table(ROW_COLUMNS, rows), paragraphs=paragraphs))
    return tuple(sections)


def short_note(note: str) -> str:
    """The first sentence of a reason (up to its first 。 or ：), at most NOTE_CHARACTERS long."""
    cut = min((index for index in (note.find("。"), note.find("：")) if index > 0), default=len(note))
    text = note[:cut]
    return text if len(text) <= NOTE_CHARACTERS else text[:NOTE_CHARACTERS - 1] + "…"
