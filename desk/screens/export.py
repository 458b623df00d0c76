"""数据上报 (the export outbox, issue 14 item 2) as the administration page shows it: the batches with
their state and the platform's answers, the records waiting for the next batch, the records the
platform refused and why. One call per refresh: `export_screen`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desk.core.export_format import KIND_NAMES
from desk.core.idnumber import mask_id_number
from desk.services import export
from desk.services.context import Desk, Operator


@dataclass(frozen=True)
class BatchRow:
    seq: int
    created_at: str
    operator_name: str
    records: int
    state_name: str
    answers: str  # 接收 3 · 退回 1 · 待回执 2
    counts: str  # 参保人信息（登记及变更） 3、参保登记 2 …
    directory: str  # the whole path
    folder_name: str
    refused: bool


@dataclass(frozen=True)
class RefusedRow:
    seq: int
    kind_name: str
    rec_id: str
    person: str  # 杨丽华 532923198001011007
    code: str
    reason: str


@dataclass(frozen=True)
class ExportScreen:
    batches: tuple[BatchRow, ...]
    waiting_total: int
    waiting_text: str
    refused: tuple[RefusedRow, ...]
    summary: str
    folder: str  # where the last batch went ("" before the first)


def _counts(counts: dict[str, int]) -> str:
    return "、".join(f"{KIND_NAMES.get(kind, kind)} {count}" for kind, count in counts.items() if count) or "无"


def export_screen(desk: Desk, operator: Operator) -> ExportScreen:
    status = export.outbox_status(desk, operator)
    batches = tuple(BatchRow(
        line.seq, line.created_at.replace("T", " "), line.operator_name or "（系统）", line.records, line.state_name,
        f"接收 {line.accepted} · 退回 {line.refused} · 待回执 {line.unanswered}",
        _counts({kind: line.counts.get(kind, 0) for kind in KIND_NAMES}), line.directory, Path(line.directory).name,
        bool(line.refused))
        for line in status.batches)
    waiting = dict(status.waiting)
    if status.waiting_capped:
        text = "、".join(f"{KIND_NAMES.get(kind, kind)} {'10万以上' if count > export.WAITING_CAP else count}"
                        for kind, count in waiting.items() if count)
        waiting_text = f"待导出 10万条以上：{text}。"
    elif status.waiting_total:
        waiting_text = f"待导出 {status.waiting_total} 条：{_counts(waiting)}。"
    else:
        waiting_text = "没有待导出的记录：每条业务记录都已在某一批中导出。"
    refused = tuple(RefusedRow(row.seq, KIND_NAMES.get(row.kind, row.kind), row.rec_id,
                               f"{row.person_name} {mask_id_number(row.id_number)}" if row.person_name else "—", row.code or "—",
                               row.reason or "—") for row in status.refused)
    summary = (f"已导出 {len(batches)} 批；平台尚未回执的记录 {status.unanswered} 条；平台退回的记录 {len(refused)} 条。"
               if batches else "还没有导出过上报批次。")
    folder = export.default_folder(desk)
    return ExportScreen(batches, status.waiting_total, waiting_text, refused, summary, str(folder) if folder else "")
